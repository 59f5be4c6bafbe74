"""Lab servers with real HTTP on loopback: lifecycle, log and its queries, live policy changes, clashes, load."""
import http.client
import inspect
import os
import socket
import threading
import tracemalloc
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from flask import Flask, request

from cors_lab import CorsPolicy, InputError, LabServer, PortInUseError, ServerError, serve
from cors_lab.course.teaching import serve_teaching
from cors_lab.headers import Headers
from cors_lab.server.apps import api_app, attacker_app, page_app
from cors_lab.server.lab import free_port, running_servers

PAGE = "http://localhost:8001"
EVIL = "http://localhost:8666"


def test_serve_returns_a_server_that_already_answers():
    with serve(api_app(), name="api") as api:
        assert api.url == f"http://localhost:{api.port}" == api.origin
        assert requests.get(api.url + "/api/public", timeout=5).json()["message"] == "Hello from the API"


def test_server_listens_on_loopback_only():
    with serve(api_app()) as api:
        assert api._wsgi.socket.getsockname()[0] == "127.0.0.1"


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.10"])
def test_binding_anything_but_loopback_is_refused(host):
    with pytest.raises(ServerError, match="127.0.0.1 only"):
        serve(api_app(), host=host)


def test_log_records_origin_cookies_preflight_headers_and_the_answer():
    with serve(api_app(), policy=CorsPolicy(allow_origins=[PAGE], allow_methods=["PUT"])) as api:
        requests.get(api.url + "/api/public?x=1", headers={"Origin": PAGE, "Cookie": "sid=abc"}, timeout=5)
        requests.options(
            api.url + "/api/items/1",
            headers={"Origin": PAGE, "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "x-a"},
            timeout=5,
        )
        first, second = api.log
        assert (first.method, first.path, first.query, first.status) == ("GET", "/api/public", "x=1", 200)
        assert first.origin == PAGE and first.headers["Cookie"] == "sid=abc"
        assert first.response_header("access-control-allow-origin") == PAGE
        assert second.is_preflight and second.status == 204
        assert second.headers["Access-Control-Request-Headers"] == "x-a"
        assert "(preflight) from http://localhost:8001 -> 204" in second.line()
        api.clear_log()
        assert api.log == []


def test_policy_can_be_changed_while_the_server_runs():
    with serve(api_app()) as api:
        url = api.url + "/api/public"
        assert "Access-Control-Allow-Origin" not in requests.get(url, headers={"Origin": PAGE}, timeout=5).headers
        api.policy = CorsPolicy(allow_origins=[PAGE])
        assert requests.get(url, headers={"Origin": PAGE}, timeout=5).headers["Access-Control-Allow-Origin"] == PAGE
        api.policy.allow_origins = "*"  # editing in place works too
        assert requests.get(url, headers={"Origin": PAGE}, timeout=5).headers["Access-Control-Allow-Origin"] == "*"


def test_rerunning_a_cell_replaces_the_server_with_the_same_name_on_the_same_port():
    port = free_port()
    old = serve(api_app(), port=port, name="api")
    new = serve(api_app(), port=port, name="api")
    assert not old.running and new.running and new.port == port
    assert [s.name for s in running_servers()] == ["api"]
    assert requests.get(new.url + "/api/public", timeout=5).ok


def test_a_port_taken_by_another_program_gives_one_clear_sentence(capsys):
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        with pytest.raises(PortInUseError) as caught:
            serve(api_app(), port=port)
    message = str(caught.value)
    assert f"Port {port} is already in use" in message and "\n" not in message
    assert capsys.readouterr().err == ""  # werkzeug's own complaint is not printed


def test_teaching_helper_falls_back_to_a_free_port_and_says_so(capsys):
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        server = serve_teaching(api_app(), port=port, name="api")
    assert server.port != port and server.running
    assert f"Port {port} is taken" in capsys.readouterr().out


def test_stop_is_idempotent_and_frees_the_port_at_once():
    server = serve(api_app())
    port = server.port
    server.stop()
    server.stop()
    assert "stopped" in repr(server)
    again = serve(api_app(), port=port)
    assert again.port == port


def test_a_view_that_raises_is_recorded_not_silent():
    app = Flask("broken")

    @app.get("/boom")
    def boom():
        raise RuntimeError("database is down")

    with serve(app, name="broken") as server:
        assert requests.get(server.url + "/boom", timeout=5).status_code == 500
        assert server.log[0].error == "RuntimeError: database is down"
        assert "1 errors" in repr(server)
        assert "database is down" in server._repr_html_()


def test_repr_is_short_and_stable():
    with serve(api_app(), name="api") as api:
        assert repr(api) == f"<LabServer 'api' http://localhost:{api.port} running, 0 requests>"


def test_plain_wsgi_apps_are_served_too():
    def hello(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"hi"]

    with serve(hello) as server:
        assert requests.get(server.url, timeout=5).text == "hi"
        with pytest.raises(ServerError):
            server.policy = CorsPolicy.allow_all()


def test_ready_made_apps_login_private_and_pages():
    with serve(api_app(), name="api") as api, serve(page_app(api_url=api.url), name="page") as page:
        session = requests.Session()
        assert session.get(api.url + "/api/private", timeout=5).status_code == 401
        login = session.post(api.url + "/login", json={"user": "alice"}, timeout=5)
        assert "SameSite=Lax" in login.headers["Set-Cookie"]
        assert session.get(api.url + "/api/private", timeout=5).json()["user"] == "alice"
        changed = session.put(api.url + "/api/items/3", json={"name": "fig"}, timeout=5)
        assert changed.json() == {"id": "3", "name": "fig"}
        assert session.delete(api.url + "/api/items/3", timeout=5).json() == {"deleted": "3"}
        echo = session.post(api.url + "/api/echo", json={"a": 1}, timeout=5).json()
        assert echo == {"content_type": "application/json", "body": {"a": 1}}
        custom = session.get(api.url + "/api/custom-headers", timeout=5)
        assert custom.headers["X-Request-Id"] == "req-42"
        hop = session.get(api.url + "/api/redirect?to=http://localhost:1/x", allow_redirects=False, timeout=5)
        assert (hop.status_code, hop.headers["Location"]) == (302, "http://localhost:1/x")
        assert session.get(api.url + "/api/status/404", timeout=5).status_code == 404
        assert api.url in session.get(page.url + "/", timeout=5).text
    with serve(attacker_app(), name="attacker") as attacker:
        assert requests.post(attacker.url + "/steal", data="secret", timeout=5).status_code == 204
        assert attacker.app.config["STOLEN"] == ["secret"]


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_200_start_stop_cycles_leave_no_thread_and_no_socket_behind():
    app = api_app()
    serve(app).stop()  # warm up lazy imports
    before, fds = set(threading.enumerate()), _open_fds()
    port = free_port()
    for _ in range(200):
        server = serve(app, port=port, name="cycle")
        assert requests.get(server.url + "/api/public", timeout=5).ok
        server.stop()
    left = set(threading.enumerate()) - before
    for thread in left:  # a request's handler thread may still be closing its socket
        thread.join(timeout=2)
    assert [t.name for t in left if t.is_alive()] == []
    assert _open_fds() <= fds + 2  # requests' pool may keep one idle socket open


def test_eight_servers_take_concurrent_requests_without_errors():
    servers = [serve(api_app(), name=f"api{i}", policy=CorsPolicy(allow_origins=[PAGE])) for i in range(8)]
    urls = [s.url + "/api/public" for s in servers for _ in range(25)]

    def get(url):
        response = requests.get(url, headers={"Origin": PAGE}, timeout=10)
        return response.status_code, response.headers.get("Access-Control-Allow-Origin")

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(get, urls))
    assert results == [(200, PAGE)] * 200
    assert [len(s.log) for s in servers] == [25] * 8
    assert all(e.error is None for s in servers for e in s.log)


