"""One request, three forms of its error side by side: fetch() in Chromium, axios (an XMLHttpRequest) in Chromium,
and Firefox, each with its console sentence, what the page's JavaScript gets, and the doctor's reading.

    forms = ThreeForms(api, "/api/public")      # the request; nothing runs until you press "Show the three forms"
    forms.run()                                 # same as pressing it: the engine, as Chromium and as Firefox
    print(forms.output_text())                  # the three columns and the verdict, as text
    forms.confirm("chromium")                   # the first two columns again in real Chromium, compared
    forms.confirm("firefox")                    # the third in real Firefox, compared

Most people search for "Access to XMLHttpRequest at ... has been blocked by CORS policy", because axios and jQuery
send XMLHttpRequests; the lessons mostly show fetch(); Firefox words everything its own way. This view shows that
it is one failure with one fix. Views only: the engine decides (`cors_lab.Browser`, ``browser="firefox"`` for
Firefox's words), `cors_lab.course.axios` says what axios sends and throws, the doctor (`cors_lab.diagnose`) reads
each sentence, the real browsers (`cors_lab.real`) confirm a column, and `cors_lab.compare` says whether they
agree. Where the browsers decide differently (a request one of them lets through), the verdict says so.
"""
from __future__ import annotations

import contextlib
import importlib
from dataclasses import dataclass

import ipywidgets as w

from cors_lab.course.teaching import FRONTEND
from cors_lab.errors import InputError
from cors_lab.widgets import format as fmt
from cors_lab.widgets.base import WidgetView, current_server, rebase
from cors_lab.widgets.predict import Outcome, Predict


@dataclass(frozen=True)
class Form:
    """One column: which browser the engine plays, and which API the page's script uses."""

    key: str
    title: str
    browser: str  # "chromium" | "firefox"
    api: str  # "fetch" | "axios"


FORMS = (
    Form("chromium-fetch", "fetch() in Chromium", "chromium", "fetch"),
    Form("chromium-axios", "axios (XMLHttpRequest) in Chromium", "chromium", "axios"),
    Form("firefox", "fetch() in Firefox", "firefox", "fetch"),
)
#: which real browser confirms which columns
CONFIRMS = {"chromium": ("chromium-fetch", "chromium-axios"), "firefox": ("firefox",)}


@dataclass
class Column:
    """What one form produced: the engine's result, the doctor's reading of its sentence, a real browser's check."""

    form: Form
    result: object  # FetchResult or XhrResult
    diagnosis: object = None  # cors_lab.doctor.Diagnosis of the console sentence (None: nothing in the console)
    real: object = None  # the real browser's result, after confirm()
    agreement: object = None  # cors_lab.compare(engine, real), after confirm()

    @property
    def blocked(self) -> bool:
        return not self.result.readable

    def javascript(self) -> str:
        """What the page's script gets, in one or two lines."""
        from cors_lab.course.axios import NETWORK_ERROR, axios_error

        result = self.result
        if self.form.api == "axios":
            error = axios_error(result)
            if error is None:
                return f"axios resolves: response.status {result.status}, response.data is the body."
            events = ", ".join(result.events) or "none"
            return (f"axios rejects with {error} (xhr.status {result.status}, events: {events}); "
                    f"{'no error.response' if error.status is None else f'error.response.status {error.status}'}.")
        if result.blocked:
            also = "" if self.form.browser == "chromium" else f"\naxios, in the same browser: {NETWORK_ERROR}."
            return f"fetch() rejects with {result.exception}\nNo status, no headers, no body.{also}"
        return f"fetch() resolves: response.status {result.status}, the script reads the answer."

    def doctor(self) -> str:
        """The doctor's reading of the console sentence, in a few lines."""
        d = self.diagnosis
        if d is None:
            return "Nothing in the console: nothing to diagnose."
        if not d.recognised:
            return f"The doctor does not read this form (yet): {d.meaning}"
        lines = [f"{d.failure.short if d.failure else d.kind}" + (" (on the preflight)" if d.preflight else ""),
                 f"Fix: {d.fix}"]
        if d.mdn_url:
            lines.append(f"MDN: {d.mdn_url}")
        return "\n".join(lines)

    def fix_sentence(self) -> str:
        """The fix the verdict names: the doctor's reading of the sentence, else the engine's failed step's."""
        if self.diagnosis is not None and self.diagnosis.recognised:
            return self.diagnosis.fix
        step = fmt.first_failure(self.result)
        return step.fix if step is not None and step.fix else "see the console sentence."

    def text(self) -> str:
        parts = [f"Console: {fmt.console_text(self.result)}"]
        if self.result.reason_code:
            parts.append(f"Reason code: {self.result.reason_code}")
        parts += [f"JavaScript: {self.javascript()}", f"Doctor: {self.doctor()}"]
        if self.agreement is not None:
            parts.append(self.agreement.sentence(second=f"real {self.form.browser.title()}"))
        return "\n".join(parts)


