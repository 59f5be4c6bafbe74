# %% [markdown]
# # 03 · Preflight
#
# **In this notebook you will**
# 1. predict which requests the browser asks about first (the **preflight**): methods, headers, content types;
# 2. read the `OPTIONS` exchange as a diagram;
# 3. answer it with `Access-Control-Allow-Methods` and `Access-Control-Allow-Headers`;
# 4. see a preflight fail on 401, 404 and a redirect (the classic auth-middleware bug);
# 5. watch the **preflight cache** (`Access-Control-Max-Age`) at work in the server's log.

# %%
from cors_lab import Browser, CorsPolicy, api_app, stop_all
from cors_lab.course import serve_teaching
from cors_lab.widgets import SequenceDiagram, exchanges_text

PAGE = "http://localhost:8001"
api = serve_teaching(api_app(), port=8002, name="api", policy=CorsPolicy(allow_origins=[PAGE]))
api.policy

# %% [markdown]
# ## 1. Which requests are preflighted?
# Some requests could do things an old server never expected from a web page: a `DELETE`, a JSON body, a custom
# header. Before sending those, the browser **asks first** with an `OPTIONS` request, the *preflight*. Only if the
# answer says yes does the real request go out. Everything else is a *simple request*, sent at once.
#
# **Predict** for each request below: preflight or not? Write down your seven answers, then run.

# %%
to_try = [
    ("GET /api/public", "/api/public", dict()),
    ("GET + X-Api-Key header", "/api/public", dict(headers={"X-Api-Key": "secret"})),
    ("GET + Accept-Language header", "/api/public", dict(headers={"Accept-Language": "fr"})),
    ("POST text/plain", "/api/echo", dict(method="POST", body="hi")),
    ("POST form-urlencoded", "/api/echo", dict(method="POST", body="a=1",
                                               headers={"Content-Type": "application/x-www-form-urlencoded"})),
    ("POST application/json", "/api/echo", dict(method="POST", body='{"a": 1}',
                                                headers={"Content-Type": "application/json"})),
    ("DELETE /api/items/2", "/api/items/2", dict(method="DELETE")),
]

# %%
for label, path, options in to_try:
    r = Browser(origin=PAGE).fetch(api.url + path, **options)  # a fresh tab each time: nothing cached
    outcome = "blocked" if r.blocked else f"status {r.status}"
    print(f"{label:30} preflight: {'YES' if r.preflight else 'no':4} -> {outcome}")

# %% [markdown]
# The rule (Fetch Standard, *CORS-safelisted method / request-header*): **no preflight** only for `GET`, `HEAD`,
# `POST` with safelisted headers (`Accept`, `Accept-Language`, `Content-Language`, and `Content-Type` limited to
# `text/plain`, `multipart/form-data`, `application/x-www-form-urlencoded`). So **every JSON API call with
# `Content-Type: application/json` is preflighted**, and so is any custom header such as `X-Api-Key` or
# `Authorization`.
#
# This API allows only `GET, HEAD, POST`, so the `DELETE` failed at its preflight.

# %% [markdown]
# ## 2. The OPTIONS exchange
# Let the server allow `PUT` with a JSON body, then **predict** how many requests go over the wire for one
# `fetch()`, and in what order.

# %%
api.policy = CorsPolicy(allow_origins=[PAGE], allow_methods=["GET", "PUT"], allow_headers=["Content-Type"])
put_json = dict(method="PUT", headers={"Content-Type": "application/json"}, body='{"name": "kiwi"}')
r = Browser(origin=PAGE).fetch(api.url + "/api/items/1", **put_json)
SequenceDiagram(r)

# %% [markdown]
# Two requests for one `fetch()`. The preflight **asks** (`Access-Control-Request-Method`,
# `Access-Control-Request-Headers`) and the server **answers** (`Access-Control-Allow-Methods`,
# `Access-Control-Allow-Headers`). A preflight never carries cookies or a body. The headers, as text:

# %%
print(exchanges_text(r))

# %% [markdown]
# ## 3. When the answer says no
# **Predict:** the page now also sends an `X-Api-Key` header. The server's policy is unchanged. Which header of the
# preflight answer will the console sentence name?

# %%
with_key = dict(put_json, headers={"Content-Type": "application/json", "X-Api-Key": "secret"})
r = Browser(origin=PAGE).fetch(api.url + "/api/items/1", **with_key)
print(r.error)

# %% [markdown]
# And a `DELETE`, which the policy does not list:

# %%
r = Browser(origin=PAGE).fetch(api.url + "/api/items/2", method="DELETE")
print(r.error)
print(api.log_text(last=1))

# %% [markdown]
# Note the last log line: only the `OPTIONS` reached the server. When a preflight fails, **the real request is never
# sent**: nothing was deleted. (Compare with the simple `POST` of lesson 02, which was processed.)

# %% [markdown]
# ## 4. Preflights that fail on 401, 404 or a redirect
# The classic bug: an authentication middleware runs **before** CORS and guards `OPTIONS` too. But a preflight
# never carries the user's cookies or `Authorization` header, so it gets `401`. Same story with a router that
# has no `OPTIONS` route (`404`), or one that redirects to add a trailing slash (`308`).
#
# **Predict:** all three fail. Do they fail with the same sentence?

