"""The checks behind part 2 of the course (lessons 06-09: fixes and attacks): each returns a `Verdict`.

They run live requests through the browser engine, from the frontend and from the attacker's page, against the
server the learner fixed.

    >>> from cors_lab.course import check_private_api
    >>> check_private_api(api.url, public_for_everyone=False)                         # doctest: +SKIP
    PASSED: The frontend reads its private data and the attacker is blocked.
"""
from __future__ import annotations

import requests

from cors_lab.browser.fetch import Browser
from cors_lab.course.exercises import true_false_quiz
from cors_lab.course.teaching import ATTACKER, FRONTEND
from cors_lab.course.verdict import Verdict


def logged_in_browser(origin: str, api_url: str) -> Browser:
    """A browser tab at ``origin`` whose user is logged in to the API: it holds alice's session cookie.

    The login goes straight to the API (not through the page), so the tab is logged in whatever the API's policy.

        >>> tab = logged_in_browser(ATTACKER, api.url)                                    # doctest: +SKIP
        >>> tab.fetch(api.url + "/api/private", credentials="include").readable           # doctest: +SKIP
        False
    """
    sid = requests.post(api_url + "/login", json={"user": "alice"}, timeout=5).cookies.get("sid")
    browser = Browser(origin=origin)
    browser.set_cookie(api_url + "/", f"sid={sid}; SameSite=Lax")
    return browser


def check_private_api(api_url: str, frontend: str = FRONTEND, attacker: str = ATTACKER,
                      public_for_everyone: bool = True, redirector: str | None = None) -> Verdict:
    """Lessons 06 and 09: only the frontend reads /api/private with the user's cookie, the attacker's page cannot,
    and (with ``public_for_everyone``) any page reads /api/public without cookies.

    ``redirector``: the URL of the attacker's second server (an `api_app`, whose /api/redirect?to=... redirects);
    the check then also replays lesson 09's trick: the attacker's page fetches /api/private through that redirect,
    which makes the browser send ``Origin: null``.

        >>> api = serve_teaching(app, "api")                                              # doctest: +SKIP
        >>> check_private_api(api.url)                                                    # doctest: +SKIP
        PASSED: The frontend reads its private data, the attacker is blocked, and public data stays public.
        >>> check_private_api(api.url, public_for_everyone=False, redirector=helper.url)   # doctest: +SKIP
        NOT YET: The redirect trick still works: the API trusts Origin: null.
          hint: after a cross-origin redirect the browser sends Origin: null: any page can get one.
    """
    private = api_url + "/api/private"
    mine = logged_in_browser(frontend, api_url).fetch(private, credentials="include")
    if not mine.readable:
        return Verdict(False, f"The frontend cannot read /api/private yet: {mine.error or mine.exception}",
                       hint="allow exactly the frontend's origin, with credentials.")
    if '"alice"' not in mine.text:
        return Verdict(False, f"The frontend got status {mine.status} but no user data; "
                              "is the cookie sent and accepted?")
    if logged_in_browser(attacker, api_url).fetch(private, credentials="include").readable:
        return Verdict(False, f"The attacker's page at {attacker} can read the user's private data!",
                       hint="do not reflect every Origin; list the allowed origins.")
    if redirector:
        via = f"{redirector}/api/redirect?to={private}"
        if logged_in_browser(attacker, api_url).fetch(via, credentials="include").readable:
            return Verdict(False, "The redirect trick still works: the API trusts Origin: null.",
                           hint="after a cross-origin redirect the browser sends Origin: null: any page can get one.")
    if public_for_everyone:
        public = logged_in_browser(attacker, api_url).fetch(api_url + "/api/public")
        if not public.readable:
            return Verdict(False, f"/api/public should be readable from any origin (without cookies): {public.error}",
                           hint="a separate rule for /api/public with origins '*'.")
        return Verdict(True, "The frontend reads its private data, the attacker is blocked, "
                             "and public data stays public.")
    return Verdict(True, "The frontend reads its private data and the attacker is blocked.")


