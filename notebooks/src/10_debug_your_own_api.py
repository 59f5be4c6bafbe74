# %% [markdown]
# # 10 · Debug your own API
#
# Until now every API was one of the course's own Flask servers. Yours is written in Express, FastAPI, Django or
# sits behind nginx, and your frontend runs on a dev server. Nothing in the course's tools is tied to the lab:
# the browser engine, real Chromium and the doctor reach **any URL**. This notebook points them at an API that is
# not a lab server — a real FastAPI (Starlette) app run by uvicorn, standing in for yours.
#
# **In this notebook you will**
# 1. point `Browser` and `ChromiumBrowser` at any URL, and read the engine's step-by-step answer;
# 2. run the **doctor** on your API (`cors-lab doctor URL --origin ...` in a terminal, the API doctor widget
#    here): the verdict, the console sentence, the failed step, the fix in your framework, and `curl` replays;
# 3. replay the preflight by hand with curl;
# 4. read DevTools' **Network** tab for a request to your API;
# 5. get your framework's configuration from one policy (Express, FastAPI, Django, flask-cors, nginx), each run
#    live in the real framework;
# 6. meet each framework's classic traps, live: predict, then the real framework answers;
# 7. run Vite's dev proxy for real: it works under the dev server, is gone after `vite build`, and forwards Origin;
# 8. fix "your" FastAPI app yourself, checked by the checker.

# %%
import subprocess
import sys

from cors_lab import (
    Browser,
    ChromiumBrowser,
    CorsPolicy,
    api_app,
    framework_config,
    page_app,
    probe,
    start_framework,
    stop_all,
)
from cors_lab.course import ATTACKER, FRONTEND, check_my_fastapi, serve_teaching, start_my_fastapi
from cors_lab.widgets import ApiDoctor, ExerciseChecker, Outcome, Playground, Predict, TrapQuiz

# %% [markdown]
# ## 1. "Your" API
# A FastAPI project adds CORS with one call. Here is a first attempt, as it is often written: the frontend's
# origin is allowed, and nothing else is said.

# %%
YOUR_OPTIONS = dict(allow_origins=[FRONTEND])
your_api = start_my_fastapi(YOUR_OPTIONS)  # real Starlette under uvicorn, on a free port of 127.0.0.1
print(your_api.config)
print("your API runs at", your_api.url)

# %% [markdown]
# It is not a lab server: the course did not write its answers, Starlette did. Your frontend (here the course's
# page origin, `FRONTEND`; with Vite it would be `http://localhost:5173`) sends a `PUT` with JSON to it.
# **Predict** first:

# %%
SAVE = dict(method="PUT", headers={"Content-Type": "application/json"}, body='{"name": "pen"}')


def your_save():
    result = Browser(FRONTEND).fetch(your_api.url + "/api/items/1", **SAVE)
    return Outcome("blocked" if result.blocked else "allowed", result.reason() or "Every check passed.",
                   details=f"Console: {result.error}", result=result, calls=[])


Predict("The frontend saves an item with a JSON PUT. Does the browser let it through?", ["allowed", "blocked"],
        your_save, context=f"fetch('{your_api.url}/api/items/1', {{method: 'PUT', headers: {{'Content-Type': "
        "'application/json'}, body: ...})\n\nThe API: app.add_middleware(CORSMiddleware, "
        f"allow_origins=['{FRONTEND}'])", title="Your API")

# %% [markdown]
# ## 2. The engine and real Chromium, pointed at any URL
# `Browser(origin=...).fetch(url)` takes any URL: the engine sends the preflight and the request over the network
# exactly as Chromium would, and explains each step. A GET first, then the PUT:

# %%
frontend = Browser(FRONTEND)
print(frontend.fetch(your_api.url + "/api/data").explain())

# %%
save = frontend.fetch(your_api.url + "/api/items/1", **SAVE)
print(save.explain())

# %% [markdown]
# The step that failed is the preflight: Starlette refuses a preflight it does not allow with **400** (`Disallowed
# CORS method`), so Chromium's sentence says "It does not have HTTP ok status" instead of naming the method. That is
# Starlette's way, and the generated configuration's notes (section 5) say it too.
#
# Real headless Chromium says the same, word for word:

