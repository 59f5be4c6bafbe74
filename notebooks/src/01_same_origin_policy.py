# %% [markdown]
# # 01 · The same-origin policy
#
# **In this notebook you will**
# 1. tell whether two URLs have the same **origin**, at a glance;
# 2. predict, then watch live, what the browser protects, and from whom (the two-tab story);
# 3. see a server **receive and answer** a request whose answer the browser then hides;
# 4. see why `curl`, `requests` or Postman never meet CORS;
# 5. prove that CORS is **not authentication**: anyone outside a browser can claim any `Origin`.
#
# Run the cells from top to bottom (Shift+Enter). Every cell can be re-run safely.

# %% [markdown]
# ## 1. Three servers, three origins
# A frontend page, the API it calls, and a page an attacker controls. Same machine, same scheme, three ports: the
# cell prints each server's origin (keep them in view, the lesson refers to them).

# %%
from cors_lab import Browser, api_app, attacker_app, page_app, stop_all
from cors_lab.course import serve_teaching

page = serve_teaching(page_app(), "page")
api = serve_teaching(api_app(), "api")
attacker = serve_teaching(attacker_app(), "attacker")
for server in (page, api, attacker):
    print(f"{server.name:>8}: origin {server.origin}")

# %% [markdown]
# An **origin** is the triple *scheme + host + port*. Two URLs are **same-origin** only when all three are equal;
# the path, the query string and the fragment never count.
#
# ### Exercise 1: same origin or not?
# For each URL, decide whether it is same-origin with the page (its origin is printed above). `page_port` and
# `api_port` are the page's and the API's ports, so `f"http://localhost:{page_port}/api/data"` is the page's own
# server with a path. Replace each `None` by `True` or `False`, run the cell, then press **Check** (and **Hint**, one
# hint at a time, if you are stuck).

# %%
from cors_lab.course import PORTS

page_port, api_port = PORTS["page"], PORTS["api"]
answers = {
    f"http://localhost:{page_port}/api/data": None,
    f"http://localhost:{api_port}/api/data": None,
    f"https://localhost:{page_port}/": None,
    f"http://127.0.0.1:{page_port}/": None,
    f"http://localhost:{page_port}/admin?page=2#top": None,
    f"http://LOCALHOST:{page_port}/": None,
    "http://localhost/": None,
}

# %%
from cors_lab.course import check_same_origin_answers
from cors_lab.widgets import ExerciseChecker

ExerciseChecker(
    f"for each URL, is it same-origin with the page at {page.origin}? Answer True or False.",
    check=check_same_origin_answers, answer="answers", title="Exercise 1: same origin or not?",
    hints=["http and https are different schemes, so different origins.",
           "localhost and 127.0.0.1 point to the same machine, but they are different hosts as written.",
           "Host names are case-insensitive; no port written means the default one (80 for http)."],
    solution="solutions/01_same_origin_policy.py")

# %% [markdown]
# ## 2. What the browser protects, and from whom: the two-tab story
# Alice has two tabs open in **one** browser. In the first, the bank's page (the page server), she logs in: the API
# answers with a session cookie. A cookie belongs to a **host**, not to an origin: this one is stored for
# `localhost`, whatever the port (a cookie the API sets on `localhost` is also sent to the attacker's server, on
# another port of `localhost`). In the second tab she opens the attacker's page, whose script calls the bank's API
# **with her cookies** (`credentials: "include"`), exactly as `attacker_app()`'s page does.
#
# The model tabs (`Browser(origin=...)`, the course's model of a tab: it follows the same rules as Chromium) share one
# cookie jar. **Predict** each answer before you look; every button runs the request live and draws it.

# %%
from cors_lab.course import ATTACKER, FRONTEND
from cors_lab.widgets import two_tab_story

two_tab_story(api, bank=FRONTEND, attacker=ATTACKER)

# %% [markdown]
# Each answer also offers **Send from my browser**: your own browser plays Alice. It logs in from a hidden frame on
# the bank's page, then a frame on the attacker's page (its origin is printed in section 1) asks for `/api/private`
# with her cookie. With DevTools open on **Network** (filter with the API's port), that row says `CORS error`; click
# it: `200 OK`. The
# server answered, and the widget's log says the request came with cookies.
#
# Once you have answered all three: this is the **same-origin policy**.
#
# > a page may *send* requests to any origin, but its script may only *read* answers from its own origin,
# > unless the other origin says otherwise (that "saying otherwise" is CORS).
#
# Without it, any page you visit could read your mail, your bank balance, your intranet, with your cookies.
# Notice what it does **not** do: it does not stop the request from being sent, or the server from acting on it.
# Lesson 09 comes back to that in its section **"CSRF: blocked, but processed"**.
#
# Why did the cookie go at all? The attacker's page here is on `localhost` too: the **same site** as the API (a site
# ignores ports, notebook 00's inspector shows it). An attacker on another site meets the cookie rules first
# (SameSite, third-party cookies: lesson 04); what stops the *reading* is the same-origin policy, either way.

