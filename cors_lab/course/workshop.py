"""The classroom workshop (notebook 99): timed challenges across the whole course, each checked live.

A challenge's answer is what the learner writes in the notebook: usually a `CorsPolicy`, sometimes a small value.
`check(n, answer)` starts the API with that answer on a free port, sends live requests through the browser engine
(from the frontend and from the attacker), and returns a `Verdict` that says what still fails, with a hint.

    >>> from cors_lab.course import workshop
    >>> workshop.challenge(2)                                                         # doctest: +SKIP
    Challenge 2 (5 min): Let the frontend read /api/public
    ...
    >>> workshop.check(2, CorsPolicy(allow_origins=[FRONTEND]))                     # doctest: +SKIP
    PASSED: The frontend reads /api/public.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import requests

from cors_lab.browser.fetch import Browser
from cors_lab.course import progress
from cors_lab.course.exercises import api_with, not_a_policy
from cors_lab.course.fix_exercises import logged_in_browser
from cors_lab.course.teaching import API, ATTACKER, FRONTEND, PORTS
from cors_lab.course.verdict import Verdict
from cors_lab.policy import CorsPolicy


@dataclass
class Challenge:
    number: int
    title: str
    minutes: int
    task: str
    hints: list[str]
    run: Callable[[Any], Verdict]
    common_mistake: str

    def __repr__(self) -> str:
        return f"Challenge {self.number} ({self.minutes} min): {self.title}\n{self.task}"

    def hint(self, k: int = 1) -> str:
        """The k-th hint (1-based); ask for the next one only when stuck."""
        return self.hints[min(k, len(self.hints)) - 1]


def _browser(origin: str, api_url: str | None = None, logged_in: bool = False) -> Browser:
    """A browser tab at ``origin``; ``logged_in``: Alice's session cookie for the API is in its jar."""
    return logged_in_browser(origin, api_url) if logged_in and api_url else Browser(origin=origin)


def _with_api(policy: Any, test: Callable[[str], Verdict]) -> Verdict:
    refused = not_a_policy(policy)
    if refused is not None:
        return refused
    with api_with(policy, name="workshop-check") as api:
        return test(api.url)


def _origins(answer: Any) -> Verdict:
    expected = {"a": False, "b": True, "c": False, "d": False, "e": True}
    if not isinstance(answer, dict) or set(answer) != set(expected):
        return Verdict(False, "Answer with a dict {'a': True/False, ...} for all five pairs.")
    wrong = sorted(k for k in expected if bool(answer[k]) != expected[k])
    if wrong:
        return Verdict(False, f"Look again at pair(s) {', '.join(wrong)}.",
                       "Same origin = same scheme, same host (as written), same port; http means port 80.")
    return Verdict(True, "All five right: scheme, host and port must all match.")


def _simple_get(policy: Any) -> Verdict:
    def test(api: str) -> Verdict:
        r = _browser(FRONTEND).fetch(api + "/api/public")
        if not r.readable:
            return Verdict(False, f"The frontend is still blocked: {r.error}", "Allow the frontend's exact origin.")
        if "*" == r.exchanges[-1].response_headers.get("access-control-allow-origin"):
            return Verdict(False, "It works, but with `*`: name the frontend's origin instead.",
                           f"allow_origins=[{FRONTEND!r}]")
        return Verdict(True, "The frontend reads /api/public.")

    return _with_api(policy, test)


def _preflight(policy: Any) -> Verdict:
    def test(api: str) -> Verdict:
        r = _browser(FRONTEND).fetch(api + "/api/items/9", method="PUT",
                                     headers={"Content-Type": "application/json"}, body='{"name": "kiwi"}')
        if not r.readable:
            return Verdict(False, f"The PUT is blocked: {r.error}", "The preflight asks for PUT and content-type.")
        return Verdict(True, f"Preflight passed and the PUT answered {r.status}.")

    return _with_api(policy, test)


def _frontend_only(api: str) -> Verdict:
    mine = _browser(FRONTEND, api, logged_in=True).fetch(api + "/api/private", credentials="include")
    if not mine.readable:
        return Verdict(False, f"The frontend cannot read its private data: {mine.error}",
                       "Credentials need the exact origin and allow_credentials=True.")
    theirs = _browser(ATTACKER, api, logged_in=True).fetch(api + "/api/private", credentials="include")
    if theirs.readable:
        return Verdict(False, "The attacker's page reads the private data too!", "Do not reflect every origin.")
    return Verdict(True, "Only the frontend reads /api/private with the cookie.")


def _credentials(policy: Any) -> Verdict:
    return _with_api(policy, _frontend_only)


def _expose(policy: Any) -> Verdict:
    def test(api: str) -> Verdict:
        r = _browser(FRONTEND).fetch(api + "/api/custom-headers")
        if not r.readable:
            return Verdict(False, f"Blocked before headers matter: {r.error}", "First allow the frontend's origin.")
        if "x-request-id" not in r.headers:
            return Verdict(False, f"JS sees only {sorted(r.headers)}.", "Access-Control-Expose-Headers.")
        return Verdict(True, f"JS reads X-Request-Id = {r.headers['x-request-id']}.")

    return _with_api(policy, test)


