"""Hostile servers, read as Firefox reads them: `Browser(origin, browser="firefox")` over a raw-socket server.

Each row's expectation is what real Firefox 153 ESR gave for the same bytes (the hostile scenarios of
tests/support/scenarios.py, recorded by tests/real/test_firefox_agreement.py; the row names its scenario), so these
run without a browser. The tests after the table pin what a recording cannot show alone: the rules that depend on
how the bytes arrive (the first read's 11 bytes), the attempts sent for an empty answer, and the kept-alive
connection that carries the next request.
"""
from __future__ import annotations

import gzip
import socket
import threading
import time

import pytest
from support.hostile_server import RawServer
from support.scenarios import Raw, Reply, Scenario, answer

from cors_lab import Browser
from cors_lab.browser.browsers import FIREFOX
from cors_lab.browser.http1 import FirefoxChunkedDecoder, FirefoxHeadReader, firefox_status_line

PAGE = "http://localhost:8001"
A = b"Access-Control-Allow-Origin: http://localhost:8001\r\n"
X = A + b"Access-Control-Expose-Headers: *\r\n"
OK = answer(b"HTTP/1.1 200 OK", A)
PUT_OK = Reply(204, (("Access-Control-Allow-Origin", PAGE), ("Access-Control-Allow-Methods", "PUT")), "")
CHUNKED = A + b"Transfer-Encoding: chunked\r\n"
DID_NOT_SUCCEED = "(Reason: CORS request did not succeed). Status code: (null)."
MISSING = "(Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: "
MISSING_200 = MISSING + "200."
NETWORK_ERROR = FIREFOX.network_error


def chunked(body: bytes) -> bytes:
    return answer(b"HTTP/1.1 200 OK", CHUNKED, body=body, length=False)


