"""How Chromium 156 and Firefox 153 ESR read an HTTP/1.x answer: status line, header lines, body length, chunks,
content codings. Chromium's rules first (functions), then Firefox's (the "Firefox 153 ESR" section: FirefoxHeadReader,
FirefoxBody, FirefoxChunkedDecoder); `BrowserModel.http1` says which apply.

Pure functions over bytes; `cors_lab.browser.network` feeds them from the socket. The rules follow Chromium's
net/http (http_stream_parser.cc, http_response_headers.cc, http_util.cc, http_chunked_decoder.cc) and were checked
against real Chromium 156 with the hostile scenarios of tests/support/scenarios.py. What it accepts that a strict
parser would not (recorded):

- up to 4 bytes of junk before "HTTP"; "http/1.1", "HTTP/2", "HTTPS/1.1" all pass; any status digits after the first
  space (no digits, or no space at all: 200; "201OK": 201; 70000: 4464, as JavaScript's 16-bit status reads it);
- bare LF line ends, a lone CR as a line end, folded (obs-fold) lines joined with one space; lines without a colon,
  with an empty name or a name that is not a token are skipped; bytes above 0x7F in values are kept (JavaScript
  reads them as Latin-1);
- a Content-Length that is not plain digits means "read until the connection closes".

What makes the answer a network error: no "HTTP" in the first bytes (HTTP/0.9, refused on a non-default port), a NUL
byte in the headers, headers that do not end within 256 KiB, two different Content-Length (unless chunked), Location
or Content-Disposition values; in the body: fewer bytes than Content-Length, a broken or unfinished chunked body, a
content coding that does not decode.
"""
from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field

MAX_HEADER_BYTES = 256 * 1024  # Chromium's kMaxHeaderBufSize: the headers must end within the first 256 KiB
STATUS_LINE_SLOP = 4  # bytes of junk Chromium skips before "HTTP"
HTTP09_DECISION = 8  # bytes after which, with no "HTTP" found, the answer is taken for HTTP/0.9
MAX_CHUNK_LINE = 16384  # Chromium's kMaxLineBufLen for a chunk-size line
MAX_BODY_BYTES = 64 * 1024 * 1024  # the engine's own cap (a kernel's memory), raw and decoded; Chromium has none
_LWS = " \t"
_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
_NON_COALESCING = {"date", "expires", "last-modified", "location", "retry-after", "set-cookie", "www-authenticate",
                   "proxy-authenticate", "strict-transport-security"}  # values never split at commas
_UNIQUE = ("content-length", "content-disposition", "location")  # two different values: response splitting


def network_error(name: str, detail: str, connected: bool = True, timed_out: bool = False) -> ConnectionError:
    """No usable answer, as the engine passes it on: a ConnectionError naming Chromium's net error (``net_error``,
    net::ERR_...), what went wrong (``detail``), whether the server was reached first (``connected``) and whether the
    deadline passed (``timed_out``). A stdlib class, not one of ours: it never leaves ``Browser.fetch``, which turns
    it into a result, and every class cors_lab defines belongs to errors.py's tree of errors a learner may see."""
    error = ConnectionError(detail)
    error.net_error, error.detail, error.connected, error.timed_out = name, detail, connected, timed_out
    return error


@dataclass
class Head:
    """One parsed status line and header block."""

    status: int  # what JavaScript reads (16 bits)
    version: tuple[int, int]
    pairs: list[tuple[str, str]] = field(default_factory=list)  # (name, value) per line, in order

    def values(self, name: str) -> list[str]:
        """The values of a header as Chromium enumerates them: split at commas unless it never coalesces."""
        found = []
        for key, value in self.pairs:
            if key.lower() == name:
                found += [value] if name in _NON_COALESCING or not value else split_values(value)
        return found

    @property
    def chunked(self) -> bool:
        return self.version >= (1, 1) and any(v.lower() == "chunked" for v in self.values("transfer-encoding"))

    def content_length(self) -> int | None:
        """The first Content-Length, when it is plain digits that fit 64 bits; None: read until the close."""
        values = self.values("content-length")
        if not values or not re.fullmatch(r"[0-9]{1,19}", values[0]) or int(values[0]) >= 2**63:
            return None
        return int(values[0])


