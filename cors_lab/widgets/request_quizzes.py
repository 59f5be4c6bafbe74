"""More questions about one live request: what the console will name, whether the server processed it, who reads it.

    ConsoleQuiz(api, "/api/public", policy=CorsPolicy(always_send_origin=FRONTEND + "/"))
        # "What will the console say about Access-Control-Allow-Origin?": no such header / not equal / several ...
    ArrivalQuiz(api, "/api/echo", method="POST", body="hello", policy=CorsPolicy.none())
        # "Does the server receive and process the request?": processed / never arrives (the server's log answers)
    BrowserOrPython(api, "/api/public")
        # "Who reads the answer: the page's script, Python's requests?": the same request from both, live

Each is a `WillItCors` (the same request, the same server text, the same lifecycle: after ``stop_all()`` it says
which cell to re-run, after a re-run it asks the new server; ``policy`` is put on the server before each reveal)
that asks another question. The answer is read from what happened: the failures table's kind of the refusal
(`FetchResult.failure`), the server's log (`LabServer.last_request`), the response `requests` got.

    >>> quiz = ConsoleQuiz(api, policy=CorsPolicy(always_send_origin=FRONTEND + "/"))   # doctest: +SKIP
    >>> print(quiz.predict("several values"))                                                    # doctest: +SKIP
    Not quite: you said several values, it is value not equal to the origin.
    ...
"""
from __future__ import annotations

from cors_lab.errors import InputError
from cors_lab.widgets import format as fmt
from cors_lab.widgets.predict import Outcome
from cors_lab.widgets.quiz import WillItCors

#: the answers a ConsoleQuiz offers by default: what the console says about Access-Control-Allow-Origin, as the
#: failures table's kind of each (None: no refusal, the script reads the answer)
ALLOW_ORIGIN_CHOICES = {
    "no such header": "missing_allow_origin",
    "value not equal to the origin": "allow_origin_mismatch",
    "several values": "multiple_allow_origin",
    "no error: JS reads it": None,
}


class _LiveQuestion(WillItCors):
    """A `WillItCors` asking another question (its own choices and `truth`); its repr names its class, and its
    answer adds the server's log line of the request (``entry``: what the server says it received and answered)."""

    entry = None
    preflights = 0

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.kwargs['method']} {fmt.path_of(self.url)}: {self.state()})"

    def run(self):
        """The live request; the server's log entry of it (not a preflight) is kept in ``entry``."""
        self._bind()
        before = self.server.mark()
        result = super().run()
        self.entry = self.server.last_request(method=self.kwargs["method"], preflight=False, since=before)
        self.preflights = self.server.count(preflight=True, since=before)
        return result

    def log_line(self) -> str:
        """What the server's log says about the last reveal's request, in one line."""
        if self.entry is not None:
            return f"Server log: {self.entry.line()}"
        return ("Server log: only the preflight (OPTIONS) arrived, not the request." if self.preflights
                else "Server log: nothing arrived.")

    def _reveal(self) -> Outcome:
        outcome = super()._reveal()
        outcome.details = f"{outcome.details}\n{self.log_line()}"
        return outcome


class ConsoleQuiz(_LiveQuestion):
    """Predict what Chromium's console sentence will say is wrong, then see the sentence, the rule and the diagram.

    ``choices`` maps each answer offered to the failures-table kind it stands for (None: no error, the script
    reads the answer); the default is `ALLOW_ORIGIN_CHOICES`. The other arguments are `WillItCors`'s.

        >>> step = ConsoleQuiz(api, "/api/public", policy=CorsPolicy(always_send_origin=FRONTEND + "/"))
        >>> step.predict("value not equal to the origin").splitlines()[0]             # doctest: +SKIP
        'Right: value not equal to the origin.'
    """

    kind = "console-quiz"

    def __init__(self, server, url: str = "/api/public", choices: dict | None = None,
                 question: str = "What will the console say about Access-Control-Allow-Origin?",
                 title: str = "Read the console:", **request):
        self.failure_choices = dict(choices or ALLOW_ORIGIN_CHOICES)
        super().__init__(server, url, question=question, choices=list(self.failure_choices), title=title, **request)

    def truth(self, result) -> str:
        """The choice that stands for what happened: the refusal's failure kind, or None's choice when readable."""
        kind = None if result.readable else getattr(result.failure, "kind", "blocked")
        for label, stands_for in self.failure_choices.items():
            if stands_for == kind:
                return label
        said = result.failure.short if result.failure is not None else fmt.js_text(result)
        raise InputError(f"The console names something none of the choices is: {said}.")

    def _reveal(self) -> Outcome:
        outcome = super()._reveal()
        result = outcome.result
        if result.readable:  # no refusal to explain: say what let it through
            allowed = result.exchanges[-1].response_headers.get("access-control-allow-origin") if result.exchanges \
                else None
            outcome.why = (f"The answer carries Access-Control-Allow-Origin: {allowed}, which matches the page's "
                           f"origin: the browser gives the script the answer as the server sent it (status "
                           f"{result.status}), and writes nothing in the console.")
        return outcome


