"""Probe a running API as a browser would: the verdict, the console sentence, the step that failed, the fix, curl.

    >>> from cors_lab import probe
    >>> report = probe("http://localhost:3000/api/items/1", origin="http://localhost:5173", method="PUT",
    ...                headers={"Content-Type": "application/json"})                    # doctest: +SKIP
    >>> report.verdict, report.exit_code                                                # doctest: +SKIP
    ('blocked', 1)
    >>> print(report)            # what `cors-lab doctor` prints: verdict, sentence, step, fix, curl   # doctest: +SKIP
    >>> print(report.fix_in("express"))    # cors() options that allow exactly this request   # doctest: +SKIP

The engine (`cors_lab.Browser`) sends the request over the network exactly as the browser it models would: the
OPTIONS preflight when one is needed, then the request, and decides on the real answers. The command line's
``cors-lab doctor`` (`cors_lab.cli`) prints this report.

**Safe by default.** A probe sends the preflight and GET/HEAD/OPTIONS requests only. Another method (POST, PUT,
DELETE, ...) goes out only with ``send=True`` (``--send``): without it, the probe stops before that request, so
your API's data is never changed by asking. The preflight alone answers most questions (is the method allowed, are
the headers, are credentials); the report says what it did not send and what the browser would still check on the
answer (Access-Control-Allow-Origin and, with credentials, Access-Control-Allow-Credentials). A POST that needs no
preflight (only safelisted headers) has nothing to check without sending it: the verdict is then ``not checked``.

``real=True`` (``--real``) sends the same request from real headless Chromium (or Firefox with
``browser="firefox"``) and says whether it agrees with the engine; where they disagree the real browser's verdict
is the report's. A method other than GET/HEAD/OPTIONS needs ``send=True`` for it, because a real browser sends the
request right after its preflight.

Exit codes (`Probe.exit_code`, the command's status): 0 the browser would allow it (for a request not sent: its
preflight allows it), 1 it would block it, 2 nothing could be decided: bad input, an unreachable server, no answer
in time, or a simple request not sent.
"""
from __future__ import annotations

import json
import shlex
from dataclasses import dataclass, field
from html import escape
from urllib.parse import urlsplit

from cors_lab.browser.failures import FAILURES, server_of
from cors_lab.browser.fetch import Browser, _Fetch
from cors_lab.browser.network import open_response
from cors_lab.browser.origin import parse_origin
from cors_lab.browser.result import FetchResult, StepKind, compare
from cors_lab.browser.safelist import is_valid_method, unsafe_request_header_names
from cors_lab.browser.xhr import XhrCall
from cors_lab.errors import CorsLabError, InputError

#: what a probe sends without ``send=True``: methods that change nothing on a well-behaved server (and the
#: preflight, which is an OPTIONS)
SENT_BY_DEFAULT = ("GET", "HEAD", "OPTIONS")
#: the failures after which nothing could be decided about CORS: nothing (complete) answered
UNREACHABLE = ("network_error", "timed_out")
VERDICTS = {
    "allowed": "ALLOWED: the browser lets the page's script read the answer.",
    "preflight-allowed": "PREFLIGHT ALLOWS IT: the preflight answer allows this request; the request itself was not "
                         "sent.",
    "blocked": "BLOCKED: the browser would refuse this request.",
    "not-checked": "NOT CHECKED: this request needs no preflight, so there was nothing to check without sending it.",
    "unreachable": "NO ANSWER: no CORS check ran.",
}
EXIT_CODES = {"allowed": 0, "preflight-allowed": 0, "blocked": 1, "not-checked": 2, "unreachable": 2}
BROWSERS = ("chromium", "firefox")
APIS = ("fetch", "xhr")


def _withheld(method: str) -> RuntimeError:
    """What the probe's transport raises instead of sending a request that might change data (``send=False``): a
    stdlib error with a mark, as `cors_lab.browser.http1.network_error` is (the engine catches only ConnectionError,
    so it leaves the fetch; every class cors_lab defines belongs to errors.py's tree)."""
    error = RuntimeError(f"{method} not sent (safe by default)")
    error.withheld = True
    return error


def parse_header(line: str) -> tuple[str, str]:
    """``"Name: value"`` -> ``("Name", "value")``; one sentence (`InputError`) for anything else.

        >>> parse_header("Content-Type: application/json")
        ('Content-Type', 'application/json')
    """
    name, colon, value = str(line).partition(":")
    name = name.strip()
    if not colon or not name:
        raise InputError(f"{line!r} is not a header: write it as 'Name: value', e.g. 'Content-Type: application/json'.")
    if not is_valid_method(name):  # a header name is an HTTP token, the same grammar as a method
        raise InputError(f"{name!r} is not a valid header name: use letters, digits and - only, e.g. 'X-Api-Key'.")
    return name, value.strip()