# %%
with ChromiumBrowser(FRONTEND) as real:
    real_save = real.fetch(your_api.url + "/api/items/1", **SAVE)
print(real_save.error)
print("the engine's sentence is the same:", real_save.error == save.error)

# %% [markdown]
# ## 3. The doctor
# One command asks all of it at once. In a terminal, on your machine, with your API running:
#
# ```
# cors-lab doctor http://localhost:8000/api/items/1 --origin http://localhost:5173 --method PUT \
#     --header 'Content-Type: application/json' --framework fastapi
# ```
#
# It probes the API as the browser would — the preflight when one is needed, then the request — and prints the
# verdict, the console sentence, the failed step, the smallest fix (in your framework, with `--framework`) and
# `curl` commands that replay it by hand. It is **safe by default**: it sends the preflight and GET/HEAD requests
# only; a `PUT`, `POST` or `DELETE` goes out only with `--send` (it could change your data). `--real` asks real
# headless Chromium too, `--browser firefox` speaks Firefox's words, `--xhr` axios' (XMLHttpRequest). Its exit
# status is 0 (allowed), 1 (blocked) or 2 (bad input, no answer): a CI step can run it against a staging API.
#
# Here is the command run for real against "your" API:

# %%
command = [sys.executable, "-m", "cors_lab", "doctor", your_api.url + "/api/items/1", "--origin", FRONTEND,
           "--method", "PUT", "--header", "Content-Type: application/json", "--framework", "fastapi"]
run = subprocess.run(command, capture_output=True, text=True, timeout=60)
print(run.stdout)
print("exit status:", run.returncode)

# %% [markdown]
# The PUT itself was not sent (its preflight failed, so a browser would not send it either). In Python the same is
# `probe(...)`, and in a widget it is the **API doctor**: change the fields (try `--send`, a header, credentials,
# Firefox), press **Probe**.

# %%
ApiDoctor(your_api.url + "/api/items/1", origin=FRONTEND, method="PUT",
          headers={"Content-Type": "application/json"}, framework="fastapi")

# %% [markdown]
# ## 4. Replay the preflight by hand
# The doctor's first `curl` command is the preflight the browser sends. Run it: the answer's status and its
# `Access-Control-Allow-*` headers (or their absence) are exactly what the browser judged.

# %%
report = probe(your_api.url + "/api/items/1", origin=FRONTEND, **SAVE)
preflight_curl = report.curl[0]
print(preflight_curl)
answer = subprocess.run(preflight_curl, shell=True, capture_output=True, text=True, timeout=30).stdout
print("\n".join(line for line in answer.splitlines() if not line.lower().startswith(("date:", "server:"))))

# %% [markdown]
# `400 Bad Request`, `Disallowed CORS method`: curl shows the answer, the browser hides it and writes its sentence.
# curl never enforces CORS (it is not a browser), so curl working proves only that the server answers; what the
# browser needs are the `Access-Control-Allow-*` headers on this very answer.

# %% [markdown]
# ## 5. The playground, without a lab server
# The playground takes any URL as well. There is no policy of ours to edit on the left: your API's CORS is its own,
# so the playground shows the `Access-Control-*` headers it answered. Change the method, the headers, the page
# origin; press **Send** and **Ask real Chromium**.

# %%
Playground(url=your_api.url + "/api/items/1", origin=FRONTEND, method="PUT",
           headers={"Content-Type": "application/json"}, body='{"name": "pen"}')

# %% [markdown]
# ## 6. Your own browser's DevTools
# On your own project, the first place to look is your browser's DevTools, on your frontend's tab. Open it on
# **Network** and reload the page (or trigger the request). For the PUT above, Chromium shows:
# - a row of Type **`preflight`** (Initiator `Preflight`): the `OPTIONS`, with your API's real status (`400` from
#   Starlette); its *Headers* show `Access-Control-Request-Method: PUT` and `Access-Control-Request-Headers:
#   content-type`;
# - a row for the PUT itself with Status **`CORS error`**, whose *Headers* say **`Provisional headers are shown`**:
#   the PUT never left the browser, because its preflight failed;
# - in the **Console**, the red sentence (section 2's), and a `net::ERR_FAILED` line.
#
# Lesson 08 shows these rows in your own browser, from a lab page. Here, press the button: your browser sends
# the same PUT from a hidden frame on the course's page (`FRONTEND`) to a lab server answering as
# "your" API does (allowing the origin, not the PUT), so you can read both rows in your own DevTools.

