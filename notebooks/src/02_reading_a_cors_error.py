# %% [markdown]
# # 02 · Reading a CORS error
#
# **In this notebook you will**
# 1. take Chromium's console sentence apart, piece by piece, and see the **same failure in its three forms**:
#    `fetch()` in Chromium, axios (an `XMLHttpRequest`) in Chromium, and Firefox, each read by the error doctor;
# 2. compare the request's `Origin` with the answer's `Access-Control-Allow-Origin`;
# 3. learn which requests are **simple** (sent straight away);
# 4. fix a server step by step, reading the error each time;
# 5. see an error response (404, 500) hide behind a CORS error;
# 6. use the **error doctor**: paste a sentence, get it taken apart, its meaning and the fix;
# 7. read what **axios** sends and throws: `withCredentials`, JSON and its preflight, `AxiosError: Network Error`;
# 8. watch Chromium and Firefox **decide differently** about one request, live in both real browsers;
# 9. write a policy whose errors tell the truth, checked by the exercise checker.

# %%
from cors_lab import Browser, CorsPolicy, api_app, diagnose, page_app, stop_all
from cors_lab.course import API2, FRONTEND, serve_teaching

api = serve_teaching(api_app(), "api")  # no CORS headers yet
page = serve_teaching(page_app(), "page")  # your browser's "Send from my browser" page
tab = Browser(origin=FRONTEND)          # a tab showing the frontend page
print("the page:", page.origin)
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
# ### The same sentence in your browser
# Open DevTools on **Console** (F12, or Cmd+Option+I on a Mac) and press the button: your browser sends the same
# request from the page (a hidden frame on the page server of the first cell, at the origin it printed). In Chrome or
# Edge, the red sentence in your console is the one printed above, word for word; in Firefox it has Firefox's own
# words (the third form below). The widget puts it next to the server's log, which shows the request arrived.
# From here on, every prediction offers the same button once you have answered, for the request the answer came
# from.

# %%
from cors_lab.widgets import send_from_my_browser

send_from_my_browser(api.url + "/api/public", origin=page.origin)

# %% [markdown]
# Every CORS sentence of Chromium has the same four parts. The doctor reads them out:

# %%
d = diagnose(r.error)
print("Access to fetch at         ", d.details["url"], "   <- the URL the script asked for")
print("from origin                ", d.details["origin"], "          <- the page's origin (the Origin header)")
print("has been blocked by CORS policy:")
print("  reason:", r.error.split("CORS policy: ")[1], "   <- which header to look at")

# %% [markdown]
# ### The same failure, three forms
# The sentence above is what `fetch()` gets in Chromium. It is not the one most people paste into a search box:
# that one starts with **"Access to XMLHttpRequest at"**, because axios and jQuery send `XMLHttpRequest`s, not
# `fetch()`. And Firefox writes its errors in its own words. **Predict** both before you look: each button runs the
# request live, in the engine as Chromium and as Firefox (their words were recorded from the real browsers).

# %%
from cors_lab.widgets import PredictionSet, firefox_words_question, xhr_sentence_question

PredictionSet("Before the side-by-side", [
    xhr_sentence_question(api, "/api/public"),
    firefox_words_question(api, "/api/public"),
])

# %% [markdown]
# Once you have answered both: here is the one request in its three forms. Press **Show the three forms**: each
# column has the console sentence, what the page's JavaScript gets, and the doctor's reading of the sentence.
# **Confirm in real Chromium** and **Confirm in real Firefox** send the same request from the real browsers (a few
# seconds each) and say whether they agree.

# %%
from cors_lab.widgets import ThreeForms

ThreeForms(api, "/api/public")

# %% [markdown]
# What the three have in common is what matters: the **reason** is the same (no `Access-Control-Allow-Origin`),
# and so is the fix. What differs is the wrapping:
# - Chromium's sentence names the API the page used (`fetch` or `XMLHttpRequest`), the URL and the page's origin;
#   the reason comes after "CORS policy:".
# - Firefox's sentence names the URL and gives the reason in brackets, then the answer's status; its **reason
#   code** (`CORSMissingAllowOrigin` here) is the name of MDN's page about that error.
# - JavaScript never gets the reason, in any of them: each form rejects with one fixed error.
#
# The doctor reads all three, in code too:

