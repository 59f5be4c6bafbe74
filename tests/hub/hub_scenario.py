"""Two learners in a real JupyterHub, driven through its login page in Chromium (run inside `unshare -n` as root).

    python tests/hub/hub_scenario.py ROOM.json REPORT.json [notebook ...]

ROOM.json is a `hub_harness.Classroom` (the hub venv, the proxy, the learners); REPORT.json gets what happened:
per learner and notebook the cells that failed, the widgets that did not render or answer, the seconds taken; per
learner the memory (PSS of every process of the learner's uid), the most real-browser process trees at one time and
the ports listened on; what learner B could reach of learner A's; what the course said about the shared host. The
test (tests/hub/test_hub.py) judges the report; benchmarks read its numbers.

JupyterHub keeps its defaults on purpose (the hub at 8000, configurable-http-proxy's API at 8001, the hub's own API
at 8081): the course must live beside them.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[1] / "ui")]

from hub_harness import COURSE_DIR, HUB_PORT, Classroom, Learner  # noqa: E402
from ui_harness import CONTEXT, KernelTraffic, NotebookTab, last_stop_all_cell, launch_chromium  # noqa: E402

HUB = f"http://127.0.0.1:{HUB_PORT}"
NOTEBOOKS = ["00_start_here.ipynb", "02_reading_a_cors_error.ipynb", "03_preflight.ipynb"]
WIDGETS_TO_PRESS = 3  # per notebook and learner: the first action of the first few widgets that have one
# a real browser's main and child processes; not its crash reporters (chrome_crashpad_handler, Firefox's
# crashhelper), which leave the tree (their parent becomes init) and would count as trees of their own
BROWSER_COMMANDS = ("chromium", "headless_shell", "firefox")

HUB_CONFIG = """\
c = get_config()  # noqa
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {hub_port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.db_url = "sqlite:///{root}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{root}/jupyterhub_cookie_secret"
c.ConfigurableHTTPProxy.command = ["{proxy}"]
c.ConfigurableHTTPProxy.pid_file = "{root}/jupyterhub-proxy.pid"
c.JupyterHub.authenticator_class = "pam"
c.Authenticator.allowed_users = {users!r}
c.Spawner.cmd = ["{venv}/bin/jupyterhub-singleuser"]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~/{course}"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 90
c.Spawner.environment = {environment!r}
c.JupyterHub.cleanup_servers = True
"""


# ---- what the learners' processes hold --------------------------------------------------------------------------
def _processes() -> list[dict]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            status = Path(f"/proc/{entry}/status").read_text()
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        command = stat.split("(", 1)[1].rsplit(")", 1)[0]
        rest = stat.rsplit(")", 1)[1].split()
        if rest[0] == "Z":
            continue
        found.append({"pid": int(entry), "ppid": int(rest[1]), "uid": int(fields["Uid"].split()[0]),
                      "command": command})
    return found


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _is_browser(command: str) -> bool:
    return command.startswith(BROWSER_COMMANDS) or command == "chrome"


def browser_trees(processes: list[dict], uid: int) -> int:
    """How many real-browser process trees ``uid`` runs: browser processes whose parent is no browser process."""
    by_pid = {p["pid"]: p for p in processes}
    roots = 0
    for p in processes:
        if p["uid"] == uid and _is_browser(p["command"]):
            parent = by_pid.get(p["ppid"])
            if parent is None or not _is_browser(parent["command"]):
                roots += 1
    return roots


def listening_ports() -> dict[int, set[int]]:
    """uid -> the TCP ports its sockets listen on (this network namespace's /proc/net/tcp and tcp6)."""
    ports: dict[int, set[int]] = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            if parts[3] == "0A":  # LISTEN
                ports.setdefault(int(parts[7]), set()).add(int(parts[1].rsplit(":", 1)[1], 16))
    return ports


class Sampler(threading.Thread):
    """Once a second: each learner's memory (PSS, MB), real-browser trees, listened ports; the peaks per phase."""

    def __init__(self, uids: list[int]):
        super().__init__(daemon=True)
        self.uids, self.phase = uids, "login"
        self.peak_mb: dict[str, dict[int, float]] = {}
        self.max_trees: dict[int, int] = {uid: 0 for uid in uids}
        self.trees_by_phase: dict[str, dict[int, int]] = {}
        self.ports: dict[int, set[int]] = {uid: set() for uid in uids}
        self._halt = threading.Event()

    def sample(self) -> dict[int, float]:
        processes = _processes()
        now = {}
        for uid in self.uids:
            now[uid] = round(sum(_pss_kb(p["pid"]) for p in processes if p["uid"] == uid) / 1024, 1)
            trees = browser_trees(processes, uid)
            self.max_trees[uid] = max(self.max_trees[uid], trees)
            phase = self.trees_by_phase.setdefault(self.phase, {})
            phase[uid] = max(phase.get(uid, 0), trees)
        for uid, ports in listening_ports().items():
            if uid in self.ports:
                self.ports[uid] |= ports
        peaks = self.peak_mb.setdefault(self.phase, {})
        for uid, mb in now.items():
            peaks[uid] = max(peaks.get(uid, 0.0), mb)
        return now

    def run(self) -> None:
        while not self._halt.wait(1.0):
            self.sample()

    def stop(self) -> None:
        self._halt.set()
        self.join(5)


# ---- the hub ----------------------------------------------------------------------------------------------------
def start_hub(room: Classroom, environment: dict) -> subprocess.Popen:
    root = Path(room.root)
    config = root / "jupyterhub_config.py"
    for stale in ("jupyterhub.sqlite", "jupyterhub-proxy.pid", "jupyterhub_cookie_secret", "jupyterhub.log"):
        (root / stale).unlink(missing_ok=True)  # a classroom starts fresh: no users, servers or proxy remembered
    config.write_text(HUB_CONFIG.format(hub_port=HUB_PORT, root=root, proxy=room.proxy, venv=room.venv,
                                        users={learner.name for learner in room.learners}, course=COURSE_DIR,
                                        environment=environment))
    env = dict(os.environ, PATH=f"{room.venv}/bin:{Path(room.proxy).parent}:/usr/local/bin:/usr/bin:/bin")
    env.pop("JUPYTERHUB_USER", None)
    log = open(root / "jupyterhub.log", "wb")
    hub = subprocess.Popen([f"{room.venv}/bin/jupyterhub", "-f", str(config)], cwd=root, env=env, stdout=log,
                           stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    import requests
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if hub.poll() is not None:
            raise RuntimeError(f"JupyterHub exited with {hub.returncode}: {tail(root / 'jupyterhub.log')}")
        try:
            if requests.get(f"{HUB}/hub/api/", timeout=2).ok:
                return hub
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"JupyterHub did not answer within 90 s: {tail(root / 'jupyterhub.log')}")


def stop_hub(hub: subprocess.Popen) -> None:
    if hub.poll() is None:
        hub.send_signal(signal.SIGTERM)  # JupyterHub stops the single-user servers and the proxy it started
        try:
            hub.wait(30)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(hub.pid, signal.SIGKILL)  # whatever of its process group is left (the proxy, when it hung)
    except ProcessLookupError:
        pass
    hub.wait(5)


def tail(path: Path, lines: int = 12) -> str:
    try:
        text = [line.strip() for line in path.read_text(errors="replace").splitlines() if line.strip()]
        return " | ".join(text[-lines:])
    except OSError:
        return "(no log)"


# ---- one learner in the browser ----------------------------------------------------------------------------------
class LearnersLab:
    """The learner's single-user server, as `ui_harness.NotebookTab` expects a lab to be (url, session())."""

    def __init__(self, context, learner: Learner):
        self.context, self.learner = context, learner
        self.url = f"{HUB}/user/{learner.name}"
        self.token = ""

    def session(self, path: str) -> dict | None:
        for attempt in range(3):  # the proxy may reset a connection while two learners' servers work hard
            try:
                answer = self.context.request.get(f"{self.url}/api/sessions", timeout=10000)
                break
            except Exception:
                if attempt == 2:
                    raise
                time.sleep(1)
        if not answer.ok:
            return None
        for session in answer.json():
            if session.get("path") == path:
                return session
        return None

    def shut_down(self, path: str) -> None:  # NotebookTab.close's fallback; the hub test closes tabs in the UI
        session = self.session(path)
        if session is not None:
            xsrf = next((c["value"] for c in self.context.cookies() if c["name"] == "_xsrf"), "")
            self.context.request.delete(f"{self.url}/api/sessions/{session['id']}", headers={"X-XSRFToken": xsrf})


class HubTab(NotebookTab):
    """A notebook opened the way a learner opens it behind a hub: the page the login led to, then a URL of lab."""

    @classmethod
    def open_in(cls, page, traffic, lab: LearnersLab, path: str, timeout: float = 90) -> HubTab:
        workspace = "hub-" + path.replace(".", "-")
        page.goto(f"{lab.url}/lab/workspaces/{workspace}/tree/{path}")
        tab = cls(lab, page, path, traffic)
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=timeout * 1000)
        tab.wait_for_kernel(timeout)
        return tab

    def close_in_lab(self, timeout: float = 20) -> bool:
        """File → Close Tab, as a learner closes a notebook; True when its kernel then shut down (the deploy
        kit's `kernelShutdown` setting)."""
        self.menu("File", "Close Tab")
        discard = self.page.locator(".jp-Dialog button", has_text="Discard")
        try:  # the run changed the notebook: JupyterLab asks whether to save it; the learner does not
            discard.click(timeout=3000)
        except Exception:
            pass
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.lab.session(self.path) is None:
                return True
            self.page.wait_for_timeout(300)
        return False


def log_in(page, learner: Learner) -> None:
    page.goto(f"{HUB}/hub/login")
    page.fill("input[name=username]", learner.name)
    page.fill("input[name=password]", learner.password)
    page.click("input[type=submit], button[type=submit]")


def wait_for_lab(page, learner: Learner, timeout: float = 180) -> None:
    page.wait_for_url(f"**/user/{learner.name}/lab**", timeout=timeout * 1000)
    page.wait_for_selector(".jp-LabShell, #jp-main-dock-panel", timeout=timeout * 1000)


def press_widgets(tab: HubTab) -> dict:
    """Press the first action of the first few widgets and of every exercise checker (its Check: the learner's
    unfinished answer, which the teacher's progress folder records); what each answered."""
    pressed = []
    widgets = [w for w in tab.widgets() if w.actions]
    chosen = widgets[:WIDGETS_TO_PRESS] + [w for w in widgets[WIDGETS_TO_PRESS:] if w.kind == "checker"]
    for widget in chosen:
        click = tab.click(widget, timeout=30)
        pressed.append({"widget": widget.kind, "label": click.label, "handled": click.handled,
                        "answer": click.text[:200], "errors": click.errors, "seconds": round(click.seconds, 2)})
    return {"pressed": pressed}


# ---- what learner B reaches of learner A's --------------------------------------------------------------------------
def as_learner(room: Classroom, learner: Learner, code: str, background: bool = False, timeout: float = 60):
    env = {"PATH": f"{room.venv}/bin:/usr/bin:/bin", "HOME": learner.home, "USER": learner.name,
           "JUPYTERHUB_USER": learner.name, "PYTHONDONTWRITEBYTECODE": "1"}
    command = ["setpriv", f"--reuid={learner.uid}", f"--regid={learner.uid}", "--init-groups",
               f"{room.venv}/bin/python", "-c", code]
    if background:
        return subprocess.Popen(command, env=env, cwd=learner.home, stdout=subprocess.PIPE, text=True,
                                stderr=subprocess.STDOUT)
    return subprocess.run(command, env=env, cwd=learner.home, capture_output=True, text=True, timeout=timeout)


def reachability(room: Classroom) -> dict:
    """Learner A serves the course's page on A's teaching port; learner B asks for it, and asks the course whether
    this host is shared."""
    a, b = room.learners[0], room.learners[1]
    server = as_learner(room, a, "from cors_lab import page_app\nfrom cors_lab.course import serve_teaching\n"
                                 "import time\ns = serve_teaching(page_app(), 'page', quiet=True)\n"
                                 "print(s.port, flush=True)\ntime.sleep(60)\n", background=True)
    try:
        port = int(server.stdout.readline().strip())
        fetched = as_learner(room, b, "import urllib.request\n"
                                      f"print(urllib.request.urlopen('http://127.0.0.1:{port}/', timeout=5).status)")
        told = as_learner(room, b, "from cors_lab.course.teaching import shared_host, PORTS\n"
                                   "print(shared_host(), PORTS['page'])")
    finally:
        server.kill()
        server.wait(5)
    shared, b_page = told.stdout.split() if told.returncode == 0 else ("error: " + told.stderr[-300:], "0")
    return {"a_page_port": port, "b_fetched_a": fetched.stdout.strip() or fetched.stderr[-300:],
            "b_says_shared": shared, "b_page_port": int(b_page)}


# ---- the scenario -------------------------------------------------------------------------------------------------
def run(room: Classroom, notebooks: list[str], progress_dir: str | None) -> dict:
    from playwright.sync_api import sync_playwright

    report: dict = {"notebooks": notebooks, "learners": {x.name: {"uid": x.uid} for x in room.learners},
                    "runs": {}, "seconds": {}}
    environment = {"CORS_LAB_PROGRESS_DIR": progress_dir} if progress_dir else {}
    started = time.monotonic()
    hub = start_hub(room, environment)
    report["seconds"]["hub_start"] = round(time.monotonic() - started, 1)
    sampler = Sampler([x.uid for x in room.learners])
    sampler.start()
    try:
        with sync_playwright() as pw:
            browser = launch_chromium(pw)
            seats = []
            for learner in room.learners:
                context = browser.new_context(**CONTEXT)
                page = context.new_page()
                seats.append((learner, context, page, KernelTraffic().attach(page)))
            t0 = time.monotonic()
            for learner, _, page, _ in seats:  # both submit the login form before either waits: at once
                log_in(page, learner)
            for learner, _, page, _ in seats:
                wait_for_lab(page, learner)
                report["seconds"][f"login_{learner.name}"] = round(time.monotonic() - t0, 1)
            sampler.phase = "idle after login"
            time.sleep(3)
            sampler.sample()
            for notebook in notebooks:
                sampler.phase = notebook
                # every cell above the lesson's last `stop_all()` runs (Run → Run All Above Selected Cell), so the
                # widgets are pressed while the lab servers run; then the stop_all cell, as Run All would
                stop_at = last_stop_all_cell(Path(room.learners[0].home) / COURSE_DIR / notebook)
                tabs = []
                for learner, context, page, traffic in seats:
                    tab = HubTab.open_in(page, traffic, LearnersLab(context, learner), notebook)
                    tab.clear_outputs()
                    tabs.append((learner, tab, time.monotonic()))
                    if stop_at is None:
                        tab.menu("Run", "Run All Cells")
                    else:
                        tab.select(stop_at)
                        tab.menu("Run", "Run All Above Selected Cell")
                for learner, tab, t_start in tabs:
                    tab.wait_until_idle(300)
                    run_seconds = round(time.monotonic() - t_start, 1)
                    unrendered = [(cell.label, text[:120]) for cell, text in tab.wait_for_widgets(20)]
                    entry = {"seconds": run_seconds, "unrendered": unrendered, "widgets": len(tab.widgets())}
                    entry.update(press_widgets(tab))
                    if stop_at is not None:
                        tab.run_cell(stop_at, 60)
                    cells = tab.cells()
                    entry.update({"failed": tab.traffic.failed_cells(),
                                  "cells_run": sum(1 for cell in cells if cell.code and cell.ran),
                                  "code_cells": sum(1 for cell in cells if cell.code),
                                  "outputs_text": "\n".join(out["text"] for cell in cells
                                                            for out in cell.outputs)[-30000:]})
                    report["runs"].setdefault(learner.name, {})[notebook] = entry
                sampler.sample()
                for learner, tab, _ in tabs:
                    report["runs"][learner.name][notebook]["kernel_shut_on_close"] = tab.close_in_lab()
                time.sleep(2)
                sampler.sample()
            sampler.phase = "after the notebooks"
            time.sleep(3)
            sampler.sample()
            browser.close()
        report["reachability"] = reachability(room)
    finally:
        sampler.stop()
        stop_hub(hub)
        report["seconds"]["total"] = round(time.monotonic() - started, 1)
        report["hub_log_tail"] = tail(Path(room.root) / "jupyterhub.log", 25)
    uid_name = {x.uid: x.name for x in room.learners}
    report["memory_mb"] = {phase: {uid_name[uid]: mb for uid, mb in peaks.items()}
                           for phase, peaks in sampler.peak_mb.items()}
    report["max_browser_trees"] = {uid_name[uid]: n for uid, n in sampler.max_trees.items()}
    report["browser_trees_by_phase"] = {phase: {uid_name[uid]: n for uid, n in trees.items()}
                                        for phase, trees in sampler.trees_by_phase.items()}
    report["ports"] = {uid_name[uid]: sorted(ports) for uid, ports in sampler.ports.items()}
    return report


def main(argv: list[str]) -> int:
    room_path, report_path, *notebooks = argv
    room = Classroom.from_json(Path(room_path).read_text())
    progress_dir = os.environ.get("HUB_TEST_PROGRESS_DIR")
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    try:
        report = run(room, notebooks or NOTEBOOKS, progress_dir)
    except Exception as exc:  # the test prints it; the report says where it stopped
        report = {"error": f"{type(exc).__name__}: {exc}", "hub_log_tail": tail(Path(room.root) / "jupyterhub.log")}
        Path(report_path).write_text(json.dumps(report, indent=1, default=sorted))
        raise
    Path(report_path).write_text(json.dumps(report, indent=1, default=sorted))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