#: row -> (what /d answers, fetch() options, what Firefox showed: result attributes, "error_ends", "header")
ROWS = {
    # status lines (scenarios status-*)
    "no status line is HTTP/0.9: a 200 without headers (status-not-http)": (
        b"HELLO WORLD\r\n\r\n", {}, {"blocked": True, "error_ends": MISSING_200}),
    "'http/1.1' in small letters is HTTP/0.9 too (status-lowercase)": (
        answer(b"http/1.1 200 ok", A), {}, {"blocked": True, "error_ends": MISSING_200}),
    "five bytes of junk push the status line out of the window (status-slop-5)": (
        b"xxxxx" + OK, {}, {"blocked": True, "error_ends": MISSING_200}),
    "four bytes of junk are skipped (status-slop-4)": (b"\r\n\r\n" + OK, {}, {"status": 200, "text": "ok"}),
    "a Shoutcast status line is HTTP/1.0 (status-icy)": (answer(b"ICY 200 OK", A), {}, {"status": 200, "text": "ok"}),
    "a status of letters is a network error (status-letters)": (
        answer(b"HTTP/1.1 abc OK", A), {}, {"blocked": True, "error_ends": DID_NOT_SUCCEED}),
    "a status of four digits is a network error (status-1000)": (
        answer(b"HTTP/1.1 1000 X", A), {}, {"blocked": True, "error_ends": DID_NOT_SUCCEED}),
    "a status glued to its reason is a network error (status-glued)": (
        answer(b"HTTP/1.1 201OK", A), {}, {"blocked": True, "error_ends": DID_NOT_SUCCEED}),
    "status 0 is a status (status-0)": (answer(b"HTTP/1.1 0 X", A), {}, {"blocked": False, "status": 0}),
    "a PUT answered with HTTP/0.9 is a network error (preflight-not-http, the actual request)": (
        {"/d": Raw((b"garbage garbage",)), "OPTIONS /d": PUT_OK}, {"method": "PUT"},
        {"blocked": True, "error_ends": DID_NOT_SUCCEED}),
    # informational answers (info-*)
    "101 is a final answer (info-101)": (
        b"HTTP/1.1 101 Switching Protocols\r\n\r\n" + OK, {},
        {"blocked": True, "error_ends": MISSING + "101."}),
    "a 100, then the close: no answer head, which the CORS check calls several Allow-Origin (info-only)": (
        b"HTTP/1.1 100 Continue\r\n\r\n", {},
        {"blocked": True, "error_ends": "(Reason: Multiple CORS header ‘Access-Control-Allow-Origin’ not allowed)."}),
    # header blocks (headers-*)
    "headers over 256 KiB are fine (headers-over-256k)": (
        answer(b"HTTP/1.1 200 OK", X, b"X-Fill: " + b"f" * 262_144 + b"\r\n"), {}, {"status": 200, "text": "ok"}),
    "a name with a space before its colon skips the line (headers-space-before-colon)": (
        answer(b"HTTP/1.1 200 OK", X, b"X-Sp : 1\r\n"), {}, {"header": ("x-sp", None)}),
    "a NUL in a name skips the line (headers-nul-name)": (
        answer(b"HTTP/1.1 200 OK", X, b"X-N\x00ul: ab\r\n"), {}, {"status": 200, "header": ("x-nul", None)}),
    "a NUL in a value is a network error (headers-nul-value)": (
        answer(b"HTTP/1.1 200 OK", X, b"X-Nul: a\x00b\r\n"), {}, {"blocked": True, "error_ends": DID_NOT_SUCCEED}),
    "a value with a lone CR never reaches the script (headers-lone-cr)": (
        answer(b"HTTP/1.1 200 OK", X, b"X-Cr: a\rb\r\nX-Ok: 1\r\n"), {}, {"header": ("x-cr", None)}),
    "a folded line keeps its whitespace (headers-folded)": (
        answer(b"HTTP/1.1 200 OK", X, b"X-Fold: a\r\n  b\r\n"), {}, {"header": ("x-fold", "a  b")}),
    "the same Content-Length twice is one value (headers-same-lengths)": (
        answer(b"HTTP/1.1 200 OK", A, b"Content-Length: 2\r\nContent-Length: 2\r\n", length=False), {},
        {"header": ("content-length", "2"), "text": "ok"}),
    "two Content-Length are a network error even with chunked (headers-two-lengths-chunked)": (
        answer(b"HTTP/1.1 200 OK", A, b"Content-Length: 2\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n",
               body=b"2\r\nok\r\n0\r\n\r\n", length=False), {}, {"blocked": True, "error_ends": DID_NOT_SUCCEED}),
    "Content-Length: +2 is 2 (headers-length-plus)": (
        answer(b"HTTP/1.1 200 OK", A, b"Content-Length: +2\r\n", body=b"okEXTRA", length=False), {}, {"text": "ok"}),
    "a UTF-8 Allow-Origin is quoted as UTF-8 (headers-utf8-acao)": (
        answer(b"HTTP/1.1 200 OK", b"Access-Control-Allow-Origin: http://localhost:8001\xc3\xa9\r\n"), {},
        {"blocked": True, "error_ends": "does not match ‘http://localhost:8001é’)."}),
    # bodies (body-*, chunked-*, coding-*)
    "a body cut short: text() rejects, naming Content-Length (body-short)": (
        answer(b"HTTP/1.1 200 OK", A, b"Content-Length: 100\r\n", body=b"only-ten!!", length=False), {},
        {"blocked": False, "status": 200, "text": "", "exception": FIREFOX.body_cut_short_error}),
    "a body cut short in no-cors fails the fetch (body-short-nocors)": (
        answer(b"HTTP/1.1 200 OK", A, b"Content-Length: 100\r\n", body=b"only-ten!!", length=False),
        {"mode": "no-cors"}, {"blocked": True, "error": None, "exception": NETWORK_ERROR}),
    "a chunked body without its last chunk: the same rejection (chunked-no-last)": (
        chunked(b"5\r\nhello\r\n"), {}, {"blocked": False, "text": "", "exception": FIREFOX.body_cut_short_error}),
    "a chunk size that is not hex, before any byte, fails the fetch (chunked-not-hex)": (
        chunked(b"zz\r\nhello\r\n0\r\n\r\n"), {}, {"blocked": True, "error_ends": DID_NOT_SUCCEED}),
    "a chunk size with 0x is read (chunked-0x)": (chunked(b"0x2\r\nok\r\n0\r\n\r\n"), {}, {"text": "ok"}),
    "chunked on HTTP/1.0 is chunked (chunked-http10)": (
        answer(b"HTTP/1.0 200 OK", CHUNKED, body=b"2\r\nok\r\n0\r\n\r\n", length=False), {}, {"text": "ok"}),
    "a body that does not decode: text() says so (coding-broken)": (
        answer(b"HTTP/1.1 200 OK", A, b"Content-Encoding: gzip\r\n"), {},
        {"blocked": False, "text": "", "exception": FIREFOX.body_decoding_error}),
    "a broken coding in no-cors is still opaque (coding-broken-nocors)": (
        answer(b"HTTP/1.1 200 OK", A, b"Content-Encoding: gzip\r\n"), {"mode": "no-cors"},
        {"blocked": False, "type": "opaque"}),
    "a gzip body is decoded (coding-gzip)": (
        answer(b"HTTP/1.1 200 OK", A, b"Content-Encoding: gzip\r\n", body=gzip.compress(b"zipped!")), {},
        {"text": "zipped!"}),
    # Location (location-*)
    "redirect 'manual' never parses the Location (location-port-out-of-range-manual)": (
        {"/d": Raw((answer(b"HTTP/1.1 302 Found", A, b"Location: http://x:99999/\r\n", body=b""),))},
        {"redirect": "manual"}, {"blocked": False, "type": "opaqueredirect"}),
    "a redirect to data: is refused before its CORS check (location-data-no-acao)": (
        {"/d": Raw((answer(b"HTTP/1.1 302 Found", b"Location: data:,hi\r\n", body=b""),))}, {},
        {"blocked": True, "error_ends": DID_NOT_SUCCEED}),
}


