"""What a fetch() produced: the result contract shared by the engine and the real-Chromium bridge.

Both `cors_lab.browser.fetch.Browser.fetch` (the model) and `cors_lab.real.chromium.ChromiumBrowser.fetch`
(real headless Chromium) return a `FetchResult`, so the two can be compared field by field.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from cors_lab.headers import Headers


@dataclass
class Exchange:
    """One HTTP request the browser really put on the wire, and what came back.

        >>> exchange = result.exchanges[0]                                          # doctest: +SKIP
        >>> exchange.kind, exchange.method, exchange.status, exchange.origin_sent   # doctest: +SKIP
        ('preflight', 'OPTIONS', 204, 'http://localhost:8001')
        >>> exchange.response_headers["Access-Control-Allow-Methods"]               # any case works   # doctest: +SKIP
        'GET, PUT'

    Headers are `cors_lab.headers.Headers` (case-insensitive); a plain dict passed in is converted."""

    kind: str  # "preflight" | "actual" | "redirect" (a hop that answered 3xx is recorded as "redirect")
    method: str
    url: str  # without the fragment, which is never sent
    request_headers: Headers  # as sent (Origin, Cookie, Access-Control-Request-*); the engine writes names lowercase
    status: int = 0  # 0 when no response arrived (network error)
    response_headers: Headers = field(default_factory=Headers)  # all of them, repeated fields combined with ", "
    set_cookies: list[str] = field(default_factory=list)  # raw Set-Cookie values (never visible to JS)

    def __post_init__(self) -> None:
        if not isinstance(self.request_headers, Headers):
            self.request_headers = Headers(self.request_headers or {})
        if not isinstance(self.response_headers, Headers):
            self.response_headers = Headers(self.response_headers or {})

    @property
    def origin_sent(self) -> str | None:
        """The Origin request header as sent (None when the request carried none)."""
        return self.request_headers.get("origin")

    @property
    def cookies_sent(self) -> bool:
        return "cookie" in self.request_headers


class StepKind(StrEnum):
    """The stable kind of a trace `Step`: code, widgets and notebooks match on it, never on a step's display title.

    A `StepKind` equals its string, so ``step.kind == "preflight-cache-hit"`` works. The kinds, in the order of the
    Fetch Standard's steps:

    - ``request-rejected``: new Request() rejected the call (a TypeError; nothing was sent)
    - ``method-normalised``: how fetch() spelled the method (uppercased, or kept as written)
    - ``header-dropped``: a header the script set was dropped silently (forbidden, or not allowed in no-cors)
    - ``same-origin-check``: same-origin or cross-origin, the question CORS starts from
    - ``request-refused``: main fetch refused the mode, the URL scheme or the port before the network
    - ``data-url``: a data: URL, answered without the network
    - ``local-network-access``: Chromium's Local Network Access check (a page reaching a more-private address)
    - ``simple-request``: a cross-origin request that needs no preflight
    - ``preflight-needed``: why a preflight is needed (method, headers)
    - ``preflight-cache-hit``: a cached preflight answers: no OPTIONS sent
    - ``preflight-sent``: the OPTIONS preflight, as sent
    - ``preflight-check``: the preflight answer checked (passed or failed)
    - ``preflight-cached`` / ``preflight-not-cached``: whether the preflight answer was kept, and for how long
    - ``network-error``: the server could not be reached
    - ``informational-response``: a 1xx answer (100 Continue, 103 Early Hints, ...) came first and was skipped
    - ``invalid-response``: the server answered, but not valid HTTP, or a body that cannot be read
    - ``timed-out``: the call's deadline passed before the answer was complete
    - ``credentials``: whether cookies were sent
    - ``third-party-cookies``: a cross-site request: Chromium sends and stores no cookies
    - ``set-cookie`` / ``set-cookie-ignored``: what became of the response's Set-Cookie
    - ``redirect``: a 3xx answer and where it points
    - ``redirect-refused``: a redirect fetch() will not follow (mode, scheme, credentials, limit, bad Location)
    - ``redirect-manual``: redirect 'manual': an opaque-redirect response
    - ``origin-tainted``: a cross-origin hop made the Origin `null`
    - ``method-changed``: a 301/302/303 turned the request into a GET without a body
    - ``cors-check``: the CORS check of a response (or of a redirect response)
    - ``opaque-response``: mode 'no-cors': the script gets an opaque response
    - ``exposed-headers``: which response headers the script can read
    - ``note``: a step built by hand (tests, widgets); the engine never makes one
    """

    REQUEST_REJECTED = "request-rejected"
    METHOD_NORMALISED = "method-normalised"
    HEADER_DROPPED = "header-dropped"
    SAME_ORIGIN_CHECK = "same-origin-check"
    REQUEST_REFUSED = "request-refused"
    DATA_URL = "data-url"
    LOCAL_NETWORK_ACCESS = "local-network-access"
    SIMPLE_REQUEST = "simple-request"
    PREFLIGHT_NEEDED = "preflight-needed"
    PREFLIGHT_CACHE_HIT = "preflight-cache-hit"
    PREFLIGHT_SENT = "preflight-sent"
    PREFLIGHT_CHECK = "preflight-check"
    PREFLIGHT_CACHED = "preflight-cached"
    PREFLIGHT_NOT_CACHED = "preflight-not-cached"
    NETWORK_ERROR = "network-error"
    INFORMATIONAL = "informational-response"
    INVALID_RESPONSE = "invalid-response"
    TIMED_OUT = "timed-out"
    CREDENTIALS = "credentials"
    THIRD_PARTY_COOKIES = "third-party-cookies"
    SET_COOKIE = "set-cookie"
    SET_COOKIE_IGNORED = "set-cookie-ignored"
    REDIRECT = "redirect"
    REDIRECT_REFUSED = "redirect-refused"
    REDIRECT_MANUAL = "redirect-manual"
    ORIGIN_TAINTED = "origin-tainted"
    METHOD_CHANGED = "method-changed"
    CORS_CHECK = "cors-check"
    OPAQUE_RESPONSE = "opaque-response"
    EXPOSED_HEADERS = "exposed-headers"
    NOTE = "note"


@dataclass
class Step:
    """One line of the explanation: which rule applied, what was looked at, and whether it passed.

        >>> [step.kind for step in result.steps]                       # doctest: +SKIP
        ['same-origin-check', 'preflight-needed', 'preflight-sent', 'preflight-check']
        >>> next(s for s in result.steps if s.kind == "preflight-check").fix   # doctest: +SKIP

    Match on ``kind`` (a `StepKind`, stable) or ``failure`` (a failures-table kind), never on ``rule``, the title
    shown to the learner, which may be reworded."""

    rule: str  # short title, e.g. "preflight: method not in Access-Control-Allow-Methods"
    spec: str  # where the rule lives, e.g. "Fetch Standard: CORS check"
    passed: bool | None  # None = informational
    detail: str  # what was looked at and what it means
    fix: str | None = None  # failed: the failures-table row's fix; passed/informational: a tip, if any
    kind: StepKind | str = StepKind.NOTE  # what this step is, stable (see StepKind)
    failure: str | None = None  # on a failed step: its kind in cors_lab.browser.failures.FAILURES


@dataclass
class FetchResult:
    """Everything JavaScript's fetch() (and the DevTools console) would show for one call, and why.

        >>> result = Browser("http://localhost:8001").fetch("http://localhost:8002/api/items/1", method="PUT")
        >>> result.blocked, result.type, result.status, result.readable          # doctest: +SKIP
        (True, 'error', 0, False)
        >>> result.exception, result.reason()                                    # doctest: +SKIP
        ('TypeError: Failed to fetch', 'preflight: method not in Access-Control-Allow-Methods')
        >>> print(result.explain())              # each rule, what passed, what failed, and the fix   # doctest: +SKIP

    What the script sees:

    - ``blocked``: fetch() rejected (a CORS failure, a network error or a refused call).
    - ``type``: the response type JavaScript reads: 'basic' (same-origin), 'cors', 'opaque' (no-cors),
      'opaqueredirect' (redirect 'manual') or 'error' (blocked).
    - ``status``, ``headers`` (only those the script may read; case-insensitive `Headers`), ``text`` (the body).
    - ``exception``: the rejection JavaScript catches, e.g. "TypeError: Failed to fetch" (on a result that is not
      blocked: the headers came, but reading the body failed, so ``response.text()`` rejects).

    What the console and the network show:

    - ``error``: the DevTools console sentence, word for word (None when the browser writes none).
    - ``preflight``: an OPTIONS preflight went out for this call.
    - ``exchanges``: every request really sent, as `Exchange`s (preflight, redirect hops, the actual request).

    Why (the engine only; real Chromium gives its verdict, not its reasons):

    - ``steps``: the trace, one `Step` per rule applied; ``explain()`` prints it with the fixes.
    - ``request``: what the script asked for (url, method, headers, mode, ...) and the page ``origin``.
    - ``source``: who answered: "engine", "chromium" or "firefox".
    - ``browser``: the browser the result models (the engine's ``Browser(origin, browser=...)``) or ran in:
      "chromium" or "firefox". Sentences, exceptions and behaviour are that browser's.
    - ``reason_code``: Firefox's reason code for a CORS block (e.g. "CORSMissingAllowOrigin", the name of MDN's
      page about it); None for Chromium, which has none.
    - ``timed_out``: the call's overall deadline (``Browser(timeout=...)``) passed before the answer was complete;
      the call is then blocked, as a network error.
    """

    blocked: bool
    type: str  # 'basic' | 'cors' | 'opaque' | 'opaqueredirect' | 'error'
    status: int = 0
    headers: Headers = field(default_factory=Headers)  # what JS can read from response.headers
    text: str = ""
    exception: str | None = None  # e.g. "TypeError: Failed to fetch"
    error: str | None = None  # the DevTools console sentence, word for word
    preflight: bool = False
    exchanges: list[Exchange] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    request: dict = field(default_factory=dict)  # what the script asked for: url, method, headers, mode, ...
    source: str = "engine"  # who answered: "engine", "chromium" or "firefox"
    timed_out: bool = False  # the overall deadline passed before the answer was complete (blocked, a network error)
    browser: str = "chromium"  # the browser this result models (engine) or ran in (real): "chromium" or "firefox"
    reason_code: str | None = None  # Firefox's reason code for a CORS block (its console category, MDN's page name)
    console: list[str] = field(default_factory=list)  # every console line of the call (real browsers)

    def __post_init__(self) -> None:
        if not isinstance(self.headers, Headers):
            self.headers = Headers(self.headers or {})

    @property
    def readable(self) -> bool:
        """Can the page's script read this answer (status, headers, body)? False when blocked or opaque.

            >>> tab.fetch(url, mode="no-cors").readable     # the request went out; JS reads nothing   # doctest: +SKIP
            False
        """
        return not self.blocked and self.type not in ("opaque", "opaqueredirect")

    @property
    def failed_step(self) -> Step | None:
        """The first step that failed (None when none did)."""
        return next((step for step in self.steps if step.passed is False), None)

    @property
    def failure(self):
        """The failures-table row (`cors_lab.browser.failures.Failure`) of why this call was blocked, or None.

        From the failed step for the engine; for a real browser's result, from its console sentence or exception."""
        from cors_lab.browser.failures import FAILURES

        step = self.failed_step
        if step is not None and step.failure:
            return FAILURES[step.failure]
        if not self.blocked:
            return None
        from cors_lab.doctor import diagnose  # a real browser's result: recognise its sentence

        diagnosis = diagnose(self.error or self.exception or "")
        return diagnosis.failure if diagnosis.recognised else None

    # ---- presentation -------------------------------------------------------------------
    def summary(self) -> str:
        if not self.blocked:
            return f"{self.type} {self.status}"
        reason = self.reason()
        return f"blocked: {reason}" if reason else "blocked"

    def reason(self) -> str | None:
        """A short reason for a block: the title of the first failed step (None when no step failed).

            >>> result.reason()                                                     # doctest: +SKIP
            'preflight: header not in Access-Control-Allow-Headers'

        For code, match on ``result.failure.kind`` or ``result.failed_step.kind`` instead: titles may be reworded."""
        step = self.failed_step
        return step.rule if step is not None else None

    def __repr__(self) -> str:
        return f"<FetchResult {self.summary()}>"

    def explain(self) -> str:
        """Step by step, for learners: each rule, what passed, what failed, and the smallest fix.

            >>> print(result.explain())                                             # doctest: +SKIP
            fetch('http://localhost:8002/api/items/1', method='PUT', ...) from page http://localhost:8001
            => BLOCKED. JavaScript sees: TypeError: Failed to fetch
               Console: Access to fetch at ... Method PUT is not allowed by Access-Control-Allow-Methods ...
             1. [    ] same-origin or cross-origin?: ...
             4. [FAIL] preflight: method not in Access-Control-Allow-Methods: ...
                       fix:  Add PUT to `Access-Control-Allow-Methods` in the preflight answer ...

        A failed step's fix is its failures-table row's, so it is the one ``diagnose(result.error)`` gives."""
        from cors_lab.browser.explain import explain

        return explain(self)

    def diagram(self):
        """This fetch as a sequence diagram (page, servers, each request and answer, where it was blocked).

            >>> result.diagram()          # a cell's last line: the picture                 # doctest: +SKIP

        The picture is a view (`cors_lab.widgets.SequenceDiagram`), loaded only when asked for."""
        from cors_lab.widgets.diagram import SequenceDiagram

        return SequenceDiagram(self)

    def _repr_html_(self) -> str:
        from cors_lab.browser.explain import explain_html

        return explain_html(self)

    def comparable(self) -> dict:
        """The fields the Chromium agreement tests compare."""
        return {
            "blocked": self.blocked,
            "type": self.type,
            "status": self.status,
            "error": self.error,
            "exception": self.exception,
            "headers": dict(sorted(self.headers.lower().items())),
            "text": self.text,
            "preflight": self.preflight,
            "reason_code": self.reason_code,
        }


