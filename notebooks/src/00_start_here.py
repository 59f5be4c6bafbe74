# %% [markdown]
# # 00 · Start here
#
# **In this notebook you will**
# 1. check that your machine is ready for the course;
# 2. start two real web servers with one line each;
# 3. predict, then see, that two ports on the same machine are two different **origins** (but one **site**);
# 4. compare any two URLs, part by part, with the **origin inspector**;
# 5. read a server's **request log** — the tool you will use in every lesson;
# 6. send your first blocked request from **your own browser**, and read it in DevTools;
# 7. start a server yourself, checked by the exercise checker; then stop everything cleanly.
#
# Run the cells from top to bottom (Shift+Enter). Every cell can be re-run safely.

# %% [markdown]
# ## 1. Is the machine ready?
# Each line says ✔ or ✘, and what to do about a ✘. Chromium is only needed for the cells that
# ask a real browser; everything else works without it.

# %%
# NBVAL_IGNORE_OUTPUT
from cors_lab.course import check_environment

check_environment()

# %% [markdown]
# ## 2. Two servers, one line each
# `serve(app, port=..., name=...)` starts a Flask app in the background of this notebook. It listens on
# `127.0.0.1` (loopback) only, so no other machine on your network can reach it; on your own computer, only the
# programs running on it can. On a machine shared with others, such as a workshop's JupyterHub, their programs can
# reach your servers too: the course notices that and says so in one line (its accounts and secrets are fake demo
# data, so nothing real is at stake).
#
# The course's servers have *teaching ports*, all in one block: `serve_teaching(app, "page")` starts an app on the
# port of the course's web page (the frontend), `serve_teaching(app, "api")` on the API's. The cell prints where
# your servers are: on your own computer the block is 8700-8799, under a JupyterHub every learner has a block of
# their own. Look back at this line whenever a lesson asks for a port. (If a port is already taken, the helper
# picks a free one and tells you.)

# %%
from cors_lab import api_app, page_app
from cors_lab.course import port_summary, serve_teaching

page = serve_teaching(page_app(), "page")
api = serve_teaching(api_app(), "api")
print(port_summary())
page, api

# %% [markdown]
# ## 3. Predict, then see: same origin or not?
# An **origin** is *scheme + host + port*. Both servers run on the same machine (`localhost`) with the same
# scheme (`http`). **Predict:** does the browser consider the page and the API the same origin? Press your answer:
# the widget then says whether you were right, and why.

# %%
from cors_lab.course import API, FRONTEND
from cors_lab.widgets import OriginInspector, predict_same_origin

predict_same_origin(FRONTEND + "/", API + "/api/public")

# %% [markdown]
# The page and the API differ only by their port, and that is enough: a script on the page that calls the API
# makes a *cross-origin* request — and that is where CORS comes in. The rest of the course is about what the
# browser does with such requests.
#
# ### The origin inspector
# Type any two URLs and press **Compare**: the inspector takes them apart as the browser does, part by part, and
# also says whether they are the same **site**. A site is coarser than an origin: the scheme plus the *registrable
# domain* (`example.co.uk` for `shop.example.co.uk`, read from the Public Suffix List); ports never count. Cookies
# follow sites and hosts, not origins (lesson 01 shows why that matters). `localhost` and IP addresses have no
# registrable domain: each is a site by itself.
#
# Try changing the page's URL: write `LOCALHOST` in capitals, add `/a?x#y`, replace `http` by `https`, or
# `localhost` by `127.0.0.1`; then compare `https://shop.example.co.uk/` with `https://www.example.co.uk:8443/`.

# %%
OriginInspector(FRONTEND + "/", API + "/api/public")

# %% [markdown]
# ## 4. The request log
# Every request a lab server receives is recorded: method, path, the `Origin` header, cookies, and what the server
# answered. Let us send two requests from Python (not from a browser) and look.

# %%
import requests

requests.get(api.url + "/api/public", headers={"Origin": page.origin})
requests.get(api.url + "/api/private")
print(api.log_text())

# %% [markdown]
# Each entry is plain data you can inspect:

# %%
entry = api.log[0]
entry.method, entry.path, entry.origin, entry.status

