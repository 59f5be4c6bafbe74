""""Send from my browser" in real JupyterLab: the browser showing the notebook makes the request, and agrees.

Here the headless system Chromium that shows JupyterLab *is* the learner's browser. Each test writes a small
notebook of its own into the notebook copy, runs it as a learner does (Run All), presses the "Send from my
browser" button (the ``cors-lab-action`` of a ``.cors-lab-own-browser`` widget) and checks what the learner would
see and what really happened:

- the lab server's log received the request with the page's origin (the kernel prints ``api.requests(origin=...)``
  in a cell run after the press, and the widget's "Server log" section shows the same lines);
- the widget shows what the script read and the verdict "agrees with the engine";
- the console sentence the real Chromium printed (Playwright's ``page.on("console")`` hears the hidden frame too)
  is, word for word, the engine's sentence that the widget shows (and the kernel holds);
- nothing is left behind: after the tab is closed the kernel is gone, and so is every process JupyterLab's
  kernels started (a headless Chromium of the fallback included).

Where the learner's browser cannot take part, the panel must say so in one line and let the headless Chromium next
to the kernel answer, with a verdict and without hanging: a kernel that looks hosted (``JUPYTERHUB_SERVICE_PREFIX``
set before the press: the panel reads ``os.environ`` at press time), a page whose frame cannot load (the browser
cannot reach it), and a page server stopped after the panel was displayed.

Also: a sandboxed frame (``origin="null"``); each lesson that shows a panel of its own (00's first contact, ...);
and cookies, which depend on the URL the learner opened JupyterLab at: a login through the frame works from
``http://localhost:PORT``; JupyterLab's own cookies (sent to every lab server on localhost) are left out of the
comparison and named; from a JupyterLab at 127.0.0.1 (another site than localhost: no SameSite cookie is stored)
the panel says in one line to open it at localhost.

Console messages: every panel has its own hidden frame, and each time a new frame of the same site attaches,
Playwright is sent the renderer's earlier console messages again (with their first timestamps); `Console.since`
keeps only what was printed after the press.
"""
from __future__ import annotations

import dataclasses
import json
import re
import time
from pathlib import Path

import nbformat
import pytest
from ui_harness import CONTEXT, NotebookTab, Widget, descendants, last_stop_all_cell

#: the first cell of every notebook here: a page server and two APIs on free loopback ports
SETUP = """import json, os
from cors_lab import CorsPolicy, api_app, page_app, serve
from cors_lab.widgets import send_from_my_browser

page = serve(page_app(), name="own-page")
api = serve(api_app(), name="own-api")  # sends no CORS header: the browser lets the page read nothing
open_api = serve(api_app(), name="own-open-api", policy=CorsPolicy(allow_origins=[page.origin]))  # GET/HEAD/POST"""

#: the kernel's view after the presses, as one JSON line (the test re-runs this cell after pressing)
REPORT = """report = {name: {"state": panel.state, "agrees": panel.agrees, "seconds": panel.seconds,
                   "engine_console": panel.engine_result.error if panel.engine_result is not None else None,
                   "text": panel.output_text()}
          for name, panel in PANELS.items()}
from cors_lab.server.lab import running_servers
report["log"] = [f"{server.name}: {entry.line()}" for server in (api, open_api)
                 for entry in server.requests(origin=page.origin)]
report["all"] = [f"{server.name}: {entry.line()}" for server in running_servers() for entry in server.requests()]
report["cookies"] = [[server.name, entry.path, sorted(part.split("=")[0].strip()
                                                      for part in entry.headers.get("Cookie", "").split(";") if part)]
                     for server in running_servers() for entry in server.requests()]
report["page"] = page.origin
print(json.dumps(report))"""

