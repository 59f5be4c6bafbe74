"""The checks behind the exercises of notebooks 00-05: each returns a `Verdict` (shown as a cell's last line).

The policy checks (02-05) run live requests through the browser engine against a fresh API on a free port (the
learner's own servers are left alone), from the frontend and from the attacker's page.

    >>> from cors_lab import CorsPolicy
    >>> from cors_lab.course import check_error_status_policy
    >>> check_error_status_policy(CorsPolicy(allow_origins=[FRONTEND]))                # doctest: +SKIP
    PASSED: The frontend reads /api/public and sees the real status 404; http://localhost:... is blocked.
"""
from __future__ import annotations

import contextlib

from cors_lab.browser.fetch import Browser
from cors_lab.browser.origin import origin_of, parse_origin, same_origin
from cors_lab.course.teaching import ATTACKER, FRONTEND, PORTS
from cors_lab.course.verdict import Verdict
from cors_lab.policy import CorsPolicy

POLICY_HINT = "policy = CorsPolicy(allow_origins=[...], ...)"


# ---- 00 · start here ---------------------------------------------------------------------------------
def check_third_server(server) -> Verdict:
    """Notebook 00: a third lab server named ``'api2'`` is running and has received at least one request.

        >>> api2 = serve_teaching(api_app(), "api2")                          # doctest: +SKIP
        >>> requests.get(api2.url + "/api/public")                            # doctest: +SKIP
        >>> check_third_server(api2)                                          # doctest: +SKIP
        PASSED: api2 at http://localhost:... is a third origin and received 1 request(s).
    """
    if server is None:
        return Verdict(False, "api2 is still None.", hint="api2 = serve_teaching(api_app(), 'api2')")
    if not getattr(server, "running", False):
        return Verdict(False, "api2 is not running (a later cell ran stop_all()): re-run your exercise cell, then "
                              "press Check.", hint="start it again with serve_teaching(...).")
    if server.name != "api2":
        return Verdict(False, f"The server is called {server.name!r}.", hint="name it 'api2' (name='api2').")
    received = server.count()
    if not received:
        return Verdict(False, f"api2 runs at {server.url} but has received no request yet.",
                       hint="requests.get(api2.url + '/api/public')")
    return Verdict(True, f"{server.name} at {server.origin} is a third origin and received {received} request(s).")


# ---- shared by the policy checks ------------------------------------------------------------------------
def not_a_policy(policy) -> Verdict | None:
    """A failing verdict when the learner's answer is not a `CorsPolicy`, None when it is one.

    Test the result with ``is not None``: a failing verdict is falsy."""
    if policy is None:
        return Verdict(False, "`policy` is still None; the answer is a CorsPolicy(...).", hint=POLICY_HINT)
    if not isinstance(policy, CorsPolicy):
        return Verdict(False, f"The answer must be a CorsPolicy(...), not {type(policy).__name__}.", hint=POLICY_HINT)
    return None


def true_false_quiz(answers, right: dict[str, bool], hint: str) -> Verdict | None:
    """A failing verdict for a True/False quiz (not a dict, a question left open, a wrong answer), None when every
    answer is right. ``hint`` is shown for a wrong answer. Test the result with ``is not None``."""
    if not isinstance(answers, dict):
        return Verdict(False, "`answers` must be a dict {question: True or False}.",
                       hint="copy the dict from the cell above.")
    missing = [question for question in right if not isinstance(answers.get(question), bool)]
    if missing:
        return Verdict(False, f"Answer True or False for {missing[0]!r} ({len(missing)} left).")
    wrong = [question for question in right if answers[question] != right[question]]
    if wrong:
        return Verdict(False, f"{len(wrong)} answer(s) to rethink, for example {wrong[0]!r}.", hint=hint)
    return None


@contextlib.contextmanager
def api_with(policy: CorsPolicy, name: str = "exercise-check"):
    """A fresh `api_app` answering with a copy of ``policy`` on a free port, stopped afterwards.

        >>> with api_with(CorsPolicy(allow_origins=[FRONTEND])) as api:      # doctest: +SKIP
        ...     Browser(FRONTEND).fetch(api.url + "/api/public").readable
        True
    """
    from cors_lab.server.apps import api_app
    from cors_lab.server.lab import serve

    server = serve(api_app(policy.copy()), port=None, name=name)
    try:
        yield server
    finally:
        server.stop()


