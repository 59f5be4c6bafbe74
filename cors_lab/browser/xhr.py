"""XMLHttpRequest, as axios and jQuery send it: the XHR Standard's open() / setRequestHeader() / send() in front of
the same fetch the engine runs for fetch() (https://xhr.spec.whatwg.org/).

    >>> tab = Browser("http://localhost:8001")
    >>> r = tab.xhr("http://localhost:8002/api/public", with_credentials=True)    # doctest: +SKIP
    >>> r.events, r.ready_state, r.status                                         # doctest: +SKIP
    (['loadstart', 'error', 'loadend'], 4, 0)

An XHR is a fetch with mode 'cors', redirect 'follow' and credentials 'include' (``withCredentials``) or
'same-origin'; a listener on ``xhr.upload`` sets the use-CORS-preflight flag. So every CORS rule is fetch()'s
(`cors_lab.browser.fetch`), and what is XHR's own is here: which calls throw (and what), what the script reads
(``status``, ``getAllResponseHeaders()``, ``responseText``), the events that fire, and the console's words
("Access to XMLHttpRequest at ..."). Each of those was recorded from the real browsers (tests/real/).
"""
from __future__ import annotations

import re

from cors_lab.browser.fetch import _Fetch
from cors_lab.browser.origin import URLError, parse_url
from cors_lab.browser.result import FetchResult, StepKind, XhrResult
from cors_lab.browser.safelist import (
    is_forbidden_method,
    is_forbidden_request_header,
    is_valid_header_name,
    is_valid_header_value,
    is_valid_method,
    normalize_header_value,
    normalize_method,
)
from cors_lab.errors import InputError

_LOADED = ("loadstart", "progress", "load", "loadend")  # the events of a request (or an upload) that completed
_FAILED = ("loadstart", "error", "loadend")  # ... of one that failed: a network error, or blocked by CORS
_CHARSET = re.compile(r"(;\s*charset\s*=\s*)(\"[^\"]*\"|[^;]*)", re.I)  # send() rewrites it for a string body