# %%
allow_put = CorsPolicy(allow_origins=[PAGE], allow_methods=["GET", "PUT"], allow_headers=["Content-Type"])
broken = {
    "auth middleware (401)": allow_put.copy(preflight_status=401),
    "no OPTIONS route (404)": allow_put.copy(preflight_status=404),
    "trailing-slash redirect (308)": allow_put.copy(
        preflight_status=308, extra_headers=[("Location", api.url + "/api/items/1/")]),
}
for label, policy in broken.items():
    api.policy = policy
    r = Browser(origin=PAGE).fetch(api.url + "/api/items/1", **put_json)
    print(f"{label}:\n   {r.error.split('access control check: ')[1]}")

# %% [markdown]
# "Does not have HTTP ok status" means: **answer `OPTIONS` with 2xx before any authentication**. A redirected
# preflight is refused whatever the target: call the final URL directly.

# %% [markdown]
# ## 5. The preflight cache: `Access-Control-Max-Age`
# A preflight costs a round trip. The browser may remember a "yes" for a while, per page origin and URL.
#
# **Predict:** no `Access-Control-Max-Age` header at all; the page sends the same `PUT` twice, right away.
# How many `OPTIONS` will the server's log show?

# %%
api.policy = allow_put
api.clear_log()
tab = Browser(origin=PAGE)
tab.fetch(api.url + "/api/items/1", **put_json)
tab.fetch(api.url + "/api/items/1", **put_json)
print(api.log_text())

# %% [markdown]
# One. Without the header, Chromium still caches a preflight answer for **5 seconds**. Is that just our model?
# Ask real Chromium the same thing:

# %%
from cors_lab import ChromiumBrowser, chromium_available, unavailable_reason

if chromium_available():
    api.clear_log()
    with ChromiumBrowser(origin=PAGE) as real:
        real.fetch(api.url + "/api/items/1", **put_json)
        real.fetch(api.url + "/api/items/1", **put_json)
    print(api.log_text())
else:
    print("No Chromium here:", unavailable_reason())

# %% [markdown]
# Real Chromium agrees. Now **predict** with `max_age=0` (never cache), then with `max_age=600` (ten minutes):

# %%
for max_age in (0, 600):
    api.policy = allow_put.copy(max_age=max_age)
    api.clear_log()
    tab = Browser(origin=PAGE)
    for _ in range(3):
        tab.fetch(api.url + "/api/items/1", **put_json)
    preflights = api.count(preflight=True)
    print(f"max_age={max_age:<4} three PUTs -> {preflights} OPTIONS in the log")

# %% [markdown]
# With `max_age=600`, the second and third `PUT` skip the preflight: the engine explains why.

# %%
r = tab.fetch(api.url + "/api/items/1", **put_json)
print(next(step.detail for step in r.steps if step.kind == "preflight-cache-hit"))

# %% [markdown]
# Chromium caps `Max-Age` at 7200 s (two hours); the cache is per page origin, per URL, and with or without
# credentials.

# %% [markdown]
# ### Your turn: the playground
# Edit the server's policy on the left, the request on the right, and press **Send**: you get the diagram, the
# console sentence, what JavaScript reads, the server's log and the step-by-step explanation. **Ask real Chromium**
# runs the same request in headless Chromium. Try: remove `PUT` from the methods; add an `X-Api-Key` header;
# set the preflight status to 401.

# %%
from cors_lab.widgets import Playground

api.policy = allow_put.copy(max_age=600)
Playground(api, origin=PAGE, url=api.url + "/api/items/1", **put_json)

# %% [markdown]
# ## 6. Exercise: one preflight per ten minutes
# The frontend sends `PUT /api/items/1` with `Content-Type: application/json` **and** `X-Api-Key: secret`
# (`cors_lab.course.exercises.PREFLIGHT_REQUEST`). Write a policy such that:
# - the `PUT` passes from `http://localhost:8001`;
# - the browser needs **at most one preflight per ten minutes**;
# - the attacker's page `http://localhost:8666` is refused at the preflight.

# %%
policy = CorsPolicy(allow_origins=[PAGE], allow_methods=["GET", "POST"])  # your policy here

# %%
from cors_lab.course import check_preflight_policy

check_preflight_policy(policy)

# %% [markdown]
# <details><summary>Hints</summary>
#
# - Read the sentence the check prints: it names the header of the preflight answer to fix.
# - Header names in `allow_headers` are case-insensitive.
# - `max_age` is in seconds.
# - Solution: `solutions/03_preflight.py`.
# </details>

# %%
stop_all()  # the playground above needs the server: re-run the first cell to play again

# %% [markdown]
# ## Recap
# - **Preflight** = `OPTIONS` with `Access-Control-Request-Method` (and `-Headers`), sent **before** any request
#   that is not simple: other methods, custom headers, `Content-Type: application/json`.
# - The answer must be **2xx** and list the method (`Access-Control-Allow-Methods`) and the headers
#   (`Access-Control-Allow-Headers`). If it does not, **the real request is never sent**.
# - Auth middleware, missing `OPTIONS` routes and redirects break preflights: answer `OPTIONS` first, with 204.
# - `Access-Control-Max-Age` caches the answer (Chromium: 5 s by default, 7200 s at most).
#
# Next: **04 · Credentials**.