def _sid(name: str) -> str:
    return "ff" + str(list(ROWS).index(name))


def _routes(reply) -> dict:
    if isinstance(reply, dict):
        return reply
    return {"/d": Raw(reply if isinstance(reply, tuple) else (reply,)), "OPTIONS /d": PUT_OK}


@pytest.fixture(scope="module")
def raw():
    scenarios = [Scenario(_sid(name), "hostile", name, (), _routes(reply)) for name, (reply, _, _) in ROWS.items()]
    scenarios.append(Scenario("own", "hostile", "routes set by a test", (), {}))
    server = RawServer(scenarios, {"page": PAGE})
    yield server
    server.listener.close()


@pytest.fixture
def own(raw):
    """Routes of the "own" scenario, set by the test; yields (routes, its base URL)."""
    routes = raw.by_id["own"].routes
    routes.clear()
    yield routes, f"http://localhost:{raw.port}/s/own"
    routes.clear()


def firefox(timeout: float = 5) -> Browser:
    return Browser(PAGE, timeout=timeout, browser="firefox")


@pytest.mark.parametrize("name", ROWS)
def test_a_hostile_answer_gives_what_firefox_gives(raw, name):
    _, options, expected = ROWS[name]
    started = time.monotonic()
    result = firefox().fetch(f"http://localhost:{raw.port}/s/{_sid(name)}/d", **options)
    assert time.monotonic() - started < 5
    for key, wanted in expected.items():
        if key == "error_ends":
            assert (result.error or "").endswith(wanted), (result.error, result.explain())
        elif key == "header":
            assert result.headers.get(wanted[0]) == wanted[1], (result.headers, result.explain())
        else:
            assert getattr(result, key) == wanted, (key, result.explain())


# ---- what depends on how the bytes arrive ---------------------------------------------------------------------------
def test_a_status_line_cut_by_the_first_read_is_still_found(own):
    routes, base = own
    routes["/d"] = Raw((b"HTT", 0.3, OK[3:]))  # the first read has "HTT": it may begin "HTTP/1."
    assert firefox().fetch(base + "/d").text == "ok"


def test_junk_in_the_first_read_makes_the_rest_the_body_of_an_http09_answer(own):
    routes, base = own
    routes["/d"] = Raw((b"xx", 0.3, OK))  # "xx" alone in the first read: no status line, HTTP/0.9
    result = Browser(base.split("/s/")[0], browser="firefox", timeout=5).fetch(base + "/d")  # same-origin
    assert (result.status, result.text) == (200, "xx" + OK.decode())


def test_junk_after_a_100_is_skipped(own):
    routes, base = own
    routes["/d"] = Raw((b"HTTP/1.1 100 Continue\r\n\r\n" + b"junk " * 100 + OK,))
    assert firefox().fetch(base + "/d").text == "ok"


def test_an_empty_answer_to_a_get_is_sent_ten_times_in_all_and_a_put_once(raw, own):
    routes, base = own
    routes["/d"] = Raw((b"",))
    routes["OPTIONS /d"] = PUT_OK
    for method, sent in (("GET", 10), ("PUT", 1)):
        mark = raw.mark()
        result = firefox().fetch(base + "/d", method=method)
        assert result.blocked and result.error.endswith(DID_NOT_SUCCEED)
        assert [entry.method for entry in raw.requests(since=mark)].count(method) == sent


