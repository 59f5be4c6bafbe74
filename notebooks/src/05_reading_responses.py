# %% [markdown]
# # 05 · Reading responses: exposed headers, opaque responses, redirects
#
# **In this notebook you will**
# 1. see which response headers a script can read, and why most are hidden;
# 2. expose the ones it needs with `Access-Control-Expose-Headers`;
# 3. meet `mode: "no-cors"` and its **opaque** responses, and see why they are not a fix;
# 4. follow a redirect to another origin, hop by hop, and meet `Origin: null`.
#
# Predict first in each widget; then the **response inspector** shows, header by header, what crossed the wire
# next to what JavaScript can read.

# %%
from cors_lab import Browser, CorsPolicy, api_app, page_app, stop_all
from cors_lab.course import FRONTEND, serve_teaching

PAGE = FRONTEND  # the frontend's origin
api = serve_teaching(api_app(), "api", policy=CorsPolicy(allow_origins=[PAGE]))
page = serve_teaching(page_app(), "page")  # your browser's "Send from my browser" page
print(f"the frontend: {page.origin}, the API: {api.origin}")
api.policy

# %% [markdown]
# ## 1. Which headers can the script read?
# `/api/custom-headers` sends two headers of its own: `X-Request-Id` (for support tickets) and
# `X-RateLimit-Remaining`. The API allows the frontend's origin, so the request succeeds.
#
# **Predict:** can the script read `X-Request-Id`? (After your answer, **Send from my browser** makes the request
# from your own browser; section 1 ends with what its DevTools show.)

# %%
from cors_lab.widgets import PolicyQuiz

allows_page = CorsPolicy(allow_origins=[PAGE])
PolicyQuiz(api, "/api/custom-headers", allows_page, origin=PAGE, ask="header", header="X-Request-Id")

# %% [markdown]
# Now look at all of them. Press **Inspect**: each row is one thing that crossed the wire (the status, the body,
# every header), next to what `response.status`, `response.text()` and `response.headers` give the script, and the
# rule that decided. Change the path (`/api/public`, `/api/items`) or the mode and inspect again.

# %%
from cors_lab.widgets import ResponseInspector

ResponseInspector(api, "/api/custom-headers", origin=PAGE, policy=allows_page)

# %% [markdown]
# ### Your browser sees more than your script
# The same request from your own browser: open DevTools on **Network** (filter with the API's port, printed by the
# first cell), press, and click the row
# `custom-headers`. DevTools lists **every** response header the server sent, `X-Request-Id` and
# `X-RateLimit-Remaining` included; the widget's "What the script read" lists what `response.headers` gave the
# page's script. DevTools shows you the wire; CORS decides what the script gets.

# %%
from cors_lab.widgets import send_from_my_browser

send_from_my_browser(api.url + "/api/custom-headers", origin=page.origin)

# %% [markdown]
# Many headers came over the wire; the script sees a few. For a cross-origin answer, the browser shows only the
# **CORS-safelisted response headers** (`Cache-Control`, `Content-Language`, `Content-Length`, `Content-Type`,
# `Expires`, `Last-Modified`, `Pragma`), plus those the server **exposes**. Everything else (`X-Request-Id`,
# `Date`, `Server`, and always `Set-Cookie`) is hidden, so a page cannot learn more about another origin's answer
# than the server chose to share. The body is readable; the headers are opt-in.
#
# ## 2. `Access-Control-Expose-Headers`
# **Predict:** the server exposes `X-Request-Id` only. Can the script read `X-RateLimit-Remaining` now?

# %%
exposes_id = CorsPolicy(allow_origins=[PAGE], expose_headers=["X-Request-Id"])
PolicyQuiz(api, "/api/custom-headers", exposes_id, origin=PAGE, ask="header", header="X-RateLimit-Remaining")

# %% [markdown]
# Exactly the names listed are added; inspect it to see `X-Request-Id` move to the readable column:

# %%
ResponseInspector(api, "/api/custom-headers", origin=PAGE, policy=exposes_id)

# %% [markdown]
# `expose_headers="*"` exposes every header, but **only without credentials**: with `credentials: "include"`, `*`
# counts as a header literally named `*` (the exercise meets this).