def _cache(policy: Any) -> Verdict:
    def test(api: str) -> Verdict:
        browser = _browser(FRONTEND)
        now = [0.0]
        browser.preflight_cache.clock = lambda: now[0]  # a clock the check can move forward
        first = browser.fetch(api + "/api/items/5", method="DELETE")
        now[0] += 60  # one minute later
        second = browser.fetch(api + "/api/items/5", method="DELETE")
        if not first.readable:
            return Verdict(False, f"The DELETE is blocked: {first.error}", "allow_methods must include DELETE.")
        if second.preflight:
            return Verdict(False, "A minute later, the second DELETE sent a preflight again.",
                           "max_age tells the browser how many seconds it may reuse a preflight answer "
                           "(Chromium's default is 5 s).")
        return Verdict(True, "One preflight, then a minute later a straight DELETE from the preflight cache.")

    return _with_api(policy, test)


def _fix_reflection(policy: Any) -> Verdict:
    verdict = _credentials(policy)
    if verdict.passed and isinstance(policy, CorsPolicy) and policy.reflect_origin:
        return Verdict(False, "reflect_origin is still on.", "Turn reflection off and list the frontend.")
    return verdict


def _no_null(policy: Any) -> Verdict:
    def test(api: str) -> Verdict:
        # Sandboxed iframes, file: pages and some redirects send `Origin: null`: anyone can produce it.
        answer = requests.get(api + "/api/private", headers={"Origin": "null"}, timeout=5)
        if answer.headers.get("Access-Control-Allow-Origin") == "null":
            return Verdict(False, "The API still answers Access-Control-Allow-Origin: null.",
                           "Remove 'null' from allow_origins.")
        return _frontend_only(api)

    return _with_api(policy, test)


CHALLENGES = [
    Challenge(1, "Same origin or not?", 4,
              f"Pairs: (a) {FRONTEND} vs {API}, (b) {FRONTEND} vs {FRONTEND}/api/x, "
              f"(c) {FRONTEND} vs http://127.0.0.1:{PORTS['page']}, "
              "(d) http://example.com vs https://example.com, (e) http://example.com vs http://example.com:80. "
              "Answer {'a': True/False, ...} (True = same origin).",
              ["Paths never matter.", "localhost and 127.0.0.1 are different hosts."], _origins,
              "Thinking localhost and 127.0.0.1 are the same origin (same machine, different origins)."),
    Challenge(2, "Let the frontend read /api/public", 5,
              f"Write a CorsPolicy so a script on {FRONTEND} can read /api/public (no wildcard).",
              ["Which header does the console sentence name?", "allow_origins=[...]"], _simple_get,
              f"Adding a trailing slash: '{FRONTEND}/' is not an origin."),
    Challenge(3, "Make the PUT with JSON work", 6,
              "The page sends PUT /api/items/9 with Content-Type: application/json. Write the policy.",
              ["Which requests trigger a preflight?", "allow_methods and allow_headers"], _preflight,
              "Forgetting that application/json makes Content-Type non-safelisted."),
    Challenge(4, "Cookies for the frontend only", 7,
              "Let the frontend (and only it) read /api/private with the user's cookie.",
              ["`*` never works with credentials.", "allow_credentials=True"], _credentials,
              "Using reflect_origin to 'make it work' — that also lets the attacker in."),
    Challenge(5, "Read a custom response header", 5,
              "The frontend wants X-Request-Id from /api/custom-headers. Write the policy.",
              ["Only safelisted response headers are visible by default."], _expose,
              "Expecting Access-Control-Allow-Headers to do this (that one is for request headers)."),
    Challenge(6, "One preflight is enough", 5,
              "The page sends DELETE /api/items/5 once a minute. "
              "Make the browser skip the preflight for the second one.",
              ["Access-Control-Max-Age"], _cache,
              "max_age=0 disables the cache; Chromium caps long values at 2 hours."),
    Challenge(7, "Close the hole", 6,
              "The API used CorsPolicy(reflect_origin=True, allow_credentials=True). Fix it: the frontend keeps "
              "working with cookies, the attacker is blocked.",
              ["Reflection trusts every origin."], _fix_reflection,
              "Switching to '*' with credentials: then the frontend breaks too."),
    Challenge(8, "Don't trust null", 5,
              f"The API used CorsPolicy(allow_origins=[{FRONTEND!r}, 'null'], allow_credentials=True). "
              "Fix it.", ["Who can send Origin: null?"], _no_null,
              "Thinking 'null' means 'no origin': it is a real value any sandboxed page can send."),
]


def challenge(n: int) -> Challenge:
    """Challenge ``n`` (1-based): its title, time, task, hints and the common mistake it is about.

        >>> workshop.challenge(3)                                                     # doctest: +SKIP
        Challenge 3 (6 min): Make the PUT with JSON work
        The page sends PUT /api/items/9 with Content-Type: application/json. Write the policy.
        >>> workshop.challenge(3).hint(1)                                             # doctest: +SKIP
        'Which requests trigger a preflight?'
    """
    return CHALLENGES[n - 1]


def check(n: int, answer: Any) -> Verdict:
    """Check challenge ``n`` with the learner's ``answer`` live; never raises for a wrong answer.

        >>> workshop.check(3, CorsPolicy(allow_origins=[FRONTEND]))                     # doctest: +SKIP
        NOT YET: The PUT is blocked: Access to fetch at ... Method PUT is not allowed by
        Access-Control-Allow-Methods in preflight response.
          hint: The preflight asks for PUT and content-type.
    """
    if not 1 <= n <= len(CHALLENGES):
        return Verdict(False, f"There is no challenge {n}; they are numbered 1 to {len(CHALLENGES)}.")
    try:
        verdict = CHALLENGES[n - 1].run(answer)
    except Exception as exc:  # a learner's odd answer must give a sentence, not a traceback
        verdict = Verdict(False, f"That answer could not be checked ({type(exc).__name__}: {exc}).")
    progress.record(progress.challenge(n), verdict)  # the teacher's progress folder, when one is set
    return verdict
