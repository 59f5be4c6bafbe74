""""Send from my browser", click -> the answer back in Python and rendered in the widget, in real JupyterLab.

Prints the numbers (median and p90 of ``--presses`` presses per request, after 3 warm-up presses); nothing is
asserted; the goal is < 300 ms. A small temporary notebook starts a page server and two APIs on free loopback ports
and shows two `OwnBrowserPanel`s, both sending from the page's origin: an allowed GET (the API's policy names the
page) and a blocked one (the API sends no CORS header). The headless system Chromium that shows JupyterLab is the
learner's browser: it loads the hidden frame from the page server and makes the request itself (driven by
Playwright through the UI test harness, tests/ui/ui_harness.py). The URL alternates between two query strings, so
every press changes what the widget shows.

The whole time is measured inside the page: from the button's click to the first animation frame after the
widget's ``cors-lab-output`` changed. Where it goes, from the kernel's clock (each press is timed by the notebook:
``panel.send`` wrapped, ``on_result`` called at the end of the panel's work) and the front end's (the answer's
``ms``: the request trait's arrival in the page -> the frame's answer set):

- ``in the browser``: the frame's postMessage, the real fetch to the lab server and back, the answer's postMessage;
- ``kernel <-> page``: the kernel's press -> answer back in the kernel (``panel.seconds``) minus the above: the
  request trait to the page and the answer trait back over the kernel websocket;
- ``engine + render``: the answer back -> the panel done (the lab log read, the engine's run of the same call,
  the HTML built and sent);
- ``click + paint``: the rest: the click's comm message to the kernel, the output's update to the page, its paint.

JupyterLab runs twice: with TCP_NODELAY on the kernel websockets (``JupyterLab.start(nodelay=True)``: the cost of
cors_lab's own round trips), then as shipped (jupyter_server leaves Nagle's algorithm on, so a kernel's answer of
several small frames can wait for the browser's delayed ACK, ~40 ms on Linux: what a learner's stock JupyterLab
pays for every widget message; this panel has two kernel -> page messages per press).

    .venv/bin/python benchmarks/bench_own_browser.py [--presses 20] [--no-compare]
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "ui"))

import nbformat  # noqa: E402
from ui_harness import CONTEXT, JupyterLab, NotebookTab, launch_chromium, missing_reason  # noqa: E402

WARM_UP = 3  # the first press loads the hidden frame; the first engine run imports what it needs
GOAL_MS = 300

CELLS = [
    """import itertools, json, time
from cors_lab import CorsPolicy, api_app, page_app, serve
from cors_lab.widgets import OwnBrowserPanel, OwnCall

page = serve(page_app(), name="bench-page")
open_api = serve(api_app(), name="bench-open-api", policy=CorsPolicy(allow_origins=[page.origin]))
closed_api = serve(api_app(), name="bench-closed-api")  # no CORS header: the browser blocks the read
presses = []  # one dict per press: which panel, and the kernel's times


def timed_panel(server, name):
    \"\"\"A panel whose URL alternates between two query strings; each press is timed on the kernel's clock.\"\"\"
    count = itertools.count()
    panel = OwnBrowserPanel(lambda: [OwnCall(page.origin, {"url": f"{server.url}/api/public?n={next(count) % 2}"})])
    send = panel.send

    def timed_send():
        presses.append({"panel": name, "pressed": time.monotonic()})
        send()

    def done(panel):
        press = presses[-1]
        press.update(done=time.monotonic() - press["pressed"], answered=panel.seconds,
                     browser_ms=(panel.frame.answer or {}).get("ms"), state=panel.state, agrees=panel.agrees)

    panel.send, panel.on_result = timed_send, done
    return panel""",
    'allowed = timed_panel(open_api, "allowed")\nallowed',
    'blocked = timed_panel(closed_api, "blocked")\nblocked',
    "print(json.dumps(presses))",
]

# Click the action, resolve at the first animation frame after the output's DOM changed (null after 10 s).
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
      requestAnimationFrame(() => resolve(performance.now() - start));
    });
    observer.observe(out, {childList: true, subtree: true, characterData: true, attributes: true});
    button.click();
  });
}"""


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def press_all(tab: NotebookTab, index: int, presses: int) -> list[float]:
    """Press the ``index``-th own-browser panel ``WARM_UP + presses`` times: the page's click -> painted times."""
    widget = [w for w in tab.widgets() if w.kind == "own-browser"][index]
    times = []
    for number in range(WARM_UP + presses):
        mark = tab.traffic.mark()
        ms = tab.page.evaluate(CLICK_JS, [widget.actions[0], widget.outputs[0]])
        if ms is None:
            raise RuntimeError(f"press {number + 1}: the widget's output did not change within 10 s")
        times.append(ms)
        deadline = time.monotonic() + 5  # the kernel is done with the press before the next one
        while not tab.traffic.handled(mark) and time.monotonic() < deadline:
            tab.page.wait_for_timeout(5)
        tab.page.wait_for_timeout(20)
    return times


