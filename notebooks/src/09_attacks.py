# %% [markdown]
# # 09 · Attacks on misconfigured CORS
#
# CORS *relaxes* the same-origin policy. Relax it wrongly and a stranger's web page can read your users' private
# data **with their own cookies**. Here we play the attacker against three classic misconfigurations, in the engine
# and in real Chromium with a real cookie, then fix each one.
#
# **In this notebook you will**
# 1. steal a logged-in user's data from a server that **reflects the Origin** with credentials;
# 2. get the same data by making the browser send `Origin: null` to a server that **trusts null**;
# 3. walk through an **unanchored regex**;
# 4. fix each server, with automatic checks that the attacker is blocked and the frontend still works.
#
# The cast: the API at `http://localhost:8002`, the real frontend at `http://localhost:8001`, the attacker's page at
# `http://localhost:8666`. Alice is logged in to the API: her browser holds the session cookie.

# %%
from cors_lab import CorsPolicy, api_app, stop_all
from cors_lab.course import check_private_api, logged_in_browser, serve_teaching

FRONTEND, ATTACKER = "http://localhost:8001", "http://localhost:8666"

# %% [markdown]
# ## 1. Reflecting the Origin, with credentials
# "CORS errors everywhere? Just echo back whatever Origin arrives, and allow credentials." Many servers ship this.
#
# **Predict:** Alice visits the attacker's page. Can its script read `/api/private`?

# %%
api = serve_teaching(api_app(CorsPolicy(reflect_origin=True, allow_credentials=True)), port=8002, name="api")
alice_on_attacker_page = logged_in_browser(ATTACKER, api.url)
stolen = alice_on_attacker_page.fetch(api.url + "/api/private", credentials="include")
print("blocked:", stolen.blocked)
print("the attacker reads:", stolen.text.strip())
print("API log:", api.log_text(1))

# %% [markdown]
# The server saw a request from `http://localhost:8666` **with Alice's cookie**, echoed that origin in
# `Access-Control-Allow-Origin`, said `Allow-Credentials: true` — and the browser, doing exactly its job, let the
# page read the answer. From there the script sends it wherever it likes.
#
# **Ask a real browser.** The same attack in headless Chromium, with a real cookie in a real cookie jar:

# %%
from cors_lab import ChromiumBrowser, chromium_available

if chromium_available():
    sid = api.log[-1].headers["Cookie"].split("=", 1)[1]  # Alice's session cookie, as the API saw it
    chromium = ChromiumBrowser(origin=ATTACKER)
    chromium.set_cookie(api.url + "/", f"sid={sid}; SameSite=Lax")
    real = chromium.fetch(api.url + "/api/private", credentials="include")
    print("Chromium: blocked =", real.blocked, "| reads:", real.text.strip())
    chromium.close()
else:
    print("Chromium is not installed here: sudo apt-get install chromium")

# %% [markdown]
# A note on `SameSite`: Alice's cookie is `SameSite=Lax`, yet it went along. Ports do not change the **site**:
# `localhost:8666` and `localhost:8002` are *same-site* (though cross-origin). An attacker on a different site
# (`evil.example`) would not get a `Lax` cookie sent on a `fetch` — which is why Chromium's `Lax` default blunts this
# attack across sites. But subdomains, sibling ports and `SameSite=None` cookies are all still exposed, so the server
# must be fixed anyway.

# %% [markdown]
# ## 2. Trusting `null`
# Some servers allow the origin `null` "for local files". But `null` is not "nobody": the browser sends it from
# sandboxed iframes, `file:` pages, and **after a cross-origin redirect**. The attacker owns a second server (port
# 8667) with a redirect endpoint; the attacker's page asks it for a URL that redirects to the API.
#
# **Predict:** which `Origin` does the API see on the redirected request?

