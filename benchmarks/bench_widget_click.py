"""Widget click -> rendered result, in real JupyterLab (prints the numbers; nothing is asserted; goal < 100 ms).

A small temporary notebook starts a lab server and shows three widgets: a bare ipywidgets button (the floor: what
JupyterLab + ipywidgets cost for any click), a `WillItCors` prediction and a `Playground`, both on the live server
through the model engine (the engine path; no real browser). Each is clicked `--clicks` times (after warm-up) in
headless system Chromium, driven by Playwright through the UI test harness (tests/ui/ui_harness.py).

A second run does the same with TCP_NODELAY set on the kernel websockets (a private server config): jupyter_server
leaves Nagle's algorithm on, so a kernel's answer of several small frames waits for the browser's delayed ACK
(about 40 ms on Linux) -- a cost every ipywidgets click in JupyterLab pays, not cors_lab's.

The time is measured inside the page: from the button's click to the first animation frame after the widget's
``cors-lab-output`` changed (so the kernel's work, both websocket trips and the DOM update are in it). The prediction
alternates its two answers and the playground's URL alternates between two query strings, so every click changes
the output.

    .venv/bin/python benchmarks/bench_widget_click.py [--clicks 20]
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "ui"))

import nbformat  # noqa: E402
from ui_harness import CONTEXT, JupyterLab, NotebookTab, launch_chromium, missing_reason  # noqa: E402

CELLS = [
    """from cors_lab import CorsPolicy, api_app, serve
from cors_lab.widgets import Playground, WillItCors

api = serve(api_app(), port=None, name="bench-api", policy=CorsPolicy(allow_origins=["http://localhost:8001"]))""",
    # the floor: a click that only writes a counter into an HTML widget
    """import ipywidgets as w

clicks = [0]
floor_out = w.HTML()
floor_button = w.Button(description="floor")
def count(_):
    clicks[0] += 1
    floor_out.value = f"click {clicks[0]}"
floor_button.on_click(count)
floor_button.add_class("cors-lab-action")
floor_out.add_class("cors-lab-output")
floor = w.VBox([floor_button, floor_out])
floor.add_class("cors-lab-widget")
floor.add_class("cors-lab-floor")
floor""",
    """WillItCors(api, "/api/public", origin="http://localhost:8001")""",
    """Playground(api, origin="http://localhost:8001", url=api.url + "/api/public")""",
]

# Click the action, resolve at the first animation frame after the output's DOM changed (-1 after 10 s).
CLICK_JS = """async ([action, output]) => {
  const button = document.querySelectorAll('.cors-lab-action')[action];
  const out = document.querySelectorAll('.cors-lab-output')[output];
  const before = out.innerHTML;
  return await new Promise(resolve => {
    const start = performance.now();
    const timer = setTimeout(() => { observer.disconnect(); resolve(null); }, 10000);
    const observer = new MutationObserver(() => {
      if (out.innerHTML === before) return;
      observer.disconnect(); clearTimeout(timer);
      const changed = performance.now() - start;
      requestAnimationFrame(() => resolve([changed, performance.now() - start]));
    });
    observer.observe(out, {childList: true, subtree: true, characterData: true, attributes: true});
    button.click();
  });
}"""


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(tab: NotebookTab, kind: str, clicks: int, prepare=None) -> list[float]:
    widget = next(w for w in tab.widgets() if w.kind == kind)
    samples = []
    for i in range(clicks + 3):  # 3 warm-up clicks
        action = widget.actions[i % len(widget.actions)] if kind == "quiz" else widget.actions[0]
        if kind == "playground":
            action = widget.actions[widget.labels.index("Send")]
        if prepare:
            prepare(i)
        mark = tab.traffic.mark()
        times = tab.page.evaluate(CLICK_JS, [action, widget.outputs[0]])
        if times is None:
            raise RuntimeError(f"{kind}: the output did not change within 10 s of click {i + 1}")
        deadline = time.monotonic() + 5
        while not tab.traffic.handled(mark) and time.monotonic() < deadline:
            tab.page.wait_for_timeout(10)
        busy = tab.traffic.kernel_seconds(mark)
        if i >= 3:
            samples.append((*times, busy * 1000 if busy is not None else float("nan")))
    return samples


def run(clicks: int, nodelay: bool) -> list[tuple[str, list]]:
    """One JupyterLab, one tab of the temporary notebook; the samples of each widget."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        root, home = Path(tmp) / "notebooks", Path(tmp) / "home"
        root.mkdir()
        notebook = nbformat.v4.new_notebook()
        notebook.cells = [nbformat.v4.new_code_cell(source) for source in CELLS]
        notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(notebook, root / "bench.ipynb")
        lab = JupyterLab.start(root, home, nodelay=nodelay)
        try:
            with sync_playwright() as playwright:
                browser = launch_chromium(playwright)
                tab = NotebookTab.open(browser.new_context(**CONTEXT), lab, "bench.ipynb")
                tab.menu("Run", "Run All Cells")
                tab.wait_until_idle(120)
                url_label = tab.page.locator("label", has_text=re.compile("^URL$"))
                url = tab.page.locator(".cors-lab-playground .widget-text", has=url_label).locator("input")
                base = url.input_value()

                def new_url(i: int) -> None:
                    url.fill(f"{base}?n={i % 2}")
                    url.press("Enter")
                    tab.page.wait_for_timeout(150)  # the field's value reaches the kernel before Send

                results = [("bare ipywidgets button (floor)", measure(tab, "floor", clicks)),
                           ("WillItCors prediction, engine", measure(tab, "quiz", clicks)),
                           ("Playground Send, engine", measure(tab, "playground", clicks, new_url))]
                tab.close()
                browser.close()
        finally:
            lab.stop()
    return results


def report(title: str, results: list[tuple[str, list]]) -> None:
    print(title)
    print(f"  {'median / p90 in ms':32} {'output changed':>16} {'next frame':>16} {'kernel busy':>16}")
    for name, samples in results:
        columns = [[sample[k] for sample in samples] for k in range(3)]
        cells = [f"{statistics.median(c):6.1f} / {percentile(c, 0.9):6.1f}" for c in columns]
        print(f"  {name:32} " + " ".join(f"{cell:>16}" for cell in cells))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clicks", type=int, default=20)
    parser.add_argument("--no-compare", action="store_true", help="skip the TCP_NODELAY run")
    args = parser.parse_args()
    reason = missing_reason()
    if reason:
        print(f"skipped: {reason}")
        return
    report(f"click -> rendered result in real JupyterLab, {args.clicks} clicks each (goal < 100 ms):",
           run(args.clicks, nodelay=False))
    if not args.no_compare:
        report("the same with TCP_NODELAY on the kernel websockets (jupyter_server leaves Nagle on; each answer "
               "then waits for the browser's delayed ACK):", run(args.clicks, nodelay=True))


if __name__ == "__main__":
    main()
