"""Lab servers with real HTTP on loopback: lifecycle, log, live policy changes, clashes, load."""
import os
import socket
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from flask import Flask

from cors_lab import CorsPolicy, PortInUseError, ServerError, serve
from cors_lab.course.teaching import serve_teaching
from cors_lab.server.apps import api_app, attacker_app, page_app
from cors_lab.server.lab import free_port, running_servers

PAGE = "http://localhost:8001"


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
        assert session.put(api.url + "/api/items/3", json={"name": "fig"}, timeout=5).json() == {"id": "3", "name": "fig"}
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