def split_values(value: str) -> list[str]:
    """A comma-separated list, commas inside double quotes kept, each item trimmed (empty items too)."""
    items, current, quoted = [], "", False
    for char in value:
        quoted = quoted != (char == '"')
        if char == "," and not quoted:
            items.append(current.strip(_LWS))
            current = ""
        else:
            current += char
    return items + [current.strip(_LWS)]


def locate_status_line(data: bytes) -> int | None:
    """Where "HTTP" (any case) starts within the first bytes, or None."""
    for offset in range(min(len(data) - 4, STATUS_LINE_SLOP) + 1):
        if data[offset:offset + 4].lower() == b"http":
            return offset
    return None


def locate_end_of_headers(data: bytes, start: int) -> int | None:
    """The offset just after the blank line (LF LF, or LF CR LF), or None."""
    was_lf, last = False, 0
    for index in range(start, len(data)):
        byte = data[index]
        if byte == 0x0A:
            if was_lf:
                return index + 1
            was_lf = True
        elif byte != 0x0D or last != 0x0A:
            was_lf = False
        last = byte
    return None


def parse_head(raw: bytes) -> Head:
    """A header block (status line included) as Chromium parses it; a network error for what it refuses."""
    if b"\0" in raw:
        raise network_error("net::ERR_INVALID_HTTP_RESPONSE", "a NUL byte in the response headers")
    text = raw.decode("latin-1")
    text = text[locate_status_line(raw) or 0:]
    status_line, lines = assemble_lines(text)
    head = Head(parse_status(status_line), parse_version(status_line), header_pairs(lines))
    for name in _UNIQUE:
        if name == "content-length" and head.chunked:
            continue
        if len(set(head.values(name))) > 1:
            raise network_error(f"net::ERR_RESPONSE_HEADERS_MULTIPLE_{name.upper().replace('-', '_')}",
                                f"two different {name.title()} values")
    return head


def assemble_lines(text: str) -> tuple[str, list[str]]:
    """The status line, then the header lines: split at any run of CR/LF, folded lines joined with one space."""
    end = min((i for i in (text.find("\r"), text.find("\n")) if i >= 0), default=len(text))
    lines: list[str] = []
    continuable = False
    for line in (part for part in re.split(r"[\r\n]+", text[end:]) if part):
        if continuable and line[0] in _LWS:
            lines[-1] += " " + line.lstrip(_LWS)
            continue
        lines.append(line)
        name = line.split(":", 1)[0] if ":" in line else ""
        continuable = bool(name) and name[0] not in _LWS
    return text[:end], lines


def header_pairs(lines: list[str]) -> list[tuple[str, str]]:
    """(name, value) for each well-formed line: a colon, a token before it (whitespace around trimmed)."""
    pairs = []
    for line in lines:
        name, colon, value = line.partition(":")
        if not colon or not name or name[0] in _LWS or not _TOKEN.match(name.strip(_LWS)):
            continue
        pairs.append((name.strip(_LWS), value.strip(_LWS)))
    return pairs


def parse_status(line: str) -> int:
    """The digits after the first space (200 when there are none), as JavaScript's 16-bit status reads them."""
    _, space, rest = line.partition(" ")
    digits = re.match(r" *(\d*)", rest).group(1) if space else ""
    if not digits:
        return 200
    significant = digits.lstrip("0") or "0"
    code = int(significant) if len(significant) <= 10 else 2**31 - 1  # Chromium's StringToInt saturates
    return min(code, 2**31 - 1) & 0xFFFF