def verdict(columns: list[Column]) -> str:
    """One sentence on the three: one failure and one fix, or where the browsers decide differently."""
    blocked = [c.form.title for c in columns if c.blocked]
    if not blocked:
        return "All three read the answer: nothing to fix."
    if len(blocked) < len(columns):
        readable = [c.form.title for c in columns if not c.blocked]
        return (f"The browsers decide differently here: {' and '.join(readable)} read the answer, "
                f"{' and '.join(blocked)} {'is' if len(blocked) == 1 else 'are'} blocked. A page must work in both: "
                "fix it for the one that blocks.")
    kinds = {c.diagnosis.kind for c in columns if c.diagnosis is not None and c.diagnosis.recognised}
    engine_kinds = {getattr(c.result.failure, "kind", None) for c in columns}
    if len(engine_kinds) == 1 and None not in engine_kinds:
        row = columns[0].result.failure
        read = (" The doctor reads all three as that." if len(kinds) == 1 and kinds == engine_kinds and all(
            c.diagnosis is not None and c.diagnosis.recognised for c in columns) else "")
        return f"One failure in three forms ({row.short}), one fix: {columns[0].fix_sentence()}{read}"
    return "Blocked in all three, for different reasons: read each console sentence."


class ThreeForms(WidgetView):
    """One request from the page at ``origin`` to ``server``, in three forms, side by side.

    - ``url``: a path on ``server`` or a full URL; ``method``, ``headers``, ``body``, ``credentials`` as in
      `cors_lab.Browser.fetch`. The axios column sends what axios sends for it (`cors_lab.course.axios`: its Accept
      header; ``body`` as axios' ``data``; ``credentials="include"`` as ``withCredentials: true``).
    - ``policy``: a `CorsPolicy` put on the server for these requests only (its own policy comes back after).
    - ``servers``: other lab servers the request reaches; stopped, the widget says which cell to re-run.

    Buttons: "Show the three forms" (the engine as Chromium and as Firefox, with the doctor's reading), "Confirm in
    real Chromium" and "Confirm in real Firefox" (the same request in the real browser, compared with its columns;
    one line when that browser is not installed). Each real browser is closed right after (no process left).

        >>> forms = ThreeForms(api, "/api/public")                                    # doctest: +SKIP
        >>> forms.run()[2].result.error                                               # doctest: +SKIP
        'Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ...'
        >>> forms                                                                     # doctest: +SKIP
        ThreeForms(GET /api/public: blocked in all three)
    """

    kind = "three-forms"

    def __init__(self, server, url: str = "/api/public", origin: str = FRONTEND, method: str = "GET",
                 headers: dict | None = None, body: str | None = None, credentials: str = "same-origin",
                 policy=None, title: str = "One request, three forms", servers=()):
        if credentials not in fmt.CREDENTIALS:
            raise InputError(f"credentials must be one of {', '.join(fmt.CREDENTIALS)}, not {credentials!r}")
        self.server, self.origin, self.policy, self.title = server, fmt.page_origin(origin), policy, title
        self.url = url if "://" in url else server.url + url
        self.method, self.headers, self.body, self.credentials = method, dict(headers or {}), body, credentials
        self.also = list(servers)
        self.columns: list[Column] = []
        self.refusal: str | None = None
        self._lines: dict[str, str] = {}  # real browser -> the line its confirm button showed
        self.run_button = w.Button(description="Show the three forms", button_style="primary", icon="columns")
        self.run_button.on_click(lambda _: self.run())
        self.chromium_button = w.Button(description="Confirm in real Chromium", icon="chrome")
        self.chromium_button.on_click(lambda _: self.confirm("chromium"))
        self.firefox_button = w.Button(description="Confirm in real Firefox", icon="firefox")
        self.firefox_button.on_click(lambda _: self.confirm("firefox"))
        self.request_line = w.HTML(fmt.pre(self._request_text()))
        self.cells = [w.HTML(layout=w.Layout(width="33%")) for _ in FORMS]
        self.output = w.HTML()
        self.confirm_output = w.HTML()
        head = w.HTML(f"<b>{fmt.escape(title)}</b>")
        self.finish(w.VBox([head, self.request_line,
                            w.HBox([self.run_button, self.chromium_button, self.firefox_button]),
                            w.HBox(self.cells), self.output, self.confirm_output]),
                    actions=[self.run_button, self.chromium_button, self.firefox_button],
                    outputs=[self.output, self.confirm_output])

    # ---- what is asked -------------------------------------------------------------------------------------
    def fetch_kwargs(self) -> dict:
        return dict(url=self.url, method=self.method, headers=dict(self.headers), body=self.body,
                    credentials=self.credentials)

    def axios_kwargs(self) -> dict:
        return dict(method=self.method.lower(), url=self.url, data=self.body, headers=dict(self.headers) or None,
                    with_credentials=self.credentials == "include")

    def _request_text(self) -> str:
        from cors_lab.course.axios import axios_code

        return (f"Page {self.origin} runs  {fmt.fetch_code(self.fetch_kwargs())}\n"
                f"           or with axios  {axios_code(**self.axios_kwargs())}")

    def __repr__(self) -> str:
        what = f"{self.method.upper()} {fmt.path_of(self.url)}"
        if not self.columns:
            return f"ThreeForms({what}: not run yet)"
        blocked = [c.blocked for c in self.columns]
        state = ("blocked in all three" if all(blocked) else "readable in all three" if not any(blocked)
                 else "the browsers differ")
        return f"ThreeForms({what}: {state})"

    # ---- running -------------------------------------------------------------------------------------------
    def _bind(self) -> None:
        server = current_server(self.server)
        if server is not self.server:
            self.url = rebase(self.url, self.server, server)
            self.server = server
            self.request_line.value = fmt.pre(self._request_text())
        self.also = [current_server(other) for other in self.also]

    def _policy(self):
        return self.server.temporary_policy(self.policy) if self.policy is not None else contextlib.nullcontext()

    def run(self) -> list[Column]:
        """Run the request in the engine as the three forms; show and return the columns (same as the button)."""
        return self.action(self._run)() or []

    def _run(self) -> list[Column]:
        from cors_lab.browser.fetch import Browser
        from cors_lab.course.axios import axios_request
        from cors_lab.doctor import diagnose

        self._bind()
        columns = []
        with self._policy():
            for form in FORMS:
                tab = Browser(self.origin, browser=form.browser)
                result = (axios_request(tab, **self.axios_kwargs()) if form.api == "axios"
                          else tab.fetch(**self.fetch_kwargs()))
                # the page's origin: Firefox's sentence does not name it, and the fix should
                reading = diagnose(result.error, origin=self.origin) if result.error else None
                columns.append(Column(form, result, reading))
        self.columns = columns
        self._lines = {}
        self._show()
        return columns

    def confirm(self, browser: str) -> str:
        """Run the request in the real ``browser`` ("chromium" or "firefox") and compare it with its columns.

        Returns the line shown (agreement, disagreement, or why that browser cannot be asked here)."""
        return self.action(self._confirm)(browser) or self.refusal or ""

    def _confirm(self, browser: str) -> str:
        if browser not in CONFIRMS:
            raise InputError(f"browser must be 'chromium' or 'firefox', not {browser!r}")
        if not self.columns:
            self._run()
        self._bind()
        name = browser.title()
        try:
            module = importlib.import_module(f"cors_lab.real.{browser}")
        except ImportError as exc:
            return self._confirm_line(browser, f"Real {name} is not available here ({exc}).")
        reason = module.unavailable_reason()
        if reason:
            return self._confirm_line(browser, f"Real {name} is not available here: {reason}")
        from cors_lab.browser.result import compare
        from cors_lab.course.axios import axios_headers

        real_class = module.ChromiumBrowser if browser == "chromium" else module.FirefoxBrowser
        columns = [c for c in self.columns if c.form.key in CONFIRMS[browser]]
        try:
            with self._policy():
                real = real_class(self.origin)
                try:
                    for column in columns:
                        if column.form.api == "axios":  # the XMLHttpRequest axios sends
                            kwargs = self.axios_kwargs()
                            pairs, body = axios_headers(kwargs["method"], kwargs["data"], kwargs["headers"])
                            column.real = real.xhr(self.url, method=self.method.upper(), headers=pairs, body=body,
                                                   with_credentials=kwargs["with_credentials"])
                        else:
                            column.real = real.fetch(**self.fetch_kwargs())
                        column.agreement = compare(column.result, column.real)
                finally:
                    real.close()
                    module.close_all()  # no browser process stays behind a lesson's cell
        except Exception as exc:  # the browser crashed or timed out: one line, never a traceback
            return self._confirm_line(browser, f"Real {name} could not answer: {exc}")
        agree = all(column.agreement for column in columns)
        outcomes = ", ".join(f"{c.form.title} {'reads the answer' if c.real.readable else 'is blocked'}"
                             for c in columns)
        line = f"Real {name} {'agrees with' if agree else 'DISAGREES with'} the engine: {outcomes}."
        if not agree:
            line += " " + " ".join(c.agreement.sentence(second=f"real {name}") for c in columns if not c.agreement)
        line += f" Its console: {fmt.console_text(columns[-1].real)}"
        self._show()
        return self._confirm_line(browser, line, ok=agree)

    def _confirm_line(self, browser: str, line: str, ok: bool | None = None) -> str:
        self._lines[browser] = line
        self.confirm_output.value = "".join(fmt.message_html(text, ok if key == browser else None)
                                            for key, text in self._lines.items())
        return line

    # ---- showing -------------------------------------------------------------------------------------------
    def say_refusal(self, sentence: str) -> None:
        """The one sentence replaces what the widget said below its columns (a real browser's old line too)."""
        self.output.value = fmt.message_html(sentence)
        self.confirm_output.value = ""
        self._lines = {}
        self.refusal = sentence

    def _show(self) -> None:
        for cell, column in zip(self.cells, self.columns, strict=True):
            color = fmt.GREEN if not column.blocked else fmt.RED
            body = fmt.section("Console", fmt.pre(fmt.console_text(column.result), color))
            if column.result.reason_code:
                body += fmt.section("Reason code", fmt.pre(column.result.reason_code))
            body += fmt.section("JavaScript gets", fmt.pre(column.javascript()))
            body += fmt.section("The doctor reads", fmt.pre(column.doctor()))
            if column.agreement is not None:
                body += fmt.pre(column.agreement.sentence(second=f"real {column.form.browser.title()}"),
                                fmt.GREEN if column.agreement else fmt.RED)
            cell.value = (f"<div style='border:1px solid #ccc;padding:4px;margin:2px'><b>"
                          f"{fmt.escape(column.form.title)}</b>{body}</div>")
        self.output.value = fmt.pre(verdict(self.columns))

    def output_text(self) -> str:
        """What the widget shows below its buttons, as text ('' before the first run)."""
        if self.refusal:
            return self.refusal
        if not self.columns:
            return ""
        parts = [f"{column.form.title}:\n{column.text()}" for column in self.columns]
        parts.append(verdict(self.columns))
        parts += list(self._lines.values())
        return "\n\n".join(parts)