def check_url(url: str) -> str:
    """The API's URL, checked: absolute http(s) with a host. One sentence (`InputError`) otherwise.

        >>> check_url("localhost:3000/api")
        Traceback (most recent call last):
        ...
        cors_lab.errors.InputError: 'localhost:3000/api' has no scheme: write the full URL, e.g. \
http://localhost:3000/api.
    """
    text = str(url).strip()
    if "://" not in text:
        raise InputError(f"{url!r} has no scheme: write the full URL, e.g. http://{text.lstrip('/')}.")
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https"):
        raise InputError(f"{url!r} is a {parts.scheme}: URL: CORS applies to http and https URLs only.")
    try:
        parts.port  # noqa: B018 - urlsplit checks the port only when asked
    except ValueError:
        raise InputError(f"{url!r} has an invalid port.") from None
    if not parts.hostname:
        raise InputError(f"{url!r} has no host: write it as http://host:port/path.")
    return text


def check_origin(origin: str) -> str:
    """The page's origin, checked (scheme://host[:port], or "null"); one sentence otherwise, with what to write."""
    text = str(origin).strip()
    if text == "null":
        return text
    if "://" not in text:
        raise InputError(f"--origin {origin!r} has no scheme: write the page's origin, e.g. http://{text}.")
    parts = urlsplit(text)
    if parts.path not in ("", "/") or parts.query:
        bare = f"{parts.scheme}://{parts.netloc}"
        raise InputError(f"--origin {origin!r} is a URL, not an origin: write {bare} (an origin has no path).")
    parse_origin(text)  # raises InputError with what to write
    return text.rstrip("/")