# %% [markdown]
# Notice: the API answered `200` to the request that carried the page's origin in its `Origin` header — a server
# **always** receives and answers cross-origin requests. Whether the *page's script* may read the answer is
# decided later, by the browser. Keep this in mind; lesson 01 shows it live.

# %% [markdown]
# ## 5. Your own browser meets CORS
# So far Python sent everything. Now **your** browser, the one showing this notebook, sends the request the whole
# course is about: a script on the page asks the API for `/api/public`. (The button sends it from a hidden frame
# that the page server serves, so the request really comes from the page's origin, not from JupyterLab's.)
#
# 1. Open DevTools **now**, before you press: F12 (Cmd+Option+I on a Mac), tab **Console**.
# 2. Press **Send from my browser**.
# 3. Read the console.

# %%
from cors_lab.widgets import send_from_my_browser

send_from_my_browser(api.url + "/api/public", origin=page.origin)

# %% [markdown]
# What your DevTools show (Chrome, Edge and other Chromium-based browsers; Firefox words it differently, and the
# widget then shows Firefox's words):
# - **Console**: a red sentence, `Access to fetch at 'http://localhost:<the API's port>/api/public' from origin
#   'http://localhost:<the page's port>' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is
#   present on the requested resource.` (with the ports of section 2). Below it, a second red line with the request
#   and the network error `net::ERR_FAILED` (`GET http://localhost:<the API's port>/api/public net::ERR_FAILED 200
#   (OK)` when DevTools was already open; opened afterwards, it reads `Failed to load resource: net::ERR_FAILED`).
# - **Network** tab (JupyterLab makes many requests of its own: type the API's port, printed in section 2, into its
#   Filter box): a row named
#   `public` whose status is `CORS error`. Click it: the headers say the server answered `200 OK`, and there is no
#   `Access-Control-Allow-Origin` among the response headers.
#
# The page's script itself saw only `TypeError: Failed to fetch`: the reason is written for you, in DevTools, never
# for the script. What DevTools does not show, the widget does: the **server's log** (the request arrived and was
# answered, so nothing was "blocked" on the way there) and the engine's **step by step** explanation, with the fix.
# It also says whether your browser did what the course's engine predicts. Every lesson has this button next to its
# central request.
#
# *On JupyterHub or Binder* your browser cannot reach this notebook's servers: the widget says so in one line, and
# the headless Chromium next to the kernel sends the request instead (you then read its console in the widget).

# %% [markdown]
# ## 6. Exercise: start a third server
# Start a second API (use `api_app()`) named `"api2"`, on the teaching port of that name (the one after the API's),
# and send it one request from Python. Run your cell, then press **Check** below: it says what still fails; **Hint**
# gives one hint at a time.

# %%
# Your code here: replace None with a running server (serve_teaching and api_app are imported above)
api2 = None

# %%
from cors_lab.course import check_third_server
from cors_lab.widgets import ExerciseChecker

ExerciseChecker(
    "start a third lab server, the teaching server named 'api2', and send it one request from Python.",
    check=check_third_server, answer="api2", title="Exercise: a third server",
    hints=["api_app() makes a fresh API; serve_teaching(app, 'api2') starts it, as in section 2.",
           "requests.get(api2.url + '/api/public') sends one request; the check reads api2's log."],
    solution="solutions/00_start_here.py")

# %% [markdown]
# ## Recap
# - An origin is **scheme + host + port**: the page and the API, on one host but two ports, are two origins.
# - A **site** is scheme + registrable domain: ports never count, so both are on the site `http://localhost`.
# - `serve(...)` starts a real server on loopback in one line; re-running the cell replaces it.
# - A server's **log** shows every request it received — even the ones a browser will later refuse to show to a script.
# - Servers answer everybody; CORS is about what the *browser* lets a page's script read.
# - The reason for a blocked request is in **DevTools** (Console, Network), never in the script: press **Send from
#   my browser** with DevTools open, in any lesson.
#
# Next: **01 · The same-origin policy**.
#
# ## 7. Stop everything
# `stop_all()` stops every lab server of this notebook and frees the ports at once (restarting the kernel does
# too). The widgets above that need no server keep working; the checker will ask you to re-run your cell.

# %%
from cors_lab import stop_all

stop_all()