# ---- predictions before the side-by-side ----------------------------------------------------------------------
FIREFOX_WORDS = {
    "Chromium's sentence, word for word": "same",
    "its own words, about the same header": "own",
    "nothing: Firefox lets the page read it": "readable",
}
XHR_WORDS = {
    "yes: \"Access to fetch at ...\"": "fetch",
    "no: it names XMLHttpRequest": "xhr",
    "no: axios writes its own console sentence": "axios",
}


def _ask(server, url, origin, question, choices, truth_of, why_of, title) -> Predict:
    full = url if "://" in url else server.url + url
    holder: dict = {}

    def reveal() -> Outcome:
        from cors_lab.browser.fetch import Browser

        current = prediction.servers[0]
        target = rebase(full, holder.get("server", server), current)
        holder["server"] = current
        chromium = Browser(origin).fetch(target)
        truth, result = truth_of(Browser, origin, target, chromium)
        return Outcome(truth, why_of(chromium, result), details=(
            f"Chromium, fetch():  {fmt.console_text(chromium)}\nThe other form: {fmt.console_text(result)}"),
            result=result)

    context = f"Page {origin} runs  fetch('{full}')  (the API sends no CORS headers)"
    prediction = Predict(question, list(choices), reveal, context=context, title=title, servers=[server])
    return prediction


