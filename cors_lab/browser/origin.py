"""Origins, URLs, same-origin and same-site (Fetch Standard §3.1 / HTML 'origin'; RFC 6265bis 'same-site')."""
from __future__ import annotations

import functools
import ipaddress
import re
import uuid
from typing import NamedTuple
from urllib.parse import quote, urljoin, urlsplit

from cors_lab.errors import InputError

DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}
_HOST_BAD = re.compile(r"[\x00-\x1f\x7f<>^|\\\[\]]")  # forbidden host code points left once urlsplit has split the URL
# TLDs the Public Suffix List does not know: their hosts have no registrable domain, the host itself is the site
NON_PSL_TLDS = {"localhost", "test", "example", "invalid", "local", "internal"}

class Origin(NamedTuple):
    """A tuple origin: scheme, host, port (port None when it is the scheme's default)."""

    scheme: str
    host: str
    port: int | None

    def serialize(self) -> str:
        return f"{self.scheme}://{self.host}" + (f":{self.port}" if self.port is not None else "")

    def __str__(self) -> str:
        return self.serialize()

    opaque = False  # a tuple origin (OpaqueOrigin says True)

    @property
    def precursor(self) -> "Origin":
        """The tuple origin of the URL the document was loaded from: for a tuple origin, itself."""
        return self


#: where a sandboxed frame (origin "null") is loaded from when no page_url is given: the course's page server (the
#: engine's `Browser("null")` and the bridges' ``origin="null"`` alike)
SANDBOXED_PAGE_URL = "http://localhost:8001/"


class OpaqueOrigin:
    """An opaque origin (HTML 'opaque origin'): what a document in ``<iframe sandbox="allow-scripts">`` (without
    allow-same-origin) has, whatever URL it was loaded from. It serializes to ``"null"`` (the Origin header and
    the console say ``null``) and is equal to no other origin, not even another opaque one: only to itself.

        >>> frame = OpaqueOrigin(origin_of("http://localhost:8001/page"))
        >>> frame.serialize(), frame == frame, frame == OpaqueOrigin(frame.precursor)
        ('null', True, False)
        >>> same_origin(frame, origin_of("http://localhost:8001/page"))     # not even the URL it came from
        False

    ``precursor``: the tuple origin of the URL the document was loaded from. No origin rule reads it; it says
    where the document's bytes came from (its address space for Local Network Access, whether it is a secure
    context) and is what Firefox names in its sentences (`firefox_principal`). ``uuid``: a fresh one per opaque
    origin, as Firefox makes one per sandboxed document (``moz-nullprincipal:{...}``)."""

    opaque = True
    __slots__ = ("precursor", "uuid")

    def __init__(self, precursor: Origin | None = None):
        self.precursor = precursor
        self.uuid = str(uuid.uuid4())

    def serialize(self) -> str:
        return "null"

    def __str__(self) -> str:
        return "null"

    def __repr__(self) -> str:
        loaded = f" loaded from {self.precursor.serialize()}" if self.precursor is not None else ""
        return f"<OpaqueOrigin null{loaded}>"

    def __eq__(self, other: object) -> bool:
        return self is other

    def __ne__(self, other: object) -> bool:
        return self is not other

    def __hash__(self) -> int:
        return id(self)

    def firefox_principal(self) -> str:
        """How Firefox names this document in its sentences ("Content at ... may not load data from ..."): its
        null principal, a fresh UUID and the URL's origin it was loaded from (recorded from Firefox 153)."""
        return f"moz-nullprincipal:{{{self.uuid}}}" + (f"?{self.precursor.serialize()}" if self.precursor else "")


_PATH_SAFE = "/%:@!$&'()*+,;=-._~[]|"


class URLError(InputError):
    """A URL the URL parser rejects (fetch() fails with 'Failed to parse URL from ...'). An InputError, so a bad URL
    typed into a widget or a call is one sentence, caught by ``except cors_lab.InputError`` (or ValueError)."""

    def __init__(self, url):
        self.url = url  # what was given, as given
        super().__init__(f"{url!r} is not a URL the browser can parse")


