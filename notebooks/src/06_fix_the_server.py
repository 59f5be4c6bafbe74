# %% [markdown]
# # 06 · Fix the server
#
# The browser enforces CORS, but only the **server** can fix a CORS error: it is the server that says which origins
# may read its answers. This notebook fixes a real API, first by hand, then with **flask-cors**, and shows the traps
# that turn a fix into a security hole.
#
# **In this notebook you will**
# 1. add the CORS headers by hand, then with flask-cors, and see that the browser accepts both;
# 2. edit one policy in the **policy editor**, read it as flask-cors code, and run it against a live API;
# 3. choose between an allowlist and `*`, and write per-route policies;
# 4. do credentials right (exact origin, `Allow-Credentials`, `Vary: Origin`);
# 5. see two flask-cors traps live: `supports_credentials=True` with the default origins, and a regex without an
#    end anchor;
# 6. let preflights past an auth check without opening an auth bypass;
# 7. keep CORS headers on error responses;
# 8. fix an API yourself, checked by the checker.
#
# Every prediction is made in a widget: press your answer, and the widget runs the request live and says why.

# %%
import requests
from flask import Flask, jsonify
from flask_cors import CORS

from cors_lab import Browser, CorsPolicy, api_app, attacker_app, page_app, stop_all, token_api_app
from cors_lab.course import ATTACKER, FRONTEND, logged_in_browser, serve_teaching
from cors_lab.widgets import (
    ExerciseChecker,
    OriginGrant,
    PolicyEditor,
    PredictionSet,
    SequenceDiagram,
    WillItCors,
)

frontend = Browser(origin=FRONTEND)
JSON_PUT = dict(method="PUT", headers={"Content-Type": "application/json"}, body='{"name": "fig"}')


def alice_logs_in(tab, server):
    """The user logs in to `server`: her browser (the tab, whichever page it shows) holds its session cookie."""
    tab.cookies = logged_in_browser(FRONTEND, server.url).cookies


# %% [markdown]
# ## 1. The broken starting point
# An API that knows nothing about CORS, and the frontend's page (a real page server: after each answer, **Send from
# my browser** sends the request from your own browser, from a hidden frame on that page). Every API of this lesson
# takes the API's teaching port in turn, so its number stays the one printed here.

# %%
broken = serve_teaching(api_app(), "api", name="broken-api")
page = serve_teaching(page_app(), "page")  # the page your own browser sends from
attacker = serve_teaching(attacker_app(), "attacker")  # the attacker's page, for your browser too
print(f"the page: {page.origin}, the API: {broken.origin}, the attacker's page: {attacker.origin}")

# %%
WillItCors(broken, "/api/public", question="Can the page's script read /api/public?")

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

by_hand_api = serve_teaching(by_hand, "api", name="by-hand")
SequenceDiagram(frontend.fetch(by_hand_api.url + "/api/public"))

# %% [markdown]
# It works for this one route and this one kind of request. But a `PUT` with JSON needs a preflight answer, a
# second frontend needs the right origin echoed back, errors need headers too... Writing that by hand is how the
# bugs of section 5 are born. Use a well-kept library.
#
# ## 3. The same with flask-cors
# `CORS(app, origins=[...])` answers preflights, echoes an allowed Origin, adds `Vary: Origin` when it must.

# %%
app = api_app()
CORS(app, origins=[FRONTEND], methods=["GET", "PUT", "DELETE"], allow_headers=["Content-Type"])
flask_api = serve_teaching(app, "api", name="flask-cors")

# %% [markdown]
# The page sends `PUT /api/items/3` with a JSON body. Predict, then look at the picture: how many requests reach
# the server?

# %%
WillItCors(flask_api, "/api/items/3", **JSON_PUT,
           server_text="The server (flask-cors):\n  CORS(app, origins=[FRONTEND], methods=['GET', 'PUT', 'DELETE'], "
                       "allow_headers=['Content-Type'])")

# %% [markdown]
# Two requests reached it: the `OPTIONS` preflight, answered by flask-cors alone, and then the `PUT` itself.
#
# ### The fix, in your own browser
# Open DevTools on **Network** (filter with the API's port, printed in section 1) and press: your browser sends the
# same `PUT` from the frontend's page. Two rows named `3`: the `preflight`, whose response headers are flask-cors's
# `Access-Control-Allow-*` answer, and the `PUT` with the API's own status. Nothing red in the console.

# %%
from cors_lab.widgets import send_from_my_browser

send_from_my_browser(flask_api.url + "/api/items/3", origin=page.origin, **JSON_PUT)

