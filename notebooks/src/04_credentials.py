# %% [markdown]
# # 04 · Credentials: cookies across origins
#
# **In this notebook you will**
# 1. log in to the API from the frontend and see where the session cookie goes;
# 2. predict which `credentials` mode (`"omit"`, `"same-origin"`, `"include"`) sends the cookie;
# 3. make the API accept credentialed requests (`Access-Control-Allow-Credentials`);
# 4. see why `Access-Control-Allow-Origin: *` **fails** with credentials, and why echoing every origin is worse;
# 5. learn what `Vary: Origin` is for.
#
# Every question is a widget: press your prediction first; the live request runs and the answer appears below it.
# Then **Send from my browser** repeats it in your own browser, with your browser's own cookies (a question that
# needs Alice logged in logs her in first, from a hidden frame on the frontend's page). For cookies, open JupyterLab
# at `http://localhost:8888`, not `http://127.0.0.1:8888` (section 5 says why).

# %%
from cors_lab import Browser, CorsPolicy, api_app, attacker_app, page_app, stop_all
from cors_lab.course import ATTACKER, FRONTEND, serve_teaching

PAGE = FRONTEND  # the frontend's origin; the attacker's page is at ATTACKER
api = serve_teaching(api_app(), "api", policy=CorsPolicy(allow_origins=[PAGE]))
page = serve_teaching(page_app(), "page")  # your browser's "Send from my browser" page
attacker = serve_teaching(attacker_app(), "attacker")  # the attacker's page, for your browser too
print(f"the frontend: {page.origin}, the API: {api.origin}, the attacker's page: {attacker.origin}")
api.policy

# %% [markdown]
# ## 1. Logging in from the frontend
# `POST /login` answers with `Set-Cookie: sid=...` (a session cookie, `HttpOnly`, `SameSite=Lax`). The frontend
# calls it cross-origin, asking the browser to deal with cookies: `credentials: "include"`.
#
# **Predict:** the API allows the frontend's origin but says nothing about credentials. Can the script read the
# login answer? Does the browser keep the cookie?

# %%
from cors_lab.widgets import PolicyQuiz, PredictionSet, cookie_kept_question

allows_page = CorsPolicy(allow_origins=[PAGE])  # the frontend's origin, and nothing about credentials
PredictionSet("Logging in", [
    PolicyQuiz(api, "/login?user=alice", allows_page, origin=PAGE, method="POST", credentials="include"),
    cookie_kept_question(api, allows_page, origin=PAGE),
])

# %% [markdown]
# Once you have answered: the script cannot read the answer, **but the cookie was stored**. Cookies are handled on
# the network side, before the CORS check decides what the script may read. (Real Chromium does the same; see
# section 4.)

# %% [markdown]
# ## 2. Three credentials modes
# `fetch()` decides whether to attach cookies with `credentials`:
# - `"omit"`: never;
# - `"same-origin"` (the default): only to the page's own origin;
# - `"include"`: to any origin (if the cookie's own rules, like `SameSite`, allow it).
#
# **Predict:** Alice is logged in; the frontend asks for `/api/private` three times, once per mode. Which requests
# carry the cookie? (The diagram under each answer shows the `Cookie` header, or "no cookies sent".)

# %%
from cors_lab.widgets import cookie_question

PredictionSet("Which requests carry Alice's cookie?", [
    cookie_question(api, credentials=mode, origin=PAGE) for mode in ("omit", "same-origin", "include")
])

# %% [markdown]
# ## 3. `Access-Control-Allow-Credentials: true`
# For a credentialed request, the server must opt in twice: name the origin **and** say
# `Access-Control-Allow-Credentials: true`. Otherwise any site that knows your API's URL could read it with your
# users' cookies.
#
# **Predict** for each policy: Alice is logged in; can the page read `/api/private` with her cookie?

# %%
private = dict(origin=PAGE, credentials="include", login=True)
PredictionSet("Credentialed reads of /api/private", [
    PolicyQuiz(api, "/api/private", CorsPolicy(allow_origins=[PAGE]), **private),
    PolicyQuiz(api, "/api/private", CorsPolicy(allow_origins=[PAGE], allow_credentials=True), **private),
    PolicyQuiz(api, "/api/private", CorsPolicy(allow_origins="*", allow_credentials=True), **private),
])

# %% [markdown]
# ## 4. Why `*` fails with credentials
# "Just allow everything" is a common reflex, and the third question above shows where it ends: the wildcard means
# "public data, anyone may read it", and browsers refuse it for requests that carry cookies. This is a **safety
# rule**, not an annoyance: with `*`, every site on the web would read your users' private data.
#
# Ask real Chromium about both surprises of this notebook: the cookie kept from a blocked login, and the wildcard.

# %%
from cors_lab import ChromiumBrowser, chromium_available, unavailable_reason

if chromium_available():
    with ChromiumBrowser(origin=PAGE) as real:
        api.policy = CorsPolicy(allow_origins=[PAGE])  # no credentials allowed: the login answer is blocked
        print("login:  ", real.fetch(api.url + "/login?user=alice", method="POST", credentials="include").error)
        api.policy = CorsPolicy(allow_origins=[PAGE], allow_credentials=True)
        print("private:", real.fetch(api.url + "/api/private", credentials="include").text.strip())
        api.policy = CorsPolicy(allow_origins="*", allow_credentials=True)
        print("with *: ", real.fetch(api.url + "/api/private", credentials="include").error)