class ArrivalQuiz(_LiveQuestion):
    """Predict whether the server receives and processes the request, whatever the page's script may read.

    The answer is the server's own log: the request (not a preflight) that arrived during the reveal, and its
    status. ``entry`` is that log entry after a reveal (None when nothing but a preflight arrived).

        >>> quiz = ArrivalQuiz(api, "/api/echo", method="POST", body="hi", policy=CorsPolicy.none())  # doctest: +SKIP
        >>> quiz.predict("processed").splitlines()[0]                                   # doctest: +SKIP
        'Right: processed.'
    """

    kind = "arrival-quiz"
    CHOICES = ("processed", "never arrives")

    def __init__(self, server, url: str = "/api/public",
                 question: str = "Does the server receive and process the request (even if JS cannot read it)?",
                 title: str = "Predict:", **request):
        super().__init__(server, url, question=question, choices=self.CHOICES, title=title, **request)

    def truth(self, result) -> str:
        return self.CHOICES[0] if self.entry is not None and self.entry.status else self.CHOICES[1]

    def _reveal(self) -> Outcome:
        outcome = super()._reveal()
        entry = self.entry
        if outcome.truth == self.CHOICES[0]:
            why = (f"The server's log shows it, answered {entry.status}: the request arrived and the server acted on "
                   "it. " + ("The browser checked CORS on the answer, afterwards, and only hid it from the script."
                             if not outcome.result.readable else "And the script could read the answer too."))
        else:
            why = ("The server's log shows no such request: the browser never sent it. "
                   + fmt.reason_text(outcome.result))
        outcome.why = why
        return outcome


class BrowserOrPython(_LiveQuestion):
    """Predict who reads the answer: the page's script (a model browser tab) or Python's ``requests``, sending the
    same request with the same ``Origin`` header. The reveal runs both, live, and shows both outcomes.

        >>> quiz = BrowserOrPython(api, "/api/public")                                    # doctest: +SKIP
        >>> quiz.predict("only Python").splitlines()[0]                                   # doctest: +SKIP
        'Right: only Python.'

    ``python`` is the `requests.Response` after a reveal.
    """

    kind = "browser-or-python"
    CHOICES = ("both", "only Python", "only the browser tab", "neither")

    def __init__(self, server, url: str = "/api/public",
                 question: str = "The same request, from the page's script and from Python's requests. Who reads "
                                 "the answer?",
                 title: str = "Predict:", **request):
        self.python = None
        super().__init__(server, url, question=question, choices=self.CHOICES, title=title, **request)

    def _setup_text(self) -> str:
        headers = {"Origin": self.origin, **self.kwargs["headers"]}
        body = f", data={self.kwargs['body']!r}" if self.kwargs["body"] is not None else ""
        python = f"requests.request({self.kwargs['method']!r}, {self.url!r}, headers={headers!r}{body})"
        return f"{super()._setup_text()}\n\nA Python program runs:\n  {python}"

    def run(self):
        """The page's fetch in a model tab, then the same request from ``requests`` (kept in ``python``)."""
        import requests

        result = super().run()  # binds to the running server first (or says which cell to re-run)
        headers = {"Origin": self.origin, **self.kwargs["headers"]}
        self.python = requests.request(self.kwargs["method"], self.url, headers=headers, data=self.kwargs["body"],
                                       timeout=5)
        return result

    def truth(self, result) -> str:
        python_reads = self.python is not None  # any answer that arrived: nothing hides it from a program
        return {(True, True): "both", (False, True): "only Python", (True, False): "only the browser tab",
                (False, False): "neither"}[(result.readable, python_reads)]

    def _reveal(self) -> Outcome:
        outcome = super()._reveal()
        result, response = outcome.result, self.python
        actual = next((ex for ex in reversed(result.exchanges) if ex.kind != "preflight"), None)
        answered = actual.status if actual is not None else None
        allow = actual.response_headers.get("access-control-allow-origin") if actual is not None else None
        same = (f"The server answered the browser's request with status {answered} and "
                + (f"Access-Control-Allow-Origin: {allow}" if allow else "no Access-Control-Allow-Origin")
                + f"; Python's with status {response.status_code}.")
        if result.readable:
            why = f"{same} The header allows the page's origin, so the browser lets the script read it too."
        else:
            why = (f"{same} Only a browser enforces CORS: it hides the answer from the page's script, on behalf of "
                   "its user. requests is a program you run yourself: nobody hides anything from you.")
        body = response.text.strip()
        body = body if len(body) <= 200 else body[:200] + "…"
        details = (f"Python's requests: status {response.status_code}, reads {body}\n"
                   f"Browser tab: {fmt.js_text(result)}"
                   + (f" (the server answered {answered})" if answered and not result.readable else "")
                   + f"\nConsole: {fmt.console_text(result)}\n{self.log_line()}")
        return Outcome(outcome.truth, why, html=outcome.html, result=result, details=details)