# %% [markdown]
# ## 4. One policy, two ways to write it: the policy editor
# cors_lab's own `CorsPolicy` and flask-cors send the same headers for a correct policy (the course's tests check it,
# request by request). The **policy editor** shows both at once. On the left, the policy's fields (or a preset);
# on the right, the `CORS(app, ...)` call that sends the same headers. **Run** applies the policy to a live API and
# sends six test requests: from the frontend (a GET, a `PUT` with JSON, an exposed header, the user's private data)
# and from the attacker's page.
#
# Predict each row in its menu first, then press Run. Then try to break it: pick a preset marked *broken* — flask-cors
# cannot even write those, and the editor says so instead of showing code.

# %%
editor_api = serve_teaching(api_app(), "api", name="editor-api")
editor = PolicyEditor(editor_api, preset="frontend: PUT + JSON, credentials, exposed header")
editor

# %% [markdown]
# Things to try: remove `PUT` from the allowed methods (which row breaks, and why?); set max-age to 600 (the PUT row
# says the preflight may be cached); add `X-Request-Id` to the exposed headers; put `*` in the allowed origins while
# credentials are on.
#
# ## 5. Allowlist or `*`?
# `Access-Control-Allow-Origin: *` means "any page may read this". That is right for **public data that needs no
# cookies** (a weather API, public JSON, fonts) — anybody could fetch it with curl anyway. It is wrong the moment the
# answer depends on who the user is.
#
# Per-route policies let one app do both:

# %%
app = api_app()
CORS(app, resources={
    r"/api/public": {"origins": "*"},
    r"/api/private": {"origins": [FRONTEND], "supports_credentials": True},
})
routes = serve_teaching(app, "api", name="per-route")
ROUTES_TEXT = ("The server (flask-cors):\n  CORS(app, resources={r'/api/public': {'origins': '*'},\n"
               "                       r'/api/private': {'origins': [FRONTEND], 'supports_credentials': True}})")

# %% [markdown]
# The user is logged in to the API (her browser holds its cookie). **Predict** each of the three fetches:

# %%
PredictionSet("Allowlist or *", [
    WillItCors(routes, "/api/public", origin=ATTACKER, server_text=ROUTES_TEXT,
               question="The attacker's page reads /api/public. Can its script read the answer?"),
    WillItCors(routes, "/api/private", origin=FRONTEND, credentials="include",
               setup=lambda tab: alice_logs_in(tab, routes), server_text=ROUTES_TEXT,
               question="The frontend reads /api/private with the cookie. Readable?"),
    WillItCors(routes, "/api/private", origin=ATTACKER, credentials="include",
               setup=lambda tab: alice_logs_in(tab, routes), server_text=ROUTES_TEXT,
               question="The attacker's page reads /api/private with the cookie. Readable?"),
])

# %% [markdown]
# Credentials done right, as the private route shows: the **exact** origin (never `*`),
# `Access-Control-Allow-Credentials: true`, and `Vary: Origin` whenever the answer depends on the Origin (so a
# shared cache never serves one origin's answer to another).
#
# ## 6. Two flask-cors traps
# ### Trap 1: `supports_credentials=True` with the default origins
# flask-cors's default `origins` is `"*"`. With credentials a server cannot answer `*` (the browser refuses it), so
# flask-cors **echoes whatever Origin arrives** — including the attacker's.

# %%
app = api_app()
CORS(app, supports_credentials=True)  # looks harmless...
trap = serve_teaching(app, "api", name="trap-1")

# %%
WillItCors(trap, "/api/private", origin=ATTACKER, credentials="include", setup=lambda tab: alice_logs_in(tab, trap),
           server_text="The server (flask-cors):\n  CORS(app, supports_credentials=True)",
           question="The user is logged in. Can the attacker's page read her private data?")

# %% [markdown]
# ### Trap 2: a regex without an end anchor
# Say the shop's frontends live at `http://<anything>.example.com`, so someone writes a regex. flask-cors treats an
# origin that looks like a regex as one and matches it from the **start only**. So `http://.*\.example\.com` also
# matches `http://shop.example.com.evil.net` — a domain anybody can register.
#
# A page on a public domain like that cannot call your `localhost` in Chromium: its **Local Network Access** (which
# replaced Private Network Access) refuses a plain-`http` public page outright, and asks the user's permission
# first when the public page is `https`. So here we look at what the *server* answers, by sending the Origin header
# ourselves, as any script outside a browser can.

# %%
app = api_app()
CORS(app, origins=[r"http://.*\.example\.com"], supports_credentials=True)
regex_api = serve_teaching(app, "api", name="regex")

# %%
OriginGrant(regex_api, "http://shop.example.com.evil.net",
            context=r"CORS(app, origins=[r'http://.*\.example\.com'], supports_credentials=True)")