# ---- a kept-alive connection carries the next request ----------------------------------------------------------
def test_bytes_after_a_204_preflight_are_read_as_the_answer_to_the_request(own):
    """slow-body-of-a-preflight: the raw server keeps the connection and never answers a second request on it."""
    routes, base = own
    routes["OPTIONS /d"] = Raw((answer(b"HTTP/1.1 204 No Content", A, b"Access-Control-Allow-Methods: PUT\r\n"
                                       b"Content-Length: 100\r\n", body=b"xx", length=False),), hold=4)
    routes["/d"] = Raw((OK,))
    result = firefox(timeout=1.5).fetch(base + "/d", method="PUT")
    assert result.timed_out and result.preflight
    assert [x.kind for x in result.exchanges] == ["preflight", "actual"]


class KeepAliveServer:
    """Answers every request on a connection with 'ok' and counts connections; `drop()` closes the idle ones."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connections: list[socket.socket] = []
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                sock, _ = self.listener.accept()
            except OSError:
                return
            self.connections.append(sock)
            threading.Thread(target=self.serve, args=(sock,), daemon=True).start()

    def serve(self, sock):
        with sock:
            data = b""
            while True:
                try:
                    chunk = sock.recv(4096)
                except OSError:
                    return
                if not chunk:
                    return
                data += chunk
                while b"\r\n\r\n" in data:
                    _, _, data = data.partition(b"\r\n\r\n")
                    sock.sendall(OK)

    def drop(self):
        for sock in self.connections:
            sock.shutdown(socket.SHUT_RDWR)


def test_a_tab_reuses_its_connection_and_reconnects_when_the_server_dropped_it():
    server = KeepAliveServer()
    try:
        tab = firefox()
        url = f"http://localhost:{server.port}/d"
        assert [tab.fetch(url).text for _ in range(3)] == ["ok"] * 3
        assert len(server.connections) == 1  # one connection carried all three
        server.drop()
        time.sleep(0.1)
        assert tab.fetch(url).text == "ok"
        assert len(server.connections) == 2
        assert Browser(PAGE, timeout=5).fetch(url).text == "ok" and len(server.connections) == 3  # Chromium: new
    finally:
        server.listener.close()


# ---- the parser's pieces, on bytes the scenarios do not cover ----------------------------------------------------
@pytest.mark.parametrize("line, version, status", [
    ("HTTP/1.1 200 OK", (1, 1), 200), ("HTTP/1.0 404", (1, 0), 404), ("HTTP/2 201 X", (2, 0), 201),
    ("HTTP/1.1", (1, 1), 200), ("HTTPS/1.1 201 X", (0, 9), 200), ("HTTP/9.9 200 X", (1, 0), 200),
    ("HTTP/1.1   099 X", (1, 1), 99)])
def test_status_lines(line, version, status):
    assert firefox_status_line(line) == (version, status)


@pytest.mark.parametrize("line", ["HTTP/1.1 2x0 X", "HTTP/1.1\t201 X", "HTTP/1.1 99999999999 X", "HTTP/1.1 X"])
def test_status_lines_that_are_network_errors(line):
    with pytest.raises(ConnectionError):
        firefox_status_line(line)


def test_the_head_reader_merges_as_firefox_does():
    reader = FirefoxHeadReader("GET")
    data = (b"HTTP/1.1 200 OK\r\nVary: a\r\nvary: b\r\nVary:\r\nContent-Type: x\r\nContent-Type: y\r\n"
            b"Set-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\nbody")
    used = reader.feed(data)
    assert reader.done and data[used:] == b"body"
    assert dict(reader.head.combined) == {"vary": "a, b", "content-type": "x", "set-cookie": "a=1\nb=2"}
    assert len(reader.head.pairs) == 7  # every line is kept as an original header


def test_chunk_sizes_are_read_by_strtoul():
    decoder, body = FirefoxChunkedDecoder(), b"+2\r\nok\r\n\r\n 3;x=1\r\nabc\r\n2zz\r\nde\r\n0\r\nTrailer: 1\r\n\r\n"
    assert decoder.feed(body + b"NEXT") == (b"okabcde", len(body))  # what follows is the next answer's
    assert decoder.eof
    with pytest.raises(ConnectionError):
        FirefoxChunkedDecoder().feed(b"100000000\r\n")  # over 32 bits