def firefox_words_question(server, url: str = "/api/public", origin: str = FRONTEND) -> Predict:
    """Predict: for the same blocked fetch, which words will Firefox's console use? (answered by the engine as
    Firefox, whose sentences were recorded from real Firefox)"""

    def truth_of(Browser, origin, target, chromium):
        firefox = Browser(origin, browser="firefox").fetch(target)
        kind = ("readable" if firefox.readable else "same" if firefox.error == chromium.error else "own")
        return next(label for label, value in FIREFOX_WORDS.items() if value == kind), firefox

    def why_of(chromium, firefox):
        if firefox.readable:
            return "Firefox let the page read this answer."
        code = f", with a reason code ({firefox.reason_code}: MDN's page of that name)" if firefox.reason_code else ""
        return (f"Firefox blocks it too, for the same reason, in its own words{code}. JavaScript gets "
                f"{firefox.exception} (in Chromium: {chromium.exception}).")

    return _ask(server, url, origin, "The same request from Firefox: which words will its console use?",
                FIREFOX_WORDS, truth_of, why_of, "Predict:")


def xhr_sentence_question(server, url: str = "/api/public", origin: str = FRONTEND) -> Predict:
    """Predict: when axios (an XMLHttpRequest) makes the same request in Chromium, does the console name fetch?"""

    def truth_of(Browser, origin, target, chromium):
        from cors_lab.course.axios import axios_request

        xhr = axios_request(Browser(origin), "get", target)
        said = xhr.error or ""
        kind = "fetch" if said.startswith("Access to fetch") else "xhr" if "XMLHttpRequest" in said else "axios"
        return next(label for label, value in XHR_WORDS.items() if value == kind), xhr

    def why_of(chromium, xhr):
        return ("axios sends an XMLHttpRequest, so Chromium names the API the page used: the sentence is fetch()'s "
                "with XMLHttpRequest in its place, and the reason after 'CORS policy:' is the same.")

    return _ask(server, url, origin, "axios makes the same request in Chromium. Will the console sentence name fetch?",
                XHR_WORDS, truth_of, why_of, "Predict:")


