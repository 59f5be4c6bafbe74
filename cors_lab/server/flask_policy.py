"""Glue: make a Flask app answer as a `CorsPolicy` says (the policy itself stays pure, in policy.py).

The policy is read from ``app.config["CORS_LAB_POLICY"]`` on every request, so a running server can be
given a new policy (``server.policy = CorsPolicy(...)``) or have the current one edited in place.
"""
from __future__ import annotations

from flask import Flask, Response, current_app, g, request

from cors_lab.policy import CorsPolicy, is_preflight_request

CONFIG_KEY = "CORS_LAB_POLICY"


def is_preflight() -> bool:
    """Is Flask's current request a CORS preflight (OPTIONS with Origin and Access-Control-Request-Method)?"""
    return is_preflight_request(request.method, request.headers)


def _answer_preflight():
    policy: CorsPolicy | None = current_app.config.get(CONFIG_KEY)
    if policy is None or not policy.enabled or not is_preflight():
        return None
    status, headers = policy.preflight_response(
        request.headers["Origin"],
        request.headers["Access-Control-Request-Method"],
        request.headers.get("Access-Control-Request-Headers", ""),
    )
    response = Response(status=status)
    for name, value in headers:
        response.headers.add(name, value)
    g.cors_lab_preflight = True  # the actual-response headers are not added on top
    return response


def _add_actual_headers(response: Response) -> Response:
    policy: CorsPolicy | None = current_app.config.get(CONFIG_KEY)
    if policy is None or g.get("cors_lab_preflight"):
        return response
    for name, value in policy.actual_headers(request.headers.get("Origin"), response.status_code):
        if name == "Vary":
            response.vary.add(value)
        else:
            response.headers.add(name, value)
    return response


def install(app: Flask, policy: CorsPolicy | None = None) -> Flask:
    """Make ``app`` answer preflights and add CORS headers as ``policy`` says. Idempotent; returns the app."""
    app.config[CONFIG_KEY] = policy if policy is not None else CorsPolicy.none()
    if not app.extensions.get("cors_lab"):
        app.before_request(_answer_preflight)
        app.after_request(_add_actual_headers)
        app.extensions["cors_lab"] = True
    return app