def parse_url(url: str, base: str | None = None, refused: str = "") -> str:
    """Parse and serialize a URL as the URL Standard does for the cases the lab meets (lowercase host,
    default port dropped, empty path becomes '/'). Raises URLError for what Chromium cannot parse.
    ``refused``: characters a browser's parser refuses in a host where Chromium escapes them (Firefox: space, *)."""
    if not isinstance(url, str):
        raise URLError(url)
    raw = _resolve(url.strip(" \t\n\r\f"), base)
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError as exc:
        raise URLError(url) from exc
    scheme = parts.scheme.lower()
    if not scheme:
        raise URLError(url)
    if scheme == "file":  # special, host optional (Chromium keeps 'localhost'), path percent-encoded like http's
        frag = f"#{parts.fragment}" if "#" in raw else ""
        query = f"?{parts.query}" if parts.query else ""
        return f"file://{parts.netloc.lower()}{quote(parts.path or '/', safe=_PATH_SAFE)}{query}{frag}"
    if scheme not in DEFAULT_PORTS:  # non-special schemes (data:, javascript:, ...): only the scheme is lowercased
        return scheme + raw[len(scheme):]
    if refused and any(char in refused for char in parts.hostname or ""):
        raise URLError(url)
    host = _serialize_host(parts.hostname or "", url)
    userinfo = ""
    if parts.username is not None or parts.password is not None:
        userinfo = (parts.username or "") + (f":{parts.password}" if parts.password else "") + "@"
    port_s = f":{port}" if port is not None and port != DEFAULT_PORTS[scheme] else ""
    path = quote(parts.path or "/", safe=_PATH_SAFE)  # the URL parser percent-encodes spaces etc.
    encoded_query = quote(parts.query, safe="/%:@!$&'()*+,;=-._~?[]|`{}^\\")
    query = f"?{encoded_query}" if parts.query or raw.split("#")[0].endswith("?") else ""
    frag = f"#{parts.fragment}" if "#" in raw else ""  # kept in the URL (and in console sentences), never sent
    return f"{scheme}://{userinfo}{host}{port_s}{path}{query}{frag}"


def _resolve(raw: str, base: str | None) -> str:
    """The input made absolute against ``base``, as the URL Standard's state machine would start it."""
    if base is not None and not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", raw):
        raw = urljoin(base, raw)
    elif base is not None and _same_special_scheme(raw, base):
        # "http:x", "http:/x", even "http:" against an http base are relative (URL Standard, special relative or
        # authority state): a Location "http:" is the current URL again (recorded: a redirect loop in Chromium)
        raw = urljoin(base, raw.split(":", 1)[1].replace("\\", "/"))
    # a special scheme ignores extra slashes before the host: http:///x is http://x/ (as Chromium parses a Location)
    slashes = re.match(r"^(https?|wss?|ftp):[/\\]{2,}", raw, re.IGNORECASE)
    return f"{slashes.group(1)}://{raw[slashes.end():]}" if slashes else raw


def _same_special_scheme(raw: str, base: str) -> bool:
    """``raw`` names the base's scheme, a special one, without the two slashes of an authority."""
    scheme, _, rest = raw.partition(":")
    return (scheme.lower() in DEFAULT_PORTS and scheme.lower() == base.split(":", 1)[0].lower()
            and not re.match(r"^[/\\]{2}", rest))


def _serialize_host(hostname: str, url: str) -> str:
    """The host parser, as Chromium runs it: lowercase, IDNA to ASCII, IPv6 in brackets."""
    host = hostname.lower()
    if not host.isascii():  # IDNA (Punycode), as the host parser's domain-to-ASCII
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise URLError(url) from None
    if not host or (":" not in host and _HOST_BAD.search(host)):
        raise URLError(url)
    if ":" not in host and (address := ipv4_host(host, url)) is not None:
        return address
    # Chromium's GURL percent-escapes space, '*', '"', '{', ... in hosts where WHATWG fails (crbug.com/1416013)
    return f"[{host}]" if ":" in host else quote(host, safe="-._~!$&'()+,;=%")


def ipv4_host(host: str, url: str = "") -> str | None:
    """The host parser's IPv4 step, as Chromium runs it (url_canon_ip.cc): a host whose last label is a number is an
    IPv4 address written in parts (127.1), in hex (0x7f.0.0.1) or octal (0177.0.0.1), or as one number
    (2130706433); it is serialized dotted (127.0.0.1). None: a domain name. URLError: numbers that make no
    address (256.0.0.1, 1.2.3.4.5, 09.0.0.1), which fetch() refuses as an invalid URL."""
    labels = (host[:-1] if host.endswith(".") else host).split(".")  # one terminal dot is ignored
    values = []
    for index, label in enumerate(reversed(labels)):
        value = _ipv4_number(label)
        if value is None and index == 0:
            return None  # the last label is no number: a domain name
        if value is None or value < 0 or index >= 4:
            raise URLError(url or host)
        values.append(value)
    *leading, last = reversed(values)
    if any(value > 255 for value in leading) or last >= 256 ** (5 - len(values)):
        raise URLError(url or host)
    number = sum(value << (8 * (3 - position)) for position, value in enumerate(leading)) + last
    return ".".join(str((number >> shift) & 255) for shift in (24, 16, 8, 0))


