"""Lesson 09's attack checks and lesson 08's quiz key (a public CORS proxy is never a fix), with the prose."""
from __future__ import annotations

from pathlib import Path

import pytest

from cors_lab import CorsPolicy
from cors_lab.course import (
    ATTACKS,
    FRONTEND,
    check_devtools_quiz,
    check_null_fix,
    check_reflection_fix,
    check_regex_fix,
)
from cors_lab.course.fix_exercises import DEVTOOLS_QUIZ, DEVTOOLS_WHY

ROOT = Path(__file__).resolve().parents[2]
EXACT = CorsPolicy(allow_origins=[FRONTEND], allow_credentials=True)


def test_a_public_cors_proxy_is_not_a_fix_that_reaches_every_user():
    assert DEVTOOLS_QUIZ["prefix URLs with a public CORS proxy"] is False
    assert "opt in" in DEVTOOLS_WHY["prefix URLs with a public CORS proxy"]
    assert not check_devtools_quiz({**DEVTOOLS_QUIZ, "prefix URLs with a public CORS proxy": True})


def test_lesson_08_never_presents_a_public_proxy_as_a_fix():
    text = (ROOT / "notebooks/src/08_developer_tools.py").read_text()
    assert "each visitor" in text and "never a fix" in text
    assert "does work in every browser" not in text


def test_lesson_09_says_what_local_network_access_does_for_http_and_https_pages():
    text = " ".join((ROOT / "notebooks/src/09_attacks.py").read_text().replace("#", " ").split())
    assert "cannot reach `localhost` at all" not in text
    assert "refuses such requests from **http** public pages" in text and "asks the user's permission" in text
    assert '## 4. CSRF: blocked, but processed' in (ROOT / "notebooks/src/09_attacks.py").read_text()


@pytest.mark.parametrize("check, key", [(check_reflection_fix, "reflect"), (check_null_fix, "null"),
                                        (check_null_fix, "prefix")])
def test_the_hole_fails_its_check_and_the_exact_allowlist_passes(check, key):
    assert not check(ATTACKS[key].policy)
    assert check(EXACT)


def test_a_fix_that_drops_credentials_fails_without_a_random_port_in_the_sentence():
    verdict = check_reflection_fix(CorsPolicy(allow_origins=[FRONTEND]))
    assert not verdict and verdict.message == "The frontend cannot read /api/private with the cookie any more."


def test_the_regex_check_wants_an_end_anchor():
    assert not check_regex_fix(CorsPolicy(allow_origin_regex=r"http://.*\.example\.com", allow_credentials=True))
    assert check_regex_fix(CorsPolicy(allow_origin_regex=r"http://[a-z]+\.example\.com$", allow_credentials=True))
    assert not check_regex_fix(None)