def parse_version(line: str) -> tuple[int, int]:
    """HTTP/<digit>.<digit> clamped as Chromium does: 2.0, 1.1 (for anything above), else 1.0."""
    match = re.match(r"(?i)http/(\d)[^.]*\.(\d)", line)
    version = (int(match.group(1)), int(match.group(2))) if match else (0, 0)
    if version == (2, 0):
        return version
    return (1, 1) if version >= (1, 1) else (1, 0)


def body_length(head: Head, method: str) -> int | str | None:
    """0 (no body), a byte count, "chunked", or None (until the connection closes)."""
    if method == "HEAD" or head.status // 100 == 1 or head.status in (204, 205, 304):
        return 0
    if head.chunked:
        return "chunked"
    return head.content_length()


class ChunkedDecoder:
    """Chromium's HttpChunkedDecoder: hex sizes (trailing spaces allowed, no sign, no 0x), extensions ignored,
    each chunk followed by a line end, trailers skipped."""

    def __init__(self):
        self.remaining = 0  # bytes of the current chunk still to come
        self.terminator = False  # the line end after a chunk's data is due
        self.last_chunk = False
        self.done = False
        self.line = b""

    def feed(self, data: bytes) -> bytes:
        out = bytearray()
        while data and not self.done:
            if self.remaining:
                take = data[:self.remaining]
                out += take
                data, self.remaining = data[len(take):], self.remaining - len(take)
                self.terminator = self.remaining == 0
                continue
            line, found, data = data.partition(b"\n")
            self.line += line
            if not found:
                if len(self.line) > MAX_CHUNK_LINE:
                    raise network_error("net::ERR_INVALID_CHUNKED_ENCODING", "a chunk-size line over 16 KiB")
                break
            self.end_of_line(self.line.removesuffix(b"\r"))
            self.line = b""
        return bytes(out)

    def end_of_line(self, line: bytes) -> None:
        if self.last_chunk:
            self.done = not line  # trailer lines are skipped; an empty line ends the body
        elif self.terminator:
            if line:
                raise network_error("net::ERR_INVALID_CHUNKED_ENCODING", "chunk data not followed by a line end")
            self.terminator = False
        else:
            size = line.split(b";", 1)[0].rstrip(b" ")
            if not re.fullmatch(rb"[0-9a-fA-F]+", size) or int(size, 16) >= 2**63:
                raise network_error("net::ERR_INVALID_CHUNKED_ENCODING", f"chunk size {size[:40]!r} is not hex")
            self.remaining = int(size, 16)
            self.last_chunk = self.remaining == 0


def decode_content(body: bytes, codings: list[str]) -> bytes:
    """Undo Content-Encoding as Chromium does (gzip, x-gzip, deflate, last applied first); a list with a coding it
    does not know passes the body through as sent. br and zstd, which Chromium also decodes, are passed through
    here (no decoder in the standard library)."""
    codings = [coding.lower() for coding in codings if coding]
    if not codings or not all(coding in ("gzip", "x-gzip", "deflate") for coding in codings):
        return body
    for coding in reversed(codings):
        body = _inflate(body, coding)
    return body


def _inflate(data: bytes, coding: str) -> bytes:
    attempts = (31,) if coding != "deflate" else (15, -15)  # deflate: zlib-wrapped, or raw as some servers send
    for wbits in attempts:
        try:
            decoder = zlib.decompressobj(wbits)
            out = decoder.decompress(data, MAX_BODY_BYTES + 1)
        except zlib.error:
            continue
        if len(out) > MAX_BODY_BYTES:
            raise network_error("body too large", "the decoded body is over the engine's 64 MiB")
        return out
    raise network_error("net::ERR_CONTENT_DECODING_FAILED", f"the body does not decode as {coding}")


