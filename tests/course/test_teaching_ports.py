"""The teaching ports (cors_lab.course.teaching): one block per machine or per learner, set by the environment, and
the forgiving `serve_teaching`; `shared_host` and its one-line note.

No test here assumes the course's own ports are free on this host: a test that binds gets a free port of its own (or
accepts the fallback sentence), and the environment's effect is read in a fresh interpreter."""
from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cors_lab import api_app
from cors_lab.course import teaching
from cors_lab.course.teaching import (
    BLOCK,
    OFFSETS,
    PORTS,
    SHARED_HOST_NOTE,
    SINGLE_USER_BASE,
    other_users,
    per_user_base,
    serve_teaching,
    shared_host,
    tell_if_shared,
)
from cors_lab.errors import InputError

ROOT = Path(__file__).resolve().parents[2]
# JupyterHub's proxy (8000), its API (8001), the hub itself (8081), JupyterLab (8888) and the usual dev servers
TAKEN_ELSEWHERE = (3000, 5000, 5173, 8000, 8001, 8080, 8081, 8888)
EPHEMERAL_FIRST = 32768  # Linux's ephemeral ports start here: a block there could meet any outgoing connection
OLD_PORTS = r"\b(800[1-5]|801[0-2]|866[67])\b"  # the fixed teaching ports before issue 15


def _block(base: int) -> range:
    return range(base, base + BLOCK)


# ---- where the blocks are ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("uid", [0, 1, 999, 1000, 1001, 1224, 1225, 4242, 65533, 65534, 2**31 - 1])
def test_a_learners_block_is_below_the_ephemeral_ports_and_clear_of_hub_and_dev_server_ports(uid):
    block = _block(per_user_base(uid))
    assert 10000 <= block[0] and block[-1] < EPHEMERAL_FIRST
    assert not set(block) & set(TAKEN_ELSEWHERE)


def test_225_consecutive_uids_get_225_blocks_that_never_overlap():
    bases = [per_user_base(uid) for uid in range(1000, 1000 + teaching.PER_USER_SLOTS)]
    assert len(set(bases)) == teaching.PER_USER_SLOTS
    ports = [port for base in bases for port in _block(base)]
    assert len(ports) == len(set(ports))  # no port in two blocks
    assert per_user_base(1000) != per_user_base(1001) and per_user_base(1000) == per_user_base(1225)  # it wraps


def test_the_single_user_block_is_clear_of_hub_and_dev_server_ports_and_holds_every_teaching_server():
    assert not set(_block(SINGLE_USER_BASE)) & set(TAKEN_ELSEWHERE)
    assert all(0 <= offset < BLOCK for offset in OFFSETS.values())
    assert len(set(OFFSETS.values())) == len(OFFSETS)  # two servers never share a port


# ---- what the environment decides (read at import, so in a fresh interpreter) ------------------------------------
PRINT_PORTS = ("import json; from cors_lab.course import teaching as t; "
               "print(json.dumps([t.PORT_BASE, t.PORT_SCHEME, t.PORTS, t.FRONTEND, t.API, t.API2, t.ATTACKER]))")