@dataclass(repr=False)
class XhrResult(FetchResult):
    """What an XMLHttpRequest (as axios and jQuery send it) produced: `FetchResult`'s fields where they apply, plus
    the events that fired and the final ``readyState``.

    - ``status`` is ``xhr.status`` (0 when blocked), ``headers`` what ``xhr.getAllResponseHeaders()`` lists (the
      raw text is ``all_headers``), ``text`` is ``xhr.responseText``, ``error`` the console sentence.
    - ``events``: the names of the events that fired on the request, in order: ``loadstart``, ``progress``,
      ``load`` or ``error``, ``loadend``; ``upload_events`` the same on ``xhr.upload`` (only with a listener).
    - ``ready_state``: ``xhr.readyState`` at the end (4, DONE, after ``loadend``).
    - ``exception``: what ``open()``, ``setRequestHeader()`` or ``send()`` threw (an XHR never rejects: a blocked
      request fires ``error``; axios turns that into ``AxiosError: Network Error``).
    - ``type`` is what fetch() would have called the answer ('error' when blocked); XHR itself does not show it.
    """

    events: list[str] = field(default_factory=list)
    upload_events: list[str] = field(default_factory=list)
    ready_state: int = 0
    all_headers: str = ""

    def __repr__(self) -> str:
        return f"<XhrResult {self.summary()}>"

    def comparable(self) -> dict:
        fields = super().comparable()
        del fields["type"]  # not observable from an XMLHttpRequest
        fields.update(events=list(self.events), upload_events=list(self.upload_events), ready_state=self.ready_state)
        return fields