def _ipv4_number(label: str) -> int | None:
    """One label as a number: decimal, 0x hex or 0 octal. None: not numeric; -1: numeric but broken (overflow, or a
    leading 0 before 8 or 9)."""
    if not label or not label.isascii():
        return None
    base, prefix = 10, 0
    if label[0] == "0" and len(label) > 1:
        base, prefix = (16, 2) if label[1] in "xX" else (8, 1)
    digits = label[prefix:].lstrip("0")
    allowed = {16: "0123456789abcdefABCDEF", 10: "0123456789", 8: "01234567"}[base]
    if any(char not in allowed and char not in "0123456789" for char in digits):
        return None
    if any(char not in allowed for char in digits) or len(digits) > 16:
        return -1
    value = int(digits or "0", base)
    return value if value <= 0xFFFFFFFF else -1


def has_credentials(url: str) -> bool:
    parts = urlsplit(url)
    return parts.username is not None or parts.password is not None


def origin_of(url: str) -> Origin:
    """The origin of an http(s) URL."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    if port == DEFAULT_PORTS.get(scheme):
        port = None
    return Origin(scheme, host, port)


def parse_origin(value: str) -> Origin:
    """Parse a page origin such as 'http://localhost:8001'; ValueError naming the value otherwise."""
    bad = InputError(
        f"{value!r} is not a valid origin: write scheme://host:port, for example 'http://localhost:8001' "
        "(http or https, no path)"
    )
    if not isinstance(value, str):
        raise bad
    try:
        url = parse_url(value)
    except URLError:
        raise bad from None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.path not in ("", "/") or parts.query or parts.username:
        raise bad
    if "#" in value or value.rstrip("/").count("/") > 2:
        raise bad
    return origin_of(url)


def sandboxed_frame(page_url: str | None = None) -> tuple[OpaqueOrigin, str]:
    """(the opaque origin, the URL parsed) of a sandboxed frame's document loaded from ``page_url`` (default
    `SANDBOXED_PAGE_URL`): what ``origin="null"`` means to the engine and to the bridges alike. One sentence
    (`InputError`) for a URL no frame of the lab can be loaded from (not a URL, not http or https).

        >>> frame, url = sandboxed_frame("http://LOCALHOST:8001/lesson")
        >>> frame.serialize(), url, frame.precursor.serialize()
        ('null', 'http://localhost:8001/lesson', 'http://localhost:8001')
    """
    bad = InputError(f"page_url {page_url!r} is not an http(s) URL a sandboxed frame can be loaded from.")
    try:
        url = parse_url(page_url or SANDBOXED_PAGE_URL)
    except URLError:
        raise bad from None
    if url.split(":", 1)[0] not in ("http", "https"):
        raise bad
    return OpaqueOrigin(origin_of(url)), url


def same_origin(first: Origin | OpaqueOrigin, second: Origin | OpaqueOrigin) -> bool:
    """Same scheme, host and port (HTML's 'same origin' for tuple origins); an opaque origin is the same origin only
    as itself."""
    return first == second


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
        return True
    except ValueError:
        return False


def registrable_domain(host: str) -> str:
    """The registrable domain (eTLD+1), '' when there is none: IP addresses, single labels, public suffixes
    themselves, and hosts under a TLD the Public Suffix List does not know (Chromium: GetDomainAndRegistry excludes
    unknown registries), so shop.localhost has none. `site_rule` says which rule decided."""
    return site_rule(host)[0]


PUBLIC_SUFFIX_LIST = "/usr/share/publicsuffix/public_suffix_list.dat"  # Debian's package `publicsuffix`


@functools.lru_cache(maxsize=4)
def public_suffix_rules(path: str = PUBLIC_SUFFIX_LIST) -> tuple[frozenset, frozenset, frozenset] | None:
    """The Public Suffix List at ``path`` as (rules, wildcard rules without '*.', exceptions without '!'), in ASCII
    (IDNA); None when the file is not there. ICANN and private sections alike, as Chromium's sites use both."""
    try:
        with open(path, encoding="utf-8") as handle:
            lines = [line.split()[0] for line in handle if line.strip() and not line.startswith("//")]
    except OSError:
        return None
    rules, wildcards, exceptions = set(), set(), set()
    for line in lines:
        try:
            rule = line.encode("idna").decode("ascii").lower()
        except UnicodeError:
            rule = line.lower()
        if rule.startswith("!"):
            exceptions.add(rule[1:])
        elif rule.startswith("*."):
            wildcards.add(rule[2:])
        else:
            rules.add(rule)
    return frozenset(rules), frozenset(wildcards), frozenset(exceptions)


def _public_suffix(labels: list[str], rules) -> list[str] | None:
    """The public suffix's labels by the list's algorithm (the longest rule wins, an exception beats a wildcard);
    None when no rule matches (Chromium does not apply the list's implicit '*' rule: an unknown registry)."""
    listed, wildcards, exceptions = rules
    for start in range(len(labels)):
        candidate = ".".join(labels[start:])
        if candidate in exceptions:
            return labels[start + 1:]
        if candidate in listed or (start + 1 < len(labels) and ".".join(labels[start + 1:]) in wildcards):
            return labels[start:]
    return None


def site_rule(host: str, path: str = PUBLIC_SUFFIX_LIST) -> tuple[str, str]:
    """(the registrable domain of ``host`` or '' when it has none, the rule that decided, in one sentence).

    With the Public Suffix List (Debian's ``publicsuffix`` package), as Chromium decides; without it, the lab's
    rule, which the sentence names: hosts under localhost, test, example, invalid, local, internal have none, else
    the last two labels (right for example.com, not for example.co.uk).

        >>> site_rule("shop.example.co.uk")[0], site_rule("127.0.0.1")[0], site_rule("shop.localhost")[0]
        ('example.co.uk', '', '')
    """
    bare = host.lower().rstrip(".")
    labels = bare.split(".")
    if _is_ip(bare):
        return "", f"{host} is an IP address: it has no registrable domain, so it is a site by itself."
    rules = public_suffix_rules(path)
    if rules is None:
        if len(labels) < 2 or labels[-1] in NON_PSL_TLDS:
            return "", (f"{labels[-1]!r} is not a suffix of the Public Suffix List, so {host} has no registrable "
                        "domain: it is a site by itself.")
        domain = ".".join(labels[-2:])
        return domain, (f"No Public Suffix List on this machine, so the lab takes the last two labels: {domain} "
                        "(right for example.com, not for example.co.uk).")
    suffix = _public_suffix(labels, rules)
    if suffix is None:
        return "", (f"{labels[-1]!r} is not a suffix of the Public Suffix List, so {host} has no registrable "
                    "domain: it is a site by itself.")
    if len(suffix) == len(labels):
        return "", f"{host} is itself a public suffix: it has no registrable domain, so it is a site by itself."
    domain = ".".join(labels[-len(suffix) - 1:])
    return domain, (f"The public suffix is {'.'.join(suffix)} (Public Suffix List), so the registrable domain is "
                    f"{domain}: the suffix and one label more.")


def site(origin: Origin) -> tuple[str, str]:
    """Schemeful site (Chromium's SchemefulSite): scheme + registrable domain, or the host when it has none.
    Ports never change the site."""
    return (origin.scheme, registrable_domain(origin.host) or origin.host)


def same_site(a: Origin | OpaqueOrigin, b: Origin | OpaqueOrigin) -> bool:
    """Same schemeful site; an opaque origin is same-site with nothing (both browsers send `Sec-Fetch-Site:
    cross-site` from a sandboxed frame to every URL, even its own URL's origin: recorded)."""
    if a.opaque or b.opaque:
        return a is b
    return site(a) == site(b)


def is_loopback(host: str) -> bool:
    """localhost, *.localhost (Chromium resolves them to loopback itself), 127.0.0.0/8 and ::1."""
    bare = host.strip("[]")
    return (bare == "localhost" or bare.endswith(".localhost")
            or (_is_ip(bare) and ipaddress.ip_address(bare).is_loopback))


def is_potentially_trustworthy(origin: Origin) -> bool:
    """https, or loopback hosts (Chromium lets http://localhost and 127.0.0.1 keep Secure cookies)."""
    return origin.scheme == "https" or is_loopback(origin.host)


def address_space(host: str) -> str:
    """Local Network Access address space of a host: 'loopback', 'local' (private IP literals) or 'public'."""
    if is_loopback(host):
        return "loopback"
    bare = host.strip("[]")
    return "local" if _is_ip(bare) and ipaddress.ip_address(bare).is_private else "public"