# ---- querying the log ---------------------------------------------------------------------------------------
def _send_raw(url: str, method: str, target: str, headers: dict[str, str]) -> None:
    """One request exactly as written (method case included), which `requests` would normalise."""
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=5)
    try:
        connection.request(method, target, headers=headers)
        connection.getresponse().read()
    finally:
        connection.close()


PREFLIGHT_ASK = {"Origin": PAGE, "Access-Control-Request-Method": "PUT"}

# What the `logged` server receives, in this order: (method, path + query, request headers)
RECEIVED = [
    ("GET", "/api/public", {}),  # 1: no Origin at all (curl, a same-origin GET)
    ("GET", "/api/public?x=1", {"Origin": PAGE}),  # 2
    ("OPTIONS", "/api/items/1", PREFLIGHT_ASK),  # 3: a CORS preflight
    ("PUT", "/api/items/1", {"Origin": PAGE, "Content-Type": "application/json"}),  # 4
    ("GET", "/api/public", {"Origin": "null"}),  # 5: the opaque origin is a value too
    ("OPTIONS", "/api/items/1", {"Origin": PAGE}),  # 6: a plain OPTIONS, no preflight ask
    ("OPTIONS", "/api/items/1", {"Access-Control-Request-Method": "PUT"}),  # 7: asks, but no Origin: no preflight
    ("patch", "/api/public", {"Origin": EVIL}),  # 8: a lowercase method, as a script may send it
]


