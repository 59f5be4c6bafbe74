"""Lesson 09's CSRF section: blocked, but processed; SameSite as the engine models it; the guard check."""
from __future__ import annotations

import pytest

from cors_lab import serve
from cors_lab.course import (
    ATTACKER,
    FRONTEND,
    bank_app,
    bank_policy,
    bank_tabs,
    books,
    check_csrf_guard,
    forged_transfer,
    frontend_transfer,
)
from cors_lab.real import chromium


def test_a_forged_simple_post_is_blocked_yet_the_bank_moves_the_money():
    bank = serve(bank_app(bank_policy()), port=None, name="bank")
    result = forged_transfer(bank_tabs(bank.url)["attacker"], bank.url)
    assert result.blocked and not result.preflight
    assert books(bank.url)["balances"]["mallory"] == 100
    assert bank.last_request("/transfer").cookies_sent


@pytest.mark.parametrize("samesite", ["Lax", "Strict", "None"])
def test_a_same_site_page_gets_the_cookie_whatever_samesite_and_another_site_gets_none(samesite):
    bank = serve(bank_app(bank_policy()), port=None, name="bank")
    forged_transfer(bank_tabs(bank.url, samesite=samesite)["attacker"], bank.url)
    assert books(bank.url)["balances"]["mallory"] == 100
    cross_site = bank_tabs(bank.url, attacker=ATTACKER.replace("localhost", "127.0.0.1"), samesite=samesite)["attacker"]
    assert forged_transfer(cross_site, bank.url).exchanges[-1].status == 401
    assert books(bank.url)["balances"]["mallory"] == 100


def test_csrf_tokens_refuse_the_forgery_and_let_the_frontend_through():
    import json

    bank = serve(bank_app(bank_policy(), csrf_tokens=True), port=None, name="bank")
    tabs = bank_tabs(bank.url)
    assert forged_transfer(tabs["attacker"], bank.url).exchanges[-1].status == 403
    assert tabs["attacker"].fetch(bank.url + "/csrf-token", credentials="include").blocked
    token = json.loads(tabs["frontend"].fetch(bank.url + "/csrf-token", credentials="include").text)["token"]
    assert frontend_transfer(tabs["frontend"], bank.url).status == 403  # no token
    sent = tabs["frontend"].fetch(bank.url + "/transfer", method="POST", credentials="include",
                                  headers={"Content-Type": "application/json", "X-CSRF-Token": token},
                                  body='{"to": "mallory", "amount": 5}')
    assert sent.status == 200 and books(bank.url)["balances"]["mallory"] == 5


@pytest.mark.parametrize("guard, passed, says", [
    (None, False, "still None"),
    ("origin", False, "must be a function"),
    (lambda request: None, False, "forged POST moved 100"),
    (lambda request: "no", False, "frontend's own transfer failed too (status 403"),
    (lambda request: 1 / 0, False, "the guard raised ZeroDivisionError"),
    (lambda request: None if request.headers.get("Origin") == FRONTEND else "cross-site", True, "moved no money"),
    (lambda request: None if request.headers.get("X-Requested-With") else "no header", True, "moved no money"),
])
def test_the_guard_check(guard, passed, says):
    verdict = check_csrf_guard(guard)
    assert verdict.passed is passed and says in verdict.message, verdict
    assert ":" + "8" not in verdict.message.replace(FRONTEND, "").replace(ATTACKER, "")  # no random port


@pytest.mark.skipif(chromium.unavailable_reason() is not None, reason="needs real Chromium")
def test_real_chromium_sends_the_forged_post_with_a_same_site_cookie_and_none_cross_site():
    bank = serve(bank_app(bank_policy()), port=None, name="bank")
    sid = bank_tabs(bank.url).get("frontend").cookies.header_for(bank.url + "/").split("=", 1)[1]
    for page in (ATTACKER, ATTACKER.replace("localhost", "127.0.0.1")):
        tab = chromium.ChromiumBrowser(origin=page)
        try:
            tab.set_cookie(bank.url + "/", f"sid={sid}; SameSite=None; Secure")
            result = tab.fetch(bank.url + "/transfer", method="POST", credentials="include",
                               headers={"Content-Type": "application/x-www-form-urlencoded"},
                               body="to=mallory&amount=100")
        finally:
            tab.close()
        assert result.blocked
    moved = [t for t in books(bank.url)["transfers"] if t["to"] == "mallory"]
    assert [t["origin"] for t in moved] == [ATTACKER]  # the cross-site page's POST carried no cookie