REQUESTS = [
    SETUP,
    # 1. a simple GET the API answers without CORS headers: sent, answered, and blocked by the browser
    'blocked = send_from_my_browser(api.url + "/api/public", origin=page.origin)\nblocked',
    # 2. a PUT with a JSON body: preflighted; the policy allows the origin but not the method
    'put = send_from_my_browser(open_api.url + "/api/items/1", origin=page.origin, method="PUT",\n'
    '                           headers={"Content-Type": "application/json"}, body=\'{"name": "plum"}\')\nput',
    # 3. allowed: the page reads the answer, the console stays quiet
    'allowed = send_from_my_browser(open_api.url + "/api/public", origin=page.origin)\nallowed',
    # 4. XMLHttpRequest: the same refusal in XHR's words
    'xhr = send_from_my_browser(api.url + "/api/items", origin=page.origin, api="xhr")\nxhr',
    'PANELS = {"blocked": blocked, "put": put, "allowed": allowed, "xhr": xhr}',
    REPORT,
]

SANDBOXED = [
    SETUP,
    # a sandboxed frame: its origin is null, which the policy does not name
    'sandboxed = send_from_my_browser(open_api.url + "/api/items", origin="null")\nsandboxed',
    'PANELS = {"sandboxed": sandboxed}',
    REPORT,
]

HOSTED = [
    SETUP,
    'hub = send_from_my_browser(api.url + "/api/public", origin=page.origin)\nhub',
    # after the display, before the press: the panel reads the kernel's environment when it is pressed
    'os.environ["JUPYTERHUB_SERVICE_PREFIX"] = "/user/learner/"\nPANELS = {"hub": hub}',
    REPORT,
]

UNREACHABLE = [
    SETUP,
    # the test makes the browser unable to load any page of this server (as from a JupyterLab on another machine)
    'far_page = serve(page_app(), name="own-far-page")\n'
    'far = send_from_my_browser(api.url + "/api/public", origin=far_page.origin)\nfar',
    'gone_page = serve(page_app(), name="own-gone-page")\n'
    'gone = send_from_my_browser(api.url + "/api/public", origin=gone_page.origin)\ngone',
    'gone_page.stop()  # after the display: its frame has nowhere to load from\nPANELS = {"far": far, "gone": gone}',
    'print(json.dumps({"far_page": far_page.origin}))',
    REPORT,
]

CREDENTIALS = [
    SETUP,
    'from cors_lab.widgets import OwnBrowserPanel, OwnCall\n\n'
    'cred_api = serve(api_app(), name="own-cred-api",\n'
    '                 policy=CorsPolicy(allow_origins=[page.origin], allow_credentials=True))\n'
    'login = OwnCall(page.origin, {"url": cred_api.url + "/login?user=alice", "credentials": "include"})\n'
    'private = OwnCall(page.origin, {"url": cred_api.url + "/api/private", "credentials": "include"})',
]
# the login happens through the frame, so the cookie is the learner's browser's own; then the private data
SESSION = [*CREDENTIALS, 'session = OwnBrowserPanel(lambda: [login, private])\nsession',
           'PANELS = {"session": session}', REPORT]
# a credentialed request and no login: the engine's tab has no cookie for the API
NO_LOGIN = [*CREDENTIALS, 'alone = OwnBrowserPanel(lambda: [private])\nalone', 'PANELS = {"alone": alone}', REPORT]

SLOW = [
    SETUP,
    'import time\nfrom flask import Flask\n\nslow_app = Flask("slow")\n\n\n'
    '@slow_app.get("/api/slow")\ndef slow():\n'
    '    time.sleep(9)  # past the page script\'s 5 s deadline\n    return "late"\n\n\n'
    'slow_api = serve(slow_app, name="own-slow-api", policy=CorsPolicy(allow_origins=[page.origin]))\n'
    'late = send_from_my_browser(slow_api.url + "/api/slow", origin=page.origin)\nlate',
    'PANELS = {"late": late}',
    REPORT,
]