# %% [markdown]
# ## 3. `mode: "no-cors"` is not a fix
# Stack Overflow's favourite "solution": `fetch(url, {mode: "no-cors"})`. The console error goes away...
#
# **Predict:** the API sends no CORS headers at all; the page asks with `mode: "no-cors"`. Can the script read the
# answer?

# %%
PolicyQuiz(api, "/api/public", CorsPolicy.none(), origin=PAGE, mode="no-cors")

# %% [markdown]
# No error, and **nothing to read**: an *opaque* response has status 0, no headers and an empty body, even though
# the server answered 200 with data. Inspect it (the mode is set to `no-cors`):

# %%
ResponseInspector(api, "/api/public", origin=PAGE, mode="no-cors", policy=CorsPolicy.none())

# %% [markdown]
# `no-cors` means "send it anyway, I promise not to look" (it exists for things like images and fire-and-forget
# pings). It also limits the request: only `GET`/`HEAD`/`POST` and safelisted headers, so no JSON API call. The
# only fix for reading is on the **server**: CORS headers (or a same-origin proxy, lesson 07).

# %% [markdown]
# ## 4. Redirects and `Origin: null`
# A second API, on the next port, allows the frontend. The first API redirects `/api/redirect?to=...` to it.

# %%
api2 = serve_teaching(api_app(), "api2", policy=CorsPolicy(allow_origins=[PAGE]))
hop = "/api/redirect?to=" + api2.url + "/api/public"
hop

# %% [markdown]
# **Predict:** both APIs allow the frontend. The page fetches the redirecting URL of the first API. Can it read
# `/api/public` of the second? The answer draws the chain, hop by hop: look at the `Origin` of the second hop.

# %%
PolicyQuiz(api, api.url + hop, allows_page, origin=PAGE, servers=[api2])

# %% [markdown]
# Blocked, and the second hop tells why: it arrived with **`Origin: null`**. When a cross-origin request is
# redirected to yet another origin, the browser no longer vouches for where it comes from and sends `null`
# (Fetch Standard: the request's *tainted origin*). `api2` allows the frontend's origin, not `null`.
#
# Notice that the console sentence still names the frontend's origin (*from origin 'http://localhost:...'*): the
# origin **the server saw is not the one the sentence names**. Only the server's log shows `null`. Is that really
# Chromium's wording?

# %%
from cors_lab import ChromiumBrowser, chromium_available, unavailable_reason

if chromium_available():
    api.policy = allows_page
    model = Browser(origin=PAGE).fetch(api.url + hop)
    api2.clear_log()
    with ChromiumBrowser(origin=PAGE) as real:
        seen = real.fetch(api.url + hop)
    print("same sentence as the model:", seen.error == model.error)
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
api.policy = allows_page
for redirect in ("manual", "error"):
    r = Browser(origin=PAGE).fetch(api.url + hop, redirect=redirect)
    print(f"redirect={redirect!r:9} -> type={r.type!r}, status={r.status}, exception={r.exception}")

# %% [markdown]
# ## 5. Exercise: headers for the support team
# The frontend calls `/api/custom-headers` **with cookies** (`credentials: "include"`) and must read both
# `X-Request-Id` and `X-RateLimit-Remaining`. The attacker's page must read nothing. Write the policy, run the
# cell, then press **Check** (the check runs your policy on a fresh server of its own).

# %%
policy = CorsPolicy(allow_origins=[PAGE], allow_credentials=True, expose_headers="*")  # your policy here

# %%
from cors_lab.course import check_exposed_headers_policy
from cors_lab.widgets import ExerciseChecker

ExerciseChecker("with cookies, the frontend reads X-Request-Id and X-RateLimit-Remaining; the attacker reads "
                "nothing", check=check_exposed_headers_policy, answer="policy", title="Exposed headers exercise",
                hints=["Section 2: what does `*` mean when the request carries credentials?",
                       "List the header names in expose_headers; their case does not matter."],
                solution="solutions/05_reading_responses.py")

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
# Next: **06 · Fix the server**. The last cell stops the lab servers; to play again, re-run the first code cell
# (and the one that starts `api2`).

# %%
stop_all()