# %%
trusts_null = CorsPolicy(allow_origins=[FRONTEND, "null"], allow_credentials=True)
api = serve_teaching(api_app(trusts_null), port=8002, name="api")
reflects = CorsPolicy(reflect_origin=True, allow_credentials=True)
helper = serve_teaching(api_app(reflects), port=8667, name="attacker-redirector")
trick = helper.url + "/api/redirect?to=" + api.url + "/api/private"
stolen = logged_in_browser(ATTACKER, api.url).fetch(trick, credentials="include")
print("Origin the API saw:", api.log[-1].origin)
print("blocked:", stolen.blocked, "| the attacker reads:", stolen.text.strip())

# %% [markdown]
# The hop from the attacker's second server to the API *tainted* the request's origin, so the browser sent
# `Origin: null` — and the API trusted it. Never put `null` in an allowlist.
#
# ## 3. A regex without an end anchor
# The API means "any of our `*.example.com` frontends" and writes `http://.*\.example\.com`, matched from the start
# only. In this lab every page lives on `localhost`, and Chromium does not let a page on a public domain reach
# `localhost` at all (Private Network Access), so we play the attacker's page by sending its Origin header ourselves
# and look at what the server grants. **Predict:** does `http://shop.example.com.evil.net` get in?

# %%
from cors_lab.course import server_grants

api = serve_teaching(api_app(CorsPolicy(allow_origin_regex=r"http://.*\.example\.com", allow_credentials=True)),
                     port=8002, name="api")
server_grants(api.url + "/api/private", ["http://shop.example.com", "http://shop.example.com.evil.net"])

# %% [markdown]
# Both get `Access-Control-Allow-Origin` *and* `Allow-Credentials: true`: from a real `evil.net` page on the internet,
# the browser would hand the answer to the attacker's script. `evil.net` is a domain anyone can buy, and
# `shop.example.com.evil.net` is a name its owner can create. Anchor the pattern (`…\.example\.com$`), restrict the
# subdomain characters, or list exact origins.

# ## 4. Fix them: exercises
# For each server, write a policy that keeps the frontend working **with cookies** and blocks the attacker. The check
# logs Alice in, then reads `/api/private` from the frontend and from the attacker's page.
# (Solutions: `solutions/09_attacks.py`.)
#
# ### Exercise A: stop reflecting

# %%
fix_a = CorsPolicy(reflect_origin=True, allow_credentials=True)  # <- your fix
api = serve_teaching(api_app(fix_a), port=8002, name="api")
check_private_api(api.url, public_for_everyone=False)

# %% [markdown]
# ### Exercise B: stop trusting `null`
# The check also replays the redirect trick from section 2.

# %%
fix_b = CorsPolicy(allow_origins=[FRONTEND, "null"], allow_credentials=True)  # <- your fix
api = serve_teaching(api_app(fix_b), port=8002, name="api")
check_private_api(api.url, public_for_everyone=False, redirector=helper.url)

# %% [markdown]
# ### Exercise C: anchor the regex

# %%
from cors_lab.course import check_origin_grants

fix_c = CorsPolicy(allow_origin_regex=r"http://.*\.example\.com", allow_credentials=True)  # <- your fix
api = serve_teaching(api_app(fix_c), port=8002, name="api")
check_origin_grants(api.url + "/api/private", allowed=["http://shop.example.com", "http://admin.example.com"],
                    refused=["http://shop.example.com.evil.net", "http://example.com.evil.net"])

# %%
stop_all()

# %% [markdown]
# ## Recap
# - **Reflecting Origin with credentials** = every website can read your users' data. Use an exact allowlist.
# - **`null` is not "no origin"**: sandboxed iframes, `file:` pages and cross-origin redirects all send it.
#   Never allow it.
# - **Regexes** must be anchored at both ends — or replaced by a list.
# - SameSite cookies limit cross-*site* attacks, not cross-*origin* ones on the same site; fix the server regardless.
# - CORS never protects the server: a script outside the browser can send any Origin. It protects *users* from pages.