# %%
from cors_lab.widgets import send_from_my_browser

page = serve_teaching(page_app(), "page")  # the page your own browser sends from
twin = serve_teaching(api_app(), "api", name="your-api-twin",
                      policy=CorsPolicy(allow_origins=[FRONTEND], preflight_status=400))
send_from_my_browser(twin.url + "/api/items/10", origin=page.origin, **SAVE, title="Send the PUT from my browser")

# %% [markdown]
# ## 7. Your framework's configuration
# One policy, five frameworks. The course writes the configuration that sends exactly the policy's headers, and
# its tests run each in the real framework (uvicorn, Django's runserver, node with express and cors from npm,
# Debian's nginx) and compare every answer with the policy's, request by request. Where a framework answers
# differently, its notes say how (Starlette's 400 above is one).

# %%
policy = CorsPolicy(allow_origins=[FRONTEND], allow_methods=["GET", "PUT", "DELETE"],
                    allow_headers=["Content-Type"], allow_credentials=True, max_age=600)
for name in ("fastapi", "express", "django"):
    print(f"==== {name}")
    print(framework_config(policy, name))

# %% [markdown]
# nginx and flask-cors: `framework_config(policy, "nginx")`, `framework_config(policy, "flask")`. And the doctor
# writes one for exactly the request it found blocked (`report.fix_in("express")`, `--framework express`).
#
# Run the generated FastAPI configuration live, and the PUT that failed in section 2 passes:

# %%
with start_framework(policy, "fastapi") as fixed_api:
    fixed_save = Browser(FRONTEND).fetch(fixed_api.url + "/api/items/1", **SAVE)
print(fixed_save.summary(), "-", fixed_save.text)

# %% [markdown]
# ## 8. Each framework's classic traps, live
# Each quiz shows a real configuration that looks right and the fetch a page makes. **Predict**, then press: the
# real framework starts with that configuration on a free port, the request is sent, then the fixed configuration
# runs the same request, and both stop. (The first Express quiz installs express and cors from npm once.)

# %%
TrapQuiz("express-cors-after-auth")

# %%
TrapQuiz("express-origin-true-with-credentials")

# %%
TrapQuiz("starlette-star-with-credentials")

# %%
TrapQuiz("starlette-500-without-cors")

# %%
TrapQuiz("django-cors-after-answering-middleware")

# %%
TrapQuiz("django-origin-with-trailing-slash")

# %%
TrapQuiz("nginx-add-header-without-always")

# %%
TrapQuiz("nginx-and-app-both-send-the-header")

# %% [markdown]
# Also in the table: `TrapQuiz("express-cors-after-routes")`. The pattern behind most of them: **the CORS layer
# must be the first to see every request and the last to touch every answer** — before auth, before the routes,
# around the error handler, with `always` in nginx, and in one place only.

# %% [markdown]
# ## 9. Your dev server's proxy: Vite
# Lesson 07's dev proxy is what Vite's `server.proxy` does. Here is the real one: Vite from npm (installed once,
# into a temporary folder), serving a tiny frontend whose `vite.config.js` is:

# %%
from cors_lab import dev_proxy
from cors_lab.course import build_and_serve, origin_checking_api, start_vite, vite_config

plain_api = serve_teaching(api_app(), "api2", name="plain-api")  # an API that sends no CORS header at all
print(vite_config(plain_api.url))

# %% [markdown]
# Under the dev server, the page's `fetch("/api/public")` goes to Vite's own origin, and Vite forwards it to the
# API: same-origin, no CORS check, nothing to allow. Real Chromium loads the page Vite serves and runs the fetch:

# %%
vite = start_vite(plain_api.url)
with ChromiumBrowser(vite.origin, route_page=False) as real:
    through_vite = real.fetch(vite.url + "/api/public")
