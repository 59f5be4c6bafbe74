"""Corrections in lessons 06 and 07, and the checks their checker widgets run."""
import re
from pathlib import Path

from cors_lab import api_app, cors_proxy, serve
from cors_lab.course import FRONTEND, check_cors_proxy

SRC = Path(__file__).resolve().parents[2] / "notebooks" / "src"


def _cells(name: str) -> list[tuple[str, str]]:
    chunks = re.split(r"^# %%(.*)$", (SRC / name).read_text(), flags=re.M)
    return [("markdown" if "[markdown]" in header else "code", body) for header, body in zip(chunks[1::2], chunks[2::2],
                                                                                               strict=True)]


def test_lesson_06_has_no_heading_or_prediction_hidden_in_a_code_cell():
    for kind, body in _cells("06_fix_the_server.py"):
        if kind == "code":
            assert not re.search(r"^# #+ ", body, flags=re.M), body[:80]
            assert "**Predict" not in body


def test_lesson_06_says_what_chromiums_local_network_access_does():
    text = (SRC / "06_fix_the_server.py").read_text()
    assert "cannot reach `localhost` in Chromium at all" not in text
    assert "Local Network Access" in text and "replaced Private Network Access" in text
    assert "refuses a plain-`http` public page" in text and "asks the user's permission" in text


def test_lesson_07_says_cookies_are_scoped_by_host_not_origin():
    text = (SRC / "07_fix_with_a_proxy.py").read_text()
    assert "The cookie belongs to the **proxy's** origin" not in text
    assert "belongs to a **host**, and ports do not count" in text


def test_every_exercise_of_06_and_07_is_checked_by_the_checker_widget():
    for name in ("06_fix_the_server.py", "07_fix_with_a_proxy.py"):
        code = "\n".join(body for kind, body in _cells(name) if kind == "code")
        assert "ExerciseChecker(" in code and "solution=" in code
        assert _cells(name)[-1] == ("code", "\nstop_all()\n")


def test_check_cors_proxy_says_in_one_sentence_that_a_stopped_proxy_is_not_running():
    api = serve(api_app(), port=None, name="fix-api")
    internal = serve(api_app(), port=None, name="fix-internal")
    proxy = serve(cors_proxy(allow_upstreams=[api.origin], allow_origins=[FRONTEND]), port=None,
                  name="fix-proxy")
    assert check_cors_proxy(proxy, api.url, internal.url)
    proxy.stop()
    verdict = check_cors_proxy(proxy, api.url, internal.url)
    assert not verdict and verdict.message.startswith("The proxy is not a running lab server")
    assert not check_cors_proxy(None, api.url, internal.url)
