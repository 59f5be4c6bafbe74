# %% [markdown]
# # 03 · Preflight
#
# **In this notebook you will**
# 1. predict which requests the browser asks about first (the **preflight**): methods, headers, content types;
# 2. see the rule that decided, and the `OPTIONS` exchange as a diagram;
# 3. answer it with `Access-Control-Allow-Methods` and `Access-Control-Allow-Headers`;
# 4. see a preflight fail on 401, 404 and a redirect (the classic auth-middleware bug);
# 5. watch the **preflight cache** (`Access-Control-Max-Age`) on a timeline.
#
# Every question below is a widget: press your prediction first, the live answer appears under it. Then **Send from
# my browser** sends the same request from your own browser: keep DevTools (F12) open on **Network** and watch the
# rows of Type `preflight` appear.

# %%
from cors_lab import CorsPolicy, api_app, attacker_app, page_app, stop_all
from cors_lab.course import FRONTEND, serve_teaching

PAGE = FRONTEND  # the page whose scripts call the API
api = serve_teaching(api_app(), "api", policy=CorsPolicy(allow_origins=[PAGE]))
page = serve_teaching(page_app(), "page")  # your browser's "Send from my browser" page
attacker = serve_teaching(attacker_app(), "attacker")  # the exercise's other page: ATTACKER
print(f"the page: {page.origin}, the API: {api.origin}, the attacker's page: {attacker.origin}")
api.policy

# %% [markdown]
# ## 1. Which requests are preflighted?
# Some requests could do things an old server never expected from a web page: a `DELETE`, a JSON body, a custom
# header. Before sending those, the browser **asks first** with an `OPTIONS` request, the *preflight*. Only if the
# answer says yes does the real request go out. Everything else is a *simple request*, sent at once.
#
# **Predict** for each of the seven requests: preflight or not? Each answer shows the rule that decided and the
# exchange as it went over the wire (each in a fresh tab: nothing cached).

# %%
from cors_lab.widgets import preflight_quiz

seven = preflight_quiz(api, [
    ("GET /api/public", "/api/public", dict()),
    ("GET + X-Api-Key header", "/api/public", dict(headers={"X-Api-Key": "secret"})),
    ("GET + Accept-Language header", "/api/public", dict(headers={"Accept-Language": "fr"})),
    ("POST text/plain", "/api/echo", dict(method="POST", body="hi")),
    ("POST form-urlencoded", "/api/echo", dict(method="POST", body="a=1",
                                               headers={"Content-Type": "application/x-www-form-urlencoded"})),
    ("POST application/json", "/api/echo", dict(method="POST", body='{"a": 1}',
                                                headers={"Content-Type": "application/json"})),
    ("DELETE /api/items/2", "/api/items/2", dict(method="DELETE")),
], origin=PAGE, title="Seven requests: preflight or not?")
seven

# %% [markdown]
# Once you have answered all seven: the rule (Fetch Standard, *CORS-safelisted method / request-header*) is
# **no preflight** only for `GET`, `HEAD`, `POST` with safelisted headers (`Accept`, `Accept-Language`,
# `Content-Language`, and `Content-Type` limited to `text/plain`, `multipart/form-data`,
# `application/x-www-form-urlencoded`). So **every JSON API call with `Content-Type: application/json` is
# preflighted**, and so is any custom header such as `X-Api-Key` or `Authorization`.
#
# ### Your own requests
# Choose a method, a `Content-Type` and one more header (or type your own, `Name: value`), then predict. Try to
# find a `POST` that is preflighted, and a request with a header that is not.

# %%
from cors_lab.widgets import PreflightPredictor

PreflightPredictor(api, origin=PAGE)

# %% [markdown]
# ## 2. The OPTIONS exchange
# Let the server allow `PUT` with a JSON body. **Predict:** can the page's script read the answer? Then look at
# the diagram: how many requests went over the wire for one `fetch()`, and in what order?

# %%
from cors_lab.widgets import PolicyQuiz