# ---- Firefox 153 ESR ---------------------------------------------------------------------------------------------
# How Firefox reads the same bytes (netwerk/protocol/http: nsHttpTransaction's ParseHead, HandleContent and Close,
# nsHttpResponseHead, nsHttpHeaderArray, nsHttpChunkedDecoder), checked against real Firefox with the hostile scenarios
# of tests/support/scenarios.py. Where it differs from Chromium (recorded):
#
# - the status line must start within the first 11 bytes of the first read, with "HTTP/1." (any case) whole in them,
#   or be "HTTP/2", "HTTP/3" or "ICY " after nothing but whitespace; otherwise the answer is HTTP/0.9 (status 200, no
#   headers, all of it the body), on any port; so is a status line whose version is not the word "HTTP" in capitals
#   ("http/1.1", "HTTPS/1.1"), and then the body starts after the line that follows it;
# - the status code is at most 3 digits followed by whitespace or the line's end: "abc", "1000", "2x0", "201OK" and a
#   tab instead of the first space make the answer a network error ("The status line of the HTTP response is
#   invalid" in the console);
# - lines end at LF (a CR before it is dropped, a lone CR is data); a folded line is glued to the previous one as it
#   is (its leading whitespace kept); a name that is not a token ("X-Sp ", "X-N\0ul") skips the line; a NUL in a
#   value is a network error; a value with a lone CR is kept by the network layer and dropped by fetch()'s Headers;
# - repeated headers are merged (", "), except the singletons (Content-Type, Content-Length, Location, ...), where
#   the first value wins and a different Content-Length, Location or Content-Disposition is a network error, even
#   with chunked; "Content-Length: 2, 3" is a network error too;
# - 1xx answers are skipped except 101 (a final answer without a body); the headers may take 384 KiB;
# - chunked applies from HTTP/1.0 on; chunk sizes are read by strtoul (a sign, 0x and trailing junk pass);
# - a 2xx HTTP/1.1 body that ends early (before its Content-Length without a Content-Encoding, or before the last
#   chunk) is a partial transfer; other bodies simply end where the connection closed.
FIREFOX_STATUS_WINDOW = 11  # ParseHead looks for the status line in the first 11 bytes of the first read
FIREFOX_MAX_HEADER_BYTES = 393216  # network.http.max_response_header_size
FIREFOX_MAX_JUNK = 128 * 1024  # MAX_INVALID_RESPONSE_BODY_SIZE: junk skipped before the answer after a 1xx
FIREFOX_REQUEST_ATTEMPTS = 10  # network.http.request.max-attempts: an empty answer to a safe method is sent again
FIREFOX_SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")
_FF_SPACE = b" \t\r\n"  # nsCRT::IsAsciiSpace, NS_IsHTTPWhitespace
_FF_SINGLETONS = {"content-type", "content-disposition", "content-length", "user-agent", "referer", "host",
                  "authorization", "proxy-authorization", "if-modified-since", "if-unmodified-since", "from",
                  "location", "max-forwards", "sec-gpc", "strict-transport-security"}  # nsHttpHeaderArray
_FF_SUSPECT = {"content-length", "content-disposition", "location"}  # two different values: corrupted content
_FF_NEWLINE_JOINED = {"set-cookie", "www-authenticate", "proxy-authenticate"}  # merged with "\n", not ", "
_FF_VERSION = re.compile(r"HTTP(?![A-Za-z0-9_])")  # Tokenizer.CheckWord("HTTP"): the whole word, capitals
_STRTOUL_HEX = re.compile(rb"[ \t\n\v\f\r]*([+-]?)(?:0[xX](?=[0-9a-fA-F]))?([0-9a-fA-F]+)")


