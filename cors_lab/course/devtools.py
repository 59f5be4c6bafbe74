"""Lesson 08's developer-tool "fixes", run for real in headless Chromium: what each one is, what it risks, and
`run_devtool` (one request from one page, through one tool) for the lesson's toggles widget.

    >>> result = run_devtool("extension", api.url)                    # doctest: +SKIP
    >>> result.readable                                               # the page reads it: on this machine only
    True
    >>> DEVTOOLS["extension"].risk                                    # doctest: +SKIP
    'It changes only the browser it is installed in ...'
"""
from __future__ import annotations

from dataclasses import dataclass

import requests

from cors_lab.course.teaching import FRONTEND


@dataclass(frozen=True)
class DevTool:
    """One developer tool: its ``label``, what it does to the browser, and its risk in one sentence."""

    key: str
    label: str
    does: str
    risk: str


DEVTOOLS = {
    "none": DevTool("none", "nothing (a normal Chromium)",
                    "A normal Chromium, as every user has: the baseline.",
                    "None: this is what your users' browsers do."),
    "extension": DevTool("extension", "an Allow-CORS extension",
                         "Rewrites the responses this browser receives: adds Access-Control-Allow-Origin: * "
                         "(and friends) the server never sent.",
                         "It changes only the browser it is installed in (your users still get the error), and an "
                         "extension that echoes origins with credentials lets every site read your logged-in data."),
    "no-security": DevTool("no-security", "--disable-web-security",
                           "Chromium started with --disable-web-security (its own profile): the same-origin policy "
                           "is off.",
                           "Every page you open in that browser can read every site you are logged in to, with your "
                           "cookies: use a throw-away profile logged in to nothing, if ever."),
    "no-cors": DevTool("no-cors", "fetch(..., {mode: 'no-cors'})",
                       "The page asks for an opaque answer: the request goes out and the console stays quiet.",
                       "It silences the error, not the rule: the script gets an opaque response (status 0, empty "
                       "body) and still reads nothing."),
}

REQUESTS = {
    "public": ("GET /api/public", "/api/public", "same-origin"),
    "private": ("GET /api/private with alice's cookie (credentials: 'include')", "/api/private", "include"),
}


def alice_session(api_url: str) -> str:
    """Log alice in straight at the API (as she did earlier in her browser) and return her ``sid`` cookie value."""
    return requests.post(api_url + "/login", json={"user": "alice"}, timeout=5).cookies.get("sid", "")


def run_devtool(tool: str, api_url: str, request: str = "public", page: str = FRONTEND):
    """Run one request (a key of `REQUESTS`) from a page at ``page`` in real Chromium changed by ``tool`` (a key of
    `DEVTOOLS`), and return Chromium's `FetchResult`. With ``"private"``, alice is logged in first: her cookie is
    in that Chromium's jar (the extension's fresh tab has none: its wildcard fails with credentials anyway)."""
    from cors_lab.real.chromium import ChromiumBrowser
    from cors_lab.real.devtools import fetch_with_extension

    if tool not in DEVTOOLS:
        raise ValueError(f"tool must be one of {', '.join(DEVTOOLS)}, not {tool!r}")
    _, path, credentials = REQUESTS[request]
    url = api_url + path
    if tool == "extension":
        return fetch_with_extension(page, url, credentials=credentials)
    browser = ChromiumBrowser(origin=page, disable_web_security=tool == "no-security")
    try:
        if request == "private":
            browser.set_cookie(api_url + "/", f"sid={alice_session(api_url)}; SameSite=Lax")
        return browser.fetch(url, credentials=credentials, mode="no-cors" if tool == "no-cors" else "cors")
    finally:
        browser.close()


def users_browser(api_url: str, request: str = "public", page: str = FRONTEND):
    """The same request in the model browser, which behaves as your users' normal Chromium does (logged in)."""
    from cors_lab.course.fix_exercises import logged_in_browser

    _, path, credentials = REQUESTS[request]
    return logged_in_browser(page, api_url).fetch(api_url + path, credentials=credentials)
