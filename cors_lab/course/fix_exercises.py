"""Automatic checks for part 2 of the course (fixes and attacks): each runs live requests through the
browser engine, from the frontend and from the attacker, and returns (passed, one sentence for the learner)."""
from __future__ import annotations

import requests

from cors_lab.course.teaching import ATTACKER, FRONTEND


def logged_in_browser(origin: str, api_url: str):
    """A browser tab at ``origin`` whose user is logged in to the API (it holds alice's session cookie)."""
    from cors_lab.browser.fetch import Browser

    sid = requests.post(api_url + "/login", json={"user": "alice"}, timeout=5).cookies.get("sid")
    browser = Browser(origin=origin)
    browser.set_cookie(api_url + "/", f"sid={sid}; SameSite=Lax")
    return browser


def check_private_api(api_url: str, frontend: str = FRONTEND, attacker: str = ATTACKER,
                      public_for_everyone: bool = True) -> tuple[bool, str]:
    """The goal of lessons 06 and 09: only the frontend reads /api/private with the user's cookie;
    the attacker's page cannot; (optionally) anyone may read /api/public without cookies."""
    private = api_url + "/api/private"
    mine = logged_in_browser(frontend, api_url).fetch(private, credentials="include")
    if mine.blocked:
        return False, (f"The frontend cannot read /api/private yet: {mine.error or mine.exception} "
                       "Hint: allow exactly the frontend's origin, with credentials.")
    if '"alice"' not in mine.text:
        return False, f"The frontend got status {mine.status} but no user data; is the cookie sent and accepted?"
    theirs = logged_in_browser(attacker, api_url).fetch(private, credentials="include")
    if not theirs.blocked:
        return False, (f"The attacker's page at {attacker} can read the user's private data! "
                       "Hint: do not reflect every Origin; list the allowed origins.")
    if public_for_everyone:
        public = logged_in_browser(attacker, api_url).fetch(api_url + "/api/public")
        if public.blocked:
            return False, (f"/api/public should be readable from any origin (without cookies): {public.error} "
                           "Hint: a separate rule for /api/public with origins '*'.")
    return True, "Well done: the frontend reads its private data, the attacker is blocked" + (
        ", and public data stays public." if public_for_everyone else ".")


def check_cors_proxy(proxy, api_url: str, internal_url: str, frontend: str = FRONTEND,
                     attacker: str = ATTACKER) -> tuple[bool, str]:
    """Lesson 07: through the learner's CORS proxy the frontend reads the API's public data; the proxy refuses an
    internal service and does not serve the attacker's page."""
    from cors_lab.browser.fetch import Browser

    through = proxy.url + "/" + api_url + "/api/public"
    mine = Browser(origin=frontend).fetch(through)
    if mine.blocked or mine.status != 200:
        return False, (f"The frontend cannot read the API through the proxy (status {mine.status}; "
                       f"{mine.error or mine.text.strip()[:120]}). Hint: allow_upstreams=[api.origin], "
                       "allow_origins=[the frontend's origin].")
    answer = requests.get(proxy.url + "/" + internal_url + "/api/public", headers={"Origin": frontend}, timeout=5)
    if answer.status_code != 403:
        return False, (f"The proxy forwarded a request to the internal service {internal_url} "
                       f"(answered {answer.status_code}). Hint: list only the API in allow_upstreams.")
    theirs = Browser(origin=attacker).fetch(through)
    if not theirs.blocked:
        return False, "The attacker's page can use your proxy too. Hint: allow_origins=[the frontend's origin] only."
    return True, "Well done: the frontend reads the API through the proxy; internal services and other pages are refused."


def server_grants(url: str, origins: list[str]) -> dict[str, tuple[str | None, str | None]]:
    """What the server answers each Origin: (Access-Control-Allow-Origin, Access-Control-Allow-Credentials).

    Sends the Origin header directly (as any script outside a browser can), to inspect a server's policy for
    origins that no page in this lab can have."""
    grants = {}
    for origin in origins:
        answer = requests.get(url, headers={"Origin": origin}, timeout=5)
        grants[origin] = (answer.headers.get("Access-Control-Allow-Origin"),
                          answer.headers.get("Access-Control-Allow-Credentials"))
    return grants


def check_origin_grants(url: str, allowed: list[str], refused: list[str]) -> tuple[bool, str]:
    """The server grants each ``allowed`` origin access (its exact origin echoed) and none of the ``refused`` ones."""
    grants = server_grants(url, allowed + refused)
    missing = [o for o in allowed if grants[o][0] != o]
    if missing:
        return False, f"These frontends lost access: {', '.join(missing)}. Hint: the pattern must still match them."
    leaking = [o for o in refused if grants[o][0] in (o, "*")]
    if leaking:
        return False, (f"The server still grants {', '.join(leaking)}. "
                       "Hint: anchor the regex at the end with $ (and think about what .* can match).")
    return True, "Well done: every real frontend is allowed and every look-alike origin is refused."


DEVTOOLS_QUIZ = {
    "install an Allow-CORS extension": False,
    "start Chromium with --disable-web-security": False,
    "send Access-Control-Allow-Origin from the API": True,
    "serve the page and the API from one origin behind a reverse proxy": True,
    "prefix URLs with a public CORS proxy": True,
}
DEVTOOLS_WHY = {
    "install an Allow-CORS extension": "an extension changes only the browser it is installed in.",
    "start Chromium with --disable-web-security": "a flag changes only the browser started with it.",
    "send Access-Control-Allow-Origin from the API": "every browser reads the server's headers.",
    "serve the page and the API from one origin behind a reverse proxy": "same-origin requests need no CORS at all.",
    "prefix URLs with a public CORS proxy": ("it does work in every browser — but a stranger's proxy sees all your "
                                             "traffic and can vanish or be rate-limited (CORS Anywhere was)."),
}


def check_devtools_quiz(answers: dict) -> tuple[bool, str]:
    """Lesson 08: which fixes reach every user's normal browser?"""
    unanswered = [k for k in DEVTOOLS_QUIZ if not isinstance(answers.get(k), bool)]
    if unanswered:
        return False, f"Answer True or False for: {unanswered[0]!r} (and {len(unanswered) - 1} more)."
    wrong = [k for k, v in DEVTOOLS_QUIZ.items() if answers[k] != v]
    if wrong:
        return False, f"Look again at {wrong[0]!r}. Hint: does it change the server, or one browser?"
    notes = "; ".join(f"{k}: {DEVTOOLS_WHY[k]}" for k in DEVTOOLS_QUIZ)
    return True, "Well done. " + notes
