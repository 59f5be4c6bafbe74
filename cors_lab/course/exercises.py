"""Automatic checks for the notebooks' exercises: each returns (passed, one sentence for the learner)."""
from __future__ import annotations

import contextlib

from cors_lab.course.teaching import ATTACKER, FRONTEND


def check_third_server(server) -> tuple[bool, str]:
    """Notebook 00: a third lab server named 'api2' is running and has received at least one request."""
    if server is None:
        return False, "Not yet: api2 is still None. Hint: serve_teaching(api_app(), port=8003, name='api2')."
    if not getattr(server, "running", False):
        return False, "api2 is not running; start it again with serve_teaching(...)."
    if server.name != "api2":
        return False, f"The server is called {server.name!r}; name it 'api2'."
    if not server.log:
        return False, f"api2 runs at {server.url} but has received no request yet. Hint: requests.get(api2.url + '/api/public')"
    return True, f"Well done: {server.name} at {server.origin} is a third origin and received {len(server.log)} request(s)."


# ======================================================================================================
# Notebooks 01-05. Each check runs live requests through the browser engine against a fresh API on a free
# port (the learner's own servers are left alone), from the frontend and from the attacker's page.
# ======================================================================================================

def _not_a_policy(policy) -> str | None:
    from cors_lab.policy import CorsPolicy

    if policy is None:
        return "Not yet: `policy` is still None. Hint: policy = CorsPolicy(allow_origins=[...], ...)."
    if not isinstance(policy, CorsPolicy):
        return f"Not yet: expected a CorsPolicy(...), got {type(policy).__name__}. Hint: policy = CorsPolicy(...)."
    return None


@contextlib.contextmanager
def api_with(policy, name: str = "exercise-check"):
    """A fresh api_app answering with a copy of ``policy`` on a free port (stopped afterwards)."""
    from cors_lab.server.apps import api_app
    from cors_lab.server.lab import serve

    server = serve(api_app(policy.copy()), port=None, name=name)
    try:
        yield server
    finally:
        server.stop()


def _browser(origin: str):
    from cors_lab.browser.fetch import Browser

    return Browser(origin=origin)


def _why(result) -> str:
    return (result.error or result.exception or "blocked").strip()


# ---- 01 · the same-origin policy ---------------------------------------------------------------------
SAME_ORIGIN_QUIZ = [
    "http://localhost:8001/api/data",
    "http://localhost:8002/api/data",
    "https://localhost:8001/",
    "http://127.0.0.1:8001/",
    "http://localhost:8001/admin?page=2#top",
    "http://LOCALHOST:8001/",
    "http://localhost/",
]


def same_origin_answer(url: str, page: str = FRONTEND) -> bool:
    """The right answer to one quiz question, as the browser engine decides it."""
    from cors_lab.browser.origin import origin_of, parse_origin, same_origin

    return same_origin(parse_origin(page), origin_of(url))


def check_same_origin_answers(answers, page: str = FRONTEND) -> tuple[bool, str]:
    """Notebook 01: for each URL of SAME_ORIGIN_QUIZ, is it same-origin with the page at ``page``? (True/False)"""
    if not isinstance(answers, dict):
        return False, "Not yet: `answers` must be a dict {url: True or False}. Hint: copy the dict from the cell above."
    missing = [url for url in SAME_ORIGIN_QUIZ if not isinstance(answers.get(url), bool)]
    if missing:
        return False, f"Not yet: answer True or False for {missing[0]!r} ({len(missing)} left)."
    wrong = [url for url in SAME_ORIGIN_QUIZ if answers[url] != same_origin_answer(url, page)]
    if wrong:
        url = wrong[0]
        return False, (f"{len(wrong)} answer(s) to rethink, for example {url!r}. Hint: compare only scheme, host and "
                       "port; the path, query and fragment do not count, hosts are case-insensitive, and a missing "
                       "port means the scheme's default (80 for http).")
    return True, f"Well done: all {len(SAME_ORIGIN_QUIZ)} answers are right. Only scheme + host + port make an origin."