#: what `compare` looks at, in the words a learner reads in the verdict
COMPARED_FIELDS = ("blocked", "type", "status", "error", "exception", "headers", "text", "preflight", "reason_code",
                   "events", "upload_events", "ready_state")
_CLOCK_HEADERS = ("date",)  # values that depend on the clock, never on CORS


@dataclass
class Agreement:
    """Did two results of the same fetch (usually the engine's and a real browser's) come out the same?

    Truthy when they agree. ``differences`` maps each field that differs to (first value, second value)."""

    first: FetchResult
    second: FetchResult
    differences: dict[str, tuple] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return not self.differences

    @property
    def agrees(self) -> bool:
        return not self.differences

    def sentence(self, first: str = "the engine", second: str = "real Chromium") -> str:
        """One sentence for the learner: agreement, or which fields differ and how."""
        who = second[:1].upper() + second[1:]
        if self.agrees:
            return f"{who} agrees with {first} (blocked, type, status, console, headers, body, preflight)."
        return f"{who} DISAGREES with {first} on: " + "; ".join(
            f"{key}: {first} {mine!r}, {second} {theirs!r}" for key, (mine, theirs) in self.differences.items())

    def __repr__(self) -> str:
        return f"<Agreement {'agrees' if self.agrees else 'differs on ' + ', '.join(self.differences)}>"


def compare(first: FetchResult, second: FetchResult, fields: tuple = COMPARED_FIELDS) -> Agreement:
    """Compare two results of the same fetch field by field (what JavaScript and the console show).

        >>> agreement = compare(Browser(origin).fetch(url), ChromiumBrowser(origin).fetch(url))   # doctest: +SKIP
        >>> bool(agreement), agreement.sentence()                                                  # doctest: +SKIP

    A header whose value depends on the clock (Date) is compared by presence only. ``fields``: the names to
    compare (the learner's own browser is compared on what a page and a server log can see:
    `cors_lab.real.own_browser.SEEN_FIELDS`); a result's ``wire`` attribute, when set, is one of them."""
    mine, theirs = _comparable(first), _comparable(second)
    return Agreement(first, second, {key: (mine.get(key), theirs.get(key)) for key in fields
                                     if (key in mine or key in theirs) and mine.get(key) != theirs.get(key)})


def _comparable(result: FetchResult) -> dict:
    fields = result.comparable()
    if getattr(result, "wire", None) is not None:
        fields["wire"] = result.wire
    fields["headers"] = {name: ("<clock>" if name in _CLOCK_HEADERS else value)
                         for name, value in fields["headers"].items()}
    return fields