print(through_vite.summary(), through_vite.text)

# %% [markdown]
# **The proxy exists only under the dev server.** `vite build` writes static files; the host that serves them in
# production (a CDN, nginx) has no `/api`, so the build calls the API by its full URL (`VITE_API_URL` here) — and
# the CORS error the proxy hid is back. Predict before you run the next cell:

# %%
site = build_and_serve(plain_api.url)  # vite build, then dist/ served as static files


def after_the_build():
    with ChromiumBrowser(site.origin, route_page=False) as real:
        own_path = real.fetch(site.url + "/api/public")
        direct = real.fetch(plain_api.url + "/api/public")
    return Outcome("blocked" if direct.blocked else "allowed",
                   f"The static host answers its own /api/public with {own_path.status}: there is no proxy. The "
                   "build calls the API directly, cross-origin, and the API sends no CORS header.",
                   details=f"Console: {direct.error}", result=direct, calls=[])


Predict("After vite build, the page calls the API by its URL. Does real Chromium let it read the answer?",
        ["allowed", "blocked"], after_the_build, title="vite build", servers=[site, plain_api])

# %% [markdown]
# So a dev proxy is a development convenience, not a CORS fix: production needs the API to send the headers
# (sections 7 and 8), or a proxy of your own in front of both (lesson 07).
#
# **Vite forwards the browser's `Origin`.** `changeOrigin: true` rewrites the `Host` header only. A browser sends
# `Origin` on every POST, same-origin ones too, so an API that refuses foreign Origins (a CSRF guard, a CORS
# middleware that answers 403) refuses the POST that came through the proxy: it sees the dev server's origin.

# %%
guarded = serve_teaching(origin_checking_api([FRONTEND]), "internal", name="origin-checking-api")
vite_to_guarded = start_vite(guarded.url)
with ChromiumBrowser(vite_to_guarded.origin, route_page=False) as real:
    post = real.fetch(vite_to_guarded.url + "/api/items", method="POST",
                      headers={"Content-Type": "application/json"}, body="{}")
print(post.status, post.text)
print("the API received:", guarded.last_request(), "- Origin:", guarded.last_request().origin)

# %% [markdown]
# The course's own dev proxy does either: `dev_proxy(..., origin="strip")` (the default) drops `Origin`,
# `origin="forward"` sends it as Vite does. In Vite, the same stripping is a `configure` hook on the proxy entry
# (`proxy.on("proxyReq", (req) => req.removeHeader("origin"))`), or allowing the dev origin in the API.

# %%
for mode in ("strip", "forward"):
    proxy = serve_teaching(dev_proxy(page_app(api_url=""), api_url=guarded.url, origin=mode), "dev_proxy",
                           name=f"dev-proxy-{mode}")
    result = Browser(proxy.origin).fetch(proxy.url + "/api/items", method="POST", body="{}")
    print(f"origin={mode!r}: {result.status}, the API saw Origin: {guarded.last_request().origin}")
    proxy.stop()

# %% [markdown]
# ### `vite preview` is not production
# `vite preview` serves the build on your machine, so it looks like the place to check production. It is not: it
# keeps `server.proxy` (Vite's `preview.proxy` defaults to it). The page there still calls its own `/api`, and it
# works — where a real static host, like the one above, answers `404`. **Predict** what the preview answers:

# %%
import requests

from cors_lab.course import start_preview

preview = start_preview(plain_api.url)  # vite build, then vite preview of the build


def through_preview():
    answer = requests.get(preview.url + "/api/public", timeout=10)
    seen = plain_api.last_request(path="/api/public")
    return Outcome("200" if answer.status_code == 200 else str(answer.status_code),
                   "vite preview forwards /api to the API as the dev server did: the proxy is still there, so the "
                   "CORS error of production does not show up in the preview.",
                   details=f"The API received: {seen}", calls=[])


Predict("The built page calls its own /api/public on vite preview. What does it get?", ["200", "404"],
        through_preview, title="vite preview", servers=[plain_api])

