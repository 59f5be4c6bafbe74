"""Credentials predictions: is the cookie sent, is it kept, can the script read the answer with this policy?

    q = PolicyQuiz(api, "/api/private", CorsPolicy(allow_origins="*", allow_credentials=True),
                   credentials="include", login=True)
    q.predict("blocked")        # sets the policy on the (current) server, logs Alice in, runs the request live
    c = cookie_question(api, credentials="same-origin")
    c.predict("not sent")       # does the request carry Alice's session cookie?

Each question brings its own policy, so a `PredictionSet` of them can be answered in any order. Each is answered
live by the server that runs now: after ``stop_all()`` it says which cell to re-run, after a re-run it asks the new
server (`cors_lab.widgets.base.current_server`).
"""
from __future__ import annotations

from cors_lab.course.teaching import FRONTEND
from cors_lab.widgets import format as fmt
from cors_lab.widgets.base import current_server
from cors_lab.widgets.diagram import sequence_diagram
from cors_lab.widgets.own_browser import OwnCall
from cors_lab.widgets.predict import Outcome, Predict
from cors_lab.widgets.quiz import WillItCors


def log_in(browser, server) -> None:
    """Alice logs in from the page: the API's ``/login`` sets the ``sid`` cookie in ``browser``'s jar."""
    browser.fetch(server.url + "/login?user=alice", method="POST", credentials="include")


class PolicyQuiz(WillItCors):
    """`WillItCors` about ``policy`` (on the server for the request only) that can log Alice in first.

    ``login=True``: Alice logs in first, in the same fresh tab (cookies are kept even when the login answer is
    blocked). Everything else is `WillItCors`'s (``servers=``, the re-run sentence, the policy put back).

        >>> from cors_lab.widgets.credentials_quiz import PolicyQuiz
        >>> q = PolicyQuiz(api, "/api/private", CorsPolicy(allow_origins=[FRONTEND]),
        ...                credentials="include", login=True)                        # doctest: +SKIP
        >>> print(q.predict("blocked"))                                               # doctest: +SKIP
        Right: blocked.
        ...
    """

    def __init__(self, server, url: str, policy, login: bool = False, **kwargs):
        self.login = login
        if login:
            kwargs["setup"] = lambda browser: log_in(browser, self.server)
        super().__init__(server, url, policy=policy, **kwargs)

    def own_setup_calls(self) -> list | None:
        """Alice's login, from the page's frame, when the quiz logs her in."""
        from cors_lab.widgets.own_browser import OwnCall

        if not self.login:
            return super().own_setup_calls()
        return [OwnCall(self.origin, {"url": self.server.url + "/login?user=alice", "method": "POST",
                                      "credentials": "include"})]

    def _setup_text(self) -> str:
        text = super()._setup_text()
        return "Alice is logged in (the API set her sid cookie).\n" + text if self.login else text

    def __repr__(self) -> str:
        return f"PolicyQuiz({self.kwargs['method']} {fmt.path_of(self.url)} from {self.origin}: {self.state()})"


def cookie_question(server, path: str = "/api/private", credentials: str = "same-origin", policy=None,
                    origin: str = FRONTEND, question: str | None = None) -> Predict:
    """Predict "sent" / "not sent": does ``fetch(path, {credentials})`` from ``origin`` carry Alice's cookie?

    Alice logs in first (a fresh tab), then the request runs live; the server's log entry is the answer.

        >>> q = cookie_question(api, credentials="omit")            # doctest: +SKIP
        >>> print(q.predict("not sent"))                            # doctest: +SKIP
        Right: not sent.
        ...
    """
    from cors_lab import CorsPolicy
    from cors_lab.browser.fetch import Browser

    policy = policy or CorsPolicy(allow_origins=[origin], allow_credentials=True)

    def reveal() -> Outcome:
        live = current_server(server)
        with live.temporary_policy(policy):
            tab = Browser(origin)
            log_in(tab, live)
            result = tab.fetch(live.url + path, credentials=credentials)
        actual = [ex for ex in result.exchanges if ex.kind != "preflight"]
        sent = bool(actual) and actual[-1].cookies_sent
        why = {"omit": "credentials: 'omit' never attaches cookies.",
               "same-origin": "credentials: 'same-origin' (the default) attaches cookies only to the page's own "
                              "origin; the API is another origin (another port).",
               "include": "credentials: 'include' attaches cookies to any origin the cookie's own rules allow "
                          "(SameSite=Lax: localhost on any port is one site)."}[credentials]
        login = OwnCall(origin, {"url": live.url + "/login?user=alice", "method": "POST", "credentials": "include"})
        return Outcome("sent" if sent else "not sent", why, html=sequence_diagram(result), result=result,
                       details=f"JS: {fmt.js_text(result).splitlines()[0]}",
                       calls=[login, OwnCall.from_result(result)], around=lambda: live.temporary_policy(policy))

    code = fmt.fetch_code(dict(url=server.url + path, credentials=credentials))
    question = question or f"With credentials: {credentials!r}, does the request carry Alice's cookie?"
    return Predict(question, ["sent", "not sent"], reveal,
                   context=f"Alice is logged in. Page {origin} runs:\n  {code}", title="Predict")


def cookie_kept_question(server, policy, origin: str = FRONTEND, browser=None) -> Predict:
    """Predict "kept" / "not kept": the page logs Alice in with ``credentials: 'include'`` while the server answers
    with ``policy``; does the browser store the session cookie? (Cookies are stored before the CORS check.)"""
    from cors_lab.browser.fetch import Browser

    def reveal() -> Outcome:
        live = current_server(server)
        with live.temporary_policy(policy):
            tab = browser or Browser(origin)
            result = tab.fetch(live.url + "/login?user=alice", method="POST", credentials="include")
        kept = bool(tab.cookies.header_for(live.url + "/api/private"))
        why = ("Cookies are handled by the network side of the browser, before the CORS check decides what the "
               "script may read: a Set-Cookie in a blocked answer is still stored."
               if kept and not result.readable else "The answer was readable, and its Set-Cookie was stored."
               if kept else "The browser did not store it: see the steps below.")
        return Outcome("kept" if kept else "not kept", why, html=sequence_diagram(result), result=result,
                       details=f"JS: {fmt.js_text(result).splitlines()[0]}\nConsole: {fmt.console_text(result)}",
                       calls=[OwnCall.from_result(result)] if browser is None else [],
                       around=lambda: live.temporary_policy(policy))

    login_code = fmt.fetch_code(dict(url=server.url + "/login?user=alice", method="POST", credentials="include"))
    return Predict("The login answer sets the sid cookie. Does the browser keep it?", ["kept", "not kept"], reveal,
                   context=f"Page {origin} runs: {login_code}\nServer policy: {policy!r}", title="Predict")
