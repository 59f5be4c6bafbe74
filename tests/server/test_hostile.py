"""Lab servers against hostile clients: half-sent and trickled requests, no file descriptors left, a stuck request
at exit. Every test is bounded in time: a regression fails (a thread still alive, a CPU count too high), never hangs."""
import errno
import os
import socket
import subprocess
import sys
import textwrap
import threading
import time

import pytest
import requests

from cors_lab import serve
from cors_lab.server.apps import api_app

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _new_threads_once_served(server, before: set, connect) -> tuple[socket.socket, list[threading.Thread]]:
    """Open a hostile connection with ``connect`` and wait (at most 2 s) for the server thread that handles it."""
    sock = connect(server)
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        started = [t for t in set(threading.enumerate()) - before if t.is_alive()]
        if started:
            return sock, started
        time.sleep(0.01)
    sock.close()
    raise AssertionError("the server never started a thread for the connection")


def _alive_after(threads: list[threading.Thread], seconds: float) -> list[str]:
    deadline = time.monotonic() + seconds
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
    return [thread.name for thread in threads if thread.is_alive()]


def _half_request_line(server) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    sock.sendall(b"GET /api/pub")  # and nothing more: no end of line, no headers
    return sock


def _trickled_body(server) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    sock.sendall(b"POST /api/echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                 b"Content-Length: 100000\r\n\r\n{\"a\": ")  # 6 bytes of the 100 000 promised
    return sock


def _headers_never_finished(server) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    sock.sendall(b"GET /api/public HTTP/1.1\r\nHost: localhost\r\nX-Slow: a")
    return sock


HOSTILE_CLIENTS = [
    pytest.param(_half_request_line, id="half-a-request-line"),
    pytest.param(_headers_never_finished, id="headers-never-finished"),
    pytest.param(_trickled_body, id="a-body-that-trickles"),
]


@pytest.mark.parametrize("connect", HOSTILE_CLIENTS)
def test_a_slow_or_half_sent_request_keeps_no_thread_alive_after_stop(connect):
    server = serve(api_app(), name="hostile")
    before = set(threading.enumerate())
    sock, handlers = _new_threads_once_served(server, before, connect)
    try:
        started = time.monotonic()
        server.stop()
        assert time.monotonic() - started < 2, "stop() itself must not wait on the hostile client"
        assert _alive_after(handlers, 0.5) == []
    finally:
        sock.close()


@pytest.mark.parametrize("connect", HOSTILE_CLIENTS)
def test_a_stalled_request_is_dropped_after_the_request_timeout_while_the_server_runs(connect):
    server = serve(api_app(), name="hostile", request_timeout=0.3)
    before = set(threading.enumerate())
    sock, handlers = _new_threads_once_served(server, before, connect)
    try:
        assert _alive_after(handlers, 1.5) == []
        assert server.running and requests.get(server.url + "/api/public", timeout=5).ok
    finally:
        sock.close()


def test_request_handler_threads_are_named_after_their_server():
    server = serve(api_app(), name="named")
    before = set(threading.enumerate())
    sock, handlers = _new_threads_once_served(server, before, _half_request_line)
    sock.close()
    assert [t.name for t in handlers] == ["cors_lab:named:request"] and all(t.daemon for t in handlers)


@pytest.mark.parametrize("timeout", [0, -1, True, "5"])
def test_a_request_timeout_that_is_not_a_positive_number_of_seconds_is_refused(timeout):
    from cors_lab import InputError

    with pytest.raises(InputError, match="request_timeout must be a number of seconds above 0"):
        serve(api_app(), request_timeout=timeout)


# ---- no file descriptors left ---------------------------------------------------------------------------------
def test_running_out_of_file_descriptors_backs_off_and_says_so_in_one_sentence(monkeypatch, caplog):
    server = serve(api_app(), name="nofds")
    calls = []

    def no_file_descriptors():
        calls.append(time.monotonic())
        raise OSError(errno.EMFILE, "Too many open files")

    monkeypatch.setattr(server._wsgi, "get_request", no_file_descriptors)
    waiting = socket.create_connection(("127.0.0.1", server.port), timeout=5)  # stays in the backlog: readable
    try:
        time.sleep(0.6)
        assert 1 <= len(calls) <= 10  # spinning, it tried tens of thousands of times
        assert server.accept_error.startswith("Out of file descriptors (too many open files): server 'nofds' "
                                              "cannot accept connections")
        assert server.accept_error.count(". ") == 0 and server.accept_error.endswith(".")
        assert repr(server).endswith(", 0 requests, cannot accept connections: out of file descriptors>")
        said = [r.getMessage() for r in caplog.records if r.name == "cors_lab.server"]
        assert said == [server.accept_error]  # said once, not once per attempt
        monkeypatch.undo()  # descriptors are free again: the waiting client is served
        waiting.sendall(b"GET /api/public HTTP/1.1\r\nHost: localhost\r\n\r\n")
        assert waiting.recv(100).startswith(b"HTTP/1.1 200")
        # the serve thread clears the error after it handed the connection on, which may be after the answer left
        deadline = time.monotonic() + 2
        while server.accept_error is not None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert server.accept_error is None and "cannot accept" not in repr(server)
    finally:
        waiting.close()


CHILD_WITHOUT_FDS = textwrap.dedent("""
    import os, resource, sys, time
    from cors_lab import serve
    from cors_lab.server.apps import api_app

    server = serve(api_app(), name="nofds")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (len(os.listdir("/proc/self/fd")) + 16, hard))
    held = []
    try:  # take every descriptor left: accept() gets EMFILE
        while True:
            held.append(os.open(os.devnull, os.O_RDONLY))
    except OSError:
        pass
    print(server.port, flush=True)  # only now: a client that connected earlier would get a descriptor
    sys.stdin.readline()  # the parent has connected
    started = time.process_time()
    time.sleep(1.0)
    print(round(time.process_time() - started, 3), flush=True)
    print(server.accept_error, flush=True)
    for fd in held:
        os.close(fd)
    sys.stdin.readline()  # the parent got its answer
""")


def test_a_server_out_of_file_descriptors_does_not_spin_the_cpu():
    child = subprocess.Popen([sys.executable, "-c", CHILD_WITHOUT_FDS], cwd=ROOT, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        port = int(child.stdout.readline())
        client = socket.create_connection(("127.0.0.1", port), timeout=5)
        child.stdin.write("connected\n")
        child.stdin.flush()
        cpu, said = float(child.stdout.readline()), child.stdout.readline().strip()
        assert cpu < 0.3, f"the accept loop used {cpu} s of CPU in 1 s"
        assert said.startswith("Out of file descriptors (too many open files): server 'nofds' cannot accept")
        client.sendall(b"GET /api/public HTTP/1.1\r\nHost: localhost\r\n\r\n")  # served once fds are back
        assert client.recv(100).startswith(b"HTTP/1.1 200")
        client.close()
        child.stdin.write("done\n")
        child.stdin.flush()
        assert child.wait(timeout=10) == 0
        assert "Out of file descriptors" in child.stderr.read()  # logged once to the notebook's stderr
    finally:
        child.kill()
        child.wait(timeout=5)


CHILD_STARTS_WITHOUT_FDS = textwrap.dedent("""
    import os, resource
    from cors_lab import ServerError, serve
    from cors_lab.server.apps import api_app

    app = api_app()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (len(os.listdir("/proc/self/fd")) + 16, hard))
    held = []
    while True:
        try:
            held.append(os.open(os.devnull, os.O_RDONLY))
        except OSError:
            break
    for _ in range(int(os.environ["LEFT"])):  # a few descriptors: some of the server opens, the rest cannot
        os.close(held.pop())
    before = len(os.listdir("/proc/self/fd")) - 1
    try:
        serve(app, name="nofds")
    except ServerError as exc:
        print(exc)
    print(len(os.listdir("/proc/self/fd")) - 1 - before)  # descriptors left open by the failed start
""")


@pytest.mark.parametrize("left", [1, 2, 3])
def test_starting_a_server_without_file_descriptors_is_one_clear_error_and_leaks_none(left):
    done = subprocess.run([sys.executable, "-c", CHILD_STARTS_WITHOUT_FDS], cwd=ROOT, capture_output=True,
                          text=True, timeout=20, env={**os.environ, "LEFT": str(left)})
    said, leaked = done.stdout.splitlines()
    assert said.startswith("Out of file descriptors (too many open files): a server cannot start on port 0 "
                           "until some are closed;"), done.stderr
    assert leaked == "0" and done.stderr == ""


def test_a_serve_thread_that_crashes_says_so_in_the_repr(monkeypatch):
    server = serve(api_app(), name="crash")

    def broken(pause):
        raise RuntimeError("selector exploded")

    monkeypatch.setattr(server, "_accept", broken)
    with socket.create_connection(("127.0.0.1", server.port), timeout=5):
        deadline = time.monotonic() + 2
        while server.accept_error is None and time.monotonic() < deadline:
            time.sleep(0.01)
    assert server.accept_error == "Server 'crash' stopped accepting connections (RuntimeError: selector exploded)."
    assert repr(server).endswith("running, 0 requests, cannot accept connections: its thread crashed>")


# ---- exit ---------------------------------------------------------------------------------------------------
CHILD_WITH_A_STUCK_REQUEST = textwrap.dedent("""
    import socket, threading, time
    from flask import Flask
    from cors_lab import serve

    app = Flask("stuck")
    forever = threading.Event()

    @app.get("/stuck")
    def stuck():
        forever.wait()  # a view that never answers
        return "never"

    clients = []  # kept open: a closed client would end its handler thread
    for i in range(5):
        server = serve(app, name=f"stuck-{i}")
        answered_never = socket.create_connection(("127.0.0.1", server.port))
        answered_never.sendall(b"GET /stuck HTTP/1.1\\r\\nHost: localhost\\r\\n\\r\\n")
        half = socket.create_connection(("127.0.0.1", server.port))
        half.sendall(b"GET /stu")
        clients += [answered_never, half]
    while len(threading.enumerate()) < 1 + 5 * 3:  # every server thread and both handlers of each are running
        time.sleep(0.01)
    print("exiting", flush=True)
""")


def test_stop_all_waits_once_for_every_stuck_request_not_once_per_server():
    from flask import Flask

    from cors_lab import stop_all

    app = Flask("stuck")
    release = threading.Event()

    @app.get("/stuck")
    def stuck():
        release.wait(10)  # a view that does not answer until the test is over
        return "late"

    clients = []
    try:
        for i in range(5):
            server = serve(app, name=f"stuck-{i}")
            client = socket.create_connection(("127.0.0.1", server.port), timeout=5)
            client.sendall(b"GET /stuck HTTP/1.1\r\nHost: localhost\r\n\r\n")
            clients.append(client)
        deadline = time.monotonic() + 2
        while sum(t.name.startswith("cors_lab:stuck-") for t in threading.enumerate()) < 10:
            assert time.monotonic() < deadline, "the stuck requests never started"
            time.sleep(0.01)
        started = time.monotonic()
        stop_all()
        assert time.monotonic() - started < 1.0  # one shared half second, not half a second per server
    finally:
        release.set()
        for client in clients:
            client.close()


def test_exit_never_waits_on_a_stuck_request():
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", CHILD_WITH_A_STUCK_REQUEST], cwd=ROOT, capture_output=True,
                          text=True, timeout=20)
    assert done.stdout == "exiting\n" and done.returncode == 0, done.stderr
    assert time.monotonic() - started < 6  # the interpreter's start and imports, plus at most ~1 s of stop_all