@pytest.fixture
def logged():
    """A server that has received every request of RECEIVED, in order."""
    server = serve(api_app(CorsPolicy(allow_origins=[PAGE], allow_methods=["GET", "PUT"])), name="logged")
    for method, target, headers in RECEIVED:
        _send_raw(server.url, method, target, headers)
    return server


# (filters given to server.requests, numbers of the RECEIVED requests it must return, oldest first)
QUERY_TABLE = [
    pytest.param({}, [1, 2, 3, 4, 5, 6, 7, 8], id="no-filter-lists-everything-oldest-first"),
    pytest.param({"path": "/api/public"}, [1, 2, 5, 8], id="path-ignores-the-query-string"),
    pytest.param({"path": "/api/public?x=1"}, [2], id="a-path-with-a-query-matches-the-query-too"),
    pytest.param({"path": "/api/public?x=2"}, [], id="another-query-matches-nothing"),
    pytest.param({"path": "/api"}, [], id="path-is-exact-not-a-prefix"),
    pytest.param({"method": "OPTIONS"}, [3, 6, 7], id="method"),
    pytest.param({"method": "put"}, [4], id="method-in-any-case-finds-an-uppercase-request"),
    pytest.param({"method": "PATCH"}, [8], id="method-finds-a-lowercase-request-too"),
    pytest.param({"origin": PAGE}, [2, 3, 4, 6], id="origin"),
    pytest.param({"origin": None}, [1, 7], id="origin-none-means-sent-no-origin"),
    pytest.param({"origin": "null"}, [5], id="origin-null-is-the-string-null"),
    pytest.param({"origin": PAGE + "/"}, [], id="origin-is-compared-exactly"),
    pytest.param({"preflight": True}, [3], id="preflight-needs-options-origin-and-a-method-ask"),
    pytest.param({"preflight": False}, [1, 2, 4, 5, 6, 7, 8], id="preflight-false-is-everything-else"),
    pytest.param({"since": 0}, [1, 2, 3, 4, 5, 6, 7, 8], id="since-zero-is-everything"),
    pytest.param({"since": 5}, [6, 7, 8], id="since-a-number-is-what-came-after-it"),
    pytest.param({"since": 8}, [], id="since-the-last-number-is-nothing"),
    pytest.param({"path": "/api/items/1", "method": "OPTIONS", "origin": PAGE, "preflight": False}, [6],
                 id="filters-combine"),
    pytest.param({"path": "/api/public", "origin": None, "since": 1}, [], id="filters-combine-to-nothing"),
]


@pytest.mark.parametrize("filters, numbers", QUERY_TABLE)
def test_the_log_answers_queries_with_every_filter(logged, filters, numbers):
    found = logged.requests(**filters)
    assert [entry.number for entry in found] == numbers
    assert [(e.method, e.path + (f"?{e.query}" if e.query else "")) for e in found] == [
        RECEIVED[n - 1][:2] for n in numbers]
    assert logged.count(**filters) == len(numbers)
    newest = logged.last_request(**filters)
    assert (newest.number if newest else None) == (numbers[-1] if numbers else None)


def test_path_is_the_one_positional_filter():
    with pytest.raises(TypeError):
        LabServer.requests(None, "/api/public", "GET")


def test_a_mark_shows_only_what_one_fetch_caused(logged):
    before = logged.mark()
    assert before == 8
    _send_raw(logged.url, "OPTIONS", "/api/items/2", PREFLIGHT_ASK)
    _send_raw(logged.url, "PUT", "/api/items/2", {"Origin": PAGE})
    assert [(e.method, e.is_preflight) for e in logged.requests(since=before)] == [("OPTIONS", True), ("PUT", False)]
    assert logged.count(since=before, preflight=True) == 1
    assert logged.last_request(since=before).method == "PUT"
    assert logged.mark() == 10


