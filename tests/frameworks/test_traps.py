"""Every classic trap of `cors_lab.frameworks.traps`, live: the engine's sentence for the trap's fetch, real Chromium
agreeing with it word for word, and the fixed configuration giving the verdict the fix promises.

Real Chromium is the reference: when the agreement test fails, the engine is wrong about this framework's answer.
"""
from __future__ import annotations

import os
import re
import shutil

import pytest

from cors_lab.course.teaching import FRONTEND
from cors_lab.errors import ServerError
from cors_lab.frameworks.traps import TRAPS, fetch_trap, start_trap

NO_ACAO = "No 'Access-Control-Allow-Origin' header is present on the requested resource."
PREFLIGHT = "Response to preflight request doesn't pass access control check: " + NO_ACAO
MULTIPLE = (f"The 'Access-Control-Allow-Origin' header contains multiple values '{FRONTEND}, "
            f"{FRONTEND}', but only one is allowed. Have the server send the header with a valid value.")

#: trap -> (what the trap's fetch gives: the end of the console sentence, or None for "allowed: readable"),
#:         (the fixed configuration's: the same), the status the page reads when fixed
EXPECTED = {
    "express-cors-after-auth": (PREFLIGHT, None, 200),
    "express-cors-after-routes": (NO_ACAO, None, 200),
    "express-origin-true-with-credentials": (None, NO_ACAO, 0),  # the trap is that the attacker may read
    "starlette-star-with-credentials": (None, NO_ACAO, 0),
    "starlette-500-without-cors": (NO_ACAO, None, 500),  # fixed: the page reads the real 500
    "django-cors-after-answering-middleware": (PREFLIGHT, None, 200),
    "nginx-add-header-without-always": (NO_ACAO, None, 401),  # fixed: the page reads the real 401
    "nginx-and-app-both-send-the-header": (MULTIPLE, None, 200),
}
LIVE_TRAPS = list(EXPECTED)


def needs(framework: str) -> None:
    if framework in ("starlette",):
        pytest.importorskip("uvicorn", reason="uvicorn is not installed")
        pytest.importorskip("starlette", reason="starlette is not installed")
    if framework == "django":
        pytest.importorskip("corsheaders", reason="django-cors-headers is not installed")
    if framework == "express" and (shutil.which("node") is None or shutil.which("npm") is None):
        pytest.skip("node or npm is missing: cannot run Express")
    if framework == "nginx" and shutil.which("nginx") is None and not os.path.exists("/usr/sbin/nginx"):
        pytest.skip("nginx is not installed (apt-get install nginx)")


def started(name: str, fixed: bool = False, **options):
    needs(TRAPS[name].framework)
    try:
        return start_trap(name, fixed=fixed, **options)
    except ServerError as exc:
        if "npm" in str(exc):
            pytest.skip(str(exc))
        raise


@pytest.fixture(scope="module")
def chromium():
    """Real Chromium tabs, one per page origin, created on first use."""
    from cors_lab.real.chromium import ChromiumBrowser, chromium_available, unavailable_reason

    if not chromium_available():
        pytest.skip(f"real Chromium not available: {unavailable_reason()}")
    tabs = {}

    def tab(origin: str):
        if origin not in tabs:
            tabs[origin] = ChromiumBrowser(origin)
        return tabs[origin]

    yield tab
    for tab_ in tabs.values():
        tab_.close()


def check(result, sentence_end: str | None, status: int | None = None) -> None:
    if sentence_end is None:
        assert not result.blocked, result.error
        if status is not None:
            assert result.status == status
    else:
        assert result.blocked and result.error.endswith(sentence_end), result.error


@pytest.mark.parametrize("name", LIVE_TRAPS)
def test_the_trap_gives_the_engines_sentence_and_real_chromium_agrees(name, chromium):
    trap_end, _, _ = EXPECTED[name]
    with started(name) as live:
        engine = fetch_trap(live)
        real = fetch_trap(live, chromium(live.trap.origin))
    check(engine, trap_end)
    assert (real.blocked, real.status, real.error) == (engine.blocked, engine.status, engine.error)


@pytest.mark.parametrize("name", LIVE_TRAPS)
def test_the_fixed_configuration_gives_what_the_fix_promises(name, chromium):
    _, fixed_end, status = EXPECTED[name]
    with started(name, fixed=True) as live:
        engine = fetch_trap(live)
        real = fetch_trap(live, chromium(live.trap.origin))
    check(engine, fixed_end, status)
    assert (real.blocked, real.status, real.error) == (engine.blocked, engine.status, engine.error)


def test_django_refuses_to_start_with_an_origin_written_with_a_trailing_slash():
    needs("django")
    with pytest.raises(ServerError, match=rf"corsheaders\.E014\) Origin '{re.escape(FRONTEND)}/' in "
                                          r"CORS_ALLOWED_ORIGINS should not have path"):
        started("django-origin-with-trailing-slash")


def test_past_djangos_check_the_origin_with_a_trailing_slash_matches_anyway(chromium):
    """Recorded: django-cors-headers compares only scheme and host:port, so with --skip-checks the slash is harmless
    (unlike the lab's policy, flask-cors and cors, which compare the text and never match it)."""
    with started("django-origin-with-trailing-slash", skip_checks=True) as live:
        engine = fetch_trap(live)
        real = fetch_trap(live, chromium(live.trap.origin))
    check(engine, None, 200)
    assert (real.blocked, real.status, real.error) == (engine.blocked, engine.status, engine.error)


def test_the_fixed_django_origin_starts_and_allows_the_page():
    with started("django-origin-with-trailing-slash", fixed=True) as live:
        check(fetch_trap(live), None, 200)


def test_every_trap_is_stopped_by_stop_all_and_leaves_no_process():
    import cors_lab
    from cors_lab.frameworks.live import running_processes

    live = started("express-cors-after-routes")
    pid = live.process.pid
    cors_lab.stop_all()
    assert running_processes() == []
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_an_unknown_trap_name_is_one_sentence():
    from cors_lab import InputError

    with pytest.raises(InputError, match="Unknown trap 'express'"):
        start_trap("express")