def kernel_times(tab: NotebookTab) -> list[dict]:
    """Run the last cell (it prints the notebook's ``presses``) and read them."""
    last = len(tab.cells()) - 1
    tab.run_cell(last, 60)
    text = next(out["text"] for out in tab.cells()[last].outputs if out["text"].strip().startswith("["))
    return json.loads(text)


def run(presses: int, nodelay: bool) -> dict[str, list[dict]]:
    """One JupyterLab, one tab of the temporary notebook: per panel, one dict per measured press."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        root, home = Path(tmp) / "notebooks", Path(tmp) / "home"
        root.mkdir()
        notebook = nbformat.v4.new_notebook()
        notebook.cells = [nbformat.v4.new_code_cell(source) for source in CELLS]
        notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(notebook, root / "bench_own.ipynb")
        lab = JupyterLab.start(root, home, nodelay=nodelay)
        try:
            with sync_playwright() as playwright:
                browser = launch_chromium(playwright)
                tab = NotebookTab.open(browser.new_context(**CONTEXT), lab, "bench_own.ipynb")
                tab.menu("Run", "Run All Cells")
                tab.wait_until_idle(120)
                page_ms = {name: press_all(tab, index, presses) for index, name in enumerate(("allowed", "blocked"))}
                kernel = kernel_times(tab)
                tab.close()
                browser.close()
        finally:
            lab.stop()
    results = {}
    for name, times in page_ms.items():
        mine = [press for press in kernel if press["panel"] == name]
        if len(mine) != len(times):
            raise RuntimeError(f"{name}: {len(times)} presses in the page, {len(mine)} in the kernel")
        wrong = [press for press in mine if press.get("state") != "answered" or press.get("agrees") is not True]
        if wrong:
            raise RuntimeError(f"{name}: a press the learner's browser did not answer, or disagreed: {wrong[0]}")
        results[name] = [dict(press, total=ms) for press, ms in zip(mine, times, strict=True)]
    return results


def report(title: str, results: dict[str, list[dict]]) -> None:
    print(title)
    columns = ["total", "in the browser", "kernel <-> page", "engine + render", "click + paint"]
    print(f"  {'median / p90 in ms':20} " + " ".join(f"{column:>16}" for column in columns))
    for name, presses in results.items():
        first, measured = presses[0], presses[WARM_UP:]
        parts = {
            "total": [p["total"] for p in measured],
            "in the browser": [p["browser_ms"] for p in measured],
            "kernel <-> page": [p["answered"] * 1000 - p["browser_ms"] for p in measured],
            "engine + render": [(p["done"] - p["answered"]) * 1000 for p in measured],
            "click + paint": [p["total"] - p["done"] * 1000 for p in measured],
        }
        cells = [f"{statistics.median(parts[c]):6.1f} / {percentile(parts[c], 0.9):6.1f}" for c in columns]
        print(f"  {name + f' ({len(measured)})':20} " + " ".join(f"{cell:>16}" for cell in cells))
        print(f"  {'':20} the first press (it loads the hidden frame): {first['total']:.0f} ms, of which "
              f"{first['browser_ms']:.0f} ms in the browser")
    medians = [statistics.median(p["total"] for p in presses[WARM_UP:]) for presses in results.values()]
    print(f"  goal < {GOAL_MS} ms: {'met' if max(medians) < GOAL_MS else 'NOT met'} (the slower median: "
          f"{max(medians):.0f} ms)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--presses", type=int, default=20)
    parser.add_argument("--no-compare", action="store_true", help="skip the run on JupyterLab as shipped")
    args = parser.parse_args()
    reason = missing_reason()
    if reason:
        print(f"skipped: {reason}")
        return
    report(f"Send from my browser: click -> rendered, {args.presses} presses each, TCP_NODELAY on the kernel "
           f"websockets (goal < {GOAL_MS} ms):", run(args.presses, nodelay=True))
    if not args.no_compare:
        report("the same on JupyterLab as shipped (Nagle's algorithm on the kernel websockets):",
               run(args.presses, nodelay=False))


if __name__ == "__main__":
    main()
