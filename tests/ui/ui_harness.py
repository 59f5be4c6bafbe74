"""Real JupyterLab, driven by Playwright with the system Chromium: the harness behind tests/ui, the widget-click
benchmark and the README screenshots.

    lab = JupyterLab.start(root_dir=copy_of_notebooks, home=tmp)       # a private server on a free loopback port
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        tab = NotebookTab.open(browser.new_context(**CONTEXT), lab, "03_preflight.ipynb")
        tab.menu("Run", "Run All Cells"); tab.wait_until_idle(240)     # as a learner does, then until all ran
        for widget in tab.widgets(): tab.click(widget)                 # the first action; the result it showed
        tab.close()                                                    # closes the tab and shuts its kernel down
    lab.stop()                                                         # the server, every kernel, every child

Why it is built this way:
- JupyterLab runs with its own config, data, runtime, settings, workspaces and IPython dirs (under ``home``), so
  it never reads or writes the user's; autosave, news, update checks and toasts are off, the kernel starts without
  the kernel-selection dialog, and every cell is attached to the DOM (windowing off) so every output can be read.
- Each notebook opens in its own tab and its own workspace, so a tab never restores another notebook (which would
  start another kernel).
- The page's kernel websocket is read as it passes (`KernelTraffic`): it says exactly which cell raised (even a
  one-line cors_lab error, which is printed, not a traceback), when a widget click has been handled by the kernel,
  and whether a click handler raised (ipywidgets sends that to the log console, never into the widget).
- Nothing leaves loopback: the server listens on 127.0.0.1, Chromium runs with its background services off.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

try:
    from playwright.sync_api import Error as PlaywrightError
except ImportError:  # the UI tests skip (missing_reason says why); the harness still imports
    PlaywrightError = Exception

#: What a widget output shows when it is not rendered (jupyterlab-manager's own texts).
UNRENDERED = ("Loading widget...", "Error displaying widget", "model not found", "Model not found")
#: seconds a click whose kernel work is done may still take to show something in its output
EMPTY_GRACE = 1.0
CONTEXT = {"viewport": {"width": 1400, "height": 1000}}
CHROMIUM_ARGS = [
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--disable-sync",
    "--disable-breakpad",
    "--disable-client-side-phishing-detection",
    "--disable-component-extensions-with-background-pages",
    "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication,InterestFeedContentSuggestions",
    "--metrics-recording-only",
    "--no-default-browser-check",
    "--no-first-run",
    "--no-pings",
    "--disable-gpu",
]
LAB_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False, "confirmClosingDocument": False},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False,
                                                    "doNotDisturbMode": True},
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none", "autoStartDefaultKernel": True},
    "@jupyter-widgets/jupyterlab-manager/plugin": {"saveState": False},
}

#: a server config (only with ``JupyterLab.start(nodelay=True)``): kernel websockets with TCP_NODELAY
NODELAY_CONFIG = """from jupyter_server.services.kernels.websocket import KernelWebsocketHandler

_open = KernelWebsocketHandler.open


async def _open_nodelay(self, *args, **kwargs):
    self.set_nodelay(True)
    return await _open(self, *args, **kwargs)


KernelWebsocketHandler.open = _open_nodelay
"""


def missing_reason() -> str | None:
    """Why the UI tests cannot run here (Playwright or Chromium missing), in one line; None when they can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright's Python package is not installed (pip install playwright; never `playwright install`)"
    if chromium_path() is None:
        from cors_lab.real.binaries import CHROMIUM

        return CHROMIUM.missing
    return None


def chromium_path() -> str | None:
    """The system Chromium, found the way cors_lab finds it ($CORS_LAB_CHROMIUM, PATH, /usr/bin/chromium)."""
    from cors_lab.real.binaries import find_chromium

    return find_chromium()


def launch_chromium(playwright):
    """Headless system Chromium with its background services off (so it never reaches past loopback)."""
    args = list(CHROMIUM_ARGS) + (["--no-sandbox"] if os.geteuid() == 0 else [])
    return playwright.chromium.launch(executable_path=chromium_path(), args=args, headless=True)