def check_cors_proxy(proxy, api_url: str, internal_url: str, frontend: str = FRONTEND,
                     attacker: str = ATTACKER) -> Verdict:
    """Lesson 07: through the learner's CORS ``proxy`` the frontend reads the API's public data; the proxy refuses the
    internal service at ``internal_url`` and does not serve the attacker's page.

        >>> my_proxy = serve_teaching(cors_proxy(allow_upstreams=[api.origin], allow_origins=[FRONTEND]),
        ...                           "cors_proxy", name="cors-proxy")                    # doctest: +SKIP
        >>> check_cors_proxy(my_proxy, api.url, internal.url)                             # doctest: +SKIP
        PASSED: The frontend reads the API through the proxy; internal services and other pages are refused.
    """
    if not getattr(proxy, "running", False):  # None, a typo, or a server stop_all() stopped: one sentence
        return Verdict(False, "The proxy is not a running lab server: run the cell that starts it "
                              "(serve_teaching(cors_proxy(...), ...)), then check again.")
    through = proxy.url + "/" + api_url + "/api/public"
    mine = Browser(origin=frontend).fetch(through)
    if not mine.readable or mine.status != 200:
        return Verdict(False, f"The frontend cannot read the API through the proxy (status {mine.status}; "
                              f"{mine.error or mine.text.strip()[:120]}).",
                       hint="allow_upstreams=[api.origin], allow_origins=[the frontend's origin].")
    # straight to the proxy, as any script could: the question is what the proxy forwards, not what a page reads
    answer = requests.get(proxy.url + "/" + internal_url + "/api/public", headers={"Origin": frontend}, timeout=5)
    if answer.status_code != 403:
        return Verdict(False, f"The proxy forwarded a request to the internal service {internal_url} "
                              f"(answered {answer.status_code}).", hint="list only the API in allow_upstreams.")
    if Browser(origin=attacker).fetch(through).readable:
        return Verdict(False, "The attacker's page can use your proxy too.",
                       hint="allow_origins=[the frontend's origin] only.")
    return Verdict(True, "The frontend reads the API through the proxy; internal services and other pages are refused.")


def server_grants(url: str, origins: list[str]) -> dict[str, tuple[str | None, str | None]]:
    """What the server answers each Origin: (Access-Control-Allow-Origin, Access-Control-Allow-Credentials).

    Sends the Origin header directly (as any script outside a browser can), to inspect a server's policy for
    origins that no page in this lab can have.

        >>> server_grants(api.url + "/api/private", ["http://shop.example.com"])       # doctest: +SKIP
        {'http://shop.example.com': ('http://shop.example.com', 'true')}
    """
    grants = {}
    for origin in origins:
        answer = requests.get(url, headers={"Origin": origin}, timeout=5)
        grants[origin] = (answer.headers.get("Access-Control-Allow-Origin"),
                          answer.headers.get("Access-Control-Allow-Credentials"))
    return grants


def check_origin_grants(url: str, allowed: list[str], refused: list[str]) -> Verdict:
    """Lesson 09: the server at ``url`` grants each ``allowed`` origin access (its exact origin echoed) and none of the
    ``refused`` ones.

        >>> check_origin_grants(api.url + "/api/private", allowed=["http://shop.example.com"],
        ...                     refused=["http://shop.example.com.evil.net"])             # doctest: +SKIP
        PASSED: Every real frontend is allowed and every look-alike origin is refused.
    """
    grants = server_grants(url, allowed + refused)
    missing = [o for o in allowed if grants[o][0] != o]
    if missing:
        return Verdict(False, f"These frontends lost access: {', '.join(missing)}.",
                       hint="the pattern must still match them.")
    leaking = [o for o in refused if grants[o][0] in (o, "*")]
    if leaking:
        return Verdict(False, f"The server still grants {', '.join(leaking)}.",
                       hint="anchor the regex at the end with $ (and think about what .* can match).")
    return Verdict(True, "Every real frontend is allowed and every look-alike origin is refused.")


DEVTOOLS_QUIZ = {
    "install an Allow-CORS extension": False,
    "start Chromium with --disable-web-security": False,
    "send Access-Control-Allow-Origin from the API": True,
    "serve the page and the API from one origin behind a reverse proxy": True,
    "prefix URLs with a public CORS proxy": False,
}
DEVTOOLS_WHY = {
    "install an Allow-CORS extension": "an extension changes only the browser it is installed in.",
    "start Chromium with --disable-web-security": "a flag changes only the browser started with it.",
    "send Access-Control-Allow-Origin from the API": "every browser reads the server's headers.",
    "serve the page and the API from one origin behind a reverse proxy": "same-origin requests need no CORS at all.",
    "prefix URLs with a public CORS proxy": (
        "public CORS proxies now make each visitor opt in first (CORS Anywhere's demo has since 2021), "
        "rate-limit, and read all your traffic: never a fix."),
}


def check_devtools_quiz(answers: dict) -> Verdict:
    """Lesson 08: which fixes reach every user's normal browser? ``answers`` maps each fix of `DEVTOOLS_QUIZ` to
    True (it does) or False (it changes only one browser).

        >>> check_devtools_quiz({"install an Allow-CORS extension": True})                # doctest: +SKIP
        NOT YET: Answer True or False for 'start Chromium with --disable-web-security' (4 left).
    """
    refused = true_false_quiz(answers, DEVTOOLS_QUIZ, hint="does it change the server, or one browser?")
    if refused is not None:
        return refused
    why = "; ".join(f"{fix}: {DEVTOOLS_WHY[fix]}" for fix in DEVTOOLS_QUIZ)
    return Verdict(True, f"All {len(DEVTOOLS_QUIZ)} right. {why}")