def _policy_of(server, policy):
    return server.temporary_policy(policy) if policy is not None else contextlib.nullcontext()


PREFLIGHT_CHOICES = ("yes: a preflight first", "no: it goes straight out")


def axios_preflight_question(server, url: str = "/api/echo", data=None, method: str = "post",
                             origin: str = FRONTEND, policy=None) -> Predict:
    """Predict: does this axios call send a preflight? Answered by what axios sends (`cors_lab.course.axios`), run
    live through the engine; the details show the headers axios set and what reached the server.

        >>> q = axios_preflight_question(api, "/api/echo", data={"name": "kiwi"})       # doctest: +SKIP
        >>> q.predict("no: it goes straight out").splitlines()[0]                      # doctest: +SKIP
        'Not quite: you said no: it goes straight out, it is yes: a preflight first.'
    """
    from cors_lab.course.axios import axios_code, axios_headers

    data = {"name": "kiwi"} if data is None else data
    full = url if "://" in url else server.url + url
    holder = {"server": server}

    def reveal() -> Outcome:
        from cors_lab.browser.fetch import Browser
        from cors_lab.course.axios import axios_error, axios_request

        current = prediction.servers[0]
        target = rebase(full, holder["server"], current)
        holder["server"] = current
        with _policy_of(current, policy):
            before = current.mark()
            result = axios_request(Browser(origin), method, target, data=data)
            arrived = [entry.line() for entry in current.requests(since=before)]
        pairs, _ = axios_headers(method, data)
        sent = ", ".join(f"{name}: {value}" for name, value in pairs)
        content_type = dict(pairs).get("Content-Type")
        why = (f"axios set {sent}. Content-Type {content_type} is not one of the three a simple request may have "
               "(text/plain, multipart/form-data, application/x-www-form-urlencoded), so the browser asks first."
               if result.preflight else
               f"axios set {sent}: every one of them is safelisted, so the request is simple and goes out at once.")
        error = axios_error(result)
        answer = f"resolves, status {result.status}" if error is None else f"rejects with {error}"
        details = (f"Server log: {'; '.join(arrived) or 'nothing arrived'}\naxios: {answer}\n"
                   f"Console: {fmt.console_text(result)}")
        return Outcome(PREFLIGHT_CHOICES[0 if result.preflight else 1], why, details=details, result=result)

    context = f"Page {origin} runs  {axios_code(method, full, data)}"
    prediction = Predict("Does the browser send a preflight (OPTIONS) before this call?", PREFLIGHT_CHOICES,
                         reveal, context=context, title="Predict:", servers=[server])
    return prediction