else:
    print("No Chromium here:", unavailable_reason())

# %% [markdown]
# Chromium kept the cookie from the blocked login (it read Alice's data afterwards) and refused `*` with the same
# sentence as the model.
#
# ### Worse than `*`: echoing every origin
# A tempting "fix" is to copy the request's `Origin` into `Access-Control-Allow-Origin`, with credentials.
# **Predict:** Alice, still logged in, opens the attacker's page. Can its script read her private data?

# %%
PolicyQuiz(api, "/api/private", CorsPolicy(reflect_origin=True, allow_credentials=True), origin=ATTACKER,
           credentials="include", login=True)

# %% [markdown]
# Never reflect an arbitrary `Origin` with credentials: compare it with an **allow-list**.

# %% [markdown]
# ## 5. `Vary: Origin`
# With an allow-list, the answer depends on the request's `Origin`: the frontend gets
# `Access-Control-Allow-Origin` with its own origin, the attacker gets none. A cache between browser and server
# (a CDN, a proxy, the browser's HTTP cache) must not give one origin's answer to the other. `Vary: Origin` tells it
# that the answer varies with `Origin`. Two tabs of Alice's browser ask:

# %%
api.policy = CorsPolicy(allow_origins=[PAGE], allow_credentials=True)
tab, evil_tab = Browser(origin=PAGE), Browser(origin=ATTACKER)
evil_tab.cookies = tab.cookies  # two tabs of one browser: the same cookies
tab.fetch(api.url + "/login?user=alice", method="POST", credentials="include")
for who in (tab, evil_tab):
    r = who.fetch(api.url + "/api/private", credentials="include")
    h = r.exchanges[-1].response_headers
    outcome = "blocked" if r.blocked else "read"
    print(f"{who.origin.serialize()}: ACAO={h.get('access-control-allow-origin')}, Vary={h.get('vary')} -> {outcome}")

# %% [markdown]
# ### Your browser is Alice's
# Now the two tabs are frames in **your** browser, with your browser's own cookie jar. Each button first logs you in
# as Alice from the frontend's page (`POST /login`, from a hidden frame on the page server of the first cell: your
# browser keeps the `sid` cookie), then reads `/api/private` with `credentials: "include"`: the first from the
# frontend, the second from the attacker's page. Open DevTools on **Network** (filter with the API's port, printed by
# the first cell) and press both.

# %%
from cors_lab.widgets import OwnBrowserPanel, OwnCall

log_in = OwnCall(page.origin, {"url": api.url + "/login?user=alice", "method": "POST", "credentials": "include"})


def read_private_from(origin):
    return [log_in, OwnCall(origin, {"url": api.url + "/api/private", "credentials": "include"})]


OwnBrowserPanel(lambda: read_private_from(page.origin), title="Log in, read from the frontend")

# %%
OwnBrowserPanel(lambda: read_private_from(attacker.origin), title="Log in, read from the attacker's page")

# %% [markdown]
# With this section's policy, the frontend reads Alice's data. From the attacker's page the `private` row says
# `CORS error`, yet click it: the server answered `200 OK`, and the widget's server log says the request came
# **with cookies**. Your browser sent Alice's cookie to the API for the attacker's page; only the *reading* was
# refused, by the allow-list (lesson 09 comes back to requests that act without being read).
#
# Open JupyterLab at `http://localhost:8888`, not `http://127.0.0.1:8888`, for these two: inside a JupyterLab on
# another site, the lab's pages are cross-site frames, and your browser sends no `SameSite=Lax` cookie from them
# (the widget then says your browser disagrees with the engine: no cookie was sent).

# %% [markdown]
# Without `Vary: Origin` (`vary_origin=False`), a cache that stored the frontend's answer could serve it to anyone,
# its `Access-Control-Allow-Origin` naming the frontend included; or serve the attacker's header-less answer to the
# frontend, which then breaks "at random".

# %% [markdown]
# ## 6. Exercise: private data for the frontend only
# Give the API a policy such that:
# - the frontend (`PAGE`), with Alice's cookie, reads `/api/private`;
# - the attacker's page (`ATTACKER`), in the same browser, reads nothing;
# - caches are told that the answer depends on `Origin`.
#
# Edit the next cell, run it, then press **Check**: the checker logs Alice in, then calls `/api/private` from both
# pages on the API above (if you re-ran the first cell, it uses the new server).

# %%
api.policy = CorsPolicy(allow_origins="*", allow_credentials=True)  # your policy here

# %%
from cors_lab.widgets import credentials_exercise

credentials_exercise(api, PAGE, ATTACKER)

# %% [markdown]
# ## Recap
# - `credentials`: `"omit"` never sends cookies, `"same-origin"` (default) only to the own origin, `"include"`
#   everywhere cookies' own rules allow.
# - A credentialed answer is readable only with the **exact origin** in `Access-Control-Allow-Origin` **and**
#   `Access-Control-Allow-Credentials: true`. `*` is refused.
# - Cookies from a blocked answer are still **stored**; the CORS check only decides what the script reads.
# - Reflecting any `Origin` with credentials hands your users' data to every site. Use an allow-list.
# - An answer that depends on `Origin` must say `Vary: Origin`.
#
# Next: **05 · Reading responses**. The last cell stops the lab servers; to play again, re-run the first code cell.

# %%
stop_all()
