# %% [markdown]
# # 08 · Developer tools: fixes that only work on your machine
#
# Search for a CORS error and the first answers are often: "install an Allow-CORS extension", "start Chrome with
# `--disable-web-security`", "use `mode: 'no-cors'`", "prefix the URL with a public CORS proxy". Some make the error
# disappear — on **your** machine. Here you switch each tool on, run the request for real in headless Chromium, and
# see what it changed and what it costs.
#
# **In this notebook you will**
# 1. read a blocked request and its preflight in **your own** DevTools, the one tool that changes nothing;
# 2. switch developer tools on and off and run the same request in real Chromium;
# 3. see what an "Allow CORS" extension cannot do (credentials);
# 4. run Chromium with web security disabled, and watch the attacker's page read private data;
# 5. see why `no-cors` silences the error but reads nothing;
# 6. learn why a public CORS proxy is never a fix, and why none of this ships to production.
#
# Every tool here runs in real Chromium. Without Chromium installed, the widget says so in one sentence and shows only
# what your users' browsers do.

# %%
from cors_lab import api_app, page_app, stop_all, unavailable_reason
from cors_lab.course import serve_teaching

api = serve_teaching(api_app(), "api")  # sends no CORS headers at all
page = serve_teaching(page_app(), "page")  # your browser's "Send from my browser" page
print(f"the page: {page.origin}, the API: {api.origin}")
print(unavailable_reason() or "Real Chromium is available: every tool below runs in it.")

# %% [markdown]
# ## Before any tool: your own DevTools
# Your browser's DevTools (F12, or Cmd+Option+I on a Mac) change nothing: they only show what the browser did, and
# the reason for a blocked request is written there and nowhere else. Open them now on the **Network** tab (type
# the API's port, printed above, into its Filter box: JupyterLab makes many requests of its own), then press the
# button. Your browser sends `GET /api/public` from the page (a hidden frame on the page server above) to this API,
# which sends no CORS header.

# %%
from cors_lab.widgets import send_from_my_browser

send_from_my_browser(api.url + "/api/public", origin=page.origin, title="Send the GET from my browser")

# %% [markdown]
# What Chromium's DevTools show (Chrome, Edge; Firefox's DevTools lay it out differently):
# - one row named `public`, Type `fetch`, Status **`CORS error`**: not a status the server sent;
# - click it. *Headers* → General: **Status code `200 OK`**: the server answered, and the response headers are all
#   listed, with no `Access-Control-Allow-Origin` among them. The request headers include `origin:` with the
#   page's origin;
# - *Response*: `Failed to load response data`: DevTools does not show the body of a blocked answer either. The
#   widget's server log is where you see what the server answered.
#
# Now a request the browser must ask about first: a POST with a JSON body (`Content-Type: application/json` is not
# a simple header, notebook 03), to the same API.

# %%
send_from_my_browser(api.url + "/api/echo", origin=page.origin, method="POST",
                     headers={"Content-Type": "application/json"}, body='{"name": "kiwi"}',
                     title="Send the POST from my browser")

# %% [markdown]
# Now the Network tab has **two** rows named `echo`:
# - Type **`preflight`** (Initiator `Preflight`): the `OPTIONS` request the browser sent first. Its status is the
#   server's real answer (`200 OK` here: the API answers `OPTIONS`, but with no CORS header), and its *Headers* show
#   `Access-Control-Request-Method: POST` and `Access-Control-Request-Headers: content-type` among the request
#   headers;
# - the POST itself, Type `fetch`, Status `CORS error`. Click it: its Headers say **`Provisional headers are
#   shown`**, and there are no response headers at all. That warning means what it says: these are the headers the
#   browser *would* have sent. The POST never left the browser, because its preflight failed, and the widget's
#   server log agrees: only the `OPTIONS` arrived.
#
# In the **Console**: `... Response to preflight request doesn't pass access control check: ...`, followed by a red
# line with `POST` and `net::ERR_FAILED` and no status (there was no answer to the POST). Compare both with the
# sentence the widget predicts, and read its step by step for the fix. (The toggles below run in a headless
# Chromium next to the kernel: your browser cannot install an extension for you, so your DevTools will not show
# them.)