@dataclass
class Probe:
    """What probing one request found. ``print(report)`` is the doctor's text; ``report.as_json()`` its JSON.

    - ``verdict``: "allowed", "preflight-allowed" (the request itself was not sent), "blocked", "not-checked" (a
      simple request not sent) or "unreachable"; ``exit_code`` 0, 0, 1, 2, 2.
    - ``result``: the engine's `FetchResult` (None when the request was not sent); ``steps`` and ``exchanges``: the
      trace and what really went on the wire (the preflight alone when the request was not sent).
    - ``console``: the console sentence the browser writes (None when it writes none); ``failed_step``: the
      engine's failed `Step`; ``fix``: the smallest fix (the failures table's row); ``not_sent``: what was not
      sent, and why.
    - ``real``: the real browser's `FetchResult` (``real=True``); ``agreement``: `compare(engine, real)`.
    """

    url: str
    origin: str
    method: str
    headers: list[tuple[str, str]]
    credentials: bool
    browser: str
    api: str
    verdict: str
    result: FetchResult | None
    steps: list = field(default_factory=list)
    exchanges: list = field(default_factory=list)
    not_sent: str | None = None
    body: str | None = None
    real: FetchResult | None = None
    agreement: object = None
    real_note: str | None = None
    behind: str | None = None  # a refused preflight's status hides another failure: its fix (`_behind_the_status`)

    # ---- what it found ----------------------------------------------------------------------------------------
    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.verdict]

    @property
    def allowed(self) -> bool:
        return self.exit_code == 0

    @property
    def failed_step(self):
        return next((step for step in self.steps if step.passed is False), None)

    @property
    def failure(self):
        """The failures-table row of why it was blocked (None when it was not)."""
        step = self.failed_step
        return FAILURES[step.failure] if step is not None and step.failure else None

    @property
    def console(self) -> str | None:
        chosen = self.real if self.real is not None and not self.agrees else self.result
        return chosen.error if chosen is not None else None

    @property
    def exception(self) -> str | None:
        return self.result.exception if self.result is not None else None

    @property
    def fix(self) -> str | None:
        step = self.failed_step
        return step.fix if step is not None else None

    @property
    def agrees(self) -> bool:
        return self.agreement is None or bool(self.agreement)

    @property
    def unsafe_headers(self) -> list[str]:
        """The request's headers that are not CORS-safelisted (they need the preflight's Allow-Headers), lowercase."""
        return unsafe_request_header_names({name.lower(): value for name, value in self.headers})

    # ---- the fix in a framework -------------------------------------------------------------------------------
    def policy_that_allows(self):
        """The smallest `CorsPolicy` that allows exactly this request from this origin."""
        from cors_lab.policy import CorsPolicy

        methods = list(dict.fromkeys(["GET", "HEAD", "POST", self.method]))
        return CorsPolicy(allow_origins=[self.origin], allow_methods=methods,
                          allow_headers=[_spelled(name, self.headers) for name in self.unsafe_headers],
                          allow_credentials=self.credentials)

    def fix_in(self, framework: str) -> str:
        """The configuration of ``framework`` ("express", "fastapi", "django", "flask", "nginx", ...) that allows
        exactly this request (`cors_lab.frameworks.framework_config` of `policy_that_allows`)."""
        from cors_lab.frameworks import framework_config

        return framework_config(self.policy_that_allows(), framework)

    # ---- curl ---------------------------------------------------------------------------------------------------
    @property
    def curl(self) -> list[str]:
        """curl commands that replay, by hand, the preflight (when one is needed) and the request, with the headers
        the browser sends; their answers' Access-Control-* headers are what the browser reads."""
        commands = []
        if self.needs_preflight:
            line = ["curl", "-i", "-X", "OPTIONS", self.url, "-H", f"Origin: {self.origin}",
                    "-H", f"Access-Control-Request-Method: {self.method}"]
            if self.unsafe_headers:
                line += ["-H", f"Access-Control-Request-Headers: {','.join(sorted(self.unsafe_headers))}"]
            commands.append(_shell(line))
        line = ["curl", "-i"] + (["-X", self.method] if self.method != "GET" else []) + [self.url]
        line += ["-H", f"Origin: {self.origin}"]
        for name, value in self.headers:
            line += ["-H", f"{name}: {value}"]
        if self.body is not None:
            line += ["--data-raw", self.body]
        command = _shell(line)
        if self.credentials:
            command += " -b 'name=value'  # your cookies: the browser sends them with credentials"
        commands.append(command)
        return commands

    @property
    def needs_preflight(self) -> bool:
        """Does the browser need a preflight for this request (sent, or answered from its cache)?"""
        return any(step.kind == StepKind.PREFLIGHT_NEEDED for step in self.steps)

    # ---- presentation -------------------------------------------------------------------------------------------
    def title(self) -> str:
        what = f"{self.api}() {self.method}" if self.api == "fetch" else f"XMLHttpRequest {self.method}"
        extras = [self.browser.capitalize() + " rules"] + (["credentials"] if self.credentials else [])
        return f"{what} {self.url} from a page at {self.origin} ({', '.join(extras)})"

    def sent_lines(self) -> list[str]:
        lines = []
        for exchange in self.exchanges:
            status = exchange.status or "no answer"
            acao = [f"{name}: {value}" for name, value in exchange.response_headers.items()
                    if name.lower().startswith("access-control-")]
            lines.append(f"{exchange.method} {exchange.url} -> {status}")
            lines += [f"    {line}" for line in acao] or (["    (no Access-Control-* headers)"] if exchange.status
                                                          else [])
        return lines

    def __str__(self) -> str:
        return self.text()

    def text(self, framework: str | None = None) -> str:
        """What ``cors-lab doctor`` prints (``framework``: also that framework's configuration, when blocked)."""
        out = [self.title(), "", VERDICTS[self.verdict]]
        if self.console:
            out += ["", "Console:  " + self.console]
        if self.exception and self.verdict in ("blocked", "unreachable"):
            out.append("Script:   " + self.exception)
        step = self.failed_step
        if step is not None:
            out += ["", f"Failed step: {step.rule}", f"    {step.detail}"]
        if self.verdict == "unreachable":
            out += ["", f"Is your server running at {server_of(self.url)}, and is the port right? (curl -i "
                    f"{shlex.quote(self.url)} says what answers there.)"]
        elif self.fix:
            out += ["", "Fix:      " + self.fix]
        if self.behind:
            out += ["", "Also:     " + self.behind]
        if self.not_sent:
            out += ["", "Not sent: " + self.not_sent]
        if self.real is not None or self.real_note:
            out += ["", self.real_line()]
        if framework and self.verdict == "blocked" and self.failure is not None and self.failure.section == "cors":
            try:
                config = self.fix_in(framework)
            except CorsLabError as exc:
                out += ["", f"In {framework}: {exc}"]
            else:
                out += ["", f"In {framework}, a configuration that allows exactly this request:", "",
                        *("    " + line for line in str(config).splitlines())]
                out += [f"    ({note})" for note in getattr(config, "notes", ()) if note not in str(config)]
        if self.exchanges:
            out += ["", "What the probe sent:", *("    " + line for line in self.sent_lines())]
        out += ["", "Replay it by hand:", *("    " + command for command in self.curl)]
        return "\n".join(out)

    def real_line(self) -> str:
        if self.real is None:
            return self.real_note or ""
        name = f"Real {self.browser.capitalize()}"
        twice = (f" (the {self.method} was sent twice: by the engine, then by real {self.browser.capitalize()})"
                 if self.method not in SENT_BY_DEFAULT else "")
        if self.agrees:
            return f"{name} agrees: {self.real.summary()}" + (", with the same console sentence" if self.real.error
                                                             else "") + twice + "."
        return f"{name} DISAGREES with the engine ({self.agreement.sentence('the engine', name)}): the report " \
               "follows the real browser."

    def _repr_html_(self) -> str:
        return f"<pre class='cors-lab-probe'>{escape(self.text())}</pre>"

    def as_dict(self) -> dict:
        """Everything the report says, as plain data (``as_json`` writes it)."""
        step = self.failed_step
        return {
            "url": self.url, "origin": self.origin, "method": self.method, "headers": dict(self.headers),
            "credentials": self.credentials, "browser": self.browser, "api": self.api,
            "verdict": self.verdict, "allowed": self.allowed, "exit_code": self.exit_code,
            "console": self.console, "exception": self.exception,
            "failed_step": None if step is None else {"kind": str(step.kind), "failure": step.failure,
                                                      "rule": step.rule, "detail": step.detail},
            "fix": self.fix, "behind_the_status": self.behind, "preflight": self.needs_preflight,
            "not_sent": self.not_sent,
            "sent": [{"kind": e.kind, "method": e.method, "url": e.url, "status": e.status,
                      "request_headers": dict(e.request_headers.items()),
                      "response_headers": dict(e.response_headers.items())} for e in self.exchanges],
            "curl": self.curl,
            "real": None if self.real is None else {"agrees": self.agrees, **self.real.comparable()},
            "real_note": self.real_note,
        }

    def as_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2, sort_keys=False)