def last_stop_all_cell(path: Path) -> int | None:
    """Index of the notebook's last code cell that calls stop_all() (the lessons end with one), or None."""
    cells = json.loads(Path(path).read_text())["cells"]
    found = [i for i, cell in enumerate(cells)
             if cell["cell_type"] == "code" and "stop_all(" in "".join(cell["source"])]
    return found[-1] if found else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def descendants(pid: int) -> list[int]:
    """Every live process below ``pid`` (kernels run in sessions of their own, so a process group misses them)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@dataclass
class JupyterLab:
    """A JupyterLab server of our own: private dirs under ``home``, a random token, a free loopback port."""

    process: subprocess.Popen
    url: str
    token: str
    root_dir: Path
    log_path: Path

    @classmethod
    def start(cls, root_dir: Path, home: Path, timeout: float = 90, nodelay: bool = False) -> JupyterLab:
        """Start it and wait until its REST API answers. ``nodelay``: the kernel websockets send each message at
        once (TCP_NODELAY; jupyter_server leaves Nagle's algorithm on, which the click benchmark measures)."""
        dirs = {name: home / name for name in ("config", "data", "runtime", "settings", "workspaces", "ipython")}
        for path in dirs.values():
            path.mkdir(parents=True, exist_ok=True)
        if nodelay:
            (dirs["config"] / "jupyter_server_config.py").write_text(NODELAY_CONFIG)
        for plugin, values in LAB_SETTINGS.items():
            target = dirs["settings"] / f"{plugin}.jupyterlab-settings"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(values, indent=2))
        port, token = free_port(), secrets.token_hex(16)
        env = dict(os.environ, JUPYTER_CONFIG_DIR=str(dirs["config"]), JUPYTER_DATA_DIR=str(dirs["data"]),
                   JUPYTER_RUNTIME_DIR=str(dirs["runtime"]), IPYTHONDIR=str(dirs["ipython"]),
                   PYTHONDONTWRITEBYTECODE="1")
        env.pop("JUPYTER_TOKEN", None)
        command = [str(Path(sys.executable).with_name("jupyter")), "lab", "--no-browser", "--ip=127.0.0.1",
                   f"--port={port}", "--port-retries=0", f"--ServerApp.token={token}",
                   f"--ServerApp.root_dir={root_dir}", f"--LabApp.user_settings_dir={dirs['settings']}",
                   f"--LabApp.workspaces_dir={dirs['workspaces']}", "--LabApp.news_url=",
                   "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
                   "--LabApp.extension_manager=readonly", "--ServerApp.terminals_enabled=False"]
        if os.geteuid() == 0:
            command.append("--allow-root")
        log_path = home / "jupyterlab.log"
        with open(log_path, "wb") as log:
            process = subprocess.Popen(command, cwd=root_dir, env=env, stdin=subprocess.DEVNULL, stdout=log,
                                       stderr=subprocess.STDOUT, start_new_session=True)
        lab = cls(process, f"http://127.0.0.1:{port}", token, Path(root_dir), log_path)
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with {process.returncode}: {lab.log_tail()}")
            try:
                if lab.api("GET", "/api/status", timeout=2).ok:
                    return lab
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                lab.stop()
                raise RuntimeError(f"JupyterLab did not answer within {timeout:.0f} s: {lab.log_tail()}")
            time.sleep(0.2)

    def log_tail(self, lines: int = 15) -> str:
        try:
            return " | ".join(self.log_path.read_text(errors="replace").strip().splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def api(self, method: str, path: str, timeout: float = 10, **kwargs) -> requests.Response:
        """A call to the server's REST API with our token."""
        return requests.request(method, self.url + path, headers={"Authorization": f"token {self.token}"},
                                timeout=timeout, **kwargs)

    def session(self, path: str) -> dict | None:
        """The server's session of the notebook at ``path`` (relative to the root dir), or None."""
        for session in self.api("GET", "/api/sessions").json():
            if session.get("path") == path:
                return session
        return None

    def shut_down(self, path: str) -> None:
        """Delete the notebook's session, which shuts its kernel down."""
        session = self.session(path)
        if session is not None:
            self.api("DELETE", f"/api/sessions/{session['id']}", timeout=30)

    def kernels(self) -> list[dict]:
        return self.api("GET", "/api/kernels").json()

    def stop(self) -> None:
        """Shut every session and kernel down, stop the server, then end whatever of its children is left."""
        if self.process.poll() is None:
            try:
                for session in self.api("GET", "/api/sessions").json():
                    self.api("DELETE", f"/api/sessions/{session['id']}", timeout=30)
                for kernel in self.kernels():
                    self.api("DELETE", f"/api/kernels/{kernel['id']}", timeout=30)
            except requests.RequestException:
                pass
        children = descendants(self.process.pid)
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
        deadline = time.monotonic() + 5
        while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
            time.sleep(0.1)
        for pid in children:
            if _alive(pid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass


# ---------------------------------------------------------------- the kernel websocket, read as it passes


def parse_frame(payload) -> dict | None:
    """One kernel websocket frame as a message dict with its ``channel`` (v1 binary protocol or legacy JSON)."""
    try:
        if isinstance(payload, str):
            return json.loads(payload)
        count = int.from_bytes(payload[:8], "little")
        offsets = [int.from_bytes(payload[8 * (i + 1):8 * (i + 2)], "little") for i in range(count)]
        parts = [payload[offsets[i]:offsets[i + 1]] for i in range(count - 1)]
        channel = parts[0].decode()
        header, parent, _metadata, content = (json.loads(part) for part in parts[1:5])
        return {"channel": channel, "header": header, "parent_header": parent, "content": content}
    except (ValueError, IndexError, UnicodeDecodeError):
        return None


@dataclass
class KernelMessage:
    sent: bool  # True: the page sent it; False: the kernel did
    channel: str
    msg_type: str
    msg_id: str
    parent_type: str
    parent_id: str
    content: dict
    date: str = ""  # the header's ISO timestamp (the kernel's clock for messages it sent)


@dataclass
class KernelTraffic:
    """Every message on the page's kernel websockets, in order, parsed."""

    messages: list[KernelMessage] = field(default_factory=list)

    def attach(self, page) -> KernelTraffic:
        def on_socket(ws):
            if "/api/kernels/" not in ws.url or "/channels" not in ws.url:
                return
            ws.on("framesent", lambda payload: self._add(payload, True))
            ws.on("framereceived", lambda payload: self._add(payload, False))

        page.on("websocket", on_socket)
        return self

    def _add(self, payload, sent: bool) -> None:
        msg = parse_frame(payload)
        if msg is None:
            return
        header, parent = msg.get("header") or {}, msg.get("parent_header") or {}
        self.messages.append(KernelMessage(sent, msg.get("channel", ""), header.get("msg_type", ""),
                                           header.get("msg_id", ""), parent.get("msg_type", ""),
                                           parent.get("msg_id", ""), msg.get("content") or {},
                                           str(header.get("date", ""))))

    def mark(self) -> int:
        return len(self.messages)

    def since(self, mark: int) -> list[KernelMessage]:
        return self.messages[mark:]

    def handled(self, mark: int) -> bool:
        """Every comm message the page sent since ``mark`` has been handled (the kernel went idle after it)."""
        sent = {m.msg_id for m in self.since(mark) if m.sent and m.msg_type == "comm_msg"}
        done = {m.parent_id for m in self.since(mark)
                if not m.sent and m.msg_type == "status" and m.content.get("execution_state") == "idle"}
        return bool(sent) and sent <= done

    def kernel_seconds(self, mark: int) -> float | None:
        """How long the kernel was busy with the comm messages sent since ``mark`` (its own busy -> idle clock)."""
        from datetime import datetime

        sent = {m.msg_id for m in self.since(mark) if m.sent and m.msg_type == "comm_msg"}
        states = {(m.parent_id, m.content.get("execution_state")): m.date for m in self.since(mark)
                  if not m.sent and m.msg_type == "status" and m.parent_id in sent}
        spans = [datetime.fromisoformat(states[(msg_id, "idle")]) - datetime.fromisoformat(states[(msg_id, "busy")])
                 for msg_id in sent if (msg_id, "busy") in states and (msg_id, "idle") in states]
        return sum(span.total_seconds() for span in spans) if spans else None

    def callback_errors(self, mark: int) -> list[str]:
        """What click handlers raised or printed to stderr since ``mark`` (ipywidgets sends it to the log console)."""
        found = []
        for m in self.since(mark):
            if m.sent or m.parent_type != "comm_msg":
                continue
            if m.msg_type == "error":
                found.append(f"{m.content.get('ename')}: {m.content.get('evalue')}")
            elif m.msg_type == "stream" and m.content.get("name") == "stderr":
                found.append(m.content.get("text", "").strip())
        return [text for text in found if text]

    def failed_cells(self) -> list[tuple[str, str]]:
        """(code, "Ename: evalue") of every cell whose execution failed (a traceback or cors_lab's one-line error)."""
        code_of = {m.msg_id: m.content.get("code", "") for m in self.messages
                   if m.sent and m.msg_type == "execute_request"}
        return [(code_of.get(m.parent_id, ""), f"{m.content.get('ename')}: {m.content.get('evalue')}")
                for m in self.messages if not m.sent and m.msg_type == "execute_reply"
                and m.content.get("status") == "error"]

    def executed(self) -> set[str]:
        """The msg ids of the execute requests the kernel has answered."""
        return {m.parent_id for m in self.messages if not m.sent and m.msg_type == "execute_reply"}


# ---------------------------------------------------------------- one notebook in one tab

_CELLS_JS = """() => [...document.querySelectorAll('.jp-Notebook .jp-Cell')].map((cell, index) => ({
  index,
  code: cell.classList.contains('jp-CodeCell'),
  prompt: (cell.querySelector('.jp-InputArea-prompt') || {}).innerText || '',
  source: (cell.querySelector('.jp-InputArea-editor .cm-content') || {}).innerText || '',
  outputs: [...cell.querySelectorAll('.jp-OutputArea-output')].map(o => ({
    mime: o.getAttribute('data-mime-type') || '', text: o.innerText || '',
    ipywidget: !!o.querySelector('.jupyter-widgets'), contract: !!o.querySelector('.cors-lab-widget')})),
}))"""

# A widget is a `.cors-lab-widget` root; its own actions and outputs are those whose nearest root is it (a widget
# that stacks others, such as a set of predictions, has none of its own: its children are tested themselves).
_WIDGETS_JS = """() => {
  const cells = [...document.querySelectorAll('.jp-Notebook .jp-Cell')];
  const actions = [...document.querySelectorAll('.cors-lab-action')];
  const outputs = [...document.querySelectorAll('.cors-lab-output')];
  const roots = [...document.querySelectorAll('.cors-lab-widget')];
  return roots.map((root, index) => {
    const mine = el => el.closest('.cors-lab-widget') === root;
    const cell = root.closest('.jp-Cell');
    const parent = root.parentElement && root.parentElement.closest('.cors-lab-widget');
    return {
      index,
      parent: parent ? roots.indexOf(parent) : -1,
      kinds: [...root.classList].filter(c => c.startsWith('cors-lab-') && c !== 'cors-lab-widget')
                                .map(c => c.slice('cors-lab-'.length)),
      cell: cells.indexOf(cell),
      prompt: cell ? ((cell.querySelector('.jp-InputArea-prompt') || {}).innerText || '') : '',
      actions: actions.map((el, i) => mine(el) ? i : -1).filter(i => i >= 0),
      labels: actions.filter(mine).map(el => el.innerText.trim()),
      outputs: outputs.map((el, i) => mine(el) ? i : -1).filter(i => i >= 0),
    };
  });
}"""

_TEXT_JS = """([outputs, widget]) => {
  const all = [...document.querySelectorAll('.cors-lab-output')];
  const own = outputs.map(i => all[i]).filter(Boolean).map(el => el.innerText).join('\\n').trim();
  const root = document.querySelectorAll('.cors-lab-widget')[widget];
  return [own, root ? root.innerText : ''];
}"""


@dataclass
class Cell:
    index: int  # position in the notebook, 0-based (markdown cells count)
    code: bool
    prompt: str  # "[3]:", "[*]:", "[ ]:"
    source: str
    outputs: list[dict]

    @property
    def label(self) -> str:
        """How a failure names the cell: its execution count and first source line."""
        first = next((line for line in self.source.splitlines() if line.strip()), "")
        count = self.prompt.strip().rstrip(":") or "[ ]"
        return f"cell {count} `{first[:70]}`"

    @property
    def ran(self) -> bool:
        return bool(re.fullmatch(r"\[\d+\]:?", self.prompt.strip()))


@dataclass
class Widget:
    index: int
    parent: int  # the widget this one is part of (a prediction in a set), or -1
    kinds: list[str]
    cell: int
    prompt: str
    actions: list[int]  # indexes into every `.cors-lab-action` of the page
    labels: list[str]
    outputs: list[int]

    @property
    def kind(self) -> str:
        return self.kinds[0] if self.kinds else "?"

    def describe(self, cells: list[Cell] | None = None) -> str:
        where = cells[self.cell].label if cells and 0 <= self.cell < len(cells) else f"cell {self.prompt}"
        return f"{self.kind} widget in {where}"


@dataclass
class Click:
    """What one click on a widget's action did."""

    label: str
    handled: bool  # the kernel went idle after the click's comm message
    text: str  # the widget's `cors-lab-output` text afterwards
    before: str
    widget_text: str
    errors: list[str]  # what the click handler raised or printed to stderr
    seconds: float
    disabled: bool = False  # the button was disabled: nothing was clicked


class NotebookTab:
    """One notebook open in its own browser tab (and its own workspace), with its kernel's traffic recorded."""

    def __init__(self, lab: JupyterLab, page, path: str, traffic: KernelTraffic):
        self.lab, self.page, self.path, self.traffic = lab, page, path, traffic

    @classmethod
    def open(cls, context, lab: JupyterLab, path: str, timeout: float = 60) -> NotebookTab:
        page = context.new_page()
        traffic = KernelTraffic().attach(page)
        workspace = "ui-" + re.sub(r"[^A-Za-z0-9_-]", "-", path)
        page.goto(f"{lab.url}/lab/workspaces/{workspace}/tree/{path}?token={lab.token}")
        tab = cls(lab, page, path, traffic)
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=timeout * 1000)
        tab.wait_for_kernel(timeout)
        return tab

    def wait_for_kernel(self, timeout: float) -> None:
        """Until the notebook's kernel is started, idle and connected to this page."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            session = self.lab.session(self.path)
            connected = any(not m.sent and m.msg_type == "kernel_info_reply" for m in self.traffic.messages)
            if session and session["kernel"]["execution_state"] == "idle" and connected:
                return
            self.page.wait_for_timeout(200)
        raise TimeoutError(f"{self.path}: the kernel did not start within {timeout:.0f} s")

    def menu(self, top: str, item: str) -> None:
        """Click a main-menu item, as a learner does (e.g. "Run", "Run All Cells")."""
        self.page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{re.escape(top)}$")).click()
        self.page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{re.escape(item)}$")).first.click()

    def clear_outputs(self) -> None:
        """Edit → Clear Outputs of All Cells: the stored outputs and execution counts go, so whatever the page shows
        afterwards comes from this run."""
        self.menu("Edit", "Clear Outputs of All Cells")
        self.page.wait_for_function("() => !document.querySelector('.jp-Notebook .jp-OutputArea-output')")

    def select(self, index: int) -> None:
        """Select cell ``index`` (command mode), as clicking its prompt area does."""
        self.page.locator(".jp-Notebook .jp-Cell").nth(index).locator(".jp-InputPrompt").click()

    def run_cell(self, index: int, timeout: float, and_below: bool = False) -> None:
        """Select cell ``index`` and run it (Run → "Run Selected Cell and Do not Advance"), or it and every cell below
        it ("Run Selected Cell and All Below"), then wait until the kernel is idle."""
        self.select(index)
        # JupyterLab disables "... and All Below" on the last cell
        below = and_below and index < len(self.cells()) - 1
        self.menu("Run", "Run Selected Cell and All Below" if below else "Run Selected Cell and Do not Advance")
        self.wait_until_idle(timeout)

    def cells(self) -> list[Cell]:
        return [Cell(**cell) for cell in self.page.evaluate(_CELLS_JS)]

    def wait_until_idle(self, timeout: float) -> None:
        """Until no cell is queued or running and the kernel is idle (twice in a row, half a second apart)."""
        deadline, quiet = time.monotonic() + timeout, 0
        while time.monotonic() < deadline:
            asked = {m.msg_id for m in self.traffic.messages if m.sent and m.msg_type == "execute_request"}
            busy = any("*" in cell.prompt for cell in self.cells()) or not asked <= self.traffic.executed()
            session = self.lab.session(self.path)
            idle = session is not None and session["kernel"]["execution_state"] == "idle"
            quiet = quiet + 1 if (idle and not busy) else 0
            if quiet >= 2:
                return
            self.page.wait_for_timeout(500)
        running = [cell.label for cell in self.cells() if "*" in cell.prompt][:1]
        raise TimeoutError(f"{self.path}: still running after {timeout:.0f} s ({', '.join(running) or 'kernel busy'})")

    def wait_for_widgets(self, timeout: float = 10) -> list[tuple[Cell, str]]:
        """Until no widget output says it is loading; returns what is unrendered: (cell, its text)."""
        deadline = time.monotonic() + timeout
        while True:
            bad = [(cell, out["text"].strip()) for cell in self.cells() for out in cell.outputs
                   if any(text in out["text"] for text in UNRENDERED)]
            loading = any(text.startswith("Loading widget") for _, text in bad)  # the only state that may pass
            if not loading or time.monotonic() > deadline:
                return bad
            self.page.wait_for_timeout(250)

    def widgets(self) -> list[Widget]:
        return [Widget(**w) for w in self.page.evaluate(_WIDGETS_JS)]

    def texts(self, widget: Widget) -> tuple[str, str]:
        """(the widget's `cors-lab-output` text, the whole widget's text)."""
        own, whole = self.page.evaluate(_TEXT_JS, [widget.outputs, widget.index])
        return own, whole

    def click(self, widget: Widget, number: int = 0, watch: Widget | None = None, timeout: float = 10) -> Click:
        """Click the widget's ``number``-th action button and wait until the kernel has handled it and the output
        (of ``watch``, by default the widget itself) is rendered: non-empty and unchanged for a moment."""
        watch = watch or widget
        before, whole_before = self.texts(watch)
        mark = self.traffic.mark()
        start = time.monotonic()
        button = self.page.locator(".cors-lab-action").nth(widget.actions[number])
        label = widget.labels[number]
        if button.is_disabled():
            return Click(label, False, before, before, "", [], 0.0, disabled=True)
        try:
            button.click(timeout=5000)
        except PlaywrightError as exc:
            first = (str(exc).strip().splitlines() or [""])[0]
            return Click(label, False, before, before, "", [f"the button could not be clicked: {first}"], 0.0)
        deadline, handled_at = start + timeout, None
        while time.monotonic() < deadline:
            if handled_at is None and self.traffic.handled(mark):
                handled_at = time.monotonic()
            text, whole = self.texts(watch)
            # done when the kernel has handled the click and the output stays the same for a moment; an output
            # still empty gets EMPTY_GRACE more seconds (an action may answer elsewhere in the widget, or late)
            if handled_at is not None and (text or time.monotonic() - handled_at > EMPTY_GRACE):
                self.page.wait_for_timeout(100)
                if self.texts(watch) == (text, whole):
                    break
            self.page.wait_for_timeout(50)
        text, whole = self.texts(watch)
        changed = whole if whole != whole_before else ""
        return Click(label, handled_at is not None, text, before, changed,
                     self.traffic.callback_errors(mark), time.monotonic() - start)

    def close(self) -> None:
        """Close the tab (no "save?" question: the page is just closed) and shut the notebook's kernel down."""
        try:
            self.page.close()
        finally:
            self.lab.shut_down(self.path)