BROWSER_CHOICES = ("both", "Chromium only", "Firefox only", "neither")


def which_browser_question(server, url: str = "/api/public", headers: dict | None = None,
                           origin: str = FRONTEND, policy=None) -> Predict:
    """Predict: in which browser can the page's script read the answer? Answered live by the engine as Chromium
    and as Firefox (each recorded from the real browser); `ThreeForms` then confirms it in both real browsers."""
    headers = dict(headers or {})
    full = url if "://" in url else server.url + url
    holder = {"server": server}

    def reveal() -> Outcome:
        from cors_lab.browser.fetch import Browser

        current = prediction.servers[0]
        target = rebase(full, holder["server"], current)
        holder["server"] = current
        with _policy_of(current, policy):
            results = {name: Browser(origin, browser=name).fetch(target, headers=headers)
                       for name in ("chromium", "firefox")}
        readable = {name for name, result in results.items() if result.readable}
        truth = ("both" if len(readable) == 2 else "neither" if not readable
                 else "Chromium only" if "chromium" in readable else "Firefox only")
        lines = []
        for name, result in results.items():
            went = "a preflight, then " if result.preflight else "no preflight; "
            lines.append(f"{name.title()}: {went}{'readable' if result.readable else 'blocked'}. "
                         f"Console: {fmt.console_text(result)}")
        if len(readable) == 1:
            (reads,), (blocks,) = readable, set(results) - readable
            failed = results[blocks].failure
            why = (f"The two browsers decide differently. {reads.title()} sends this request "
                   f"{'after a preflight' if results[reads].preflight else 'without a preflight'}; "
                   f"{blocks.title()} {'asks first with a preflight' if results[blocks].preflight else 'sends it'} "
                   f"and is blocked: {failed.short if failed else 'see its console'}.")
            if failed is not None and failed.kind == "header_not_allowed":  # recorded in both browsers
                why += (" Chromium counts the client hints (DPR, Save-Data, Device-Memory, Viewport-Width, Width) "
                        "as safelisted request headers; Firefox does not, so it preflights them.")
        else:
            why = "Both browsers decide the same here."
        return Outcome(truth, why, details="\n".join(lines), result=results["firefox"])

    names = ", ".join(f"{name}: {value}" for name, value in headers.items()) or "no extra header"
    context = f"Page {origin} runs  fetch('{full}', {{headers: {{{names}}}}})"
    if policy is not None:
        context += f"\nServer policy: {policy!r}"
    prediction = Predict("In which browser can the page's script read the answer?", BROWSER_CHOICES, reveal,
                         context=context, title="Predict:", servers=[server])
    return prediction


__all__ = ["ThreeForms", "Column", "Form", "FORMS", "verdict", "firefox_words_question", "xhr_sentence_question",
           "axios_preflight_question", "which_browser_question"]
