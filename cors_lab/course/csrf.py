"""Lesson 09's CSRF section: "blocked, but processed". The bank (`bank_app`), the two requests the lesson sends,
and the check of the learner's server-side defence.

CORS decides what a page may *read*. A simple cross-origin POST (a form's content type, no custom header) needs no
preflight: the browser sends it, the server acts on it, and only then does the browser refuse the page the answer.

    >>> tabs = bank_tabs(bank.url)                                    # doctest: +SKIP
    >>> forged_transfer(tabs["attacker"], bank.url).blocked           # doctest: +SKIP
    True
    >>> books(bank.url)["balances"]["mallory"]                        # ... and yet the money moved  # doctest: +SKIP
    100
    >>> check_csrf_guard(transfer_guard)                              # doctest: +SKIP
    PASSED: The attacker's forged POST moved no money and the frontend's transfer still works.

What the model browser does with cookies here (`cors_lab.browser.cookies`, recorded in Chromium): ports never change
the site, so the attacker's page (`ATTACKER`, one localhost port) is *same-site* with the bank (``BANK_PORT``, another
localhost port) and its fetch carries the cookie whatever its SameSite (Lax, Strict, None); a page on another site
(the same port on 127.0.0.1) gets no cookie at all on a fetch (third-party cookies are blocked). Form submissions
(navigations) are not modelled.
"""
from __future__ import annotations

import contextlib

import requests

from cors_lab.browser.fetch import Browser
from cors_lab.course.teaching import ATTACKER, FRONTEND, PORTS
from cors_lab.course.verdict import Verdict
from cors_lab.policy import CorsPolicy
from cors_lab.server.apps import bank_app

BANK_PORT = PORTS["bank"]  # the bank of lesson 09 (in the teaching block, next to the APIs)
FORM = {"Content-Type": "application/x-www-form-urlencoded"}  # a CORS-safelisted content type: no preflight
FRONTEND_HEADERS = {"Content-Type": "application/json", "X-Requested-With": "cors-lab"}  # forces a preflight


def bank_policy(frontend: str = FRONTEND) -> CorsPolicy:
    """The bank's CORS policy: the frontend reads its answers with cookies and may send JSON and custom headers."""
    return CorsPolicy(allow_origins=[frontend], allow_credentials=True,
                      allow_headers=["Content-Type", "X-Requested-With", "X-CSRF-Token"])


def bank_tabs(bank_url: str, frontend: str = FRONTEND, attacker: str = ATTACKER, samesite: str = "Lax") -> dict:
    """Two tabs of alice's browser sharing one cookie jar: ``"frontend"`` (where she logged in to the bank, her
    ``sid`` cookie has ``samesite``) and ``"attacker"`` (the page she visits next).

        >>> tabs = bank_tabs(bank.url, samesite="Strict")              # doctest: +SKIP
    """
    tabs = {"frontend": Browser(origin=frontend), "attacker": Browser(origin=attacker)}
    tabs["attacker"].cookies = tabs["frontend"].cookies
    tabs["frontend"].fetch(f"{bank_url}/login?user=alice&samesite={samesite}", credentials="include")
    return tabs


def forged_transfer(tab: Browser, bank_url: str, amount: int = 100):
    """What the attacker's page script does: a *simple* cross-origin POST (form content type) with cookies.

        fetch(bank + "/transfer", {method: "POST", credentials: "include",
              headers: {"Content-Type": "application/x-www-form-urlencoded"}, body: "to=mallory&amount=100"})
    """
    return tab.fetch(f"{bank_url}/transfer", method="POST", headers=FORM, body=f"to=mallory&amount={amount}",
                     credentials="include")


def frontend_transfer(tab: Browser, bank_url: str, amount: int = 10, to: str = "mallory"):
    """What the bank's own frontend sends: JSON with a custom header (so a preflight first), with cookies."""
    return tab.fetch(f"{bank_url}/transfer", method="POST", headers=FRONTEND_HEADERS,
                     body=f'{{"to": "{to}", "amount": {int(amount)}}}', credentials="include")


def books(bank_url: str) -> dict:
    """The bank's books (balances and every transfer it made), read straight from the server."""
    return requests.get(f"{bank_url}/books", timeout=5).json()


@contextlib.contextmanager
def bank_with(guard=None, csrf_tokens: bool = False, name: str = "bank-check"):
    """A fresh bank with ``guard`` (and the lesson's CORS policy) on a free port, stopped afterwards."""
    from cors_lab.server.lab import serve

    server = serve(bank_app(bank_policy(), guard=guard, csrf_tokens=csrf_tokens), port=None, name=name)
    try:
        yield server
    finally:
        server.stop()


GUARD_HINT = "def transfer_guard(request): return None or a sentence saying why the transfer is refused"


def check_csrf_guard(guard) -> Verdict:
    """Lesson 09's CSRF exercise: with ``guard`` on the bank's POST /transfer, the attacker's forged simple POST moves
    no money and the frontend's own transfer (JSON with ``X-Requested-With``, after a preflight) still works.

        >>> def transfer_guard(request):
        ...     return None                   # lets everything through
        >>> check_csrf_guard(transfer_guard)                              # doctest: +SKIP
        NOT YET: The attacker's forged POST moved 100 from alice to mallory (CORS blocked only the answer).
    """
    if guard is None:
        return Verdict(False, "`transfer_guard` is still None: write a function of the request.", hint=GUARD_HINT)
    if not callable(guard):
        return Verdict(False, f"`transfer_guard` must be a function, not {type(guard).__name__}.", hint=GUARD_HINT)
    with bank_with(guard) as bank:
        tabs = bank_tabs(bank.url)
        forged_transfer(tabs["attacker"], bank.url)
        moved = [t for t in books(bank.url)["transfers"] if t["origin"] == ATTACKER]
        if moved:
            return Verdict(False, f"The attacker's forged POST moved {moved[0]['amount']} from alice to mallory "
                                  "(CORS blocked only the answer).",
                           hint="look at request.headers.get('Origin'): which origin may transfer?")
        mine = frontend_transfer(tabs["frontend"], bank.url)
        if not mine.readable or mine.status != 200:
            said = mine.text.strip()[:160] if mine.readable else (mine.reason() or "blocked")
            return Verdict(False, f"The frontend's own transfer failed too (status {mine.status}: {said}).",
                           hint=f"refuse only what does not come from {FRONTEND}; the frontend also sends "
                                "X-Requested-With: cors-lab.")
        if not any(t["origin"] == FRONTEND for t in books(bank.url)["transfers"]):
            return Verdict(False, "The frontend got an answer but the bank made no transfer.")
    return Verdict(True, "The attacker's forged POST moved no money and the frontend's transfer still works.")