def check_forged_origin(server, data) -> tuple[bool, str]:
    """Notebook 01: from Python, the learner sent a request claiming ``Origin: http://localhost:8666`` and got the data."""
    if server is None or not hasattr(server, "log"):
        return False, "Not yet: pass the running api server (the variable `api`)."
    forged = [e for e in server.log if e.origin == ATTACKER and e.path == "/api/public"]
    if not forged:
        return False, (f"The API's log shows no request to /api/public with Origin: {ATTACKER} yet. "
                       "Hint: requests.get(api.url + '/api/public', headers={'Origin': ...}).")
    if forged[-1].status != 200:
        return False, f"The forged request got status {forged[-1].status}; ask for /api/public."
    if not isinstance(data, dict) or "message" not in data:
        return False, "The server answered; now put what it sent into `data` (Hint: response.json())."
    return True, (f"Well done: the server answered {forged[-1].status} to a request claiming to come from {ATTACKER}, "
                  f"and you read {data['message']!r}. Outside a browser, Origin is just a header anyone can type.")


# ---- 02 · reading a CORS error -----------------------------------------------------------------------
def check_error_status_policy(policy, frontend: str = FRONTEND, attacker: str = ATTACKER) -> tuple[bool, str]:
    """Notebook 02: the frontend reads /api/public AND sees the real status of /api/status/404; the attacker reads nothing."""
    bad = _not_a_policy(policy)
    if bad:
        return False, bad
    with api_with(policy) as api:
        page = _browser(frontend)
        ok = page.fetch(api.url + "/api/public")
        if ok.blocked:
            return False, f"The frontend cannot read /api/public yet: {_why(ok)} Hint: allow_origins=[{frontend!r}]."
        err = page.fetch(api.url + "/api/status/404")
        if err.blocked:
            return False, ("The 404 still hides behind a CORS error, so the page's script cannot show 'not found'. "
                           "Hint: CORS headers must be sent on error responses too (headers_on_errors).")
        evil = _browser(attacker).fetch(api.url + "/api/public")
        if not evil.blocked:
            return False, (f"The attacker's page at {attacker} can read the API too. Hint: list only the frontend in "
                           "allow_origins (no '*', no reflect_origin).")
    return True, (f"Well done: the frontend reads /api/public and sees the real status {err.status}; "
                  f"{attacker} is blocked.")


# ---- 03 · preflight ------------------------------------------------------------------------------------
PREFLIGHT_REQUEST = dict(method="PUT", headers={"Content-Type": "application/json", "X-Api-Key": "secret"},
                         body='{"name": "kiwi"}')


def check_preflight_policy(policy, frontend: str = FRONTEND, attacker: str = ATTACKER) -> tuple[bool, str]:
    """Notebook 03: PUT /api/items/1 with JSON and X-Api-Key passes, the preflight is cached >= 10 minutes
    (the second call sends no OPTIONS), and the attacker's preflight fails."""
    bad = _not_a_policy(policy)
    if bad:
        return False, bad
    with api_with(policy) as api:
        url = api.url + "/api/items/1"
        page = _browser(frontend)
        first = page.fetch(url, **PREFLIGHT_REQUEST)
        if first.blocked:
            return False, f"The PUT is still blocked: {_why(first)} Hint: read which header of the preflight answer it names."
        second = page.fetch(url, **PREFLIGHT_REQUEST)
        preflights = sum(1 for e in api.log if e.is_preflight)
        if second.blocked or preflights > 1:
            return False, (f"It works, but the second PUT was preflighted again ({preflights} OPTIONS in the log). "
                           "Hint: max_age lets the browser cache the preflight answer (in seconds).")
        max_age = int(str(policy.max_age)) if str(policy.max_age).lstrip("-").isdigit() else 0
        if max_age < 600:
            default = " (without it, Chromium keeps a preflight answer 5 s)" if policy.max_age is None else ""
            return False, (f"max_age={policy.max_age!r} caches the preflight for less than 10 minutes{default}; "
                           "the goal is at least 600 s.")
        evil = _browser(attacker).fetch(url, **PREFLIGHT_REQUEST)
        if not evil.blocked:
            return False, f"The attacker's page at {attacker} may send the PUT too. Hint: list only {frontend} in allow_origins."
    return True, (f"Well done: the PUT passes, the preflight answer is cached for {max_age} s (one OPTIONS for two PUTs, "
                  f"Chromium caps it at 7200 s), and {attacker} is refused at the preflight.")