allow_put = CorsPolicy(allow_origins=[PAGE], allow_methods=["GET", "PUT"], allow_headers=["Content-Type"])
put_json = dict(method="PUT", headers={"Content-Type": "application/json"}, body='{"name": "kiwi"}')
PolicyQuiz(api, "/api/items/1", allow_put, origin=PAGE, **put_json)

# %% [markdown]
# Two requests for one `fetch()`. The preflight **asks** (`Access-Control-Request-Method`,
# `Access-Control-Request-Headers`) and the server **answers** (`Access-Control-Allow-Methods`,
# `Access-Control-Allow-Headers`). A preflight never carries cookies or a body.
#
# ## 3. When the answer says no
# **Predict:** the page now also sends an `X-Api-Key` header. The server's policy is unchanged. Which header of the
# preflight answer will the console sentence name?

# %%
from cors_lab.widgets import failing_header_question

with_key = dict(put_json, headers={"Content-Type": "application/json", "X-Api-Key": "secret"})
failing_header_question(api, "/api/items/1", with_key, allow_put, origin=PAGE)

# %% [markdown]
# And a `DELETE`, which the policy does not list. **Predict:** is the item deleted? Can the script read the answer?
# Look at the diagram's last arrow.

# %%
PolicyQuiz(api, "/api/items/2", allow_put, origin=PAGE, method="DELETE")

# %% [markdown]
# Only the `OPTIONS` reached the server: when a preflight fails, **the real request is never sent**, so nothing
# was deleted. (Compare with the simple `POST` of lesson 02, which the server processed.)

# %% [markdown]
# ### A refused preflight in your own browser
# Your browser sends the `PUT` with JSON from the page (a hidden frame on the page server of the first cell) to the
# API as that cell set it up: it allows the page, and only `GET`, `HEAD` and `POST`. Open DevTools on **Network**
# (type the API's port, printed by the first cell, into its Filter box), then press.

# %%
from cors_lab.widgets import send_from_my_browser

send_from_my_browser(api.url + "/api/items/1", origin=page.origin, **put_json)

# %% [markdown]
# Two rows named `1` (the URL's last part): one of Type `preflight`, status `204` (the server answered, and allowed
# the origin but not `PUT`), and the `PUT`, status `CORS error`. Click the `PUT`: `Provisional headers are shown`,
# no response headers: it never left your browser, and the widget's server log shows the `OPTIONS` alone. The
# console names the header to fix: `... Method PUT is not allowed by Access-Control-Allow-Methods in preflight
# response.`

# %% [markdown]
# ## 4. Preflights that fail on 401, 404 or a redirect
# The classic bug: an authentication middleware runs **before** CORS and guards `OPTIONS` too. But a preflight
# never carries the user's cookies or `Authorization` header, so it gets `401`. Same story with a router that
# has no `OPTIONS` route (`404`), or one that redirects to add a trailing slash (`308`).
#
# **Predict:** all three fail. Do they fail with the same sentence?

# %%
from cors_lab.widgets import same_sentence_question

broken = {
    "auth middleware (401)": allow_put.copy(preflight_status=401),
    "no OPTIONS route (404)": allow_put.copy(preflight_status=404),
    "trailing-slash redirect (308)": allow_put.copy(
        preflight_status=308, extra_headers=[("Location", "/api/items/1/")]),
}
same_sentence_question(api, "/api/items/1", put_json, broken, origin=PAGE)

# %% [markdown]
# "Does not have HTTP ok status" means: **answer `OPTIONS` with 2xx before any authentication**. A redirected
# preflight is refused whatever the target: call the final URL directly.

# %% [markdown]
# ## 5. The preflight cache: `Access-Control-Max-Age`
# A preflight costs a round trip. The browser may remember a "yes" for a while, per page origin and URL. The
# questions below send real requests (the server's log counts the `OPTIONS`); only the clock of the tab's cache is
# simulated, so you do not have to wait.
#
# **Predict:** no `Access-Control-Max-Age` header at all; one tab sends the same `PUT` five times, two seconds
# apart. How many `OPTIONS` will the server receive?

# %%
from cors_lab.widgets import cache_prediction

cache_prediction(api, max_age=None, times=(0, 2, 4, 6, 8), origin=PAGE, policy=allow_put)