# %% [markdown]
# ## 3. A browser tab and a Python program
# Now the page's script (in a model tab) and a Python program (with the `requests` library) send the **same**
# request: `GET /api/public` to the API, with the same header `Origin`, the page's origin.
#
# **Predict** who gets to read the answer. The button runs both requests, live, and shows what each one got.

# %%
from cors_lab.widgets import BrowserOrPython

BrowserOrPython(api, "/api/public", origin=FRONTEND)

# %% [markdown]
# Once you have answered: the server answered both the same way. Only the **browser** hid the answer, from the
# page's script. The browser enforces CORS on behalf of its user, whose cookies are at stake: it runs scripts that
# strangers wrote. A program you run yourself (`curl`, `requests`, Postman) is not a browser tab running someone
# else's script, so nothing is blocked. That is why "it works in Postman" proves nothing about CORS.

# %% [markdown]
# ## 4. Ask a real browser
# Is the model tab right? Here is the same call in real headless Chromium (this takes a couple of seconds the
# first time), compared with the model tab's. Without Chromium on this machine, the cell says so in one line.

# %%
from cors_lab import ChromiumBrowser, chromium_available, compare, unavailable_reason

if chromium_available():
    with ChromiumBrowser(origin=FRONTEND) as real:
        seen = real.fetch(api.url + "/api/public")
    model = Browser(origin=FRONTEND).fetch(api.url + "/api/public")
    print(compare(model, seen).sentence(first="the model tab"))
    print("Chromium's console:", seen.error)
else:
    print("No Chromium here:", unavailable_reason())

# %% [markdown]
# ### And your own browser
# The same call once more, from **your** browser, as in notebook 00: open DevTools (F12) on **Console**, then press
# the button. Three views of one request: your console's red sentence (the browser's reason, for you), the widget's
# server log (the request arrived and was answered `200`), and `TypeError: Failed to fetch` (all the page's script
# got). In the **Network** tab, the row `public` has the status `CORS error`.

# %%
from cors_lab.widgets import send_from_my_browser

send_from_my_browser(api.url + "/api/public", origin=FRONTEND)

# %% [markdown]
# ## 5. CORS is not authentication
# The `Origin` header is written by the browser, and a page's script cannot change it. But outside a browser,
# `Origin` is just a header: anyone can type any value.
#
# ### Exercise 2: forge an Origin
# From Python, ask the API for `/api/public` **claiming to be the attacker's page** (its origin is `ATTACKER`,
# imported in section 2, and printed in section 1), and put the JSON you get into `data`.

# %%
import requests  # noqa: F401 - the library your code uses

data = None  # your code here

# %%
from cors_lab.course import check_forged_origin


def check_my_forgery(data):
    return check_forged_origin(api, data)  # the running API: re-running the first code cell starts a new one


ExerciseChecker(
    f"from Python, get /api/public from the API claiming Origin: {ATTACKER}, and keep its JSON in `data`.",
    check=check_my_forgery, answer="data", servers=[api], title="Exercise 2: forge an Origin",
    hints=["requests.get(url, headers={'Origin': '...'}) sends any header you like.",
           "response.json() turns the answer into a dict."],
    solution="solutions/01_same_origin_policy.py")

# %% [markdown]
# So a server must **never** decide *who* you are from `Origin`: CORS only tells browsers which pages may read an
# answer. Protect data with authentication (cookies, tokens) and authorization on the server.

# %% [markdown]
# ## Recap
# - An origin is **scheme + host + port**; paths never count, `localhost` ≠ `127.0.0.1`, `http` ≠ `https`.
# - A cookie belongs to a **host** (ports are ignored), and goes with `credentials: "include"` to a same-site API.
# - The **same-origin policy** lets a page *send* requests anywhere but *read* only its own origin's answers.
# - A blocked request **was received and answered**: the server's log shows it. The browser hides the answer.
# - `curl` / `requests` / Postman are not browsers: no CORS there, and any `Origin` can be forged.
# - So CORS is **not** authentication: it protects users' browsers, not your server.
#
# Next: **02 · Reading a CORS error**.
#
# ## 6. Stop everything

# %%
stop_all()
