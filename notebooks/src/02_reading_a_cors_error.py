# %% [markdown]
# # 02 · Reading a CORS error
#
# **In this notebook you will**
# 1. take Chromium's console sentence apart, piece by piece;
# 2. compare the request's `Origin` with the answer's `Access-Control-Allow-Origin`;
# 3. learn which requests are **simple** (sent straight away);
# 4. fix a server step by step, reading the error each time;
# 5. see an error response (404, 500) hide behind a CORS error;
# 6. use the **error doctor**: paste a sentence, get it taken apart, its meaning and the fix;
# 7. write a policy whose errors tell the truth, checked by the exercise checker.

# %%
from cors_lab import Browser, CorsPolicy, api_app, diagnose, stop_all
from cors_lab.course import serve_teaching

api = serve_teaching(api_app(), port=8002, name="api")  # no CORS headers yet
tab = Browser(origin="http://localhost:8001")            # a tab showing the frontend page
api

# %% [markdown]
# ## 1. The sentence, taken apart
# The page's script calls the API. JavaScript only ever gets `TypeError: Failed to fetch` (on purpose: a page must
# not learn *why*); the reason goes to the DevTools console, for the developer.

# %%
r = tab.fetch(api.url + "/api/public")
print("JavaScript:", r.exception)
print("Console:   ", r.error)

# %% [markdown]
# Every CORS sentence of Chromium has the same four parts. The doctor reads them out:

# %%
d = diagnose(r.error)
print("Access to fetch at         ", d.details["url"], "   <- the URL the script asked for")
print("from origin                ", d.details["origin"], "          <- the page's origin (the Origin header)")
print("has been blocked by CORS policy:")
print("  reason:", r.error.split("CORS policy: ")[1], "   <- which header to look at")

# %% [markdown]
# ## 2. `Origin` versus `Access-Control-Allow-Origin`
# A cross-origin request carries `Origin` (written by the browser). The browser lets the script read the answer
# only if the answer carries `Access-Control-Allow-Origin` with that exact origin (or `*`). Here is what went over
# the wire:

# %%
exchange = r.exchanges[-1]
print("request  Origin:                     ", exchange.request_headers.get("origin"))
print("response Access-Control-Allow-Origin:", exchange.response_headers.get("access-control-allow-origin"))
print("response status:                     ", exchange.status)

# %% [markdown]
# ## 3. Simple requests go straight out
# This `GET` reached the server at once: `GET`, `HEAD` and `POST` with only *safelisted* headers (and, for `POST`, a
# plain `Content-Type` such as `text/plain` or a form) are **simple requests**. The browser sends them and checks
# the answer afterwards. Anything else is asked about first, with a *preflight* (lesson 03).
#
# The page now sends a `POST` of plain text to `/api/echo`, and the API still sends no CORS headers. **Predict**
# twice: can the script read the answer? Does the server receive and process the `POST`? Each button sends the
# request live; the second answer comes from the server's own log.

# %%
from cors_lab.course import FRONTEND
from cors_lab.widgets import ArrivalQuiz, PredictionSet, WillItCors

no_cors = CorsPolicy.none()  # the API as it started: no CORS headers at all
post_text = dict(method="POST", body="hello", origin=FRONTEND, policy=no_cors)
PredictionSet("A simple POST, from the page at 8001", [
    WillItCors(api, "/api/echo", **post_text),
    ArrivalQuiz(api, "/api/echo", **post_text),
])

# %% [markdown]
# Once you have answered both: blocked for the script, but the `POST` **arrived and was processed**. A simple request
# can change things on the server even when the page cannot read the answer; lesson 09 comes back to it in its
# section **"CSRF: blocked, but processed"**.

# %% [markdown]
# ## 4. Fixing the server, step by step
# A server's CORS answer is a `CorsPolicy`; `api.policy = ...` changes it live. Each step below is one attempt at
# a fix: the widget shows the header the server now sends. **Predict** what the console will say about
# `Access-Control-Allow-Origin`, then read the sentence Chromium writes and the picture of the exchange.
#
# **Step 1.** Someone copied the origin from the address bar, with its trailing slash.

# %%
from cors_lab.widgets import ConsoleQuiz

ConsoleQuiz(api, "/api/public", origin=FRONTEND, title="Step 1:",
            policy=CorsPolicy(always_send_origin="http://localhost:8001/"))

# %% [markdown]
# Once you have answered: an origin has no path, so no trailing slash. `http://localhost:8001/` is not equal to
# `http://localhost:8001`: the browser compares them character for character.
#
# **Step 2.** Someone wanted two frontends and listed both in the header.

# %%
ConsoleQuiz(api, "/api/public", origin=FRONTEND, title="Step 2:",
            policy=CorsPolicy(always_send_origin="http://localhost:8001, http://localhost:8003"))