# %% [markdown]
# Without the header, Chromium still caches a preflight answer for **5 seconds**. Is that just our model? Ask real
# Chromium for two `PUT`s in a row, and count the `OPTIONS` in the server's log:

# %%
from cors_lab import ChromiumBrowser, chromium_available, unavailable_reason

if chromium_available():
    api.policy = allow_put
    api.clear_log()
    with ChromiumBrowser(origin=PAGE) as real:
        real.fetch(api.url + "/api/items/1", **put_json)
        real.fetch(api.url + "/api/items/1", **put_json)
    print("OPTIONS in the log:", api.count(preflight=True), "for two PUTs")
else:
    print("No Chromium here:", unavailable_reason())

# %% [markdown]
# Real Chromium agrees. Now **predict** with `max_age=0` (never cache), then with `max_age=600` (ten minutes):

# %%
cache_prediction(api, max_age=0, times=(0, 1, 2), origin=PAGE, policy=allow_put)

# %%
cache_prediction(api, max_age=600, times=(0, 60, 300, 599, 601, 900), origin=PAGE, policy=allow_put)

# %% [markdown]
# Chromium caps `Max-Age` at 7200 s (two hours); the cache is per page origin, per URL, and with or without
# credentials. Play with it: change Max-Age (empty: no header; try `-1` and `99999`) and the times, press **Run**.

# %%
from cors_lab.widgets import CacheTimeline

CacheTimeline(api, max_age="10", times="0, 3, 6, 12, 15, 30", origin=PAGE, policy=allow_put)

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
# ### Your browser's preflight cache
# The API now allows the `PUT`, with `Access-Control-Max-Age: 600`. Press the button **twice**, with DevTools on
# **Network**: the first press shows a `preflight` row (`204`) and the `PUT` (`200`); the second, only the `PUT`.
# Your own browser remembered the answer, and the widget's server log counts one `OPTIONS`. One catch: with
# **Disable cache** ticked in the Network tab, Chromium sends the preflight every time: the second press then shows
# a second `preflight` row, and the widget says your browser disagrees with the engine, and why.

# %%
send_from_my_browser(api.url + "/api/items/1", origin=page.origin, title="Send the PUT from my browser", **put_json)

# %% [markdown]
# ## 6. Exercise: one preflight per ten minutes
# The frontend sends `PUT /api/items/1` with `Content-Type: application/json` **and** `X-Api-Key: secret`.
# Write a policy such that:
# - the `PUT` passes from the frontend (`PAGE`);
# - the browser needs **at most one preflight per ten minutes**;
# - the attacker's page (`ATTACKER`) is refused at the preflight.
#
# Edit the cell, run it, then press **Check** below (the check runs your policy on a fresh server of its own).

# %%
policy = CorsPolicy(allow_origins=[PAGE], allow_methods=["GET", "POST"])  # your policy here

# %%
from cors_lab.course import check_preflight_policy
from cors_lab.widgets import ExerciseChecker

ExerciseChecker("the PUT with JSON and X-Api-Key passes from the frontend, one preflight per ten minutes, and the "
                "attacker is refused", check=check_preflight_policy, answer="policy", title="Preflight exercise",
                hints=["Read what still fails: it names the header of the preflight answer to fix.",
                       "Header names in allow_headers are case-insensitive; list every non-safelisted one.",
                       "max_age is in seconds."],
                solution="solutions/03_preflight.py")

# %% [markdown]
# ## Recap
# - **Preflight** = `OPTIONS` with `Access-Control-Request-Method` (and `-Headers`), sent **before** any request
#   that is not simple: other methods, custom headers, `Content-Type: application/json`.
# - The answer must be **2xx** and list the method (`Access-Control-Allow-Methods`) and the headers
#   (`Access-Control-Allow-Headers`). If it does not, **the real request is never sent**.
# - Auth middleware, missing `OPTIONS` routes and redirects break preflights: answer `OPTIONS` first, with 204.
# - `Access-Control-Max-Age` caches the answer (Chromium: 5 s by default, 7200 s at most).
#
# Next: **04 · Credentials**. The last cell stops the lab servers; to play again, re-run the first code cell.

# %%
stop_all()