def _spelled(lower: str, headers: list[tuple[str, str]]) -> str:
    return next((name for name, _ in headers if name.lower() == lower), lower)


def _shell(words: list[str]) -> str:
    return " ".join(shlex.quote(word) for word in words)


def _headers(headers) -> list[tuple[str, str]]:
    if headers is None:
        return []
    if isinstance(headers, dict):
        return [(str(k), str(v)) for k, v in headers.items()]
    pairs = []
    for item in headers:
        pairs.append(parse_header(item) if isinstance(item, str) else (str(item[0]), str(item[1])))
    return pairs


def probe(url: str, origin: str, method: str = "GET", headers=None, credentials: bool = False,
          browser: str = "chromium", api: str = "fetch", body: str | None = None, send: bool = False,
          real: bool = False, timeout: float = 10.0) -> Probe:
    """Probe ``url`` as a script on a page at ``origin`` calling it would; see the module's docstring.

        >>> report = probe("http://localhost:5000/api/public", origin=FRONTEND)                  # doctest: +SKIP
        >>> report.verdict, report.console                                                       # doctest: +SKIP
        ('blocked', "Access to fetch at 'http://localhost:5000/api/public' from origin ... has been blocked ...")

    - ``headers``: a dict, ``(name, value)`` pairs or ``"Name: value"`` strings: the headers the script sets.
    - ``credentials``: the script sends cookies (fetch's ``credentials: "include"``, XHR's ``withCredentials``).
    - ``browser``: whose rules and sentences ("chromium" or "firefox"); ``api``: "fetch" or "xhr" (axios).
    - ``send``: also send a request whose method is not GET/HEAD/OPTIONS (it may change data on your server).
    - ``real``: confirm in the real browser (headless), see the module's docstring.

    Bad input raises `cors_lab.InputError` with one sentence; a server that does not answer is a report
    (``verdict == "unreachable"``), never a hang: the whole probe takes at most ``timeout`` seconds per browser.
    """
    url, origin = check_url(url), check_origin(origin)
    method = str(method).strip()
    if not is_valid_method(method):
        raise InputError(f"{method!r} is not an HTTP method: write one such as GET, POST, PUT or DELETE.")
    if method.upper() in ("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"):
        method = method.upper()  # what a browser sends for these (PATCH too: the course's users expect it)
    if browser not in BROWSERS:
        raise InputError(f"browser must be one of {', '.join(BROWSERS)}, not {browser!r}.")
    if api not in APIS:
        raise InputError(f"api must be 'fetch' or 'xhr' (XMLHttpRequest, as axios sends), not {api!r}.")
    pairs = _headers(headers)
    if body is not None and method in ("GET", "HEAD"):
        raise InputError(f"A {method} request cannot have a body (fetch() refuses it): leave --data out.")
    withhold = not send and method not in SENT_BY_DEFAULT
    tab = Browser(origin=origin, browser=browser, timeout=timeout)

    def transport(method_sent, url_sent, headers_sent, body_sent, deadline, model=None, pool=None):
        if withhold and method_sent not in SENT_BY_DEFAULT:
            raise _withheld(method_sent)
        return open_response(method_sent, url_sent, headers_sent, body_sent, deadline, model, pool)

    tab.open_response = transport
    if api == "xhr":
        call = XhrCall(tab, url, method, pairs, body, credentials, False, tab.timeout)
    else:
        call = _Fetch(tab, url, method, pairs, body, "include" if credentials else "same-origin", "cors", "follow",
                      tab.timeout)
    report = Probe(url=url, origin=origin, method=method, headers=pairs, credentials=credentials, browser=browser,
                   api=api, verdict="allowed", result=None, body=body)
    try:
        result = call.run()
    except RuntimeError as error:
        if not getattr(error, "withheld", False):
            raise
        report.steps, report.exchanges = call.steps, [e for e in call.exchanges if e.status]
        report.verdict = "preflight-allowed" if call.preflighted else "not-checked"
        report.not_sent = _not_sent_sentence(report, call.preflighted)
    else:
        report.result, report.steps, report.exchanges = result, result.steps, result.exchanges
        report.verdict = _verdict(result)
        report.behind = _behind_the_status(report, call)
    if real:
        _confirm_in_real_browser(report, withhold, timeout)
    return report