@dataclass
class FirefoxHead(Head):
    """A status line and header block as Firefox keeps them: ``pairs``, every header line that parsed (its original
    headers: the CORS check counts Access-Control-Allow-Origin lines in them), and ``combined``, one (lowercase name,
    value) per header as Firefox merges them (what the CORS check and the script read)."""

    combined: list[tuple[str, str]] = field(default_factory=list)
    length: int | None = None  # the Content-Length Firefox uses (None: none that parses)

    def get(self, name: str) -> str | None:
        return next((value for key, value in self.combined if key == name), None)

    def values(self, name: str) -> list[str]:
        value = self.get(name)
        return [] if value is None else split_values(value)

    @property
    def chunked(self) -> bool:
        """Transfer-Encoding lists chunked, from HTTP/1.0 on (Chromium: 1.1 only)."""
        return self.version >= (1, 0) and "chunked" in (v.lower() for v in self.values("transfer-encoding"))

    def content_length(self) -> int | None:
        return self.length

    def script_headers(self) -> list[tuple[str, str]]:
        """``combined`` without the values fetch()'s Headers refuses (a CR in them), which the script never sees."""
        return [(name, value) for name, value in self.combined if "\r" not in value and "\n" not in value]

    def add(self, name: str, value: str) -> None:
        """nsHttpHeaderArray::SetHeaderFromNet, then nsHttpResponseHead's Content-Length parsing."""
        lower = name.lower()
        index = next((i for i, (key, _) in enumerate(self.combined) if key == lower), None)
        if index is None:
            self.combined.append((lower, value))
        elif lower not in _FF_SINGLETONS:
            if value or lower == "x-frame-options":  # an empty value adds nothing to a merged header
                old = self.combined[index][1]
                joiner = "\n" if lower in _FF_NEWLINE_JOINED else ", "
                self.combined[index] = (lower, old + joiner + value if old or lower == "x-frame-options" else value)
        elif lower != "strict-transport-security":
            old = self.combined[index][1]
            differ = (_same_values(old) != _same_values(value)) if lower == "content-length" else old != value
            if differ and lower in _FF_SUSPECT:
                raise network_error("NS_ERROR_CORRUPTED_CONTENT", f"two different {name.title()} values")
        self.pairs.append((name, value))
        if lower == "content-length":
            self.length = firefox_content_length(value, self.length)


def _same_values(value: str) -> str:
    """RemoveDuplicateHeaderValues: "2, 2, 2" is "2"; a list of different values stays as it is."""
    items = [item.strip() for item in value.split(",")]
    return items[0] if all(item == items[0] for item in items) else value


def firefox_content_length(value: str, previous: int | None) -> int | None:
    """ParseResponseContentLength: every comma-separated item must be the same (else a network error), then a
    decimal strtoll reads it whole (a + sign passes; negative, junk or overflow: no length, read until the close)."""
    if not value:
        return previous
    items = [item.strip(" \t\n\f\r") for item in value.split(",")]
    if any(item != items[0] for item in items):
        raise network_error("NS_ERROR_ILLEGAL_VALUE", f"Content-Length {value[:40]!r} lists different values")
    match = re.fullmatch(r"[ \t\n\v\f\r]*([+-]?[0-9]+)", items[0])
    if not match or int(match.group(1)) < 0 or int(match.group(1)) >= 2**63:
        return previous
    return int(match.group(1))


def firefox_version(line: str) -> tuple[int, int]:
    """nsHttpResponseHead::ParseVersion: "HTTP" then "/major.minor" (missing parts: 1.0; 2 and 3 are themselves;
    a minor of 1 or more: 1.1); "ICY " is 1.0; anything else is HTTP/0.9."""
    match = _FF_VERSION.match(line)
    if not match:
        return (1, 0) if line[:4].lower() == "icy " else (0, 9)
    rest = line[match.end():]
    if not rest.startswith("/"):
        return (1, 0)
    major = re.match(r"[0-9]+", rest[1:])
    if not major or int(major.group()) >= 2**32:
        return (1, 0)
    if int(major.group()) in (2, 3):
        return (int(major.group()), 0)
    rest = rest[1 + major.end():]
    minor = re.match(r"\.([0-9]+)", rest)
    if int(major.group()) != 1 or not minor or int(minor.group(1)) >= 2**32:
        return (1, 0)
    return (1, 1) if int(minor.group(1)) >= 1 else (1, 0)