# ---- 04 · credentials ----------------------------------------------------------------------------------
def logged_in_browsers(api_url: str, frontend: str = FRONTEND, attacker: str = ATTACKER):
    """Two tabs of ONE browser whose user logged in to the API: the frontend's and the attacker's.
    They share the cookie jar, as tabs do."""
    page = _browser(frontend)
    page.fetch(api_url + "/login?user=alice", method="POST", credentials="include")  # stores the sid cookie
    evil = _browser(attacker)
    evil.cookies = page.cookies
    return page, evil


def check_credentials_policy(policy, frontend: str = FRONTEND, attacker: str = ATTACKER) -> tuple[bool, str]:
    """Notebook 04: only the frontend reads /api/private with the user's cookie; caches are told the answer varies."""
    bad = _not_a_policy(policy)
    if bad:
        return False, bad
    with api_with(policy) as api:
        page, evil = logged_in_browsers(api.url, frontend, attacker)
        if not page.cookies.header_for(api.url + "/api/private"):
            return False, "The login did not store a session cookie; is the policy breaking /login?"
        mine = page.fetch(api.url + "/api/private", credentials="include")
        if mine.blocked:
            return False, f"The frontend cannot read /api/private with its cookie yet: {_why(mine)}"
        if '"alice"' not in mine.text:
            return False, f"The frontend got status {mine.status} but not alice's data: was the cookie sent?"
        theirs = evil.fetch(api.url + "/api/private", credentials="include")
        if not theirs.blocked:
            return False, (f"The attacker's page at {attacker} reads alice's private data with her cookie! "
                           "Hint: never reflect every Origin with credentials; list the allowed origins.")
        vary = mine.exchanges[-1].response_headers.get("vary", "")
        if "origin" not in vary.lower():
            return False, ("Readable only by the frontend, but the answer has no `Vary: Origin`, so a shared cache could "
                           "serve it to another origin. Hint: vary_origin=True.")
    return True, (f"Well done: {frontend} reads alice's data with her cookie, {attacker} is blocked, "
                  "and `Vary: Origin` keeps caches honest.")


# ---- 05 · reading responses ----------------------------------------------------------------------------
def check_exposed_headers_policy(policy, frontend: str = FRONTEND, attacker: str = ATTACKER) -> tuple[bool, str]:
    """Notebook 05: the frontend, fetching /api/custom-headers with credentials 'include', reads
    X-Request-Id and X-RateLimit-Remaining; the attacker reads nothing."""
    bad = _not_a_policy(policy)
    if bad:
        return False, bad
    with api_with(policy) as api:
        page, evil = logged_in_browsers(api.url, frontend, attacker)
        r = page.fetch(api.url + "/api/custom-headers", credentials="include")
        if r.blocked:
            return False, f"The request itself is blocked: {_why(r)}"
        missing = [h for h in ("x-request-id", "x-ratelimit-remaining") if h not in r.headers]
        if missing:
            star = " (with credentials, a `*` in Access-Control-Expose-Headers counts as a header literally named '*')" \
                if "*" in str(policy.expose_headers) else ""
            return False, (f"The script still cannot read {', '.join(missing)}{star}. "
                           "Hint: expose_headers=[...] lists the response headers JS may read.")
        theirs = evil.fetch(api.url + "/api/custom-headers", credentials="include")
        if not theirs.blocked:
            return False, f"The attacker's page at {attacker} reads the response too. Hint: allow only {frontend}."
    return True, (f"Well done: the script reads X-Request-Id={r.headers['x-request-id']} and "
                  f"X-RateLimit-Remaining={r.headers['x-ratelimit-remaining']}; {attacker} reads nothing.")