# %% [markdown]
# Once you have answered: the header takes exactly **one** origin. To allow several, the server keeps a list and
# answers with the one that matches the request's `Origin`. That is what `allow_origins=[...]` does.
#
# **Step 3.** The list, in `allow_origins`.

# %%
ConsoleQuiz(api, "/api/public", origin=FRONTEND, title="Step 3:",
            policy=CorsPolicy(allow_origins=["http://localhost:8001", "http://localhost:8003"]))

# %% [markdown]
# Once you have answered: `allow_origins` compares the request's `Origin` with its list and answers with the one
# that matches, so the header holds exactly one origin, equal to the page's. A page at `:8003` gets `:8003` back;
# any other page gets no header at all.

# %% [markdown]
# ## 5. When a 404 or a 500 looks like a CORS error
# Many servers add CORS headers in a layer that errors skip (an exception handler that builds its own response, a
# proxy's error page...). `headers_on_errors=False` reproduces that: the policy allows the frontend, but an error
# answer carries no CORS header.
#
# The page asks for `/api/status/404`, which really answers 404. **Predict** what the script gets: the 404, or a
# CORS error? The answer shows the console, the picture and the server's log.

# %%
STATUS_CHOICES = {"the 404": None, "a CORS error": "missing_allow_origin"}
ConsoleQuiz(api, "/api/status/404", origin=FRONTEND, choices=STATUS_CHOICES, title="Errors without CORS headers:",
            question="The server answers 404. What does the page's script get?",
            policy=CorsPolicy(allow_origins=["http://localhost:8001"], headers_on_errors=False))

# %% [markdown]
# Once you have answered: the script cannot tell "not found" from "blocked". The real status is hidden behind a CORS
# error, and the developer goes hunting for a CORS bug that is really a 404 (or a crash: a 500 does the same).
# **When a CORS error appears on one endpoint only, read the server's log for the real status.**
#
# Now the same request with `headers_on_errors=True` (the default): every answer carries the CORS headers, errors
# too. **Predict** again.

# %%
ConsoleQuiz(api, "/api/status/404", origin=FRONTEND, choices=STATUS_CHOICES, title="Errors with CORS headers:",
            question="The server answers 404. What does the page's script get now?",
            policy=CorsPolicy(allow_origins=["http://localhost:8001"]))

# %% [markdown]
# Once you have answered: with CORS headers on its error answers too, the server lets the script see the truth and
# show "not found".

# %% [markdown]
# ## 6. The error doctor
# The doctor reads any console sentence of this course: paste one (from above, or from your own browser's DevTools
# console) and press **Diagnose**. It takes the sentence apart: the URL, the page's origin, which check failed, the
# header to look at, what it means, the smallest fix, and MDN's page about it. The box starts with a real Chromium
# sentence; the *Examples* menu has others. A text that is no CORS sentence gets the doctor's honest answer.

# %%
from cors_lab.widgets import DoctorBox

DoctorBox()

# %% [markdown]
# In code, the same doctor is `diagnose(sentence)`: its answer has `.kind`, `.header`, `.fix`, `.mdn_url`.

# %% [markdown]
# ## 7. Exercise: errors that tell the truth
# Write a `CorsPolicy` for the API such that:
# - the frontend `http://localhost:8001` reads `/api/public`;
# - the frontend sees the **real status** of `/api/status/404` (not a CORS error);
# - the attacker's page `http://localhost:8666` reads nothing.
#
# Edit `policy`, run the cell, press **Check**: it starts a fresh API with your policy and runs real requests from
# both pages, then says what still fails. **Hint** gives one hint at a time.

# %%
policy = CorsPolicy(allow_origins="*", headers_on_errors=False)  # your policy here

# %%
from cors_lab.course import check_error_status_policy
from cors_lab.widgets import ExerciseChecker

ExerciseChecker(
    "a policy with which the frontend reads /api/public and sees the real 404, and the attacker reads nothing.",
    check=check_error_status_policy, answer="policy", title="Exercise: errors that tell the truth",
    hints=["`*` allows every page, the attacker's too.",
           "Which option decides whether error answers carry CORS headers?"],
    solution="solutions/02_reading_a_cors_error.py")

# %% [markdown]
# ## Recap
# - JavaScript sees only `TypeError: Failed to fetch`; the **console sentence** names the URL, the page's origin
#   and the header at fault.
# - `Access-Control-Allow-Origin` must equal the request's `Origin` exactly: one origin, no trailing slash.
# - Simple requests (`GET`/`HEAD`/`POST` with safelisted headers) **reach the server** even when blocked.
# - An error answer without CORS headers **hides its real status**: check the server's log.
# - The doctor (`DoctorBox()`, `diagnose(sentence)`) explains any console sentence of the course.
#
# Next: **03 · Preflight**.

# %%
stop_all()
