"""What a server answers about CORS: a policy, pure logic, no Flask and no I/O.

`CorsPolicy` holds the options (each named after the header it produces, as Starlette does) and decides, for one
request, which CORS headers an answer carries; `cors_lab.server.flask_policy` makes a Flask app answer with it.
A server compares the Origin header as the text it is, byte for byte, so nothing here parses origins: the lessons'
wrong values (a trailing slash, two origins in one header) must reach the browser exactly as written.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Callable, Iterable, Mapping, Sequence, Union

from cors_lab.errors import InputError

HeaderList = list[tuple[str, str]]  # header lines in the order they are sent (repeats allowed)
OriginSpec = Union[str, Sequence[str], Callable[[str], bool]]

ACAO = "Access-Control-Allow-Origin"
ACAC = "Access-Control-Allow-Credentials"
ACAM = "Access-Control-Allow-Methods"
ACAH = "Access-Control-Allow-Headers"
ACEH = "Access-Control-Expose-Headers"
ACMA = "Access-Control-Max-Age"


def is_preflight_request(method: str, headers: Mapping[str, str]) -> bool:
    """A CORS-preflight request (Fetch Standard §4.8): OPTIONS carrying Origin and Access-Control-Request-Method.

    ``headers`` must look names up in any case (a `cors_lab.headers.Headers`, werkzeug's request headers).

        >>> is_preflight_request("OPTIONS", Headers({"origin": "http://localhost:8001",
        ...                                          "access-control-request-method": "PUT"}))
        True
    """
    return method == "OPTIONS" and "Origin" in headers and "Access-Control-Request-Method" in headers


def _names(value: str | Iterable[str]) -> list[str]:
    """'a, b' or ['a', 'b'] -> ['a', 'b'] (stripped, empty entries dropped)."""
    items = value.split(",") if isinstance(value, str) else list(value)
    return [item.strip() for item in items if item and item.strip()]


@dataclass
class CorsPolicy:
    """What a lab server says about CORS: which headers it adds to its answers, and how it answers preflights.

        >>> policy = CorsPolicy(allow_origins=["http://localhost:8001"], allow_methods=["GET", "PUT"],
        ...                     allow_headers=["content-type"], allow_credentials=True, max_age=600)
        >>> api = serve(api_app(), name="api", policy=policy)     # a free port (serve_teaching: the lesson's)
        >>> api.policy.allow_origins = "*"        # mutable on purpose: a running server reads it on every request

    Options are named after the header they produce (as Starlette's CORSMiddleware does):

    =====================  =========================================================================
    option                 header it drives
    =====================  =========================================================================
    ``allow_origins``      ``Access-Control-Allow-Origin``: exact origins (a list, or ``"a, b"``),
                           ``"*"``, or a predicate ``lambda origin: ...``; the request's Origin is
                           echoed when it is allowed
    ``allow_origin_regex`` ``Access-Control-Allow-Origin``: a regex, matched like flask-cors
                           (``re.match``: anchored at the start only)
    ``allow_methods``      ``Access-Control-Allow-Methods`` (preflight; ``["*"]`` for any)
    ``allow_headers``      ``Access-Control-Allow-Headers`` (preflight): the requested names that are
                           allowed; ``"*"`` sends a literal ``*``
    ``expose_headers``     ``Access-Control-Expose-Headers``: response headers the page may read
    ``allow_credentials``  ``Access-Control-Allow-Credentials: true``
    ``max_age``            ``Access-Control-Max-Age`` (preflight): seconds a browser may cache it
    ``vary_origin``        ``Vary: Origin`` whenever the answer depends on the Origin
    ``preflight_status``   the status of the answer to a preflight (204)
    ``extra_headers``      extra header lines, verbatim, on every CORS answer
    ``enabled``            False: no CORS header at all (`CorsPolicy.none()`)
    =====================  =========================================================================

    A correct policy names exact origins. The lessons also need *wrong* ones; each is one option away:

    - ``CorsPolicy.none()``: no CORS headers at all.
    - ``always_send_origin="http://localhost:9999"``: Access-Control-Allow-Origin always names that value,
      whoever asks: another origin, a trailing slash (``"http://localhost:8001/"``) or two origins in one
      header (``"http://a, http://b"``).
    - ``allow_origins="*", allow_credentials=True``: the wildcard with credentials (browsers refuse it).
    - ``reflect_origin=True``: echoes any Origin; with ``allow_credentials=True``, an attacker's dream.
    - ``allow_origins=["null"]``: trusts the ``null`` origin (sandboxed iframes, ``file:`` pages, redirects).
    - ``allow_origin_regex=r"http://localhost:800\\d"``: a regex without an end anchor
      (also matches ``http://localhost:8001.evil.net``).
    - ``preflight_status=401`` or ``404``: a preflight answered like an unauthenticated request.
    - ``allow_headers=[]`` while the page sends ``X-Api-Key``: a missing allowed header.
    - ``vary_origin=False``: no ``Vary: Origin``, so caches may serve one origin's answer to another.
    - ``headers_on_errors=False``: error responses (4xx/5xx) go out without CORS headers, hiding the real status.

    Values no HTTP response can carry (a CR/LF in a header value, a status that is not 100-599) raise
    `cors_lab.InputError`. `flask_cors_options` gives the flask-cors configuration of a correct policy.
    """

    allow_origins: OriginSpec = ()
    allow_origin_regex: str | None = None
    allow_methods: str | Sequence[str] = ("GET", "HEAD", "POST")
    allow_headers: str | Sequence[str] = ()
    expose_headers: str | Sequence[str] = ()
    allow_credentials: bool = False
    max_age: int | str | None = None
    vary_origin: bool = True
    preflight_status: int = 204
    reflect_origin: bool = False
    always_send_origin: str | None = None
    headers_on_errors: bool = True
    enabled: bool = True
    extra_headers: list[tuple[str, str]] = field(default_factory=list)  # sent on every CORS answer, verbatim

    def __post_init__(self) -> None:
        # Deliberately wrong CORS values are allowed (lessons need them); values no HTTP response can carry are not.
        if not isinstance(self.preflight_status, int) or not 100 <= self.preflight_status <= 599:
            raise InputError(
                f"preflight_status must be an HTTP status code such as 204, not {self.preflight_status!r}.")
        texts = [self.always_send_origin or "", str(self.max_age or "")]
        for option in ("allow_origins", "allow_methods", "allow_headers", "expose_headers"):
            value = getattr(self, option)
            texts += [value] if isinstance(value, str) else [] if callable(value) else [str(v) for v in value]
        texts += [f"{name}{value}" for name, value in self.extra_headers]
        if any("\r" in text or "\n" in text for text in texts):
            raise InputError(
                "A CORS option contains a line break (CR/LF): it would split the HTTP response; remove it.")

    # ---- named configurations -------------------------------------------------------------
    @classmethod
    def none(cls) -> "CorsPolicy":
        """A server that knows nothing about CORS: it sends no CORS header at all."""
        return cls(enabled=False)

    @classmethod
    def allow_all(cls) -> "CorsPolicy":
        """``Access-Control-Allow-Origin: *`` for public data that needs no cookies."""
        return cls(allow_origins="*", allow_headers=("content-type",))

    def copy(self, **changes) -> "CorsPolicy":
        """A modified copy: ``policy.copy(allow_credentials=True)``."""
        return replace(self, **changes)

    # ---- decisions ------------------------------------------------------------------------
    def origin_allowed(self, origin: str | None) -> bool:
        """Would this policy name ``origin`` in Access-Control-Allow-Origin (or answer ``*``)?"""
        if origin is None:
            return False
        if self.reflect_origin or self.allow_origins == "*":
            return True
        if callable(self.allow_origins):
            return bool(self.allow_origins(origin))
        if origin in _names(self.allow_origins):
            return True
        return bool(self.allow_origin_regex and re.match(self.allow_origin_regex, origin))

    def allow_origin_value(self, origin: str | None) -> str | None:
        """The Access-Control-Allow-Origin value for a request from ``origin`` (None: send none)."""
        if not self.enabled or origin is None:
            return None
        if self.always_send_origin is not None:
            return self.always_send_origin
        if self.allow_origins == "*" and not self.reflect_origin:
            return "*"
        return origin if self.origin_allowed(origin) else None

    def _origin_headers(self, origin: str | None) -> HeaderList:
        value = self.allow_origin_value(origin)
        headers: HeaderList = []
        if value is not None:
            headers.append((ACAO, value))
            if self.allow_credentials:
                headers.append((ACAC, "true"))
            exposed = _names(self.expose_headers)
            if exposed:
                headers.append((ACEH, ", ".join(exposed)))
            headers.extend(self.extra_headers)
        # The answer depends on the request's Origin unless it is a constant: say so to caches.
        varies = self.enabled and self.always_send_origin is None and value != "*"
        if self.vary_origin and varies and origin is not None:
            headers.append(("Vary", "Origin"))
        return headers

    def actual_headers(self, origin: str | None, status: int = 200) -> HeaderList:
        """CORS headers for an actual (non-preflight) response to a request from ``origin``."""
        if not self.enabled or (status >= 400 and not self.headers_on_errors):
            return []
        return self._origin_headers(origin)

    def preflight_response(
        self, origin: str | None, request_method: str, request_headers: str | Iterable[str] = ()
    ) -> tuple[int, HeaderList]:
        """Status and headers answering a preflight (OPTIONS with Access-Control-Request-Method).

        Like flask-cors, the method/headers/max-age headers are sent only when the requested method is
        allowed, and Access-Control-Allow-Headers lists the requested headers that are allowed (sorted).
        ``allow_headers="*"`` sends a literal ``*``.
        """
        status = self.preflight_status
        if not self.enabled or (status >= 400 and not self.headers_on_errors):
            return status, []
        headers = self._origin_headers(origin)
        if not any(name == ACAO for name, _ in headers):
            return status, headers
        methods = _names(self.allow_methods)
        if request_method.upper() in {m.upper() for m in methods} or methods == ["*"]:
            allowed = self.allowed_request_headers(request_headers)
            if allowed:
                headers.append((ACAH, allowed))
            if self.max_age is not None:
                headers.append((ACMA, str(self.max_age)))
            headers.append((ACAM, ", ".join(sorted(m.upper() if m != "*" else m for m in methods))))
        return status, headers

    def allowed_request_headers(self, requested: str | Iterable[str]) -> str:
        """The Access-Control-Allow-Headers value for the requested header names."""
        if self.allow_headers == "*":
            return "*"
        allowed = {name.lower() for name in _names(self.allow_headers)}
        return ", ".join(sorted(h for h in _names(requested) if h.lower() in allowed))

    # ---- the right way, with flask-cors ---------------------------------------------------
    def flask_cors_options(self) -> dict:
        """The flask-cors options (``CORS(app, **options)``) that send the same CORS headers.

        Only correct policies map: the deliberately wrong options (reflect_origin, always_send_origin,
        ``*`` with credentials, a predicate, headers_on_errors=False, a literal ``*`` in allow_headers) raise
        `cors_lab.InputError` (a ValueError), because flask-cors will not produce them.
        """
        wrong = {
            "reflect_origin": self.reflect_origin,
            "always_send_origin": self.always_send_origin is not None,
            "a predicate in allow_origins": callable(self.allow_origins),
            "allow_origins='*' with allow_credentials": self.allow_origins == "*" and self.allow_credentials,
            "headers_on_errors=False": not self.headers_on_errors,
            "allow_headers='*'": self.allow_headers == "*",
            "enabled=False": not self.enabled,
            "extra_headers": bool(self.extra_headers),
        }
        named = [name for name, present in wrong.items() if present]
        if named:
            raise InputError(f"flask-cors cannot express this policy ({', '.join(named)}).")
        origins: str | list[str] = "*" if self.allow_origins == "*" else _names(self.allow_origins)
        if self.allow_origin_regex:
            # compiled: flask-cors reads a plain string as a regex only when it holds one of *\]?$^[]() (its
            # probably_regex), so r"http://localhost" would be a literal origin, never a pattern
            origins = [*origins, re.compile(self.allow_origin_regex)]
        return {
            "origins": origins,
            "methods": _names(self.allow_methods),
            "allow_headers": _names(self.allow_headers),
            "expose_headers": _names(self.expose_headers) or None,
            "supports_credentials": self.allow_credentials,
            "max_age": self.max_age,
            "send_wildcard": self.allow_origins == "*",
            "vary_header": self.vary_origin,
            "always_send": False,
        }

    def __repr__(self) -> str:
        if not self.enabled:
            return "CorsPolicy.none()"
        defaults = CorsPolicy()
        shown = [
            f"{name}={getattr(self, name)!r}"
            for name in self.__dataclass_fields__
            if getattr(self, name) != getattr(defaults, name)
        ]
        return f"CorsPolicy({', '.join(shown)})"
