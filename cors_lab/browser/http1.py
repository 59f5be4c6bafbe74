"""How Chromium 156 reads an HTTP/1.x answer: status line, header lines, body length, chunks, content codings.

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