class XhrCall(_Fetch):
    """One XMLHttpRequest, run once: fetch()'s steps, with XHR's own entry (open, setRequestHeader, send) and
    its own view of the result (events, readyState, getAllResponseHeaders)."""

    api = "xhr"

    def __init__(self, browser, url, method, headers, body, with_credentials, upload_listener, seconds):
        if not isinstance(with_credentials, bool):
            raise InputError(f"with_credentials must be True or False (withCredentials), not {with_credentials!r}")
        if not isinstance(upload_listener, bool):
            raise InputError(f"upload_listener must be True or False, not {upload_listener!r}")
        super().__init__(browser, url, method, headers, body, "include" if with_credentials else "same-origin",
                         "cors", "follow", seconds)
        self.options = dict(api="xhr", url=url, method=method, headers=headers, body=body,
                            with_credentials=with_credentials, upload_listener=upload_listener, timeout=seconds)
        self.upload_listener = upload_listener

    def run(self) -> XhrResult:
        return self.as_xhr(super().run())

    # ---- open(), setRequestHeader(), send() (https://xhr.spec.whatwg.org/#the-open()-method) ------------------
    def construct_request(self) -> FetchResult | None:
        """What the script's calls do before anything is sent: open() checks the method and the URL,
        setRequestHeader() each header, send() the body. A call that throws is what the script catches."""
        self.validate_types()
        for step in (self.open, self.set_request_headers, self.send):
            thrown = step()
            if thrown is not None:
                return thrown
        self.first_url = self.url
        return None

    def throw(self, failure: str, where: str, **fields) -> FetchResult:
        """One of the script's calls threw: its exception is what the script catches; nothing is sent."""
        self.thrown_in = where
        return self.fail(failure, StepKind.REQUEST_REJECTED, "request", f"xhr.{where}() throws.", **fields)

    def open(self) -> FetchResult | None:
        method = self.options["method"]
        if not is_valid_method(method):
            return self.throw("xhr_invalid_method", "open", method=method)
        if is_forbidden_method(method):
            return self.throw("xhr_forbidden_method", "open", method=method)
        self.method = normalize_method(method)
        try:
            self.url = parse_url(self.options["url"], base=self.browser.page_url)
        except URLError:
            return self.throw("xhr_invalid_url", "open", url=self.options["url"])
        return None

    def set_request_headers(self) -> FetchResult | None:
        for name, value in self.header_pairs:
            value = normalize_header_value(value)
            if not is_valid_header_name(name):
                return self.throw("xhr_invalid_header_name", "setRequestHeader", name=name)
            if not is_valid_header_value(value):
                return self.throw("xhr_invalid_header_value", "setRequestHeader", name=name, value=value)
            if is_forbidden_request_header(name, value):
                self.note(StepKind.HEADER_DROPPED, f"header {name} dropped", "forbidden",
                          f"{name} is a forbidden request-header: setRequestHeader() ignores it, and says so in the "
                          "console.")
                self.warn("xhr_unsafe_header", name=name)
            else:
                self.add_header(name, value)
        return None

    def send(self) -> FetchResult | None:
        """send(body): GET and HEAD send no body (XHR ignores it, where fetch() throws); a string body is UTF-8
        with ``Content-Type: text/plain;charset=UTF-8`` unless the script set one. A listener on xhr.upload sets
        the use-CORS-preflight flag."""
        body = self.options["body"]
        if self.method in ("GET", "HEAD"):
            body = None
        self.body = body.encode("utf-8") if isinstance(body, str) else (bytes(body) if body is not None else None)
        if isinstance(body, str) and "content-type" not in self.headers:
            self.headers["content-type"] = "text/plain;charset=UTF-8"
            self.header_names["content-type"] = "Content-Type"
        elif isinstance(body, str) and _CHARSET.search(self.headers["content-type"]):
            given = self.headers["content-type"]
            self.headers["content-type"] = _CHARSET.sub(r"\1UTF-8", given)
            if self.headers["content-type"] != given:
                self.note(StepKind.HEADER_DROPPED, "charset rewritten", "request", f"A string body is sent as UTF-8, "
                          f"so send() rewrites Content-Type: {given} to {self.headers['content-type']}.")
        # recorded: Chromium preflights for an upload listener only a request with a body (an empty string is one);
        # Firefox any request
        self.forced_preflight = self.upload_listener and (
            self.body is not None or self.model.upload_listener_preflights_without_body)
        return None

    # ---- the script's view ------------------------------------------------------------------------------------
    def as_xhr(self, result: FetchResult) -> XhrResult:
        """What the XHR's script sees of the fetch's result: status 0 and an ``error`` event when it was blocked,
        else the status, the headers it may read as getAllResponseHeaders() lists them, and the body."""
        fields = {name: getattr(result, name) for name in (
            "blocked", "type", "status", "headers", "text", "exception", "error", "preflight", "exchanges", "steps",
            "request", "source", "timed_out", "browser", "reason_code", "console")}
        thrown_in = getattr(self, "thrown_in", None)
        if thrown_in is not None:  # the script caught an exception: no request, no events
            fields.update(status=0, text="", headers={}, events=[], ready_state=0 if thrown_in == "open" else 1)
        elif result.blocked:
            fields.update(status=0, text="", headers={}, exception=None, events=list(_FAILED), ready_state=4)
        else:  # recorded: Chromium fires 'progress' only when body bytes arrived, Firefox always; for a data: URL
            # Firefox fires it twice
            progress = 1 if result.text or self.model.xhr_progress_without_body else 0
            if self.url.startswith("data:"):
                progress = self.model.data_url_progress_events
            fields.update(events=["loadstart", *["progress"] * progress, "load", "loadend"], ready_state=4)
        if self.upload_listener and self.body is not None and thrown_in is None:
            # the upload finished when the server answered the request itself (a preflight is no upload)
            uploaded = any(exchange.kind != "preflight" and exchange.status for exchange in result.exchanges) and (
                not result.blocked or self.model.completes_upload_before_cors_check)
            fields["upload_events"] = list(_LOADED if uploaded else _FAILED)
        xhr = XhrResult(**fields)
        xhr.all_headers = "".join(f"{name}: {value}\r\n" for name, value in sorted(xhr.headers.lower().items()))
        return xhr