# %%
firefox_tab = Browser(origin=FRONTEND, browser="firefox")
forms = {"fetch() in Chromium": r,
         "XMLHttpRequest in Chromium": tab.xhr(api.url + "/api/public"),
         "fetch() in Firefox": firefox_tab.fetch(api.url + "/api/public")}
for form, result in forms.items():
    d = diagnose(result.error)
    print(f"{form:27} -> {d.kind}, look at {d.header}; MDN: {d.mdn_url}")

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
from cors_lab.widgets import ArrivalQuiz, PredictionSet, WillItCors

no_cors = CorsPolicy.none()  # the API as it started: no CORS headers at all
post_text = dict(method="POST", body="hello", origin=FRONTEND, policy=no_cors)
PredictionSet("A simple POST, from the page", [
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
            policy=CorsPolicy(always_send_origin=FRONTEND + "/"))

# %% [markdown]
# Once you have answered: an origin has no path, so no trailing slash. `http://localhost:<port>/` is not equal to
# `http://localhost:<port>`: the browser compares them character for character.
#
# **Step 2.** Someone wanted two frontends and listed both in the header.

# %%
ConsoleQuiz(api, "/api/public", origin=FRONTEND, title="Step 2:",
            policy=CorsPolicy(always_send_origin=f"{FRONTEND}, {API2}"))  # the page's origin and a second one

# %% [markdown]
# Once you have answered: the header takes exactly **one** origin. To allow several, the server keeps a list and
# answers with the one that matches the request's `Origin`. That is what `allow_origins=[...]` does.
#
# **Step 3.** The list, in `allow_origins`.

# %%
ConsoleQuiz(api, "/api/public", origin=FRONTEND, title="Step 3:",
            policy=CorsPolicy(allow_origins=[FRONTEND, API2]))

# %% [markdown]
# Once you have answered: `allow_origins` compares the request's `Origin` with its list and answers with the one
# that matches, so the header holds exactly one origin, equal to the page's. A page on the second origin of the list
# gets that origin back; any other page gets no header at all.

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
            policy=CorsPolicy(allow_origins=[FRONTEND], headers_on_errors=False))

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
            policy=CorsPolicy(allow_origins=[FRONTEND]))

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
# ## 7. axios: what it sends, what it throws
# axios is the most common way a page calls an API, and it sends an `XMLHttpRequest`. Four things to know when
# an axios call fails (each recorded from real axios 1.21.1 in real Chromium: `tests/real/test_axios.py` compares
# it with what `axios_request` sends through the engine):
# - **`withCredentials: true` is `credentials: 'include'`**: cookies go cross-origin, and the server must answer
#   `Access-Control-Allow-Credentials: true` with the page's origin named (never `*`).
# - **An object is sent as JSON**, with `Content-Type: application/json`. That is not a simple request's
#   Content-Type, so **every `axios.post(url, {...})` to another origin is preflighted** (lesson 03).
# - **`AxiosError: Network Error` is the `TypeError`**: when the browser blocks the answer, the XHR gets status 0
#   and an `error` event, and axios rejects with that one text (code `ERR_NETWORK`, no `error.response`), whatever
#   the CORS failure was, in Chromium and in Firefox.
# - **The reason is only in the console.** `error.message` never says it; read the red sentence in DevTools.
#
# `axios_request(tab, method, url, data=..., with_credentials=...)` runs the `XMLHttpRequest` axios sends;
# `axios_error(result)` is what its `catch (error)` gets.

# %%
from cors_lab.course import axios_error, axios_request

r = axios_request(tab, "get", api.url + "/api/public")
print("catch (error):     ", axios_error(r), f"(code {axios_error(r).code}, error.response: none)")
print("xhr.status, events:", r.status, r.events)
print("Console:           ", r.error)

# %% [markdown]
# Paste only the `AxiosError` into the doctor and it says where the reason is:

# %%
print(diagnose(str(axios_error(r))).meaning)

# %% [markdown]
# The same call with `withCredentials: true`, to a server that answers `Access-Control-Allow-Origin: *`: the
# JavaScript side says exactly the same, and only the console says what is wrong (and names `withCredentials`).