RUN_TIMEOUT = 120
ANSWER_TIMEOUT = 10  # the learner's browser answers in well under a second; the first press loads the frame
FALLBACK_TIMEOUT = 30  # the headless Chromium next to the kernel starts once per kernel
#: the verdict line of an answer from the learner's browser (here: the headless Chromium showing JupyterLab)
OWN_VERDICT = re.compile(r"Your browser \(Headless Chromium \d+\) agrees with the engine \(Chromium \d+\)\.")
VERDICT = re.compile(r"(agrees with the engine|DISAGREES with the engine)")
#: what Chromium prints for every failed load, CORS or not (the bridges ignore it too)
GENERIC_CONSOLE = "Failed to load resource:"
DEVTOOLS_HINT = "Open DevTools (F12"
DEVTOOLS_LINE = "open DevTools → Console to see your browser say it"

# the pre under a section's title ("Server log (this request)", "Console, as the engine predicts it (...)")
_SECTION_JS = """([widget, title]) => {
  const root = document.querySelectorAll('.cors-lab-widget')[widget];
  for (const b of root.querySelectorAll('.cors-lab-output b')) {
    if (b.innerText.startsWith(title)) {
      const pre = b.parentElement.querySelector('pre');
      return pre ? pre.innerText : '';
    }
  }
  return null;
}"""


def write_notebook(root: Path, name: str, cells: list[str]) -> str:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, root / name)
    return name


class Console:
    """Every console message of the tab (its frames' too), as ``(type, text, url, timestamp)``."""

    def __init__(self, page):
        self.page = page
        self.messages: list[tuple[str, str, str, float]] = []
        page.on("console", lambda m: self.messages.append((m.type, m.text, (m.location or {}).get("url", ""),
                                                           m.timestamp)))

    def mark(self) -> float:
        """Now, on the page's clock (console timestamps are epoch milliseconds)."""
        return self.page.evaluate("Date.now()")

    def since(self, mark: float) -> list[tuple[str, str, str, float]]:
        """The messages printed since ``mark``, each once. Each time a new frame of a site attaches, Playwright is
        sent the renderer's earlier console messages again (with their first timestamps): those are not new."""
        seen, found = set(), []
        for message in self.messages:
            if message[3] >= mark and message not in seen:
                found.append(message)
            seen.add(message)
        return found


def run_all(tab: NotebookTab) -> None:
    tab.menu("Run", "Run All Cells")
    tab.wait_until_idle(RUN_TIMEOUT)
    failed = tab.traffic.failed_cells()
    assert not failed, f"a cell failed: {failed[0]}"


def own_widgets(tab: NotebookTab) -> list[Widget]:
    found = [widget for widget in tab.widgets() if widget.kind == "own-browser"]
    assert found and all(widget.actions and widget.outputs for widget in found), "no Send-from-my-browser widget"
    return found


def section(tab: NotebookTab, widget: Widget, title: str) -> str | None:
    return tab.page.evaluate(_SECTION_JS, [widget.index, title])


def press(tab: NotebookTab, widget: Widget, timeout: float, until=VERDICT) -> tuple[float, str, str]:
    """Press the widget's "Send from my browser" and wait until its output shows ``until`` (a new text): (seconds,
    output text, whole widget text). On timeout the texts are what it showed then."""
    before, _ = tab.texts(widget)
    start = time.monotonic()
    tab.page.locator(".cors-lab-action").nth(widget.actions[0]).click(timeout=5000)
    while time.monotonic() - start < timeout:
        text, whole = tab.texts(widget)
        if text != before and until.search(text):
            break
        tab.page.wait_for_timeout(25)
    seconds = time.monotonic() - start
    tab.page.wait_for_timeout(300)  # console messages and the last DOM update settle
    text, whole = tab.texts(widget)
    return seconds, text, whole


def kernel_report(tab: NotebookTab) -> dict:
    """Re-run the notebook's last cell (REPORT) and read its JSON line."""
    last = len(tab.cells()) - 1
    tab.run_cell(last, RUN_TIMEOUT)
    outputs = tab.cells()[last].outputs
    line = next((out["text"] for out in outputs if out["text"].strip().startswith("{")), None)
    assert line, f"the report cell printed no JSON: {outputs}"
    return json.loads(line)


