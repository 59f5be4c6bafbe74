"""Preflight or not? The learner picks a request, predicts, then sees the rule that decided and the live exchange.

    quiz = preflight_quiz(api, [("GET + X-Api-Key", "/api/public", dict(headers={"X-Api-Key": "k"})), ...])
    quiz                                   # a PredictionSet: one "preflight" / "no preflight" question per request
    quiz.predictions[0].predict("preflight")

    predictor = PreflightPredictor(api)    # the learner's own request: method, Content-Type, one more header
    predictor.predict("preflight")         # same as pressing the button: live request, rules, sequence diagram

Views only: `cors_lab.browser.preflight.preflight_rules` says which rule (CORS-safelisted method, request-header,
Content-Type) decided, with the same functions the engine's fetch uses; the live fetch (a fresh model browser, so
nothing is cached) is the answer. The server is looked up when the learner presses: after ``stop_all()`` the widget
says which cell to re-run, after a re-run it asks the new server.
"""
from __future__ import annotations

import ipywidgets as w

from cors_lab.course.teaching import FRONTEND
from cors_lab.widgets import format as fmt
from cors_lab.widgets.base import WidgetView, current_server
from cors_lab.widgets.diagram import sequence_diagram
from cors_lab.widgets.predict import Outcome, Predict, PredictionSet

CHOICES = ("preflight", "no preflight")
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
NO_CONTENT_TYPE = "(no Content-Type, no body)"
CONTENT_TYPES = (NO_CONTENT_TYPE, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data",
                 "application/json")
NO_HEADER = "(no other header)"
EXTRA_HEADERS = (NO_HEADER, "Accept: application/json", "Accept-Language: fr", "Content-Language: de",
                 "X-Api-Key: secret", "Authorization: Bearer abc123", "X-Requested-With: XMLHttpRequest")
# a path of api_app that answers each method (the answer does not change whether a preflight goes first)
PATHS = {"GET": "/api/public", "HEAD": "/api/public", "POST": "/api/echo"}
BODIES = {"application/json": '{"name": "kiwi"}', "application/x-www-form-urlencoded": "name=kiwi",
          "multipart/form-data": "name=kiwi", "text/plain": "kiwi"}


def rules_html(rules) -> str:
    """The preflight rules as a small table: ✔ safelisted (no reason to ask) or ✘ (the browser asks first)."""
    rows = "".join(
        f"<tr><td style='color:{fmt.GREEN if r.safelisted else fmt.RED};font-weight:bold'>"
        f"{'✔' if r.safelisted else '✘'}</td><td><code>{fmt.escape(r.subject)}</code></td>"
        f"<td>{fmt.escape(r.detail)}</td></tr>" for r in rules)
    return (f"<table class='cors-lab-rules' style='font-size:12px;margin:4px 0'><tr><th></th><th>looked at</th>"
            f"<th>rule (Fetch Standard: CORS-safelisted method / request-header)</th></tr>{rows}</table>")


def preflight_outcome(server, path: str, request: dict, origin: str = FRONTEND) -> Outcome:
    """Run ``request`` (fetch() keyword arguments, without url) on ``path`` of the running ``server`` from a fresh
    tab at ``origin``; the `Outcome`: "preflight" or "no preflight", the deciding rules, the sequence diagram."""
    from cors_lab.browser.fetch import Browser
    from cors_lab.browser.preflight import preflight_rules

    server = current_server(server)
    request = dict(request)
    result = Browser(origin).fetch(server.url + path, **request)  # a fresh tab: no cached preflight
    headers = dict(request.get("headers") or {})
    if isinstance(request.get("body"), str) and not any(n.lower() == "content-type" for n in headers):
        headers["Content-Type"] = "text/plain;charset=UTF-8"  # what fetch() adds to a string body
    needed, rules = preflight_rules(request.get("method", "GET"), headers)
    truth = "preflight" if result.preflight else "no preflight"
    deciding = [r for r in rules if not r.safelisted]
    if deciding:
        why = "The browser asks first because " + " ".join(r.detail for r in deciding)
    else:
        why = ("Every rule is safelisted: a simple request, sent at once, with no OPTIONS. The server can still "
               "refuse the script the answer, but it gets the request.")
    if needed != result.preflight:  # the rules and the live fetch come from the same engine: say it if they differ
        why += f" (The live fetch {'did' if result.preflight else 'did not'} send an OPTIONS.)"
    wrong = {"preflight": "A preflight is only for what an old server never expected from a page: this one is not.",
             "no preflight": "Look at the ✘ rows: one non-safelisted item is enough for an OPTIONS first."}
    wire = ", then ".join(f"{ex.method} {fmt.path_of(ex.url)}" for ex in result.exchanges) or "nothing"
    details = f"On the wire: {wire}.\nJS: {fmt.js_text(result).splitlines()[0]}"
    return Outcome(truth, why, html=rules_html(rules) + sequence_diagram(result), details=details, wrong=wrong,
                   result=result)


