# %% [markdown]
# # 00 · Start here
#
# **In this notebook you will**
# 1. check that your machine is ready for the course;
# 2. start two real web servers with one line each;
# 3. see that two ports on the same machine are two different **origins**;
# 4. read a server's **request log** — the tool you will use in every lesson;
# 5. stop everything cleanly.
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
# `127.0.0.1` only — nobody else on your network can reach it. The course uses memorable *teaching ports*:
# **8001** for the web page (the frontend) and **8002** for the API. (If a port is already taken on your machine,
# the helper picks a free one and tells you.)

# %%
from cors_lab import api_app, page_app
from cors_lab.course import serve_teaching

page = serve_teaching(page_app(), port=8001, name="page")
api = serve_teaching(api_app(), port=8002, name="api")
page, api

# %% [markdown]
# ## 3. Predict, then run: same origin or not?
# An **origin** is *scheme + host + port*. Both servers run on the same machine (`localhost`) with the same
# scheme (`http`). **Predict:** does the browser consider them the same origin?
#
# Write your guess down, then run the next cell.

# %%
from urllib.parse import urlsplit

for server in (page, api):
    parts = urlsplit(server.origin)
    parts_text = f"scheme={parts.scheme}  host={parts.hostname}  port={parts.port}"
    print(f"{server.name:>4}: {parts_text}  -> origin {server.origin}")
print("same origin?", page.origin == api.origin)

# %% [markdown]
# Different ports, so **different origins**. A script on the page at `:8001` that calls the API at `:8002` makes a
# *cross-origin* request — and that is where CORS comes in. The rest of the course is about what the browser
# does with such requests.

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
# Notice: the API answered `200` to the request that carried `Origin: http://localhost:8001` — a server
# **always** receives and answers cross-origin requests. Whether the *page's script* may read the answer is
# decided later, by the browser. Keep this in mind; lesson 01 shows it live.

# %% [markdown]
# ## 5. Exercise: start a third server
# Start a second API (use `api_app()`) named `"api2"` on teaching port **8003**, and send it one request from
# Python. The check below tells you whether you got it.

# %%
# Your code here: replace None with a running server (a solution is in solutions/00_start_here.py)
api2 = None

# %%
from cors_lab.course import check_third_server

check_third_server(api2)

# %% [markdown]
# ## 6. Stop everything
# `stop_all()` stops every lab server of this notebook and frees the ports at once. (Restarting the kernel does too.)

# %%
from cors_lab import stop_all

stop_all()
page, api

# %% [markdown]
# ## Recap
# - An origin is **scheme + host + port**: `http://localhost:8001` and `http://localhost:8002` are different origins.
# - `serve(...)` starts a real server on loopback in one line; re-running the cell replaces it.
# - A server's **log** shows every request it received — even the ones a browser will later refuse to show to a script.
# - Servers answer everybody; CORS is about what the *browser* lets a page's script read.
#
# Next: **01 · The same-origin policy**.
