"""A correct hand-written CorsPolicy and flask-cors configured by `policy.flask_cors_options()` send the same
CORS headers, request for request."""
import pytest
from flask import Flask, jsonify
from flask_cors import CORS

from cors_lab.policy import CorsPolicy
from cors_lab.server.flask_policy import install

PAGE = "http://localhost:8001"
ADMIN = "http://localhost:8003"
EVIL = "http://localhost:8666"

POLICIES = {
    "two-origins": CorsPolicy(allow_origins=[PAGE, ADMIN]),
    "credentials": CorsPolicy(
        allow_origins=[PAGE, ADMIN], allow_credentials=True, allow_methods=["GET", "POST", "PUT", "DELETE"],
        allow_headers=["Content-Type", "X-Api-Key"], expose_headers=["X-Request-Id"], max_age=600,
    ),
    "public": CorsPolicy(allow_origins="*", allow_headers=["Content-Type"], expose_headers=["X-Request-Id"]),
    "regex": CorsPolicy(allow_origin_regex=r"http://localhost:800\d$", allow_methods=["GET", "PATCH"]),
    # no character flask-cors takes as a sign of a regex: passed as a string, it would be one literal origin
    "regex-without-hints": CorsPolicy(allow_origin_regex=r"http://localhost:8001|http://localhost:8002"),
}

REQUESTS = [
    ("GET", {"Origin": PAGE}),
    ("GET", {"Origin": ADMIN}),
    ("GET", {"Origin": EVIL}),
    ("GET", {"Origin": "null"}),
    ("POST", {"Origin": PAGE, "Content-Type": "application/json"}),
    ("OPTIONS", {"Origin": PAGE, "Access-Control-Request-Method": "PUT"}),
    ("OPTIONS", {"Origin": PAGE, "Access-Control-Request-Method": "DELETE",
                 "Access-Control-Request-Headers": "x-api-key,content-type"}),
    ("OPTIONS", {"Origin": PAGE, "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "content-type,x-unknown"}),
    ("OPTIONS", {"Origin": PAGE, "Access-Control-Request-Method": "PATCH"}),
    ("OPTIONS", {"Origin": EVIL, "Access-Control-Request-Method": "PUT"}),
]


def make_app() -> Flask:
    app = Flask("mapping")

    @app.route("/data", methods=["GET", "POST", "PUT", "DELETE", "PATCH"])
    def data():
        response = jsonify(ok=True)
        response.headers["X-Request-Id"] = "1"
        return response

    return app


def cors_headers(response) -> dict[str, str]:
    return {
        name.lower(): value
        for name, value in response.headers.items()
        if name.lower().startswith("access-control-") or name.lower() == "vary"
    }


@pytest.mark.parametrize("policy_name", POLICIES)
@pytest.mark.parametrize("method, headers", REQUESTS, ids=lambda v: v if isinstance(v, str) else "")
def test_hand_written_policy_and_flask_cors_send_the_same_cors_headers(policy_name, method, headers):
    policy = POLICIES[policy_name]
    ours = install(make_app(), policy).test_client()
    theirs_app = make_app()
    CORS(theirs_app, **policy.flask_cors_options())
    theirs = theirs_app.test_client()

    ours_response = ours.open("/data", method=method, headers=headers)
    theirs_response = theirs.open("/data", method=method, headers=headers)

    ours_headers, theirs_headers = cors_headers(ours_response), cors_headers(theirs_response)
    if "access-control-allow-origin" not in theirs_headers and ours_headers.get("vary") == "Origin":
        # The one deliberate difference: for a refused Origin our policy still says `Vary: Origin`, as the
        # Fetch Standard's "CORS protocol and HTTP caches" asks (a cache must not reuse the refusal for an
        # allowed origin); flask-cors sends no Vary there.
        del ours_headers["vary"]
    assert ours_headers == theirs_headers


def test_the_table_is_not_trivial_some_requests_get_cors_headers_and_some_do_not():
    app = install(make_app(), POLICIES["credentials"]).test_client()
    allowed = cors_headers(app.get("/data", headers={"Origin": PAGE}))
    refused = cors_headers(app.get("/data", headers={"Origin": EVIL}))
    assert allowed["access-control-allow-origin"] == PAGE
    assert "access-control-allow-origin" not in refused


def test_flask_cors_default_with_credentials_reflects_any_origin():
    """flask-cors's trap, shown in lesson 06: supports_credentials=True with the default origins."""
    app = make_app()
    CORS(app, supports_credentials=True)
    response = app.test_client().get("/data", headers={"Origin": EVIL})
    assert response.headers["Access-Control-Allow-Origin"] == EVIL
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
