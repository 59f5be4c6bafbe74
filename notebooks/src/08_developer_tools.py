# %% [markdown]
# # 08 · Developer tools: fixes that only work on your machine
#
# Search for a CORS error and the first answers are often: "install an Allow-CORS extension", "start Chrome with
# `--disable-web-security`", "prefix the URL with a public CORS proxy". They make the error disappear — on **your**
# machine. Here we run each of them for real, in headless Chromium, and look at what they cost.
#
# **In this notebook you will**
# 1. see the same request blocked in a normal Chromium and allowed by an "Allow CORS" extension;
# 2. see what such an extension cannot do (credentials);
# 3. run Chromium with web security disabled, and watch any page read any site's private data;
# 4. learn why CORS Anywhere's public demo was restricted;
# 5. explain why none of this ships to production.
#
# Every experiment here runs in real Chromium; without it installed, the cells say how to get it.

# %%
import requests

from cors_lab import Browser, ChromiumBrowser, api_app, chromium_available, stop_all
from cors_lab.course import serve_teaching

FRONTEND, ATTACKER = "http://localhost:8001", "http://localhost:8666"
api = serve_teaching(api_app(), port=8002, name="api")  # sends no CORS headers at all
HAVE_CHROMIUM = chromium_available()
print("Chromium available:", HAVE_CHROMIUM)

# %% [markdown]
# ## 1. The baseline: blocked
# **Predict:** what does a normal Chromium say when the page at 8001 reads `/api/public`?

# %%
normal = ChromiumBrowser(origin=FRONTEND).fetch(api.url + "/api/public") if HAVE_CHROMIUM else None
print(normal.error if normal else "install Chromium: sudo apt-get install chromium")

# %% [markdown]
# ## 2. An "Allow CORS" extension
# Such extensions rewrite the **responses** your browser receives: after the server answered and before the browser's
# CORS check, they add `Access-Control-Allow-Origin: *` (and friends). The server never changed.
#
# **Predict:** does the same request pass now? Does the server's log look any different?

# %%
from cors_lab import fetch_with_extension

api.clear_log()
if HAVE_CHROMIUM:
    with_extension = fetch_with_extension(FRONTEND, api.url + "/api/public")
    print("blocked:", with_extension.blocked, "| JS reads:", with_extension.text.strip())
    print("headers the *server* sent:", api.log[-1].response_header("Access-Control-Allow-Origin"))

# %% [markdown]
# The page reads the data, yet the server sent no CORS header: the "fix" lives in this one browser.
#
# ### What the extension cannot do
# Most extensions add `*`. **Predict:** what happens to a request that carries the user's cookies?

# %%
if HAVE_CHROMIUM:
    with_cookies = fetch_with_extension(FRONTEND, api.url + "/api/private", credentials="include")
    print(with_cookies.error)

# %% [markdown]
# The wildcard is refused with credentials — the exact error many developers met *after* installing the extension.
# (Extensions that echo the Origin and add `Allow-Credentials: true` exist; they turn your browser into one where every
# website can read every other site's data with your cookies. Which brings us to the next tool.)
#
# ## 3. Chromium with `--disable-web-security`
# Started with this flag (and its own `--user-data-dir`), Chromium skips the same-origin policy altogether.
#
# **Predict:** you are logged in to the API and, in this browser, you visit the attacker's page. Can its script read
# your private data?

# %%
if HAVE_CHROMIUM:
    sid = requests.post(api.url + "/login", json={"user": "alice"}).cookies["sid"]
    unsafe = ChromiumBrowser(origin=ATTACKER, disable_web_security=True)
    unsafe.set_cookie(api.url + "/", f"sid={sid}; SameSite=Lax")
    stolen = unsafe.fetch(api.url + "/api/private", credentials="include")
    print("blocked:", stolen.blocked, "| the attacker's page reads:", stolen.text.strip())
    print("what the API saw:", api.log_text(1))
    unsafe.close()

# %% [markdown]
# Every site you visit in that browser can read every other site you are logged in to: your mail, your bank, your
# company's admin panel. (Notice too that this Chromium did not even send an `Origin` header.) Use it, if ever, with a
# throw-away profile that is logged in to nothing, and close it right after.
#
# ## 4. Public CORS proxies
# `https://cors-anywhere.herokuapp.com/https://api.example.com/...` was for years the copy-paste fix: a public
# CORS-adding proxy (notebook 07 built a safe one). It was so widely abused — scraping, hiding the origin of attacks,
# bandwidth — that in 2021 its owner restricted the public demo: you must now opt in on its page, temporarily, and it is
# rate-limited. Besides, every request and every token you send through a stranger's proxy is theirs to read.
#
# ## 5. Why none of this ships
# CORS is enforced by **your users'** browsers. An extension, a flag or a bookmark on your machine changes nothing for
# them: the request that "works" for you is blocked for everyone else. The engine, which models a normal browser,
# agrees:

# %%
Browser(origin=FRONTEND).fetch(api.url + "/api/public")

# %% [markdown]
# Real fixes are on the server (notebook 06) or a proxy you run (notebook 07).

# %% [markdown]
# ## Exercise: which of these fixes reaches your users?
# For each option, say `True` if it makes the request work **for every user's normal browser**, `False` otherwise.

# %%
answers = {
    "install an Allow-CORS extension": None,
    "start Chromium with --disable-web-security": None,
    "send Access-Control-Allow-Origin from the API": None,
    "serve the page and the API from one origin behind a reverse proxy": None,
    "prefix URLs with a public CORS proxy": None,
}

# %%
from cors_lab.course import check_devtools_quiz

check_devtools_quiz(answers)

# %%
stop_all()

# %% [markdown]
# ## Recap
# - Extensions and `--disable-web-security` change **one** browser; your users' browsers still block.
# - An extension that adds `*` still fails with credentials; one that echoes origins with credentials is dangerous.
# - `--disable-web-security` lets any page read any site's data with your cookies: throw-away profile only.
# - Public CORS proxies were abused and restricted, and they see everything you send.
# - Fix the server, or run your own safe proxy.
#
# Next: **09 · Attacks on misconfigured CORS**.
