"""Run a real framework on loopback: a child process (uvicorn, Django's runserver, node, nginx) on a free port.

    >>> with LiveProcess("uvicorn", [sys.executable, "-m", "uvicorn", "app:app", "--port", "{port}"], files) as live:
    ...     Browser(FRONTEND).fetch(live.url + "/api/data")

Why a child process and not a thread: each framework is run exactly as a learner runs it (its own server, its own
event loop, its own settings module), so what the tests verify is the configuration text a learner pastes, not an
imitation. Every process is bounded:

- it is started in a temporary directory holding the files it needs (the generated configuration and a tiny app),
  in its own process group, listening on 127.0.0.1 only;
- `LiveProcess.start` waits at most ``start_timeout`` seconds for the port to accept connections; a process that
  exits first, or is not ready in time, raises `cors_lab.ServerError` with the last lines it wrote (Django's
  system-check errors, nginx's ``[emerg]`` line, node's stack trace);
- `LiveProcess.stop` ends the process group (SIGTERM, then SIGKILL after ``STOP_GRACE`` seconds) and removes the
  directory; `cors_lab.stop_all()` and interpreter exit stop every live process that is still running.
"""
from __future__ import annotations

import atexit
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from cors_lab.errors import ServerError

LOOPBACK = "127.0.0.1"
START_TIMEOUT = 20.0  # seconds a framework may take to listen (Django and node take about one)
STOP_GRACE = 3.0  # seconds between SIGTERM and SIGKILL
OUTPUT_LIMIT = 200_000  # characters of a process's output kept (a server that logs every request stays bounded)

_running: dict[int, "LiveProcess"] = {}
_running_lock = threading.Lock()


def free_port() -> int:
    """A port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection((LOOPBACK, port), timeout=0.2):
            return True
    except OSError:
        return False


class LiveProcess:
    """A framework server in a child process: ``.url``, ``.port``, ``.output`` (what it printed), ``.stop()``.

    ``command`` (and ``env``'s values) may contain ``{port}`` and ``{dir}`` (the temporary directory); ``files``
    maps file names to their text (or to ``text(port, directory)``), written into that directory at once.
    ``also_stop``: things with a ``stop()`` this process owns (nginx's upstream), stopped with it. A context manager:
    the block's end stops it. ``name`` is what the repr and errors call it (``"express"``, ``"nginx"``).
    """

    def __init__(self, name: str, command: list[str], files: dict[str, str] | None = None,
                 env: dict[str, str] | None = None, port: int | None = None,
                 start_timeout: float = START_TIMEOUT, also_stop=()):
        self.name = name
        self.port = port or free_port()
        self.directory = Path(tempfile.mkdtemp(prefix=f"cors_lab-{name}-"))
        for file_name, text in (files or {}).items():
            path = self.directory / file_name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text(self.port, self.directory) if callable(text) else text, encoding="utf-8")
        self.also_stop = list(also_stop)  # what this process needs and owns (nginx's upstream lab server)
        self.config: str | None = None  # the configuration text it runs, when a trap or a caller sets it
        self.trap = None  # the `cors_lab.frameworks.traps.Trap` it shows, for a trap
        self.command = [part.format(port=self.port, dir=self.directory) for part in command]
        self.env = {**os.environ, **{key: value.format(port=self.port, dir=self.directory)
                                     for key, value in (env or {}).items()}}
        self.start_timeout = start_timeout
        self.process: subprocess.Popen | None = None
        self._output: list[str] = []
        self._reader: threading.Thread | None = None

    @property
    def url(self) -> str:
        """``http://localhost:PORT``: the origin a page's fetch() names (localhost, as the lessons' servers)."""
        return f"http://localhost:{self.port}"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    @property
    def output(self) -> str:
        """Everything the process wrote on stdout and stderr so far (its log, its errors)."""
        return "".join(self._output)

    def _read(self) -> None:
        kept = 0
        for line in self.process.stdout:
            if kept < OUTPUT_LIMIT:
                self._output.append(line)
                kept += len(line)

    def start(self) -> "LiveProcess":
        """Start the process and return once its port accepts connections (or raise `ServerError`)."""
        self.process = subprocess.Popen(self.command, cwd=self.directory, env=self.env, stdin=subprocess.DEVNULL,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                        errors="replace", start_new_session=True)
        with _running_lock:
            _running[id(self)] = self
        self._reader = threading.Thread(target=self._read, name=f"cors_lab-{self.name}-output", daemon=True)
        self._reader.start()
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self._reader.join(1.0)
                self.stop()
                raise ServerError(f"{self.name} exited (status {self.process.returncode}) before it listened on "
                                  f"port {self.port}: {self.last_lines()}")
            if _accepts(self.port):
                return self
            time.sleep(0.05)
        self.stop()
        raise ServerError(f"{self.name} did not listen on port {self.port} within {self.start_timeout:g} s: "
                          f"{self.last_lines()}")

    def last_lines(self, count: int = 6) -> str:
        """The last lines the process wrote, in one line (for an error message)."""
        lines = [line.strip() for line in self.output.splitlines() if line.strip()]
        return " | ".join(lines[-count:]) or "it wrote nothing"

    def stop(self) -> None:
        """End the process group (SIGTERM, then SIGKILL) and remove its directory. Safe to call twice."""
        process = self.process
        if process is not None and process.poll() is None:
            for sig, wait in ((signal.SIGTERM, STOP_GRACE), (signal.SIGKILL, STOP_GRACE)):
                try:
                    os.killpg(process.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    process.wait(wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
        if process is not None:
            try:
                os.killpg(process.pid, signal.SIGKILL)  # children left behind by a master process (nginx workers)
            except (ProcessLookupError, PermissionError):
                pass
        with _running_lock:
            _running.pop(id(self), None)
        for companion in self.also_stop:
            companion.stop()
        shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self) -> "LiveProcess":
        return self if self.running else self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<LiveProcess {self.name!r} {self.url} {state}>"


def stop_live_processes() -> None:
    """Stop every live framework process of this interpreter (`cors_lab.stop_all()` calls this too)."""
    with _running_lock:
        processes = list(_running.values())
    for process in processes:
        process.stop()


def running_processes() -> list[LiveProcess]:
    """The live framework processes still running."""
    with _running_lock:
        return [process for process in _running.values() if process.running]


atexit.register(stop_live_processes)