def test_numbers_and_marks_survive_clear_log(logged):
    before = logged.mark()
    logged.clear_log()
    assert logged.log == [] and logged.count() == 0 and logged.last_request() is None
    assert logged.mark() == before == 8  # clearing forgets entries, never the count
    _send_raw(logged.url, "GET", "/api/public", {"Origin": PAGE})
    (entry,) = logged.requests(since=before)
    assert entry.number == 9 and logged.requests(since=9) == []
    assert repr(logged).endswith("running, 1 requests>")


def test_a_fresh_server_has_an_empty_log_and_a_zero_mark():
    with serve(api_app()) as server:
        assert (server.mark(), server.requests(), server.count(), server.last_request()) == (0, [], 0, None)


@pytest.mark.parametrize("since", ["5", 2.5, True, object()])
def test_since_takes_only_a_number_from_mark(logged, since):
    with pytest.raises(InputError, match="since= takes a number from server.mark()"):
        logged.requests(since=since)


def test_unknown_filters_are_refused_by_python_itself(logged):
    with pytest.raises(TypeError):
        logged.count(host="localhost")


def test_the_query_signature_reads_well_in_a_notebook():
    shown = str(inspect.signature(LabServer.requests))
    assert "origin: 'str | None' = any" in shown and "object at" not in shown
    for query in (LabServer.count, LabServer.last_request):
        assert inspect.signature(query).parameters.keys() == inspect.signature(LabServer.requests).parameters.keys()


def test_queries_are_safe_while_requests_arrive_from_many_threads():
    server = serve(api_app(CorsPolicy(allow_origins=[PAGE])), name="busy")
    before = server.mark()
    stop = threading.Event()
    seen: list[int] = []

    def query_while_serving():
        while not stop.is_set():
            found = server.requests(path="/api/public", since=before)
            numbers = [e.number for e in found]
            assert numbers == sorted(set(numbers))  # never a half-written or duplicated entry
            seen.append(len(found))

    def get(i: int) -> int:
        with requests.Session() as session:
            return session.get(server.url + "/api/public", headers={"Origin": PAGE}, timeout=10).status_code

    reader = ThreadPoolExecutor(max_workers=1)
    watching = reader.submit(query_while_serving)
    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(get, range(200)))
    stop.set()
    watching.result(timeout=10)  # re-raises an assertion of the reader thread
    reader.shutdown()
    assert statuses == [200] * 200
    assert server.count(since=before) == server.mark() - before == 200
    assert sorted(e.number for e in server.requests()) == list(range(1, 201))
    assert seen == sorted(seen) and seen[-1] <= 200  # the reader only ever saw the log grow


# ---- one log entry ------------------------------------------------------------------------------------------
def test_a_response_header_is_read_in_any_case_and_repeats_are_combined_as_a_browser_reads_them():
    def two_origins(environ, start_response):
        start_response("200 OK", [("Access-Control-Allow-Origin", PAGE), ("access-control-allow-origin", EVIL),
                                  ("Vary", "Origin")])
        return [b"{}"]

    with serve(two_origins) as server:
        requests.get(server.url, headers={"Origin": PAGE}, timeout=5)
        entry = server.last_request()
    assert entry.response_header("ACCESS-CONTROL-ALLOW-ORIGIN") == f"{PAGE}, {EVIL}"
    assert entry.response_header("vary") == "Origin" and entry.response_header("X-Missing") is None
    assert len(entry.response_headers) == 3  # the lines themselves stay as answered


def test_request_headers_are_found_in_any_case():
    with serve(api_app()) as server:
        requests.get(server.url + "/api/public", headers={"Origin": PAGE, "X-Api-Key": "k"}, timeout=5)
        entry = server.last_request()
    assert isinstance(entry.headers, Headers)
    assert entry.headers["x-api-key"] == entry.headers["X-API-KEY"] == "k" and "ORIGIN" in entry.headers
    assert entry.cookies_sent is False and entry.origin == PAGE


# ---- ports ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("port", [True, False, "8002", 3.5, 8002.0, -1, 65536, 70000, [8002]])
def test_a_port_that_is_not_a_whole_number_from_1_to_65535_is_one_clear_input_error(port):
    with pytest.raises(InputError) as caught:
        serve(api_app(), port=port)
    message = str(caught.value)
    assert message == f"port must be a whole number from 1 to 65535 (or None for a free one), not {port!r}."
    assert running_servers() == []


# ---- a bounded log ------------------------------------------------------------------------------------------
def _hello(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"hi"]