def _ports_under(**env: str) -> tuple[list, list[str]]:
    """(what teaching.py says, the lines it printed before) in a fresh interpreter with ``env`` over a clean one."""
    clean = {k: v for k, v in os.environ.items()
             if k not in ("JUPYTERHUB_USER", "CORS_LAB_PORTS", "CORS_LAB_PORT_BASE", "CORS_LAB_SHARED_HOST")}
    done = subprocess.run([sys.executable, "-c", PRINT_PORTS], env={**clean, **env}, capture_output=True, text=True,
                          timeout=60, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    *said, last = done.stdout.strip().splitlines()
    return json.loads(last), said


def _names_follow(base: int, facts: list) -> None:
    _, _, ports, frontend, api, api2, attacker = facts
    assert ports == {name: base + offset for name, offset in OFFSETS.items()}
    assert (frontend, api, api2, attacker) == tuple(f"http://localhost:{base + OFFSETS[name]}"
                                                    for name in ("page", "api", "api2", "attacker"))


def test_on_your_own_machine_the_block_starts_at_8700():
    facts, said = _ports_under()
    assert facts[:2] == [SINGLE_USER_BASE, "single-user"] and said == []
    _names_follow(SINGLE_USER_BASE, facts)


@pytest.mark.parametrize("env", [{"JUPYTERHUB_USER": "alice"}, {"CORS_LAB_PORTS": "per-user"}])
def test_under_a_hub_or_when_asked_each_learner_gets_the_block_of_their_uid(env):
    facts, said = _ports_under(**env)
    assert facts[:2] == [per_user_base(os.getuid()), "per-user"] and said == []
    _names_follow(per_user_base(os.getuid()), facts)


def test_a_teachers_port_base_wins_even_under_a_hub():
    facts, said = _ports_under(CORS_LAB_PORT_BASE="12300", JUPYTERHUB_USER="alice")
    assert facts[:2] == [12300, "CORS_LAB_PORT_BASE"] and said == []
    _names_follow(12300, facts)


@pytest.mark.parametrize("bad", ["abc", "80", "65500", "8700.5", "-1"])
@pytest.mark.parametrize("hub, usual", [({}, SINGLE_USER_BASE), ({"JUPYTERHUB_USER": "alice"}, None)])
def test_a_bad_port_base_is_one_sentence_and_the_usual_ports(bad, hub, usual):
    usual = usual if usual is not None else per_user_base(os.getuid())
    facts, said = _ports_under(CORS_LAB_PORT_BASE=bad, **hub)
    assert said == [f"CORS_LAB_PORT_BASE={bad!r} is not a port between 1024 and {65535 - BLOCK}; "
                    "using the course's usual ports."]
    assert facts[0] == usual
    _names_follow(usual, facts)


# ---- serve_teaching ---------------------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def not_shared(monkeypatch):
    """No shared-host note in these tests' output (its own tests below say when it is printed)."""
    monkeypatch.setenv("CORS_LAB_SHARED_HOST", "0")


def test_serve_teaching_puts_a_named_server_on_its_port(monkeypatch, capsys, not_shared):
    port = _free_port()
    monkeypatch.setitem(PORTS, "api", port)  # this learner's API port, free for the test whatever the host runs
    server = serve_teaching(api_app(), "api")
    try:
        assert (server.port, server.name, server.running) == (port, "api", True)
        assert capsys.readouterr().out == ""
    finally:
        server.stop()


def test_serve_teaching_on_the_real_api_port_runs_there_or_says_where_it_runs(capsys, not_shared):
    server = serve_teaching(api_app(), "api")
    try:
        out = capsys.readouterr().out
        if server.port == PORTS["api"]:
            assert out == ""
        else:  # another program holds this learner's API port on this host
            assert out == (f"Port {PORTS['api']} is taken on this machine, so 'api' runs on port {server.port} "
                           "instead.\n")
    finally:
        server.stop()


def test_a_taken_teaching_port_falls_back_to_a_free_one_in_one_sentence(monkeypatch, capsys, not_shared):
    with socket.socket() as holder:  # another program on the learner's port
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        taken = holder.getsockname()[1]
        monkeypatch.setitem(PORTS, "attacker", taken)
        server = serve_teaching(api_app(), "attacker", name="evil")
        try:
            assert server.running and server.port != taken and server.name == "evil"
            assert capsys.readouterr().out == (f"Port {taken} is taken on this machine, so 'evil' runs on port "
                                               f"{server.port} instead.\n")
        finally:
            server.stop()


def test_a_port_number_is_still_accepted(capsys, not_shared):
    port = _free_port()
    server = serve_teaching(api_app(), port, name="numbered")
    try:
        assert (server.port, server.name) == (port, "numbered") and capsys.readouterr().out == ""
    finally:
        server.stop()


@pytest.mark.parametrize("name", ["apii", "API", "", "frontend"])
def test_an_unknown_teaching_server_is_one_input_error_sentence(name, not_shared):
    with pytest.raises(InputError) as refused:
        serve_teaching(api_app(), name)
    message = str(refused.value)
    assert message == f"{name!r} is no teaching server; the names are: {', '.join(PORTS)}."
    assert "\n" not in message


# ---- a shared host ------------------------------------------------------------------------------------------------
@pytest.fixture
def another_user():
    """A process of uid 4242 on this host (as a second learner's kernel on a single-host hub); ended afterwards."""
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("starting a process as another user needs root and setpriv (util-linux)")
    process = subprocess.Popen(["setpriv", "--reuid=4242", "--regid=4242", "--clear-groups", "sleep", "30"])
    try:
        deadline = time.monotonic() + 5
        while os.stat(f"/proc/{process.pid}").st_uid != 4242:  # setpriv changes uid, then runs sleep
            assert time.monotonic() < deadline, "setpriv did not become uid 4242"
            time.sleep(0.02)
        yield 4242
    finally:
        process.kill()
        process.wait(timeout=5)


def test_another_users_process_makes_the_host_shared(another_user, monkeypatch):
    monkeypatch.delenv("CORS_LAB_SHARED_HOST", raising=False)
    assert another_user in other_users() and os.getuid() not in other_users()
    assert shared_host() is True


@pytest.mark.parametrize("setting, expected", [("0", False), ("1", True), (" 1 ", True)])
def test_a_teachers_setting_decides_whatever_runs_here(setting, expected, another_user, monkeypatch):
    monkeypatch.setenv("CORS_LAB_SHARED_HOST", setting)
    assert another_user in other_users()  # someone else is here: only the setting says 0
    assert shared_host() is expected


def test_the_shared_host_note_is_printed_once_per_kernel(monkeypatch, capsys):
    monkeypatch.setattr(teaching, "_told_shared", False)
    monkeypatch.setenv("CORS_LAB_SHARED_HOST", "1")
    assert tell_if_shared() is True
    assert tell_if_shared() is False
    assert capsys.readouterr().out == SHARED_HOST_NOTE + "\n"
    assert re.fullmatch(r"[^\n]+\.", SHARED_HOST_NOTE)  # one sentence, one line


def test_no_note_on_a_host_nobody_else_uses(monkeypatch, capsys):
    monkeypatch.setattr(teaching, "_told_shared", False)
    monkeypatch.setenv("CORS_LAB_SHARED_HOST", "0")
    assert tell_if_shared() is False and capsys.readouterr().out == ""


def test_serve_teaching_says_the_note_with_its_first_server_only(monkeypatch, capsys):
    monkeypatch.setattr(teaching, "_told_shared", False)
    monkeypatch.setenv("CORS_LAB_SHARED_HOST", "1")
    first = serve_teaching(api_app(), _free_port(), name="first")
    second = serve_teaching(api_app(), _free_port(), name="second")
    try:
        assert capsys.readouterr().out == SHARED_HOST_NOTE + "\n"
    finally:
        first.stop()
        second.stop()


# ---- nothing else hard-codes a teaching port -----------------------------------------------------------------------
# the course's content, widgets and ready-made servers; teaching.py is the one place the numbers live (and names
# JupyterHub's own ports); the pure engine's docstrings (cors_lab/browser, policy.py, doctor.py) keep example origins
COURSE_CODE = sorted(path for path in [
    *(ROOT / "cors_lab" / "course").glob("*.py"), *(ROOT / "cors_lab" / "widgets").glob("*.py"),
    *(ROOT / "cors_lab" / "frameworks").glob("*.py"),
    *(ROOT / "cors_lab" / "server" / name for name in ("apps.py", "proxy.py", "frame.py")),
    ROOT / "cors_lab" / "__init__.py", ROOT / "cors_lab" / "widgets" / "own_browser.js"] if path.name != "teaching.py")


@pytest.mark.parametrize("path", COURSE_CODE, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_course_code_names_its_servers_and_writes_no_old_teaching_port(path):
    text = path.read_text()
    found = [f"line {text.count(chr(10), 0, m.start()) + 1}: {m.group()}" for m in re.finditer(OLD_PORTS, text)]
    assert not found, f"{path.name} hard-codes a teaching port ({', '.join(found)}): use FRONTEND, API, PORTS[...]"
    assert not re.search(rf"\b{SINGLE_USER_BASE // 100}\d\d\b", text), f"{path.name} writes a port of the 8700 block"