# %% [markdown]
# ## 1. The toggles
# The API sends **no** CORS header. The frontend's page wants to read it.
#
# Pick a tool, a request and the page that sends it. **Predict first** (readable or not readable), then press
# **Run in real Chromium**. The widget says whether you were right, what the server and the console said, what your
# users' normal browsers do with the same request, and the tool's risk in one sentence.
#
# Try these, in order:
# 1. *nothing* with `GET /api/public`: the baseline. Your users see this.
# 2. *an Allow-CORS extension* with `GET /api/public`: does it pass now? Did the server change?
# 3. the extension with `GET /api/private` and the cookie: most extensions add `*`. Does `*` work with credentials?
# 4. *--disable-web-security*, the **attacker's page**, `GET /api/private`: can a stranger's page read Alice's data?
# 5. *mode: 'no-cors'* with `GET /api/public`: the console is quiet. What does the script read?

# %%
from cors_lab.widgets import DevToolsToggles

toggles = DevToolsToggles(api)
toggles

# %% [markdown]
# What you should have seen:
# - **The extension** rewrites the responses *this* browser receives: it adds `Access-Control-Allow-Origin: *` after the
#   server answered and before the CORS check. The server never changed; the "fix" lives in one browser.
# - **With credentials** the wildcard is refused — the exact error many developers met *after* installing the
#   extension. (Extensions that echo the Origin and add `Allow-Credentials: true` exist; they turn your browser into one
#   where every website reads every other site's data with your cookies.)
# - **`--disable-web-security`** switches the same-origin policy off: the attacker's page read Alice's private data.
#   (Notice in the picture that this Chromium did not even send an `Origin` header.) Use it, if ever, with a
#   throw-away profile logged in to nothing, and close it right after.
# - **`no-cors`** does not relax anything: the request goes out, and the script gets an *opaque* response (status 0,
#   empty body). The error is gone and so is the data.
#
# ## 2. Public CORS proxies
# `https://cors-anywhere.herokuapp.com/https://api.example.com/...` was for years the copy-paste "fix": a public
# CORS-adding proxy. It was so widely abused that in 2021 its owner restricted the public demo: **each visitor** must
# now opt in on its page, temporarily, and it is rate-limited. So it cannot work for your users — each of them would
# have to opt in first — and every request and token you send through a stranger's proxy is theirs to read. A public
# proxy is never a fix. (Notebook 07 built a proxy you run yourself: that one is.)
#
# ## 3. Why none of this ships
# CORS is enforced by **your users'** browsers. An extension, a flag or a bookmark on your machine changes nothing for
# them. **Predict:** a user with a normal browser opens your page, with the Allow-CORS extension still installed on
# *your* laptop. Can the page's script read `/api/public`?

# %%
from cors_lab import Browser
from cors_lab.course import FRONTEND
from cors_lab.widgets import Outcome, Predict, sequence_diagram


def users_answer():
    result = Browser(origin=FRONTEND).fetch(api.url + "/api/public")  # the model of a normal browser
    return Outcome("readable" if result.readable else "blocked",
                   "Your extension is in your browser, not theirs: the server still sends no "
                   "Access-Control-Allow-Origin, so their browser blocks the read.",
                   html=sequence_diagram(result), details=f"Console: {result.error}" if result.error else "",
                   result=result,  # so the answer offers "Send from my browser": your own browser is a user's
                   wrong={"readable": "Tools on your machine never travel to your users."})


Predict("Can a normal user's browser read /api/public now?", ["readable", "blocked"], users_answer,
        context=f"fetch('{api.url}/api/public') from {page.origin}, in a user's normal Chromium")

# %% [markdown]
# Real fixes are on the server (notebook 06) or a proxy you run (notebook 07).
#
# ## Exercise: which of these fixes reaches your users?
# For each option, say `True` if it makes the request work **for every user's normal browser**, `False` otherwise.
# Edit the dict, run the cell, then press **Check** below (and **Hint** if you are stuck).

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
from cors_lab.widgets import ExerciseChecker

ExerciseChecker("say which fixes make the request work for every user's normal browser.",
                check=check_devtools_quiz, answer="answers", title="Which fixes reach your users?",
                hints=["Ask of each one: does it change the server (every browser reads it), or one browser?",
                       "A public proxy needs each visitor to opt in on its page first."],
                solution="solutions/08_developer_tools.py")

# %% [markdown]
# ## Recap
# - Extensions and `--disable-web-security` change **one** browser; your users' browsers still block.
# - An extension that adds `*` still fails with credentials; one that echoes origins with credentials is dangerous.
# - `--disable-web-security` lets any page read any site's data with your cookies: throw-away profile only.
# - `mode: 'no-cors'` hides the error and the data: the script gets an opaque response.
# - Public CORS proxies need each visitor to opt in, are rate-limited, and see everything you send: never a fix.
# - Fix the server, or run your own safe proxy.
#
# Next: **09 · Attacks on misconfigured CORS**. The last cell stops this notebook's servers.

# %%
stop_all()
