# %% [markdown]
# # 05 · Reading responses: exposed headers, opaque responses, redirects
#
# **In this notebook you will**
# 1. see which response headers a script can read, and why most are hidden;
# 2. expose the ones it needs with `Access-Control-Expose-Headers`;
# 3. meet `mode: "no-cors"` and its **opaque** responses, and see why they are not a fix;
# 4. follow a redirect to another origin and meet `Origin: null`.

# %%
from cors_lab import SAFELISTED_RESPONSE_HEADERS, Browser, CorsPolicy, api_app, stop_all
from cors_lab.course import serve_teaching

PAGE = "http://localhost:8001"
api = serve_teaching(api_app(), port=8002, name="api", policy=CorsPolicy(allow_origins=[PAGE]))
tab = Browser(origin=PAGE)
api.policy

# %% [markdown]
# ## 1. Which headers can the script read?
# `/api/custom-headers` sends two headers of its own: `X-Request-Id` (for support tickets) and
# `X-RateLimit-Remaining`. The API allows the frontend's origin.
#
# **Predict:** the request succeeds. Which headers does `response.headers` give the script?

# %%
r = tab.fetch(api.url + "/api/custom-headers")
print(r)
print("JavaScript can read:", sorted(r.headers))
print("on the wire:        ", sorted(r.exchanges[-1].response_headers))

# %% [markdown]
# Many headers came over the wire; the script sees two. For a cross-origin answer, the browser shows only the
# **CORS-safelisted response headers**, plus those the server **exposes**:

# %%
sorted(SAFELISTED_RESPONSE_HEADERS)

# %% [markdown]
# Everything else (`X-Request-Id`, `Date`, `Server`, and always `Set-Cookie`) is hidden, so a page cannot learn
# more about another origin's answer than the server chose to share. The body is readable; the headers are opt-in.
#
# ## 2. `Access-Control-Expose-Headers`
# **Predict:** the server exposes `X-Request-Id` only. What does the script see now?

# %%
api.policy = CorsPolicy(allow_origins=[PAGE], expose_headers=["X-Request-Id"])
r = tab.fetch(api.url + "/api/custom-headers")
print("JavaScript can read:", r.headers)

# %% [markdown]
# Exactly the names listed. `expose_headers="*"` exposes every header, but **only without credentials**: with
# `credentials: "include"`, `*` counts as a header literally named `*` (the exercise meets this).

# %% [markdown]
# ## 3. `mode: "no-cors"` is not a fix
# Stack Overflow's favourite "solution": `fetch(url, {mode: "no-cors"})`. The console error goes away...
#
# **Predict:** the API sends no CORS headers at all; the page asks with `mode: "no-cors"`. What does the script get?

# %%
api.policy = CorsPolicy.none()
api.clear_log()
r = tab.fetch(api.url + "/api/public", mode="no-cors")
print(f"blocked={r.blocked}  type={r.type!r}  status={r.status}  headers={r.headers}  text={r.text!r}")
print("console:", r.error)
print("server log:", api.log_text())

# %% [markdown]
# No error, and **nothing to read**: an *opaque* response has status 0, no headers and an empty body, even though
# the server answered 200 with data. `no-cors` means "send it anyway, I promise not to look" (it exists for things
# like images and fire-and-forget pings). It also limits the request: only `GET`/`HEAD`/`POST` and safelisted
# headers, so no JSON API call. The only fix for reading is on the **server**: CORS headers (or a same-origin proxy,
# lesson 07).

# %% [markdown]
# ## 4. Redirects and `Origin: null`
# A second API runs at `:8003`; it allows the frontend. The first API redirects `/api/redirect?to=...` to it.

# %%
api.policy = CorsPolicy(allow_origins=[PAGE])
api2 = serve_teaching(api_app(), port=8003, name="api2", policy=CorsPolicy(allow_origins=[PAGE]))
hop = api.url + "/api/redirect?to=" + api2.url + "/api/public"
hop

# %% [markdown]
# **Predict:** both APIs allow the frontend. The page fetches the redirecting URL. Does it read `/api/public` of
# the second API?

# %%
api2.clear_log()
r = tab.fetch(hop)
print("Console:", r.error)
print("api2's log:", api2.log_text())

# %% [markdown]
# Blocked, and `api2`'s log tells why: the request arrived with **`Origin: null`**. When a cross-origin request is
# redirected to yet another origin, the browser no longer vouches for where it comes from and sends `null`
# (Fetch Standard: the request's *tainted origin*). `api2` allows `http://localhost:8001`, not `null`.
#
# Notice that the console sentence still says *from origin 'http://localhost:8001'*: the origin **the server saw
# is not the one the sentence names**. Only the server's log shows `null`. Is that really Chromium's wording?

# %%
from cors_lab import ChromiumBrowser, chromium_available, unavailable_reason

if chromium_available():
    api2.clear_log()
    with ChromiumBrowser(origin=PAGE) as real:
        seen = real.fetch(hop)
    print("same sentence as the model:", seen.error == r.error)
    print("api2's log:", api2.log_text())
else:
    print("No Chromium here:", unavailable_reason())

# %% [markdown]
# The fixes, best first:
# 1. **fetch the final URL directly** (no cross-origin redirect);
# 2. redirect to the **same** origin (a redirect inside one API keeps the page's `Origin`);
# 3. *not* `allow_origins=["null"]`: sandboxed iframes and `file:` pages send `Origin: null` too, so an attacker
#    can produce it at will.
#
# Finally, the page can refuse to follow: `redirect: "manual"` gives an **opaque-redirect** response (status 0,
# no `Location`), and `redirect: "error"` rejects.

# %%
for redirect in ("manual", "error"):
    r = tab.fetch(hop, redirect=redirect)
    print(f"redirect={redirect!r:9} -> type={r.type!r}, status={r.status}, exception={r.exception}")

# %% [markdown]
# ## 5. Exercise: headers for the support team
# The frontend calls `/api/custom-headers` **with cookies** (`credentials: "include"`) and must read both
# `X-Request-Id` and `X-RateLimit-Remaining`. The attacker's page must read nothing. Write the policy.

# %%
policy = CorsPolicy(allow_origins=[PAGE], allow_credentials=True, expose_headers="*")  # your policy here

# %%
from cors_lab.course import check_exposed_headers_policy

check_exposed_headers_policy(policy)

# %% [markdown]
# <details><summary>Hints</summary>
#
# - Section 2: what does `*` mean when the request carries credentials?
# - List the header names; their case does not matter.
# - Solution: `solutions/05_reading_responses.py`.
# </details>

# %%
stop_all()

# %% [markdown]
# ## Recap
# - A cross-origin script reads the body, but only the **safelisted** response headers (`Cache-Control`,
#   `Content-Language`, `Content-Length`, `Content-Type`, `Expires`, `Last-Modified`, `Pragma`) plus those in
#   `Access-Control-Expose-Headers`. `Set-Cookie` never.
# - `expose_headers="*"` works only without credentials; with credentials, list the names.
# - `mode: "no-cors"` sends the request but gives an **opaque** response: nothing to read. Not a fix.
# - After a redirect to another origin, the request carries **`Origin: null`**; the console still names the page's
#   origin. Fetch the final URL instead of allowing `null`.
#
# Next: **06 · Fix the server**.