def why(result) -> str:
    """What the console (or fetch's exception) said about a failed fetch, in one line."""
    return (result.error or result.exception or "blocked").strip()


# ---- 01 · the same-origin policy ---------------------------------------------------------------------
# the URLs the learner compares with the page (FRONTEND): built from this learner's ports, so they match what the
# notebook's other cells print
SAME_ORIGIN_QUIZ = [
    f"http://localhost:{PORTS['page']}/api/data",
    f"http://localhost:{PORTS['api']}/api/data",
    f"https://localhost:{PORTS['page']}/",
    f"http://127.0.0.1:{PORTS['page']}/",
    f"http://localhost:{PORTS['page']}/admin?page=2#top",
    f"http://LOCALHOST:{PORTS['page']}/",
    "http://localhost/",
]


def same_origin_answer(url: str, page: str = FRONTEND) -> bool:
    """The right answer to one quiz question, as the browser engine decides it.

        >>> same_origin_answer(FRONTEND.replace("localhost", "LOCALHOST") + "/")
        True
        >>> same_origin_answer(FRONTEND.replace("localhost", "127.0.0.1") + "/")
        False
    """
    return same_origin(parse_origin(page), origin_of(url))


def check_same_origin_answers(answers, page: str = FRONTEND) -> Verdict:
    """Notebook 01: for each URL of `SAME_ORIGIN_QUIZ`, is it same-origin with the page at ``page``? (True/False)

        >>> check_same_origin_answers({url: True for url in SAME_ORIGIN_QUIZ})     # doctest: +SKIP
        NOT YET: 4 answer(s) to rethink, for example 'http://localhost:.../api/data'.
          hint: compare only scheme, host and port; ...
    """
    right = {url: same_origin_answer(url, page) for url in SAME_ORIGIN_QUIZ}
    refused = true_false_quiz(answers, right, hint="compare only scheme, host and port; the path, query and fragment "
                                                   "do not count, hosts are case-insensitive, and a missing port means "
                                                   "the scheme's default (80 for http).")
    if refused is not None:
        return refused
    return Verdict(True, f"All {len(SAME_ORIGIN_QUIZ)} answers are right. Only scheme + host + port make an origin.")


def check_forged_origin(server, data) -> Verdict:
    """Notebook 01: from Python, the learner sent a request claiming the attacker's origin (``Origin: ATTACKER``)
    to /api/public and kept what the server sent in ``data``.

        >>> data = requests.get(api.url + "/api/public", headers={"Origin": ATTACKER}).json()   # doctest: +SKIP
        >>> check_forged_origin(api, data)                                                   # doctest: +SKIP
        PASSED: The server answered 200 to a request claiming to come from http://localhost:..., ...
    """
    if server is None or not hasattr(server, "last_request"):
        return Verdict(False, "That is not a lab server.", hint="pass the running api server (the variable `api`).")
    forged = server.last_request(path="/api/public", origin=ATTACKER)
    if forged is None:
        return Verdict(False, f"The API's log shows no request to /api/public with Origin: {ATTACKER} yet.",
                       hint="requests.get(api.url + '/api/public', headers={'Origin': ...})")
    if forged.status != 200:
        return Verdict(False, f"The forged request got status {forged.status}.", hint="ask for /api/public.")
    if not isinstance(data, dict) or "message" not in data:
        return Verdict(False, "The server answered; now put what it sent into `data`.", hint="response.json()")
    return Verdict(True, f"The server answered {forged.status} to a request claiming to come from {ATTACKER}, "
                         f"and you read {data['message']!r}. "
                         "Outside a browser, Origin is just a header anyone can type.")