# %% [markdown]
# The fix: anchor it at the end (`$`), or better, list exact origins. The anchored regex still lets the real shop in
# and keeps the look-alike out:

# %%
from cors_lab.course import server_grants  # (Access-Control-Allow-Origin, -Allow-Credentials) per Origin

app = api_app()
CORS(app, origins=[r"http://[a-z]+\.example\.com$"], supports_credentials=True)
anchored = serve_teaching(app, "api", name="regex-anchored")
server_grants(anchored.url + "/api/public", ["http://shop.example.com", "http://shop.example.com.evil.net"])

# %% [markdown]
# ## 7. Preflights and an auth check
# A classic: every `/api/...` request needs `Authorization: Bearer ...`, checked *before* the CORS layer. The
# browser's preflight never carries that header, so the auth check answers it `401`.

# %%
policy = CorsPolicy(allow_origins=[FRONTEND], allow_headers=["Authorization"])
guarded = serve_teaching(token_api_app(policy, auth_guards_preflight=True), "api", name="auth-first")
AUTH_TEXT = ("The server: every /api/... request needs Authorization: Bearer ..., checked before the CORS layer;\n"
             "then CorsPolicy(allow_origins=[FRONTEND], allow_headers=['Authorization']).")

# %%
WillItCors(guarded, "/api/orders", headers={"Authorization": "Bearer secret-token"}, server_text=AUTH_TEXT,
           question="The page sends the right token. Can its script read the orders?")

# %% [markdown]
# The real request never left the browser: the preflight got `401`. The fix lets **preflights only** past the auth
# check (an `OPTIONS` with `Origin` and `Access-Control-Request-Method`): they are answered with CORS headers and no
# data. Everything else, a plain `OPTIONS` included, still needs the token — so this opens no bypass:

# %%
fixed = serve_teaching(token_api_app(policy, auth_guards_preflight=False), "api", name="preflight-first")
r = frontend.fetch(fixed.url + "/api/orders", headers={"Authorization": "Bearer secret-token"})
print("with token:   ", r.blocked, r.status, r.text.strip())
no_token = frontend.fetch(fixed.url + "/api/orders")
print("without token:", no_token.status, no_token.text.strip())
print("plain OPTIONS from a script:", requests.options(fixed.url + "/api/orders").status_code)
SequenceDiagram(r)

# %% [markdown]
# ## 8. CORS headers on error responses
# If the server forgets CORS headers on its errors, the page cannot even read the status: a `500` turns into a
# CORS error, and the developer hunts the wrong bug. Two servers, the same policy but for `headers_on_errors`:

# %%
without = serve_teaching(api_app(CorsPolicy(allow_origins=[FRONTEND], headers_on_errors=False)), "api",
                         name="errors-bare")
with_headers = serve_teaching(api_app(CorsPolicy(allow_origins=[FRONTEND])), "api2", name="errors-covered")

# %%
PredictionSet("What does the page see for /api/status/500?", [
    WillItCors(without, "/api/status/500", question="headers_on_errors=False: can the script read the 500?",
               server_text="CorsPolicy(allow_origins=[FRONTEND], headers_on_errors=False): "
                           "no CORS headers on 4xx/5xx answers"),
    WillItCors(with_headers, "/api/status/500", question="headers_on_errors=True: can the script read the 500?",
               server_text="CorsPolicy(allow_origins=[FRONTEND]): CORS headers on every answer, errors included"),
])

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
# - the frontend (`FRONTEND`) reads `/api/private` with the user's cookie,
# - the attacker's page (`ATTACKER`) cannot,
# - anyone can read `/api/public` (without cookies).
#
# Edit the `CORS(...)` line, run the cell, then press **Check** below. **Hint** gives one hint at a time.

# %%
app = api_app()
CORS(app, supports_credentials=True)  # <- your configuration here
api = serve_teaching(app, "api")

# %%
from cors_lab.course import check_private_api


def check_my_api(server):
    """What Check runs: your `api`, tested live from the frontend and from the attacker's page."""
    return check_private_api(server.url)


ExerciseChecker(
    "the frontend reads /api/private with the user's cookie, the attacker's page cannot, any page reads /api/public.",
    check=check_my_api, answer="api", servers=[api], title="Fix the API",
    hints=["Two routes, two rules: CORS(app, resources={r'/api/public': {...}, r'/api/private': {...}}).",
           "The public route may say origins='*'; the private one needs the exact frontend origin and "
           "supports_credentials=True."],
    solution="solutions/06_fix_the_server.py")

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
#
# The last cell stops every lab server. The widgets above then say which cell to re-run.

# %%
stop_all()