def firefox_status_line(line: str) -> tuple[tuple[int, int], int]:
    """nsHttpResponseHead::ParseStatusLine: (version, status). HTTP/0.9 or no space: 200. After the first space and
    any whitespace, 1 to 3 digits followed by whitespace or the end; anything else is a network error."""
    version = firefox_version(line)
    space = line.find(" ")
    if version == (0, 9) or space < 0:
        return version, 200
    match = re.match(r"[ \t\r\n]*([0-9]+)(.?)", line[space + 1:], re.S)
    if not match or len(match.group(1)) > 3 or (match.group(2) and match.group(2) not in " \t\r\n"):
        raise network_error("NS_ERROR_PARSING_HTTP_STATUS_LINE", f"the status line {line[:40]!r} is invalid (The "
                            "status line of the HTTP response is invalid)")
    return version, int(match.group(1))


class FirefoxHeadReader:
    """nsHttpTransaction::ParseHead, fed the bytes of each read in turn: finds the status line, splits lines, skips
    1xx answers (not 101), and says when the header block is complete (``done``; then ``head``)."""

    def __init__(self, method: str, after_no_content: bool = False):
        self.method = method
        self.head = FirefoxHead(200, (1, 1))
        self.matched = False  # mHttpResponseMatched: the status line's start was found
        # the previous answer on this connection (a 1xx, or a 204 before it) had no body: junk before this one is
        # skipped (LastTransactionExpectedNoContent), instead of making it HTTP/0.9
        self.after_no_content = after_no_content
        self.junk = 0  # mInvalidResponseBytesRead
        self.line = b""  # mLineBuf: the line being assembled (ends with LF once complete)
        self.have_status = False
        self.done = False  # mHaveAllHeaders
        self.informational: list[int] = []
        self.header_bytes = 0  # mCurrentHttpResponseHeaderSize

    def feed(self, data: bytes) -> int:
        """ProcessData's header part: parse what belongs to the head(s); returns how many bytes were used (the rest
        is the body, or, for a status line's start cut by the read, bytes to feed again with more)."""
        used = 0
        while not self.done:
            count, interrupted = self.parse(data[used:])
            used += count
            if not interrupted:
                break
        self.header_bytes += used
        if self.header_bytes > FIREFOX_MAX_HEADER_BYTES:
            raise network_error("NS_ERROR_FILE_TOO_BIG", "the headers do not end within 384 KiB")
        return used

    def close(self) -> None:
        """The connection closed before the blank line: nsHttpTransaction::Close finishes the last line(s)."""
        self.parse(b"\n\n" if self.line else b"\n", at_close=True)
        if self.done and self.head.version == (0, 9):  # bug 423506: a 0.9 answer found only at the close
            raise network_error("NS_ERROR_NET_RESET", "a status line that is no HTTP, then the connection closed")

    def parse(self, buf: bytes, at_close: bool = False) -> tuple[int, bool]:
        """One ParseHead call: (bytes used, whether a 1xx ended and the next answer must be looked for)."""
        read = 0
        if not self.matched:
            if not self.after_no_content:
                self.matched = True  # tolerate only minor junk before the status line, in the first read
                start = self.locate(buf[:FIREFOX_STATUS_WINDOW], partial=True)
                if start is None or start < 0:
                    if self.method == "PUT":  # "Treat any 0.9 style response of a put as a failure"
                        raise network_error("NS_ERROR_ABORT", "a PUT was answered without a status line")
                    self.head.version, self.head.status = (0, 9), 200
                    self.have_status = self.done = True
                    return 0, False
            else:
                start = self.locate(buf, partial=False)
                if start is None or start < 0:
                    skipped = len(buf) if start is None else -start - 1  # keep a status line's cut start
                    self.junk += skipped
                    if self.junk > FIREFOX_MAX_JUNK:
                        raise network_error("NS_ERROR_ABORT", "no status line within 128 KiB after a 1xx answer")
                    return skipped, False
                self.matched = True
            self.junk += start
            read = start
        while (end := buf.find(b"\n", read)) >= 0:
            segment = buf[read:end]
            read = end + 1
            self.segment(segment.removesuffix(b"\r") + b"\n")
            if self.done:
                return read, False
            if not self.matched:  # a 1xx was thrown away: look for the answer that follows
                return read, not at_close
        rest = buf[read:]
        if rest and not self.done:
            read = len(buf)
            rest = rest.removesuffix(b"\r")
            if rest:
                self.segment(rest)
        return read, False

    def locate(self, buf: bytes, partial: bool) -> int | None:
        """LocateHttpStart: where the status line starts; None when it is not in ``buf``. With ``partial`` (the
        first read), fewer than 7 bytes that begin "HTTP/1." count as found, and "HTTP/1" cut by the window is not
        found; otherwise a cut start at the end comes back as -1 - its offset (feed those bytes again)."""
        if partial and len(buf) < 7:
            return 0 if b"http/1."[:len(buf)] == buf.lower() else None
        first = True
        for offset in range(len(buf)):
            window = buf[offset:offset + 7].lower()
            if b"http/1.".startswith(window):
                if len(window) < 7:
                    return None if partial else -1 - offset
                return offset
            if first and not self.junk and (buf[offset:offset + 6].lower() in (b"http/2", b"http/3")
                                            or buf[offset:offset + 4].lower() == b"icy "):
                return offset
            if buf[offset] not in _FF_SPACE:
                first = False
        return None

    def segment(self, segment: bytes) -> None:
        """ParseLineSegment: a line is parsed once the next one shows it is not folded; an empty line ends the
        block (a 1xx other than 101 starts over)."""
        if self.line.endswith(b"\n"):
            self.line = self.line[:-1]
            if not self.have_status or segment[:1] not in (b" ", b"\t"):
                line, self.line = self.line, b""
                self.parse_line(line)
        self.line += segment
        if self.line.startswith(b"\n"):
            self.line = b""
            status = self.head.status
            if status != 101 and status // 100 == 1:
                self.informational.append(status)
                self.head = FirefoxHead(200, (1, 1))
                self.have_status = self.matched = False
                self.after_no_content = True
                return
            self.done = True

    def parse_line(self, raw: bytes) -> None:
        line = raw.decode("latin-1")
        if not self.have_status:
            self.head.version, self.head.status = firefox_status_line(line)
            self.have_status = True
            self.done = self.head.version == (0, 9)  # the rest, from the next line on, is the body
            return
        name, colon, value = line.partition(":")
        if not colon or not _TOKEN.match(name):  # no colon, or a name that is not a token: skipped
            return
        value = value.strip(_LWS)
        if "\0" in value:
            raise network_error("NS_ERROR_DOM_INVALID_HEADER_VALUE", "a NUL byte in a header value")
        self.head.add(name, value)