def preflight_question(server, label: str, path: str, request: dict, origin: str = FRONTEND) -> Predict:
    """One "preflight or not?" `Predict` about ``request`` (fetch() keyword arguments) on ``path`` of ``server``."""
    code = fmt.fetch_code(dict(request, url=server.url + path))  # the API's URL: a path alone is the page's
    prediction = Predict(f"{label}: preflight or not?", CHOICES,
                         reveal=lambda: preflight_outcome(server, path, request, origin),
                         context=f"Page {origin} runs: {code}", title="Predict")
    return prediction


def preflight_quiz(server, cases, origin: str = FRONTEND,
                   title: str = "Preflight or not?") -> PredictionSet:
    """A `PredictionSet` of "preflight / no preflight" questions, one per ``(label, path, fetch kwargs)`` case.

        >>> quiz = preflight_quiz(api, [("GET /api/public", "/api/public", {}),
        ...                             ("DELETE", "/api/items/2", dict(method="DELETE"))])  # doctest: +SKIP
        >>> print(quiz.predictions[1].predict("preflight"))                                          # doctest: +SKIP
        Right: preflight.
        Why: The browser asks first because DELETE is not a CORS-safelisted method ...
    """
    questions = [preflight_question(server, label, path, request, origin) for label, path, request in cases]
    return PredictionSet(title, questions, intro="Press your prediction for each request: the live answer, the rule "
                                                 "that decided and the exchange appear below it.")


class PreflightPredictor(WidgetView):
    """Build a request (method, Content-Type, one more header), predict "preflight" or "no preflight", then see.

    Pressing a prediction runs the request live from a fresh tab at ``origin`` to ``server`` (``/api/public`` for
    GET/HEAD, ``/api/echo`` for POST, ``/api/items/1`` otherwise) and shows right or not, which rule decided
    (CORS-safelisted method, request-header, Content-Type value) and the sequence diagram. Changing a field asks
    for a new prediction. ``score()`` counts the learner's right predictions.

        >>> from cors_lab.widgets.preflight_predictor import PreflightPredictor
        >>> p = PreflightPredictor(api, method="POST", content_type="application/json")   # doctest: +SKIP
        >>> print(p.predict("no preflight"))                                               # doctest: +SKIP
        Not quite: you said no preflight, it is preflight.
        ...
        >>> p.set(method="GET", content_type=NO_CONTENT_TYPE, header="Accept-Language: fr")  # doctest: +SKIP
        >>> p.predict("no preflight")                                                      # doctest: +SKIP
    """

    kind = "preflight-predictor"

    def __init__(self, server, origin: str = FRONTEND, method: str = "POST",
                 content_type: str = "application/json", header: str = NO_HEADER):
        self.server, self.origin = server, origin
        self.history: list[tuple[str, str, bool]] = []  # (request, prediction, right?)
        style = {"description_width": "110px"}
        self.method = w.Dropdown(options=METHODS, value=method, description="method", style=style)
        self.content_type = w.Dropdown(options=CONTENT_TYPES, value=content_type, description="Content-Type",
                                       style=style, layout=w.Layout(width="420px"))
        self.header = w.Combobox(value=header, options=EXTRA_HEADERS, description="other header", style=style,
                                 ensure_option=False, placeholder="Name: value", layout=w.Layout(width="420px"))
        self.question = Predict("Does the browser send a preflight (OPTIONS) first?", CHOICES, reveal=self._reveal,
                                context=self._request_text(), title="Predict")
        self.output = self.question.output
        self.score_line = w.HTML()
        for field in (self.method, self.content_type, self.header):
            field.observe(lambda _: self._changed(), names="value")
        for button in self.question.buttons:
            button.on_click(lambda _: self._update_score())
        head = w.HTML("<b>Preflight predictor</b>: choose a request, then predict.")
        self.finish(w.VBox([head, self.method, self.content_type, self.header, self.question.widget,
                            self.score_line]),
                    actions=self.question.buttons, outputs=[self.question.output])
        self._update_score()

    # ---- the request from the fields ---------------------------------------------------------------------
    def request(self) -> tuple[str, dict]:
        """(path, fetch() keyword arguments) from the fields. Raises InputError on a header typed wrongly."""
        method = self.method.value
        headers = {}
        kwargs: dict = {"method": method}
        if self.content_type.value != NO_CONTENT_TYPE:
            headers["Content-Type"] = self.content_type.value
            if method not in ("GET", "HEAD"):
                kwargs["body"] = BODIES[self.content_type.value]
        extra = self.header.value.strip()
        if extra and extra != NO_HEADER:
            headers.update(fmt.header_lines(extra))
        if headers:
            kwargs["headers"] = headers
        return PATHS.get(method, "/api/items/1"), kwargs

    def _request_text(self) -> str:
        try:
            path, kwargs = self.request()
        except Exception as exc:  # noqa: BLE001 - shown where the request would be
            return str(exc)
        return f"Page {self.origin} runs:\n  {fmt.fetch_code(dict(kwargs, url=self.server.url + path))}"

    def set(self, method: str | None = None, content_type: str | None = None, header: str | None = None) -> None:
        """Set the fields (as a learner would); the next prediction is about the new request."""
        if method is not None:
            self.method.value = method
        if content_type is not None:
            self.content_type.value = content_type
        if header is not None:
            self.header.value = header

    def _changed(self) -> None:
        q = self.question
        q.prediction, q.correct, q.outcome, q.feedback, q.refusal = None, None, None, "", None
        q.output.value = ""
        for button in q.buttons:
            button.button_style = "info"
        q.context.value = fmt.pre(self._request_text())

    def _reveal(self) -> Outcome:
        path, kwargs = self.request()
        return preflight_outcome(self.server, path, kwargs, self.origin)

    # ---- predicting --------------------------------------------------------------------------------------
    def predict(self, choice: str) -> str:
        """Predict "preflight" or "no preflight" for the request in the fields; returns (and shows) the feedback."""
        text = self.question.predict(choice)
        self._update_score()
        return text

    def _update_score(self) -> None:
        q = self.question
        if q.prediction is not None and q.refusal is None:
            entry = (self._request_text().split("\n", 1)[-1].strip(), q.prediction, bool(q.correct))
            if not self.history or self.history[-1][0] != entry[0]:
                self.history.append(entry)
        right, asked = self.score()
        self.score_line.value = fmt.escape(f"{right} of {asked} requests predicted right." if asked
                                           else "Change a field to try another request.")

    def score(self) -> tuple[int, int]:
        """(right, asked): the first prediction for each request the learner tried."""
        return sum(right for _, _, right in self.history), len(self.history)

    def output_text(self) -> str:
        return self.question.output_text()

    def __repr__(self) -> str:
        right, asked = self.score()
        return f"PreflightPredictor({right}/{asked} right)"