# %% [markdown]
# To see production before you deploy, serve `dist/` with a plain static server (what `build_and_serve` does), or
# ask the API with the doctor from your production origin (section 3).
#
# ### What Vite really sends the API
# Read from the API's log, not from memory: the browser's `Origin` and `Referer` pass through untouched,
# `changeOrigin` only chooses the `Host` (the API's own with `true`, the dev server's with `false`), and Vite adds
# no `X-Forwarded-*` and no `Via` header.

# %%
for change_origin in (True, False):
    with start_vite(plain_api.url, change_origin=change_origin) as dev:
        with ChromiumBrowser(dev.origin, route_page=False) as real:
            real.fetch(dev.url + "/api/echo", method="POST", headers={"Content-Type": "application/json"}, body="{}")
    seen = plain_api.last_request(method="POST").headers
    print(f"changeOrigin: {str(change_origin).lower():5}  dev server {dev.origin}  API {plain_api.origin}")
    for name in ("Host", "Origin", "Referer", "X-Forwarded-For", "Via"):
        print(f"    {name + ':':17}{seen.get(name, '(not sent)')}")

# %% [markdown]
# ### Stripping Origin in Vite itself
# When you cannot allow the dev origin in the API, remove `Origin` in the proxy, with a `configure` hook on the
# proxy entry (the course's `dev_proxy(origin="strip")` does the same):

# %%
print(vite_config(guarded.url, strip_origin=True))

# %%
with start_vite(guarded.url, strip_origin=True) as dev:
    with ChromiumBrowser(dev.origin, route_page=False) as real:
        post = real.fetch(dev.url + "/api/items", method="POST", headers={"Content-Type": "application/json"},
                          body="{}")
print(post.status, post.text.strip(), "| the browser sent Origin:", post.exchanges[-1].origin_sent,
      "| the API received Origin:", guarded.last_request(method="POST").origin)

# %% [markdown]
# The POST goes through: the API never saw the page's origin. That is a dev-only workaround: in production the
# page's real origin reaches the API, so the API must allow it there (sections 7 and 8).

# %%
preview.stop()

# %% [markdown]
# ## Exercise: fix "your" FastAPI app
# Edit `my_options` (the keyword arguments of `app.add_middleware(CORSMiddleware, ...)`), run the cell, press
# **Check**. The checker runs your options in real Starlette and probes it as the browser would: your frontend reads
# `/api/data` with the user's cookies and saves with its JSON PUT; an attacker's page (`ATTACKER`) reads nothing
# with the user's cookies.

# %%
my_options = dict(
    allow_origins=[FRONTEND + "/"],
    allow_methods=["GET"],
    allow_credentials=True,
)

# %%
ExerciseChecker(
    f"your frontend {FRONTEND} reads /api/data with cookies and saves with a JSON PUT; {ATTACKER} reads nothing.",
    check=check_my_fastapi, answer="my_options", title="Fix your FastAPI app",
    hints=["An origin is scheme://host:port, never with a trailing slash: Starlette compares the strings exactly.",
           "The PUT needs allow_methods to list PUT (Starlette always allows Content-Type; other headers, such as "
           "Authorization, would need allow_headers).",
           "Never allow_origins=['*'] with allow_credentials=True: Starlette then echoes any Origin."],
    solution="solutions/10_debug_your_own_api.py")

# %% [markdown]
# ## Recap
# - The course's tools reach any URL: `Browser(origin=...).fetch(url)`, `ChromiumBrowser`, the playground, and
#   `cors-lab doctor URL --origin ORIGIN` (safe by default; exit 0/1/2 for CI).
# - `curl` shows what the server answers; only a browser enforces CORS. Replay the preflight with curl to see the
#   `Access-Control-Allow-*` headers the browser judged.
# - In DevTools → Network: the `preflight` row carries the server's real answer; `CORS error` and `Provisional
#   headers are shown` on the request mean the browser refused (or never sent) it.
# - Write CORS once, in your framework's middleware, first in the chain, with exact origins when cookies are
#   involved; keep it on error answers.
# - A dev server's proxy (Vite's `server.proxy`) hides CORS in development only; it forwards `Origin`.
#
# The last cell stops the servers and the framework processes this notebook started.

# %%
stop_all()