# ---- 02 · reading a CORS error -----------------------------------------------------------------------
def check_error_status_policy(policy, frontend: str = FRONTEND, attacker: str = ATTACKER) -> Verdict:
    """Notebook 02: the frontend reads /api/public AND sees the real status of /api/status/404; the attacker's page
    reads nothing.

        >>> check_error_status_policy(CorsPolicy(allow_origins=[FRONTEND]))                # doctest: +SKIP
        PASSED: The frontend reads /api/public and sees the real status 404; http://localhost:... is blocked.
    """
    refused = not_a_policy(policy)
    if refused is not None:
        return refused
    with api_with(policy) as api:
        page = Browser(frontend)
        ok = page.fetch(api.url + "/api/public")
        if not ok.readable:
            return Verdict(False, f"The frontend cannot read /api/public yet: {why(ok)}",
                           hint=f"allow_origins=[{frontend!r}]")
        err = page.fetch(api.url + "/api/status/404")
        if not err.readable:
            return Verdict(False, "The 404 still hides behind a CORS error, so the page's script cannot show "
                                  "'not found'.", hint="CORS headers must be sent on error responses too "
                                                       "(headers_on_errors).")
        if Browser(attacker).fetch(api.url + "/api/public").readable:
            return Verdict(False, f"The attacker's page at {attacker} can read the API too.",
                           hint="list only the frontend in allow_origins (no '*', no reflect_origin).")
    return Verdict(True, f"The frontend reads /api/public and sees the real status {err.status}; "
                         f"{attacker} is blocked.")


# ---- 03 · preflight ------------------------------------------------------------------------------------
PREFLIGHT_REQUEST = dict(method="PUT", headers={"Content-Type": "application/json", "X-Api-Key": "secret"},
                         body='{"name": "kiwi"}')


def check_preflight_policy(policy, frontend: str = FRONTEND, attacker: str = ATTACKER) -> Verdict:
    """Notebook 03: ``PUT /api/items/1`` with JSON and X-Api-Key (`PREFLIGHT_REQUEST`) passes, the preflight answer is
    cached for at least 10 minutes (a second PUT sends no OPTIONS), and the attacker's preflight fails.

        >>> policy = CorsPolicy(allow_origins=[FRONTEND], allow_methods=["PUT"],
        ...                     allow_headers=["Content-Type", "X-Api-Key"], max_age=600)
        >>> check_preflight_policy(policy)                                            # doctest: +SKIP
        PASSED: The PUT passes, the preflight answer is cached for 600 s (one OPTIONS for two PUTs, ...
    """
    refused = not_a_policy(policy)
    if refused is not None:
        return refused
    with api_with(policy) as api:
        url = api.url + "/api/items/1"
        page = Browser(frontend)
        first = page.fetch(url, **PREFLIGHT_REQUEST)
        if not first.readable:
            return Verdict(False, f"The PUT is still blocked: {why(first)}",
                           hint="read which header of the preflight answer it names.")
        second = page.fetch(url, **PREFLIGHT_REQUEST)
        preflights = api.count(preflight=True)
        if not second.readable or preflights > 1:
            return Verdict(False, f"It works, but the second PUT was preflighted again ({preflights} OPTIONS in the "
                                  "log).", hint="max_age lets the browser cache the preflight answer (in seconds).")
        max_age = int(str(policy.max_age)) if str(policy.max_age).lstrip("-").isdigit() else 0
        if max_age < 600:
            default = " (without it, Chromium keeps a preflight answer 5 s)" if policy.max_age is None else ""
            return Verdict(False, f"max_age={policy.max_age!r} caches the preflight for less than 10 minutes"
                                  f"{default}; the goal is at least 600 s.")
        if Browser(attacker).fetch(url, **PREFLIGHT_REQUEST).readable:
            return Verdict(False, f"The attacker's page at {attacker} may send the PUT too.",
                           hint=f"list only {frontend} in allow_origins.")
    return Verdict(True, f"The PUT passes, the preflight answer is cached for {max_age} s (one OPTIONS for two PUTs, "
                         f"Chromium caps it at 7200 s), and {attacker} is refused at the preflight.")