class FirefoxChunkedDecoder:
    """nsHttpChunkedDecoder: sizes read by strtoul (leading whitespace, a sign, 0x and trailing junk pass; at most
    32 bits), extensions after ';' ignored, empty lines between chunks skipped, trailers read to an empty line."""

    def __init__(self):
        self.remaining = 0
        self.wait_eof = False  # the last chunk came: trailers until an empty line
        self.eof = False
        self.line = b""

    def feed(self, data: bytes) -> tuple[bytes, int]:
        """(the chunks' bytes, how many of ``data`` were used: what follows the body is the next answer's)."""
        out = bytearray()
        pos = 0
        while pos < len(data) and not self.eof:
            if self.remaining:
                take = data[pos:pos + self.remaining]
                out += take
                pos += len(take)
                self.remaining -= len(take)
                continue
            end = data.find(b"\n", pos)
            if end < 0:
                self.line += data[pos:].removesuffix(b"\r")
                if len(self.line) > MAX_BODY_BYTES:
                    raise network_error("body too large", "a chunk-size line over the engine's 64 MiB")
                break
            line, self.line = self.line + data[pos:end].removesuffix(b"\r"), b""
            pos = end + 1
            self.end_of_line(line.split(b"\0", 1)[0])  # C strings: a NUL ends the line
        return bytes(out), pos

    def end_of_line(self, line: bytes) -> None:
        if self.wait_eof:
            self.eof = not line
            self.wait_eof = bool(line)
        elif line:
            match = _STRTOUL_HEX.match(line.split(b";", 1)[0])
            size = int(match.group(2), 16) if match else -1
            if match and match.group(1) == b"-" and size:
                size = 2**64 - size
            if not 0 <= size < 2**32:
                raise network_error("NS_ERROR_UNEXPECTED", f"chunk size {line[:40]!r} is not hex")
            self.remaining = size
            self.wait_eof = size == 0


