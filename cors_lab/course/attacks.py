"""Lesson 09's attacks on misconfigured CORS: each attack (the misconfigured policy, how the attacker's page
fetches), `steal` (run it live in model browser tabs that share one cookie jar), and the checks of the fixes.

    >>> report = steal(ATTACKS["reflect"], api.url)                    # doctest: +SKIP
    >>> report.stolen, report.text()                                   # doctest: +SKIP
    (True, "STOLEN: the attacker's page read alice's private data: {...}")
    >>> check_reflection_fix(CorsPolicy(allow_origins=[FRONTEND], allow_credentials=True))   # doctest: +SKIP
    PASSED: The frontend reads its private data and the attacker is blocked.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass

from cors_lab.course.exercises import api_with, logged_in_browsers, not_a_policy
from cors_lab.course.fix_exercises import check_origin_grants, check_private_api
from cors_lab.course.teaching import ATTACKER, FRONTEND, PORTS
from cors_lab.course.verdict import Verdict
from cors_lab.policy import CorsPolicy

REDIRECTOR_PORT = PORTS["attacker2"]  # the attacker's second server (an api_app whose /api/redirect redirects anywhere)


@dataclass(frozen=True)
class Attack:
    """One classic misconfiguration: the ``policy`` that has the hole, and how the attacker's page exploits it."""

    key: str
    title: str
    policy: CorsPolicy  # the misconfigured policy this attack exploits
    how: str  # what the attacker's page does, in a sentence
    why: str  # why it works, in a sentence
    fix: str  # the fix, in a sentence
    via_redirect: bool = False  # the page fetches the attacker's redirector, which redirects to the API


ATTACKS = {
    "reflect": Attack(
        "reflect", "reflected Origin, with credentials",
        CorsPolicy(reflect_origin=True, allow_credentials=True),
        "The attacker's page fetches /api/private with credentials: 'include'.",
        "The API echoes whatever Origin arrives and says Allow-Credentials: true, so the browser hands the "
        "answer to any page.",
        "List the frontend's exact origin (allow_origins=[FRONTEND]) instead of reflecting."),
    "null": Attack(
        "null", "trusted null origin, reached through a redirect",
        CorsPolicy(allow_origins=[FRONTEND, "null"], allow_credentials=True),
        "The attacker's page fetches its own redirector, which answers 302 to /api/private.",
        "After a cross-origin redirect the browser sends Origin: null, and the API lists 'null' as trusted.",
        "Remove 'null' from allow_origins: sandboxed iframes, file: pages and redirects all send it.",
        via_redirect=True),
    "prefix": Attack(
        "prefix", "prefix-matching origin check (any localhost port)",
        CorsPolicy(allow_origin_regex=r"http://localhost", allow_credentials=True),
        "The attacker's page, on another localhost port, fetches /api/private with credentials.",
        "The regex is matched from the start only, so every origin that begins with http://localhost passes: "
        "every app on every port of the machine.",
        f"Match whole origins: list them, or anchor both ends (^{FRONTEND}$)."),
}


@dataclass
class StealReport:
    """What one `steal` did: the attacker tab's result, the frontend tab's result, and whether data leaked."""

    attack: Attack
    attacker_result: object
    frontend_result: object

    @property
    def stolen(self) -> bool:
        return bool(self.attacker_result.readable and '"alice"' in self.attacker_result.text)

    @property
    def frontend_ok(self) -> bool:
        return bool(self.frontend_result.readable and '"alice"' in self.frontend_result.text)

    def text(self) -> str:
        """The report as the attacker console shows it (no port numbers: they would vary)."""
        if self.stolen:
            head = ("STOLEN: the attacker's page read alice's private data: "
                    f"{self.attacker_result.text.strip()[:200]}\nWhy: {self.attack.why}")
        elif self.attacker_result.readable:
            head = f"The attacker's page read an answer, but no private data (status {self.attacker_result.status})."
        else:
            head = f"SAFE: the attacker's page read nothing ({self.attacker_result.reason() or 'blocked'})."
        front = ("The frontend still reads alice's data." if self.frontend_ok else
                 f"But the frontend cannot read alice's data either ({self.frontend_result.reason() or 'no data'}): "
                 "a fix must keep it working.")
        return f"{head}\n{front}"


def tabs(api_url: str, frontend: str = FRONTEND, attacker: str = ATTACKER) -> dict:
    """Alice's browser: a ``"frontend"`` tab where she logs in to the API, and the ``"attacker"`` tab she opens
    next, sharing one cookie jar (the login's Set-Cookie is stored whatever the API's CORS policy)."""
    page, evil = logged_in_browsers(api_url, frontend, attacker)
    return {"frontend": page, "attacker": evil}


def steal(attack: Attack, api_url: str, redirector_url: str | None = None, frontend: str = FRONTEND,
          attacker: str = ATTACKER) -> StealReport:
    """Run ``attack`` live against the API at ``api_url``: alice logs in on the frontend, then the attacker's tab
    (same cookie jar) fetches /api/private (through ``redirector_url`` for a redirect attack); the frontend reads it
    too, to show whether a fix kept it working."""
    if attack.via_redirect and not redirector_url:
        raise ValueError(f"the {attack.key!r} attack needs the attacker's redirector (redirector_url=...)")
    browser = tabs(api_url, frontend, attacker)
    private = f"{api_url}/api/private"
    target = f"{redirector_url}/api/redirect?to={private}" if attack.via_redirect else private
    stolen = browser["attacker"].fetch(target, credentials="include")
    mine = browser["frontend"].fetch(private, credentials="include")
    return StealReport(attack, stolen, mine)


@contextlib.contextmanager
def _redirector():
    with api_with(CorsPolicy(reflect_origin=True, allow_credentials=True), name="attacker-redirector-check") as r:
        yield r


def _check_fix(policy, attack: Attack) -> Verdict:
    refused = not_a_policy(policy)
    if refused is not None:
        return refused
    with api_with(policy, name="attack-fix-check") as api, _redirector() as redirector:
        verdict = check_private_api(api.url, public_for_everyone=False, redirector=redirector.url)
        if not verdict.passed and "frontend cannot read" in verdict.message:
            # the console sentence names the check's own (random) port: say it without it
            return Verdict(False, "The frontend cannot read /api/private with the cookie any more.",
                           hint="allow exactly the frontend's origin, with credentials.")
        return verdict


def check_reflection_fix(policy) -> Verdict:
    """Lesson 09, exercise A: the API stops reflecting; the frontend keeps its cookies, the attacker reads nothing."""
    return _check_fix(policy, ATTACKS["reflect"])


def check_null_fix(policy) -> Verdict:
    """Lesson 09, exercise B: the API stops trusting ``null``; the redirect trick is replayed too."""
    return _check_fix(policy, ATTACKS["null"])


def check_regex_fix(policy) -> Verdict:
    """Lesson 09, exercise C: an anchored pattern: the real ``*.example.com`` frontends get in, look-alikes do not.

        >>> check_regex_fix(CorsPolicy(allow_origin_regex=r"http://[a-z]+\\.example\\.com$",
        ...                            allow_credentials=True))                          # doctest: +SKIP
        PASSED: Every real frontend is allowed and every look-alike origin is refused.
    """
    refused = not_a_policy(policy)
    if refused is not None:
        return refused
    with api_with(policy, name="regex-fix-check") as api:
        return check_origin_grants(api.url + "/api/private",
                                   allowed=["http://shop.example.com", "http://admin.example.com"],
                                   refused=["http://shop.example.com.evil.net", "http://example.com.evil.net"])
