"""The two-tab story as predictions: the user logged in on the bank's tab; the attacker's tab calls the bank's API.

    story = two_tab_story(api)          # a PredictionSet: three questions, each answered by a live request
    story.predictions[0].predict("sent")

After each answer, "Send from my browser" runs the same story in the learner's own browser: the login from a frame
on the bank's page, then the attack from a frame on the attacker's page (`TwoTabs.own_calls`).

Each answer comes from the live request, made when the learner presses a choice, in two model browser tabs that
share one cookie jar (one user, one browser, two tabs): the bank's tab logs the user in (``POST /login``: the API
sets the ``sid`` cookie), then the attacker's tab fetches ``/api/private`` with ``credentials: 'include'``. The
answers are read from that request: the Cookie header on the wire, what the page's script could read, and the API's
own log. Each answer shows the sequence diagram of the attacker's request.

When the API was stopped (a notebook's last cell runs ``stop_all()``) each question says which cell to re-run; after
that cell was re-run, the questions ask the new server.
"""
from __future__ import annotations

from cors_lab.course.teaching import ATTACKER, FRONTEND
from cors_lab.widgets.base import current_server
from cors_lab.widgets.diagram import sequence_diagram
from cors_lab.widgets.predict import Outcome, Predict, PredictionSet


class TwoTabs:
    """Two tabs of one browser: the bank's page (``bank``) and the attacker's page (``attacker``), one cookie jar.

        >>> tabs = TwoTabs(api)                                       # doctest: +SKIP
        >>> result, entry = tabs.attack()                             # doctest: +SKIP
        >>> "cookie" in result.exchanges[-1].request_headers, result.readable, entry.status   # doctest: +SKIP
        (True, False, 200)
    """

    def __init__(self, api, bank: str = FRONTEND, attacker: str = ATTACKER):
        self.api, self.bank, self.attacker = api, bank, attacker

    def attack(self):
        """Log the user in on the bank's tab, then fetch /api/private from the attacker's tab, live.

        Returns (the attacker's `FetchResult`, the API's log entry of that request or None)."""
        from cors_lab.course.exercises import logged_in_browsers

        self.api = server = current_server(self.api)  # ServerStoppedError: one sentence naming the cell to re-run
        # Alice logs in on the bank's tab; the attacker's tab is another tab of her browser: the same cookies
        bank_tab, evil_tab = logged_in_browsers(server.url, self.bank, self.attacker)
        before = server.mark()
        result = evil_tab.fetch(f"{server.url}/api/private", credentials="include")
        entry = server.last_request(path="/api/private", origin=self.attacker, since=before)
        return result, entry

    def own_calls(self) -> list:
        """The story for the learner's own browser: the login from the bank's page (its frame: the cookie lands
        in the learner's browser), then the attacker's page (its own frame, on the attacker's origin) asks."""
        from cors_lab.widgets.own_browser import OwnCall

        url = current_server(self.api).url
        return [OwnCall(self.bank, {"url": url + "/login?user=alice", "method": "POST", "credentials": "include"}),
                OwnCall(self.attacker, {"url": url + "/api/private", "credentials": "include"})]


def _sent_cookie(result) -> bool:
    actual = [ex for ex in result.exchanges if ex.kind != "preflight"]
    return bool(actual) and "cookie" in actual[-1].request_headers


def two_tab_story(api, bank: str = FRONTEND, attacker: str = ATTACKER) -> PredictionSet:
    """Three predictions on the attacker's request (cookie sent? readable? processed?), each revealed live."""
    tabs = TwoTabs(api, bank, attacker)
    request = (f"Tab 1, the bank's page {bank}: the user logged in (the API set its session cookie).\n"
               f"Tab 2, the attacker's page {attacker}, runs:\n"
               f"  fetch('{api.url}/api/private', {{credentials: 'include'}})\n"
               f"The API's CORS policy: {api.policy!r}.")

    def cookie() -> Outcome:
        result, _ = tabs.attack()
        sent = _sent_cookie(result)
        return Outcome(
            "sent" if sent else "not sent",
            ("The cookie belongs to the API's host (localhost): cookies are scoped by host, ports are ignored. "
             "And the attacker's page is on the same site (localhost: a site ignores ports), so even a "
             "SameSite=Lax cookie goes with credentials: 'include'." if sent else
             "The browser held the cookie back: the attacker's page is on another site."),
            html=sequence_diagram(result), result=result, calls=tabs.own_calls(),
            wrong={"not sent": "Another origin is not another site: a cookie goes by host, and a site ignores ports."})

    def read() -> Outcome:
        result, _ = tabs.attack()
        return Outcome(
            "reads it" if result.readable else "reads nothing",
            ("The answer carries no Access-Control-Allow-Origin, so the browser hides it from the attacker's "
             f"script: fetch() rejects with {result.exception}." if not result.readable else
             "The API allowed the attacker's origin, so its script reads the user's data."),
            details=f"Console: {result.error.strip()}" if result.error else "",
            html=sequence_diagram(result), result=result, calls=tabs.own_calls(),
            wrong={"reads it": "Sending is allowed; reading another origin's answer is what the same-origin policy "
                               "forbids, unless that origin says otherwise (CORS)."})

    def processed() -> Outcome:
        result, entry = tabs.attack()
        done = entry is not None and entry.status == 200
        cookie_seen = entry is not None and "cookie" in entry.headers
        with_cookie = "with the user's cookie" if cookie_seen else "without a cookie"
        return Outcome(
            "processed" if done else "never arrives",
            (f"The API's log shows GET /api/private from {attacker}, {with_cookie}, answered {entry.status}: "
             "the server did all the work; only the browser hid the answer." if done else
             "The API's log shows no such request."),
            html=sequence_diagram(result), result=result, calls=tabs.own_calls(),
            wrong={"never arrives": "The browser sends a simple GET at once and checks the answer afterwards: the "
                                    "server receives it, with the cookie, and answers."})

    questions = [
        Predict("Is the user's session cookie sent with the attacker's request?", ["sent", "not sent"], cookie,
                context=request, title="1."),
        Predict("Can the attacker's script read the answer (the user's data)?", ["reads it", "reads nothing"], read,
                title="2."),
        Predict("Does the API still receive and process the request (and answer 200)?",
                ["processed", "never arrives"], processed, title="3."),
    ]
    return PredictionSet("The two-tab story: predict, then see the live request", questions,
                         intro="Each answer runs the request live, in two tabs of one browser.")