# ---- 04 · credentials ----------------------------------------------------------------------------------
def logged_in_browsers(api_url: str, frontend: str = FRONTEND, attacker: str = ATTACKER):
    """Two tabs of ONE browser whose user logged in to the API from the frontend: the frontend's and the attacker's.
    They share the cookie jar, as tabs do.

        >>> page, evil = logged_in_browsers(api.url)                                      # doctest: +SKIP
        >>> evil.fetch(api.url + "/api/private", credentials="include").readable          # doctest: +SKIP
        False
    """
    page = Browser(frontend)
    page.fetch(api_url + "/login?user=alice", method="POST", credentials="include")  # stores the sid cookie
    evil = Browser(attacker)
    evil.cookies = page.cookies
    return page, evil


def check_credentials_policy(policy, frontend: str = FRONTEND, attacker: str = ATTACKER) -> Verdict:
    """Notebook 04: only the frontend reads /api/private with the user's cookie; caches are told the answer varies.

        >>> check_credentials_policy(CorsPolicy(allow_origins=[FRONTEND], allow_credentials=True))   # doctest: +SKIP
        PASSED: http://localhost:... reads alice's data with her cookie, http://localhost:... is blocked, ...
    """
    refused = not_a_policy(policy)
    if refused is not None:
        return refused
    with api_with(policy) as api:
        page, evil = logged_in_browsers(api.url, frontend, attacker)
        if not page.cookies.header_for(api.url + "/api/private"):
            return Verdict(False, "The login did not store a session cookie; is the policy breaking /login?")
        mine = page.fetch(api.url + "/api/private", credentials="include")
        if not mine.readable:
            return Verdict(False, f"The frontend cannot read /api/private with its cookie yet: {why(mine)}")
        if '"alice"' not in mine.text:
            return Verdict(False, f"The frontend got status {mine.status} but not alice's data: was the cookie sent?")
        if evil.fetch(api.url + "/api/private", credentials="include").readable:
            return Verdict(False, f"The attacker's page at {attacker} reads alice's private data with her cookie!",
                           hint="never reflect every Origin with credentials; list the allowed origins.")
        vary = mine.exchanges[-1].response_headers.get("vary", "")
        if "origin" not in vary.lower():
            return Verdict(False, "Readable only by the frontend, but the answer has no `Vary: Origin`, so a shared "
                                  "cache could serve it to another origin.", hint="vary_origin=True")
    return Verdict(True, f"{frontend} reads alice's data with her cookie, {attacker} is blocked, "
                         "and `Vary: Origin` keeps caches honest.")


# ---- 05 · reading responses ----------------------------------------------------------------------------
def check_exposed_headers_policy(policy, frontend: str = FRONTEND, attacker: str = ATTACKER) -> Verdict:
    """Notebook 05: the frontend, fetching /api/custom-headers with ``credentials: 'include'``, reads X-Request-Id and
    X-RateLimit-Remaining; the attacker's page reads nothing.

        >>> check_exposed_headers_policy(CorsPolicy(allow_origins=[FRONTEND], allow_credentials=True,
        ...     expose_headers=["X-Request-Id", "X-RateLimit-Remaining"]))                # doctest: +SKIP
        PASSED: The script reads X-Request-Id=req-42 and X-RateLimit-Remaining=99; http://localhost:... reads nothing.
    """
    refused = not_a_policy(policy)
    if refused is not None:
        return refused
    with api_with(policy) as api:
        page, evil = logged_in_browsers(api.url, frontend, attacker)
        r = page.fetch(api.url + "/api/custom-headers", credentials="include")
        if not r.readable:
            return Verdict(False, f"The request itself is blocked: {why(r)}")
        missing = [h for h in ("x-request-id", "x-ratelimit-remaining") if h not in r.headers]
        if missing:
            star = (" (with credentials, a `*` in Access-Control-Expose-Headers counts as a header literally "
                    "named '*')") if "*" in str(policy.expose_headers) else ""
            return Verdict(False, f"The script still cannot read {', '.join(missing)}{star}.",
                           hint="expose_headers=[...] lists the response headers JS may read.")
        if evil.fetch(api.url + "/api/custom-headers", credentials="include").readable:
            return Verdict(False, f"The attacker's page at {attacker} reads the response too.",
                           hint=f"allow only {frontend}.")
    return Verdict(True, f"The script reads X-Request-Id={r.headers['x-request-id']} and "
                         f"X-RateLimit-Remaining={r.headers['x-ratelimit-remaining']}; {attacker} reads nothing.")