def _environ(path: str, **headers: str) -> dict:
    """The WSGI environ of one GET, as werkzeug builds it (to feed the log without a socket)."""
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": ""}
    environ.update({"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers.items()})
    return environ


def _receive(server, path: str, **headers: str) -> None:
    """One request through the server's logging middleware, exactly as the WSGI server would call it."""
    list(server._logged(_environ(path, **headers), lambda status, headers, exc_info=None: None))


def test_the_log_keeps_the_newest_entries_and_the_count_of_requests_stays_exact():
    with serve(_hello, log_size=5, name="bounded") as server:
        for i in range(1, 13):
            requests.get(f"{server.url}/{i}", timeout=5)
        assert [entry.path for entry in server.log] == ["/8", "/9", "/10", "/11", "/12"]
        assert [entry.number for entry in server.log] == [8, 9, 10, 11, 12]
        assert server.received == server.mark() == 12
        assert repr(server) == f"<LabServer 'bounded' {server.url} running, 12 requests, last 5 kept>"


def test_marks_and_since_keep_working_across_eviction():
    with serve(_hello, log_size=3, name="bounded") as server:
        for i in range(1, 5):
            _receive(server, f"/{i}")
        before = server.mark()
        assert before == 4
        for i in range(5, 10):
            _receive(server, f"/{i}")
        assert [e.number for e in server.requests(since=before)] == [7, 8, 9]  # 5 and 6 were evicted
        assert server.count(since=7) == 2 and server.last_request(since=before).path == "/9"
        server.clear_log()
        _receive(server, "/10")
        assert [e.number for e in server.requests(since=before)] == [10]
        assert repr(server).endswith("running, 1 requests>")  # clear_log starts the count shown afresh


def test_the_log_is_still_a_sequence_a_notebook_can_index_slice_iterate_and_compare():
    with serve(_hello, log_size=4) as server:
        assert server.log == [] and len(server.log) == 0 and not server.log
        for i in range(1, 7):
            _receive(server, f"/{i}")
        log = server.log
        assert (log[0].path, log[-1].path, len(log)) == ("/3", "/6", 4)
        assert [e.path for e in log[-2:]] == ["/5", "/6"] and [e.path for e in log] == ["/3", "/4", "/5", "/6"]
        assert log == list(log) and log != [] and list(reversed(log))[0].path == "/6"
        assert log.maxlen == 4 and log.received == 6
        with pytest.raises(IndexError):
            log[4]
        assert repr(log).startswith("[<LogEntry GET /3 -> 200>")


def test_the_log_can_be_read_while_requests_arrive():
    with serve(_hello, log_size=50) as server:
        stop = threading.Event()

        def write():
            while not stop.is_set():
                _receive(server, "/x")

        writer = threading.Thread(target=write)
        writer.start()
        try:
            for _ in range(300):  # a deque mutated during iteration would raise RuntimeError here
                assert all(entry.path == "/x" for entry in server.log)
                assert len(server.log[-10:]) <= 10
        finally:
            stop.set()
            writer.join(timeout=5)


@pytest.mark.parametrize("log_size", [0, -1, True, 2.5, "100"])
def test_a_log_size_that_is_not_a_positive_whole_number_is_refused(log_size):
    with pytest.raises(InputError, match="log_size must be a whole number of entries"):
        serve(_hello, log_size=log_size)


def test_a_huge_header_value_is_clipped_in_the_log_but_the_app_sees_all_of_it():
    app = Flask("sizes")

    @app.get("/")
    def size():
        return str(len(request.headers["X-Big"])), {"X-Answer": "b" * 20_000}

    with serve(app) as server:
        answer = requests.get(server.url + "/", headers={"X-Big": "a" * 50_000}, timeout=5)
        entry = server.last_request()
    assert answer.text == "50000" and len(answer.headers["X-Answer"]) == 20_000
    assert entry.headers["X-Big"] == "a" * 4096 + " … (45904 bytes clipped)"
    assert entry.response_header("X-Answer") == "b" * 4096 + " … (15904 bytes clipped)"


def test_ten_thousand_requests_keep_the_log_memory_bounded():
    with serve(_hello, log_size=100) as server:
        tracemalloc.start()
        try:
            for i in range(10_000):
                _receive(server, f"/api/items/{i}", Origin=PAGE, Cookie="sid=" + "c" * 2000, X_Big="x" * 9000)
            grown, _ = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert server.received == 10_000 and len(server.log) == 100
    assert grown < 2_000_000  # 100 entries of ~7 KB each; unbounded it was ~130 MB
