# %% [markdown]
# # 06 · Fix the server
#
# The browser enforces CORS, but only the **server** can fix a CORS error: it is the server that says which origins
# may read its answers. This notebook fixes a real API, first by hand, then with **flask-cors**, and shows the traps
# that turn a fix into a security hole.
#
# **In this notebook you will**
# 1. add the CORS headers by hand, then with flask-cors, and see that the browser accepts both;
# 2. choose between an allowlist and `*`, and write per-route policies;
# 3. do credentials right (exact origin, `Allow-Credentials`, `Vary: Origin`);
# 4. see two flask-cors traps live: `supports_credentials=True` with the default origins, and a regex without an
#    end anchor;
# 5. let preflights past an auth check without opening an auth bypass;
# 6. keep CORS headers on error responses;
# 7. fix an API yourself, checked automatically.

# %%
import requests
from flask import Flask, jsonify
from flask_cors import CORS

from cors_lab import Browser, CorsPolicy, api_app, stop_all, token_api_app
from cors_lab.course import serve_teaching

FRONTEND, ATTACKER = "http://localhost:8001", "http://localhost:8666"
frontend = Browser(origin=FRONTEND)

# %% [markdown]
# ## 1. The broken starting point
# An API that knows nothing about CORS, on port 8002; the page runs at 8001.
#
# **Predict:** can the page's script read `/api/public`?

# %%
api = serve_teaching(api_app(), port=8002, name="api")
r = frontend.fetch(api.url + "/api/public")
print(r.error)

# %% [markdown]
# ## 2. The fix by hand
# All the browser wants for a simple GET is one response header, `Access-Control-Allow-Origin`, naming the page's
# origin. Five lines of Flask:

# %%
by_hand = Flask("by_hand")

@by_hand.get("/api/public")
def public():
    response = jsonify(message="Hello from the API")
    response.headers["Access-Control-Allow-Origin"] = FRONTEND
    response.headers["Vary"] = "Origin"
    return response

api = serve_teaching(by_hand, port=8002, name="api")
r = frontend.fetch(api.url + "/api/public")
r.blocked, r.status, r.text

# %% [markdown]
# It works for this one route and this one kind of request. But a `PUT` with JSON needs a preflight answer, a
# second frontend needs the right origin echoed back, errors need headers too... Writing that by hand is how the
# bugs of section 5 are born. Use a well-kept library.
#
# ## 3. The same with flask-cors
# `CORS(app, origins=[...])` answers preflights, echoes an allowed Origin, adds `Vary: Origin` when it must.
#
# **Predict:** the page sends `PUT /api/items/3` with a JSON body. Which requests will the server's log show?

# %%
app = api_app()
CORS(app, origins=[FRONTEND], methods=["GET", "PUT", "DELETE"], allow_headers=["Content-Type"])
api = serve_teaching(app, port=8002, name="api")
r = frontend.fetch(api.url + "/api/items/3", method="PUT", headers={"Content-Type": "application/json"},
                   body='{"name": "fig"}')
print(r.blocked, r.status, r.text)
print(api.log_text())

# %% [markdown]
# Two requests: the `OPTIONS` preflight (answered by flask-cors) and the `PUT` itself. Our own `CorsPolicy` can
# tell you which flask-cors options send the same headers — the course's tests check, request by request, that both
# agree:

# %%
crud = CorsPolicy(allow_origins=[FRONTEND], allow_methods=["GET", "PUT", "DELETE"], allow_headers=["Content-Type"])
crud.flask_cors_options()

# %% [markdown]
# ## 4. Allowlist or `*`?
# `Access-Control-Allow-Origin: *` means "any page may read this". That is right for **public data that needs no
# cookies** (a weather API, public JSON, fonts) — anybody could fetch it with curl anyway. It is wrong the moment the
# answer depends on who the user is.
#
# Per-route policies let one app do both. **Predict:** which of these three fetches are blocked?

# %%
app = api_app()
CORS(app, resources={
    r"/api/public": {"origins": "*"},
    r"/api/private": {"origins": [FRONTEND], "supports_credentials": True},
})
api = serve_teaching(app, port=8002, name="api")

from cors_lab.course import logged_in_browser  # logs alice in, holds her cookie

for origin, path in [(ATTACKER, "/api/public"), (FRONTEND, "/api/private"), (ATTACKER, "/api/private")]:
    r = logged_in_browser(origin, api.url).fetch(api.url + path, credentials="include" if "private" in path else "omit")
    print(f"{origin} reads {path:<13} -> {'BLOCKED' if r.blocked else r.text.strip()}")

# %% [markdown]
# Credentials done right, as the private route shows: the **exact** origin (never `*`),
# `Access-Control-Allow-Credentials: true`, and `Vary: Origin` whenever the answer depends on the Origin (so a
# shared cache never serves one origin's answer to another).
#
# ## 5. Two flask-cors traps
# ### Trap 1: `supports_credentials=True` with the default origins
# flask-cors's default `origins` is `"*"`. With credentials it cannot send `*`, so it **echoes whatever Origin
# arrives** — including the attacker's. **Predict:** can the attacker's page read the logged-in user's data?

# %%
app = api_app()
CORS(app, supports_credentials=True)  # looks harmless...
api = serve_teaching(app, port=8002, name="api")
stolen = logged_in_browser(ATTACKER, api.url).fetch(api.url + "/api/private", credentials="include")
print("blocked:", stolen.blocked, "| the attacker reads:", stolen.text.strip())

