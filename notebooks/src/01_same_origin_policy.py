# %% [markdown]
# # 01 · The same-origin policy
#
# **In this notebook you will**
# 1. tell whether two URLs have the same **origin**, at a glance;
# 2. see what the browser protects, and from whom (the logged-in-user story);
# 3. watch a server **receive and answer** a request whose answer the browser then hides;
# 4. see why `curl`, `requests` or Postman never meet CORS;
# 5. prove that CORS is **not authentication**: anyone outside a browser can claim any `Origin`.
#
# Run the cells from top to bottom (Shift+Enter). Every cell can be re-run safely.

# %% [markdown]
# ## 1. Three servers, three origins
# A frontend page (8001), the API it calls (8002), and a page an attacker controls (8666). Same machine, same
# scheme, three ports.

# %%
from cors_lab import Browser, api_app, attacker_app, page_app, stop_all
from cors_lab.course import serve_teaching

page = serve_teaching(page_app(), port=8001, name="page")
api = serve_teaching(api_app(), port=8002, name="api")
attacker = serve_teaching(attacker_app(), port=8666, name="attacker")
for server in (page, api, attacker):
    print(f"{server.name:>8}: origin {server.origin}")

# %% [markdown]
# An **origin** is the triple *scheme + host + port*. Two URLs are **same-origin** only when all three are equal;
# the path, the query string and the fragment never count.
#
# ### Exercise 1: same origin or not?
# For each URL, decide whether it is same-origin with the page at `http://localhost:8001`. Replace each `None`
# by `True` or `False`, then run the check.

# %%
answers = {
    "http://localhost:8001/api/data": None,
    "http://localhost:8002/api/data": None,
    "https://localhost:8001/": None,
    "http://127.0.0.1:8001/": None,
    "http://localhost:8001/admin?page=2#top": None,
    "http://LOCALHOST:8001/": None,
    "http://localhost/": None,
}

# %%
from cors_lab.course import check_same_origin_answers

check_same_origin_answers(answers)

# %% [markdown]
# <details><summary>Hints</summary>
#
# - `http` and `https` are different schemes, so different origins.
# - `localhost` and `127.0.0.1` point to the same machine, but they are different *hosts* as written.
# - Host names are case-insensitive; no port written means the default one (80 for `http`).
# - The solution is in `solutions/01_same_origin_policy.py`.
# </details>

# %% [markdown]
# ## 2. What the browser protects, and from whom
# Alice logs in to the API. Her browser now holds a session cookie for `localhost:8002`. Later, in another tab, she
# opens the attacker's page at `:8666`. The attacker's script calls the API **with Alice's cookies**
# (`credentials: "include"`), exactly as `attacker_app()`'s page does.
#
# `Browser(origin=...)` is the course's model of one browser tab: its `fetch()` follows the same rules as
# Chromium. Two tabs of one browser share one cookie jar.

# %%
alice = Browser(origin=page.origin)
alice.fetch(api.url + "/login?user=alice", method="POST", credentials="include")  # Alice logs in (lesson 04: how)
evil_tab = Browser(origin=attacker.origin)
evil_tab.cookies = alice.cookies  # same browser, another tab: same cookies
api.clear_log()

# %% [markdown]
# **Predict:** the API sends no CORS headers at all. The attacker's script asks for `/api/private` with Alice's
# cookie. Will the script get Alice's data? Will the API even receive the request?
#
# Decide, then run.

# %%
stolen = evil_tab.fetch(api.url + "/api/private", credentials="include")
print("JavaScript on the attacker's page sees:", stolen.exception)
print("Console:", stolen.error)

# %% [markdown]
# The script got nothing but `TypeError: Failed to fetch`. Now the server's side of the story:

# %%
print(api.log_text())

# %% [markdown]
# The API **received** the request, **with Alice's cookie**, and **answered 200** with her data. The browser then
# refused to hand that answer to the attacker's script. This is the **same-origin policy**:
#
# > a page may *send* requests to any origin, but its script may only *read* answers from its own origin,
# > unless the other origin says otherwise (that "saying otherwise" is CORS).
#
# Without it, any page you visit could read your mail, your bank balance, your intranet, with your cookies.
# Notice what it does **not** do: it does not stop the request from being sent. Lesson 09 comes back to that.

# %% [markdown]
# ## 3. Ask a real browser
# Is the model right? The same call, in real headless Chromium (this takes a couple of seconds the first time).
# **Predict:** the same console sentence, word for word?

# %%
from cors_lab import ChromiumBrowser, chromium_available, unavailable_reason

if chromium_available():
    real = ChromiumBrowser(origin=page.origin)
    seen = real.fetch(api.url + "/api/public")
    model = Browser(origin=page.origin).fetch(api.url + "/api/public")
    print("Chromium:", seen.exception, "|", seen.error)
    print("same sentence as the model:", seen.error == model.error)
    real.close()
else:
    print("No Chromium here:", unavailable_reason())

# %% [markdown]
# ## 4. Why `curl`, `requests` and Postman never see CORS
# CORS is enforced by the **browser**, on behalf of the user whose cookies are at stake. A program you run
# yourself is not a browser tab running someone else's script, so nobody blocks anything.
#
# **Predict:** the same request from Python's `requests`, with the page's `Origin` header. Blocked?

# %%
import requests

from_python = requests.get(api.url + "/api/public", headers={"Origin": page.origin}, timeout=5)
from_browser = Browser(origin=page.origin).fetch(api.url + "/api/public")
print(f"requests : status {from_python.status_code}, reads {from_python.text.strip()}")
print(f"browser  : {from_browser.exception}  (the server answered {from_browser.exchanges[-1].status})")

# %% [markdown]
# Same server, same answer on the wire. Only the browser hides it. That is why "it works in Postman" proves
# nothing about CORS.

# %% [markdown]
# ## 5. CORS is not authentication
# The `Origin` header is written by the browser, and a page's script cannot change it. But outside a browser,
# `Origin` is just a header: anyone can type any value.
#
# ### Exercise 2: forge an Origin
# From Python, ask the API for `/api/public` **claiming to be the attacker's page** (`http://localhost:8666`), and
# put the JSON you get into `data`.

# %%
data = None  # your code here

# %%
from cors_lab.course import check_forged_origin

check_forged_origin(api, data)

# %% [markdown]
# <details><summary>Hints</summary>
#
# - `requests.get(url, headers={"Origin": "..."})` sends any header you like.
# - `response.json()` turns the answer into a dict.
# - Solution: `solutions/01_same_origin_policy.py`.
# </details>
#
# So a server must **never** decide *who* you are from `Origin`: CORS only tells browsers which pages may read an
# answer. Protect data with authentication (cookies, tokens) and authorization on the server.

# %% [markdown]
# ## 6. Stop everything

# %%
stop_all()
for server in (page, api, attacker):
    print(server.name, "running" if server.running else "stopped")

# %% [markdown]
# ## Recap
# - An origin is **scheme + host + port**; paths never count, `localhost` ≠ `127.0.0.1`, `http` ≠ `https`.
# - The **same-origin policy** lets a page *send* requests anywhere but *read* only its own origin's answers.
# - A blocked request **was received and answered**: the server's log shows it. The browser hides the answer.
# - `curl` / `requests` / Postman are not browsers: no CORS there, and any `Origin` can be forged.
# - So CORS is **not** authentication: it protects users' browsers, not your server.
#
# Next: **02 · Reading a CORS error**.