def _verdict(result: FetchResult) -> str:
    if not result.blocked:
        return "allowed"
    step = result.failed_step
    if step is not None and step.failure in UNREACHABLE:
        return "unreachable"
    return "blocked"


def _behind_the_status(report: Probe, call: _Fetch) -> str | None:
    """A preflight refused with an error status by a framework (Starlette answers 400 "Disallowed CORS method"):
    the browser stops at the status, but the answer's Access-Control-Allow-* headers would refuse the request as
    well. The fix for that second failure, as the engine's own preflight check finds it on the same headers."""
    from cors_lab.browser.preflight import check_preflight

    step = report.failed_step
    preflights = [exchange for exchange in report.exchanges if exchange.kind == "preflight" and exchange.status]
    if step is None or step.failure != "preflight_status" or not preflights:
        return None
    answer = preflights[-1]
    headers = {name.lower(): value for name, value in answer.response_headers.items()}
    problem, _ = check_preflight(204, headers, report.origin, report.credentials, report.method,
                                 report.unsafe_headers, call.model)
    if problem is None:
        return None
    kind, hint = problem
    fix = FAILURES[kind].fix_for(url=report.url, origin=report.origin, hint=hint, preflight=True,
                                 method=report.method)
    return (f"the {answer.status} is not the only problem: with a 2xx status the browser would still refuse it "
            f"({FAILURES[kind].short}). {fix}")


def _not_sent_sentence(report: Probe, preflighted: bool) -> str:
    must = "Access-Control-Allow-Origin: " + report.origin + (
        " and Access-Control-Allow-Credentials: true" if report.credentials else "")
    if preflighted:
        return (f"the {report.method} itself (it may change data on your server; add --send to send it). After "
                f"this preflight the browser sends it and still checks its answer: it must carry {must}, errors "
                "included.")
    return (f"the {report.method} (it may change data; add --send). It needs no preflight: the browser sends it "
            f"straight away and then checks its answer, which must carry {must}.")


def _confirm_in_real_browser(report: Probe, withheld: bool, timeout: float) -> None:
    name = report.browser.capitalize()
    if withheld:
        report.real_note = (f"Real {name}: not asked, because it would send the {report.method} right after its "
                            "preflight; add --send to let it.")
        return
    if report.browser == "firefox":
        from cors_lab.real.firefox import FirefoxBrowser as Real
        from cors_lab.real.firefox import unavailable_reason
    else:
        from cors_lab.real.chromium import ChromiumBrowser as Real
        from cors_lab.real.chromium import unavailable_reason
    reason = unavailable_reason()
    if reason:
        report.real_note = f"Real {name}: not available here: {reason}"
        return
    with Real(origin=report.origin, timeout=timeout) as tab:
        if report.api == "xhr":
            real = tab.xhr(report.url, report.method, report.headers, report.body, report.credentials)
        else:
            real = tab.fetch(report.url, report.method, report.headers, report.body,
                             "include" if report.credentials else "same-origin")
    report.real, report.agreement = real, compare(report.result, real)
    if not report.agreement:
        report.verdict = _verdict(real)