# %% [markdown]
# ### Trap 2: a regex without an end anchor
# Say the shop's frontends live at `http://<anything>.example.com`, so someone writes a regex. flask-cors treats an
# origin that looks like a regex as one and matches it from the **start only**. So `http://.*\.example\.com` also
# matches `http://shop.example.com.evil.net` — a domain anybody can register.
#
# (A page on a public domain like that cannot reach `localhost` in Chromium at all — Private Network Access blocks it —
# so here we look at what the *server* answers, by sending the Origin header ourselves, as any script can.)
#
# **Predict:** does the server grant `http://shop.example.com.evil.net` access with credentials?

# %%
from cors_lab.course import server_grants  # (Access-Control-Allow-Origin, -Allow-Credentials) per Origin

app = api_app()
CORS(app, origins=[r"http://.*\.example\.com"], supports_credentials=True)
api = serve_teaching(app, port=8002, name="api")
server_grants(api.url + "/api/public", ["http://shop.example.com", "http://shop.example.com.evil.net"])

# %% [markdown]
# The fix: anchor it at the end (`$`), or better, list exact origins.

# %%
app = api_app()
CORS(app, origins=[r"http://[a-z]+\.example\.com$"], supports_credentials=True)
api = serve_teaching(app, port=8002, name="api")
server_grants(api.url + "/api/public", ["http://shop.example.com", "http://shop.example.com.evil.net"])

# ## 6. Preflights and an auth check
# A classic: every `/api/...` request needs `Authorization: Bearer ...`, checked *before* the CORS layer. The
# browser's preflight never carries that header, so the auth check answers it `401`.
#
# **Predict:** the page sends the token. Does the request go through?

# %%
policy = CorsPolicy(allow_origins=[FRONTEND], allow_headers=["Authorization"])
api = serve_teaching(token_api_app(policy, auth_guards_preflight=True), port=8002, name="api")
r = frontend.fetch(api.url + "/api/orders", headers={"Authorization": "Bearer secret-token"})
print(r.error)
print(api.log_text())

# %% [markdown]
# The real request never left the browser. The fix lets **preflights only** past the auth check (an `OPTIONS` with
# `Origin` and `Access-Control-Request-Method`): they are answered with CORS headers and no data. Everything else,
# a plain `OPTIONS` included, still needs the token — so this opens no bypass:

# %%
api = serve_teaching(token_api_app(policy, auth_guards_preflight=False), port=8002, name="api")
r = frontend.fetch(api.url + "/api/orders", headers={"Authorization": "Bearer secret-token"})
print("with token:   ", r.blocked, r.status, r.text.strip())
no_token = frontend.fetch(api.url + "/api/orders")
print("without token:", no_token.status, no_token.text.strip())
print("plain OPTIONS from a script:", requests.options(api.url + "/api/orders").status_code)

# %% [markdown]
# ## 7. CORS headers on error responses
# If the server forgets CORS headers on its errors, the page cannot even read the status: a `500` turns into a
# CORS error, and the developer hunts the wrong bug. **Predict** what the page sees for `/api/status/500` in each case.

# %%
for on_errors in (False, True):
    policy = CorsPolicy(allow_origins=[FRONTEND], headers_on_errors=on_errors)
    api = serve_teaching(api_app(policy), port=8002, name="api")
    r = frontend.fetch(api.url + "/api/status/500")
    print(f"headers_on_errors={on_errors}: blocked={r.blocked}, status JS sees={r.status}")

# %% [markdown]
# flask-cors adds its headers to error responses by default (`intercept_exceptions=True`). Keep it that way.
#
# ## A production checklist
# - List exact origins (scheme, host, port); no trailing slash; never reflect Origin blindly.
# - `*` only for public data without cookies; never together with credentials.
# - Credentials: exact origin + `Access-Control-Allow-Credentials: true` + `Vary: Origin`.
# - Regex origins: anchored at both ends — or avoid them.
# - Never trust `Origin: null`.
# - Answer preflights before auth, with headers only; allow only the methods and headers you use.
# - Send CORS headers on errors too.
# - Remember CORS is not authentication: the server still checks who the user is.

# %% [markdown]
# ## Exercise: fix the API
# Configure flask-cors on `app` so that
# - the frontend (`http://localhost:8001`) reads `/api/private` with the user's cookie,
# - the attacker's page (`http://localhost:8666`) cannot,
# - anyone can read `/api/public` (without cookies).
#
# Edit the `CORS(...)` line, run the cell, then run the check.
# (A solution is in `solutions/06_fix_the_server.py`.)

# %%
app = api_app()
CORS(app, supports_credentials=True)  # <- your configuration here
api = serve_teaching(app, port=8002, name="api")

# %%
from cors_lab.course import check_private_api

check_private_api(api.url)

# %%
stop_all()

# %% [markdown]
# ## Recap
# - Only the server can fix CORS; the browser enforces what it says.
# - Prefer flask-cors (or your framework's CORS middleware) to hand-written headers; configure it with an allowlist.
# - `*` for public data; exact origins with credentials; `Vary: Origin`.
# - flask-cors traps: `supports_credentials=True` with default origins reflects everyone; unanchored regexes match
#   `…evil.net`.
# - Let preflights past auth, answer them with headers only; send CORS headers on errors.
#
# Next: **07 · Fix with a proxy** — when you do not control the server.