class FirefoxBody:
    """How long the body is and when it ends (nsHttpTransaction::HandleContentStart, HandleContent, Close)."""

    def __init__(self, head: FirefoxHead, method: str):
        self.head = head
        self.no_content = no_content = method == "HEAD" or head.status in (101, 204, 205, 304)
        self.chunked = not no_content and head.chunked
        self.decoder = FirefoxChunkedDecoder() if self.chunked else None
        self.length = 0 if no_content else (None if self.chunked else head.length)
        connection = [value.lower() for value in head.values("connection")]
        keep_alive = "keep-alive" in connection
        # HTTP/1.0 without keep-alive: Content-Length is only a floor ("servers have been known to send erroneous
        # Content-Length headers"), the body is all that came in the read that reached it
        self.floor_only = self.length is not None and head.version < (1, 1) and not keep_alive and not no_content
        self.read = 0
        self.complete = self.length == 0
        # the connection may carry the next request once this body is complete (nsHttpConnection's keep-alive):
        # HTTP/1.1 unless "close", HTTP/1.0 with "keep-alive"; not when the close is the body's end, nor chunked
        # with a Content-Length (DontReuse)
        self.keeps_connection = (("close" not in connection) if head.version >= (1, 1) else keep_alive) and (
            head.version > (0, 9) and head.status != 101 and (self.length is not None or self.chunked)
            and not self.floor_only
            and not (self.chunked and head.length is not None))

    def feed(self, data: bytes) -> tuple[bytes, int]:
        """(body bytes, how many of ``data`` belong to this answer)."""
        if self.complete:
            return b"", 0
        if self.decoder is not None:
            out, used = self.decoder.feed(data)
            self.complete = self.decoder.eof
            return out, used
        if self.length is None or self.floor_only:
            self.read += len(data)
            self.complete = self.length is not None and self.read >= self.length
            return data, len(data)
        out = data[:self.length - self.read]
        self.read += len(out)
        self.complete = self.read == self.length
        return out, len(out)

    def at_close(self) -> None:
        """The connection closed before the end: a partial transfer for a 2xx HTTP/1.1 answer whose end was known
        (network.http.enforce-framing.strict_chunked_encoding: every chunked body must reach its last chunk; one
        with a Content-Length and no Content-Encoding must reach its length); any other body ends here."""
        if self.complete or (self.decoder is None and self.length is None):
            self.complete = True
            return
        if self.head.status // 100 == 2 and self.head.version >= (1, 1) and (
                self.decoder is not None or self.head.get("content-encoding") is None):
            got = f"{self.read} of {self.length} bytes" if self.decoder is None else "no last chunk"
            raise network_error("NS_ERROR_NET_PARTIAL_TRANSFER", f"the connection closed before the body's end ({got})")
        self.complete = True