# %%
with api.temporary_policy(CorsPolicy(allow_origins="*")):
    r = axios_request(tab, "get", api.url + "/api/public", with_credentials=True)
print("catch (error):", axios_error(r))
print("Console:      ", r.error)

# %% [markdown]
# Now an `axios.post` of an object to `/api/echo`, on a server that allows the page's origin and nothing else.
# **Predict**: does a preflight go out first?

# %%
from cors_lab.widgets import axios_preflight_question

axios_preflight_question(api, "/api/echo", data={"name": "kiwi"}, policy=CorsPolicy(allow_origins=[FRONTEND]))

# %% [markdown]
# Once you have answered: the object became JSON, so `Content-Type: application/json` made a preflight, and the
# server's answer to it did not allow `Content-Type`. The fix is on the server: allow the header
# (`allow_headers=["Content-Type"]`), as lesson 03 shows. (A string is sent as it is, with
# `Content-Type: application/x-www-form-urlencoded`: a simple request. The preflight comes from the JSON.)

# %% [markdown]
# ## 8. When Chromium and Firefox decide differently
# The two browsers agree on almost everything, but not on everything, and a page must work in both. One difference:
# which request headers are **safelisted** (sent without a preflight). Chromium counts the *client hints*
# (`Save-Data`, `DPR`, `Device-Memory`, `Viewport-Width`, `Width`) as safelisted; Firefox does not. The API allows
# the page's origin and lists no allowed headers; the page sends `Save-Data: on`. **Predict** first.

# %%
from cors_lab.widgets import which_browser_question

client_hint = dict(headers={"Save-Data": "on"}, policy=CorsPolicy(allow_origins=[FRONTEND]))
which_browser_question(api, "/api/public", **client_hint)

# %% [markdown]
# Once you have answered: it works in Chromium and fails in Firefox. Confirm it in the real browsers: the buttons
# send the same request from real Chromium and real Firefox.

# %%
hint_forms = ThreeForms(api, "/api/public", title="Save-Data: on, in the three forms", **client_hint)
hint_forms

# %% [markdown]
# Or in code, live in both real browsers (a few seconds; each browser is closed afterwards). Without a browser on
# this machine, its line says so.

# %%
for real_browser in ("chromium", "firefox"):
    print(hint_forms.confirm(real_browser))

# %% [markdown]
# The fix works in both: list the header in the preflight's answer (`allow_headers=["Save-Data"]`). Test a page in
# both browsers; when one of them blocks, its console sentence (and the doctor) says why.

# %% [markdown]
# ## 9. Exercise: errors that tell the truth
# Write a `CorsPolicy` for the API such that:
# - the frontend (`FRONTEND`, the page's origin) reads `/api/public`;
# - the frontend sees the **real status** of `/api/status/404` (not a CORS error);
# - the attacker's page (`ATTACKER`, another port of `localhost`) reads nothing.
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
# - JavaScript sees only `TypeError: Failed to fetch` (Firefox: `TypeError: NetworkError when attempting to fetch
#   resource.`, axios: `AxiosError: Network Error`); the **console sentence** names the URL, the page's origin and
#   the header at fault.
# - One failure has three forms: "Access to fetch at ...", "Access to XMLHttpRequest at ..." (axios, jQuery) and
#   Firefox's "Cross-Origin Request Blocked: ... (Reason: ...)" with a reason code named after MDN's page. Same
#   reason, same fix.
# - `Access-Control-Allow-Origin` must equal the request's `Origin` exactly: one origin, no trailing slash.
# - Simple requests (`GET`/`HEAD`/`POST` with safelisted headers) **reach the server** even when blocked.
# - An error answer without CORS headers **hides its real status**: check the server's log.
# - axios: `withCredentials: true` is `credentials: 'include'`; an object is JSON, so a preflight; the reason is
#   only in the console.
# - Chromium and Firefox disagree on a few rules (the client hints are safelisted in Chromium only): test in both.
# - The doctor (`DoctorBox()`, `diagnose(sentence)`) explains any console sentence of the course.
#
# Next: **03 · Preflight**.

# %%
stop_all()