def failing_header_question(server, path: str, request: dict, policy, origin: str = FRONTEND,
                            choices=("Access-Control-Allow-Origin", "Access-Control-Allow-Methods",
                                     "Access-Control-Allow-Headers")) -> Predict:
    """Predict which response header the console sentence names when ``request`` on ``path`` fails against
    ``policy`` (set on the server that runs now for that request only, when the learner presses). The failures
    table names the header."""
    from cors_lab.browser.fetch import Browser

    def reveal() -> Outcome:
        live = current_server(server)
        with live.temporary_policy(policy):
            result = Browser(origin).fetch(live.url + path, **request)
        failure = result.failure
        header = getattr(failure, "header", None) or "(no header: it did not fail)"
        truth = next((c for c in choices if c.lower() == header.lower()), header)  # not a choice: one sentence
        return Outcome(truth, fmt.reason_text(result),
                       html=sequence_diagram(result), details=f"Console: {fmt.console_text(result)}", result=result,
                       around=lambda: live.temporary_policy(policy))

    code = fmt.fetch_code(dict(request, url=server.url + path))  # the API's URL: a path alone is the page's
    return Predict("Which header of the preflight answer will the console sentence name?", choices, reveal,
                   context=f"Page {origin} runs:\n  {code}\nServer policy: {policy!r}", title="Predict")


def same_sentence_question(server, path: str, request: dict, policies: dict, origin: str = FRONTEND
                           ) -> Predict:
    """Predict whether ``request`` fails with the same console sentence against each of ``policies`` ({label:
    policy}); the reveal runs each live (on the server that runs now) and shows the sentences side by side."""
    from cors_lab.browser.fetch import Browser

    choices = ["all the same", "some the same, some different", "all different"]

    def reveal() -> Outcome:
        live = current_server(server)
        sentences, pictures = {}, []
        for label, policy in policies.items():
            with live.temporary_policy(policy):
                result = Browser(origin).fetch(live.url + path, **request)
            reason = (result.error or result.exception or "readable").split("access control check: ")[-1]
            sentences[label] = reason
            pictures.append(fmt.section(label, sequence_diagram(result)))
        distinct = len(set(sentences.values()))
        truth = choices[0] if distinct == 1 else choices[2] if distinct == len(sentences) else choices[1]
        details = "\n".join(f"{label}:\n   {reason}" for label, reason in sentences.items())
        return Outcome(truth, f"{distinct} different sentence{'s' if distinct != 1 else ''} for {len(sentences)} "
                              "cases: the console names what the browser checked, not why the server answered so.",
                       html="".join(pictures), details=details)

    code = fmt.fetch_code(dict(request, url=server.url + path))  # the API's URL: a path alone is the page's
    return Predict("Do they all fail with the same console sentence?", choices, reveal,
                   context=f"Page {origin} runs:\n  {code}\nagainst: " + ", ".join(policies), title="Predict")