def leftovers(lab) -> list[str]:
    """Processes JupyterLab's kernels started that still live (found by the server's private runtime dir in their
    environment: a kernel's children inherit it, even once orphaned), other than the server itself."""
    runtime = f"JUPYTER_RUNTIME_DIR={lab.log_path.parent / 'runtime'}".encode()
    own = {lab.process.pid}
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) in own:
            continue
        try:
            environ = (entry / "environ").read_bytes().split(b"\0")
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue
        if runtime in environ and stat.rsplit(")", 1)[1].split()[0] != "Z":
            found.append(f"{entry.name}: {command[:120]}")
    return found


def close_and_check_nothing_is_left(tab: NotebookTab, lab) -> None:
    tab.close()
    deadline = time.monotonic() + 15
    while (lab.session(tab.path) or leftovers(lab)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert lab.session(tab.path) is None, "the notebook's session (and kernel) is still there after closing its tab"
    assert not lab.kernels(), f"kernels still running: {lab.kernels()}"
    left = leftovers(lab)
    assert not left, "left behind after the kernel shut down:\n" + "\n".join(left)
    assert not [pid for pid in descendants(lab.process.pid)], "the server still has children"


def cors_lines(messages: list[tuple[str, str, str, float]]) -> list[str]:
    """The console lines of a call that say something (Chromium's generic failed-load line says nothing)."""
    return [text for _kind, text, _url, _time in messages if not text.startswith(GENERIC_CONSOLE)]


@pytest.fixture
def own_tab(open_notebook, notebook_copy, jupyterlab):
    """Opens a notebook of the given cells (with the tab's console recorded) and runs it all."""

    def open_(name: str, cells: list[str]) -> tuple[NotebookTab, Console]:
        tab = open_notebook(write_notebook(notebook_copy, name, cells))
        console = Console(tab.page)
        run_all(tab)
        return tab, console

    return open_


def press_each_and_check(tab: NotebookTab, console: Console, expected_log) -> list[str]:
    """Press every own-browser widget of the tab once, in order, then compare what the learner saw with what
    happened. ``expected_log(page_origin)``: per panel name (the notebook's ``PANELS``, in display order), the log
    lines its request must have left. Every problem, one line each."""
    widgets = own_widgets(tab)
    problems, shown = [], {}
    for widget in widgets:
        _, whole = tab.texts(widget)
        if DEVTOOLS_HINT not in whole:
            problems.append(f"before the press the widget does not say to open DevTools: {whole[:200]!r}")
        mark = console.mark()
        seconds, text, whole = press(tab, widget, ANSWER_TIMEOUT)
        said = cors_lines(console.since(mark))
        frames = sorted({re.sub(r"/\.cors-lab/frame/.*", "/.cors-lab/frame/", url)
                         for _kind, line, url, _time in console.since(mark) if line in said})
        shown[widget.index] = {"text": text, "console": said, "seconds": seconds, "frames": frames, "whole": whole,
                               "predicted": section(tab, widget, "Console, as the engine predicts it"),
                               "log": section(tab, widget, "Server log (this request)")}
        print(f"{seconds * 1000:.0f} ms; Chromium said {said}; the widget shows:\n{text or whole}\n")

    report = kernel_report(tab)
    page, log = report["page"], report["all"]
    expected = expected_log(page)
    names = [name for name in report if name in expected]
    assert len(names) == len(widgets), f"{len(widgets)} widgets for the panels {names}"
    print("the lab servers' log:", *log, sep="\n  ")
    # each request reached its server once, and `api.requests(origin=page.origin)` finds those from the page
    if sorted(log) != sorted(line for lines in expected.values() for line in lines):
        problems.append(f"the servers received other requests than these: {log}")
    if sorted(report["log"]) != sorted(line for line in log if f" from {page} " in line):
        problems.append(f"requests(origin=page.origin) gives {report['log']}")
    for name, widget in zip(names, widgets, strict=True):
        seen, kernel = shown[widget.index], report[name]
        if not VERDICT.search(seen["text"]):
            problems.append(f"{name}: no verdict within {ANSWER_TIMEOUT} s: {seen['whole'][:300]!r}")
            continue
        if not OWN_VERDICT.fullmatch(seen["text"].splitlines()[0]):
            problems.append(f"{name}: not the learner's browser agreeing: {seen['text'].splitlines()[0]!r}")
        if "What the script read" not in seen["text"] or DEVTOOLS_LINE not in seen["text"]:
            problems.append(f"{name}: the result or the DevTools line is missing: {seen['text'][:300]!r}")
        if kernel["state"] != "answered" or kernel["agrees"] is not True:
            problems.append(f"{name}: the kernel's panel is {kernel['state']}, agrees={kernel['agrees']}")
        for line in expected[name]:  # what reached the server, as the widget shows it
            if seen["log"] is None or line not in seen["log"]:
                problems.append(f"{name}: the widget's Server log section lacks {line!r}: {seen['log']!r}")
        # the real sentence == the engine's (the widget's section and the kernel's result), word for word
        predicted = kernel["engine_console"]
        if predicted is None:
            if seen["console"] or not seen["predicted"].startswith("(nothing"):
                problems.append(f"{name}: Chromium printed {seen['console']}, the widget shows {seen['predicted']!r}")
            continue
        opaque = "from origin 'null'" in predicted
        frame_ok = (all(url.endswith("/.cors-lab/frame/") for url in seen["frames"]) if opaque
                    else seen["frames"] == [f"{page}/.cors-lab/frame/"])  # printed in the frame on the page's origin
        if not seen["frames"] or not frame_ok:
            problems.append(f"{name}: the sentence was printed in {seen['frames']}, not in the frame on {page}")
        if seen["console"][:1] != [predicted]:
            problems.append(f"{name}: Chromium printed {seen['console']}, the engine predicts {predicted!r}")
        if seen["predicted"] != predicted:
            problems.append(f"{name}: the widget shows the sentence {seen['predicted']!r}, the kernel {predicted!r}")
    return problems


def test_the_learners_browser_sends_each_request_and_agrees_with_the_engine(own_tab, jupyterlab):
    tab, console = own_tab("zz_own_browser.ipynb", REQUESTS)
    problems = press_each_and_check(tab, console, lambda page: {
        "blocked": [f"own-api: GET /api/public from {page} -> 200"],
        # the preflight only: its answer does not allow PUT, so the PUT itself is never sent
        "put": [f"own-open-api: OPTIONS /api/items/1 (preflight) from {page} -> 204"],
        "allowed": [f"own-open-api: GET /api/public from {page} -> 200"],
        "xhr": [f"own-api: GET /api/items from {page} -> 200"]})
    assert not problems, "\n".join(problems)
    close_and_check_nothing_is_left(tab, jupyterlab)


def test_a_sandboxed_frame_sends_with_origin_null(own_tab, jupyterlab):
    tab, console = own_tab("zz_own_browser_null.ipynb", SANDBOXED)
    problems = press_each_and_check(tab, console, lambda page: {
        "sandboxed": ["own-open-api: GET /api/items from null -> 200"]})
    assert not problems, "\n".join(problems)
    close_and_check_nothing_is_left(tab, jupyterlab)


def press_until(tab: NotebookTab, widget: Widget, pattern: str, timeout: float) -> tuple[float | None, str]:
    """Press and wait until the whole widget (its message line included) shows ``pattern``: (seconds or None,
    the widget's text then)."""
    start = time.monotonic()
    tab.page.locator(".cors-lab-action").nth(widget.actions[0]).click(timeout=5000)
    while time.monotonic() - start < timeout:
        _, whole = tab.texts(widget)
        if re.search(pattern, whole):
            return time.monotonic() - start, whole
        tab.page.wait_for_timeout(25)
    return None, tab.texts(widget)[1]


def wait_for(tab: NotebookTab, widget: Widget, pattern: str, timeout: float) -> str | None:
    """The widget's output text once it shows ``pattern`` (within ``timeout`` seconds), else None."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text, _ = tab.texts(widget)
        if re.search(pattern, text):
            tab.page.wait_for_timeout(200)
            return tab.texts(widget)[0]
        tab.page.wait_for_timeout(50)
    return None


HUB_LINE = ("This JupyterLab runs on JupyterHub: the lab servers listen on the kernel's own loopback, which your "
            "browser cannot reach, so the headless Chromium next to the kernel answers instead.")
#: the verdict line of an answer from headless Chromium next to the kernel
FALLBACK_VERDICT = re.compile(r"Headless Chromium\b.*\bagrees with the engine \(Chromium \d+\)\.")


def test_on_a_hub_the_panel_says_so_in_one_line_and_headless_chromium_answers(own_tab, jupyterlab):
    tab, console = own_tab("zz_own_browser_hub.ipynb", HOSTED)
    [widget] = own_widgets(tab)
    mark = console.mark()
    said, whole = press_until(tab, widget, re.escape(HUB_LINE), timeout=3)
    assert said is not None, f"the hub was not said within 3 s: {whole!r}"
    text = wait_for(tab, widget, VERDICT.pattern, FALLBACK_TIMEOUT)
    assert text is not None, f"no verdict within {FALLBACK_TIMEOUT} s: {tab.texts(widget)[1]!r}"
    print(f"the hub line after {said * 1000:.0f} ms; the widget shows:\n{text}")
    lines = text.splitlines()
    assert lines[0] == HUB_LINE and FALLBACK_VERDICT.fullmatch(lines[1]), lines[:2]
    report = kernel_report(tab)
    page = report["page"]
    assert (report["hub"]["state"], report["hub"]["agrees"]) == ("fallback", True)
    assert report["all"] == [f"own-api: GET /api/public from {page} -> 200"]  # once: from headless Chromium
    # the sentence headless Chromium printed is shown, and it is the engine's
    predicted = report["hub"]["engine_console"]
    assert predicted and predicted.startswith("Access to fetch at ") and f"from origin '{page}'" in predicted
    assert section(tab, widget, "Console, as the engine predicts it") == predicted
    assert f"Console, as the engine predicts it (the headless Chromium printed: {predicted})" in text
    assert not cors_lines(console.since(mark)), "the learner's browser printed something although it sent nothing"
    # the check below can fail: while the kernel runs, its headless Chromium is found among its processes
    assert any("chrom" in process for process in leftovers(jupyterlab)), leftovers(jupyterlab)
    close_and_check_nothing_is_left(tab, jupyterlab)


def test_a_page_the_browser_cannot_load_or_a_stopped_page_server_is_said_within_seconds(own_tab, jupyterlab):
    tab, console = own_tab("zz_own_browser_unreachable.ipynb", UNREACHABLE)
    far, gone = own_widgets(tab)
    origin_cell = next(cell for cell in tab.cells() if "far_page.origin" in cell.source and "print" in cell.source)
    far_origin = json.loads(origin_cell.outputs[0]["text"])["far_page"]
    # the learner's browser cannot reach this lab server at all (as from a JupyterLab on another machine)
    tab.page.route(f"{far_origin}/**", lambda route: route.abort())

    said, whole = press_until(tab, far, r"Your browser could not load the lab's page", timeout=7)
    assert said is not None, f"a frame that cannot load was not reported within 7 s: {whole!r}"
    text = wait_for(tab, far, VERDICT.pattern, FALLBACK_TIMEOUT)
    assert text is not None, f"no verdict within {FALLBACK_TIMEOUT} s after the frame failed: {whole!r}"
    print(f"the frame failure said after {said:.1f} s; the widget shows:\n{text}")
    assert FALLBACK_VERDICT.fullmatch(text.splitlines()[1]), text.splitlines()[:2]

    said, whole = press_until(tab, gone, r"is stopped .*re-run cell", timeout=3)
    assert said is not None, f"a stopped page server was not said within 3 s: {whole!r}"
    print(f"the stopped page server said after {said:.1f} s: {whole!r}")
    report = kernel_report(tab)
    assert report["far"]["state"] == "fallback" and report["far"]["agrees"] is True
    assert report["gone"]["state"] == "idle" and report["gone"]["seconds"] is None
    assert report["all"] == [f"own-api: GET /api/public from {far_origin} -> 200"]  # headless Chromium's; none more
    close_and_check_nothing_is_left(tab, jupyterlab)


NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
#: the lessons that show a "Send from my browser" panel of their own (00's first contact, 01's two-tab story, ...)
LESSONS = sorted(path for path in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb") if "send_from_my_browser(" in path.read_text())


@pytest.mark.parametrize("lesson", LESSONS or [NOTEBOOKS / "00_start_here.ipynb"], ids=lambda path: path.stem)
def test_a_lessons_own_browser_panel_sends_from_the_learners_browser(lesson, open_notebook, jupyterlab):
    """The lesson as a learner runs it (up to its last stop_all() cell), then its first own-browser panel."""
    if lesson not in LESSONS:
        pytest.skip("no lesson shows 'Send from my browser' yet (the lessons helper adds the first contact to 00)")
    tab = open_notebook(lesson.name)
    console = Console(tab.page)
    split = last_stop_all_cell(lesson)
    if split is None:
        tab.menu("Run", "Run All Cells")
    else:
        tab.select(split)
        tab.menu("Run", "Run All Above Selected Cell")
    tab.wait_until_idle(240)
    assert not tab.traffic.failed_cells(), tab.traffic.failed_cells()[0]
    widget = next(widget for widget in own_widgets(tab) if widget.parent == -1)  # its own, not a part of another
    mark = console.mark()
    seconds, text, whole = press(tab, widget, ANSWER_TIMEOUT)
    said = cors_lines(console.since(mark))
    print(f"{lesson.stem}: {seconds * 1000:.0f} ms; Chromium said {said}; the widget shows:\n{text}")
    assert OWN_VERDICT.fullmatch(text.splitlines()[0] if text else ""), whole
    log = section(tab, widget, "Server log (this request)") or ""
    origins = set(re.findall(r" from (\S+)", log))
    # one page origin (none for a same-origin GET, which sends no Origin), never JupyterLab's
    assert len(origins) <= 1 and not origins & {jupyterlab.url}, f"the request's origin in the log: {log!r}"
    assert log.strip(), "nothing reached a lab server"
    predicted = section(tab, widget, "Console, as the engine predicts it")
    if predicted.startswith("(nothing"):
        assert not said, said
    else:
        assert said[:1] == [predicted] and f"from origin '{origins.pop()}'" in predicted
    close_and_check_nothing_is_left(tab, jupyterlab)


@pytest.fixture
def tab_at(chromium, jupyterlab, notebook_copy):
    """Opens a notebook of the given cells in a browser profile of its own, with JupyterLab's page at ``host``
    (``"localhost"`` or ``"127.0.0.1"``: a learner may open either URL Jupyter prints), and runs it all."""
    opened = []

    def open_(host: str, name: str, cells: list[str]) -> tuple[NotebookTab, Console, object]:
        lab = dataclasses.replace(jupyterlab, url=jupyterlab.url.replace("127.0.0.1", host))
        context = chromium.new_context(**CONTEXT)
        tab = NotebookTab.open(context, lab, write_notebook(notebook_copy, name, cells))
        opened.append((tab, context))
        console = Console(tab.page)
        run_all(tab)
        return tab, console, lab

    yield open_
    for tab, context in opened:
        tab.close()
        context.close()


def cookies_sent(report: dict, path: str) -> list[list[str]]:
    return [names for _server, where, names in report["cookies"] if where == path]


def test_a_login_through_the_frame_gives_the_learners_browser_its_own_cookie(tab_at, jupyterlab):
    """JupyterLab opened at http://localhost:PORT (the URL ``jupyter lab`` opens): the frame and the lab servers are
    the same site as JupyterLab, so the API's SameSite=Lax session cookie is stored and sent."""
    tab, _console, _lab = tab_at("localhost", "zz_own_browser_login.ipynb", SESSION)
    [widget] = own_widgets(tab)
    seconds, text, whole = press(tab, widget, ANSWER_TIMEOUT)
    print(f"{seconds * 1000:.0f} ms; the widget shows:\n{text or whole}")
    assert OWN_VERDICT.fullmatch(text.splitlines()[0] if text else ""), whole
    assert '"user":"alice"' in text  # the script read the private data: the browser sent its session cookie
    report = kernel_report(tab)
    assert (report["session"]["state"], report["session"]["agrees"]) == ("answered", True)
    page = report["page"]
    assert f"own-cred-api: GET /api/private from {page} with cookies -> 200" in report["all"]
    assert any("sid" in names for names in cookies_sent(report, "/api/private")), report["cookies"]
    assert f"own-cred-api: GET /api/private from {page} with cookies -> 200" in section(tab, widget, "Server log")
    close_and_check_nothing_is_left(tab, jupyterlab)


def test_jupyterlabs_own_cookies_do_not_make_a_credentialed_request_disagree(tab_at, jupyterlab):
    tab, _console, _lab = tab_at("localhost", "zz_own_browser_no_login.ipynb", NO_LOGIN)
    [widget] = own_widgets(tab)
    seconds, text, whole = press(tab, widget, ANSWER_TIMEOUT)
    report = kernel_report(tab)
    print(f"{seconds * 1000:.0f} ms; cookies sent: {report['cookies']}; the widget shows:\n{text or whole}")
    assert cookies_sent(report, "/api/private") == [[]] or report["alone"]["agrees"] is True, text
    assert OWN_VERDICT.fullmatch(text.splitlines()[0] if text else ""), whole


def test_a_login_from_a_jupyterlab_opened_at_127_0_0_1_agrees_or_says_why(tab_at, jupyterlab):
    """The harness's own URL: JupyterLab at 127.0.0.1. Either the login works, or the panel says in one line that
    cookies need JupyterLab opened at localhost."""
    tab, _console, _lab = tab_at("127.0.0.1", "zz_own_browser_login_127.ipynb", SESSION)
    [widget] = own_widgets(tab)
    seconds, text, whole = press(tab, widget, ANSWER_TIMEOUT)
    report = kernel_report(tab)
    print(f"{seconds * 1000:.0f} ms; cookies sent: {report['cookies']}; the widget shows:\n{text or whole}")
    said = [line for line in whole.splitlines() if "localhost" in line and "cookie" in line.lower()
            and not line.startswith(("own-", "  "))]
    assert report["session"]["agrees"] is True or said, text


def test_a_request_that_does_not_come_back_is_reported_within_seconds(own_tab, jupyterlab):
    """The lab server takes 9 s: the learner's browser gives up at the call's deadline and the panel says so."""
    tab, console = own_tab("zz_own_browser_slow.ipynb", SLOW)
    [widget] = own_widgets(tab)
    mark = console.mark()
    answered, _ = press_until(tab, widget, VERDICT.pattern + "|did not answer within", timeout=12)
    tab.page.wait_for_timeout(300)
    text, whole = tab.texts(widget)
    print(f"a verdict after {answered} s; Chromium said {console.since(mark)}; the widget shows:\n{whole}")
    said = re.search(r"(?i)did not answer|timed out|no answer|within \d+ s|deadline", whole) and answered
    assert said is not None and said < 8, f"not reported within 8 s: {whole!r}"
    assert not console.since(mark) and not VERDICT.search(whole)  # no CORS check ran: nothing to agree on
    close_and_check_nothing_is_left(tab, jupyterlab)
