# %% [markdown]
# # 09 · Attacks on misconfigured CORS
#
# CORS *relaxes* the same-origin policy. Relax it wrongly and a stranger's web page can read your users' private
# data **with their own cookies**. Here you play the attacker against classic misconfigurations, fix each one and try
# again; then you meet the attack CORS never stopped: **CSRF**.
#
# **In this notebook you will**
# 1. steal a logged-in user's data from a server that **reflects the Origin** with credentials;
# 2. get the same data through `Origin: null` from a server that **trusts null**, and through a **prefix match**;
# 3. see why an **unanchored regex** lets look-alike domains in;
# 4. watch a cross-site POST be **blocked, but processed** (CSRF), and defend the server against it;
# 5. fix each server, with a checker that the attacker is blocked and the frontend still works.
#
# The cast: the API, the real frontend, the attacker's page and the attacker's second server, four servers on four
# ports of `localhost` (the first cell prints their origins). Alice is logged in to the API: her browser holds the
# session cookie, and every tab of her browser shares it.

# %%
from cors_lab import CorsPolicy, api_app, attacker_app, page_app, stop_all
from cors_lab.course import ATTACKER, FRONTEND, serve_teaching

api = serve_teaching(api_app(), "api")
page = serve_teaching(page_app(), "page")  # the frontend, for your own browser too
attacker = serve_teaching(attacker_app(), "attacker")  # the attacker's page, for your browser too
helper = serve_teaching(api_app(CorsPolicy(reflect_origin=True, allow_credentials=True)), "attacker2",
                        name="attacker-redirector")  # the attacker's second server: /api/redirect?to=... redirects
for server in (api, page, attacker, helper):
    print(f"{server.name:>19}: {server.origin}")

# %% [markdown]
# ## 1. Reflecting the Origin, with credentials
# "CORS errors everywhere? Just echo back whatever Origin arrives, and allow credentials." Many servers ship this.
#
# **Predict:** Alice visits the attacker's page. Can its script read her `/api/private`?

# %%
from cors_lab.course import ATTACKS, api_with, steal
from cors_lab.widgets import Outcome, Predict, sequence_diagram


def reflection_answer():
    with api_with(ATTACKS["reflect"].policy, name="victim") as victim:  # a copy of the API with the hole
        report = steal(ATTACKS["reflect"], victim.url)
    return Outcome("it reads her data" if report.stolen else "blocked", ATTACKS["reflect"].why,
                   html=sequence_diagram(report.attacker_result),
                   wrong={"blocked": "The browser did its job: the server itself told it this origin may read."})


Predict("Can the attacker's page read Alice's /api/private?", ["it reads her data", "blocked"], reflection_answer,
        context="API policy: CorsPolicy(reflect_origin=True, allow_credentials=True)\n"
                f"attacker's page: fetch('{api.url}/api/private', {{credentials: 'include'}})")

# %% [markdown]
# ## 2. The attacker console
# Now you are the attacker. Pick an attack: the console loads that misconfiguration into the API. Press **Steal**:
# Alice logs in on the frontend tab, then the attacker's tab — same browser, same cookie jar — fetches her data.
# Then **fix the API** (in the console's fields, or in code: `api.policy = CorsPolicy(...)`) and press Steal again.
# A good fix blocks the attacker *and* keeps the frontend working. **Steal from my browser** runs the same attack
# in your own browser: Alice's login and the frontend's read from a hidden frame on the frontend's page, then the
# theft from a frame on the attacker's page. With DevTools on **Network** (filter with the API's port, printed by the
# first cell), compare the attacker's row before and after your fix.
#
# - **reflected Origin**: the server above.
# - **trusted null, through a redirect**: the API allows `null` "for local files". But `null` is not "nobody": the
#   browser sends it from sandboxed iframes, `file:` pages and **after a cross-origin redirect**. The attacker's page
#   fetches its second server, which redirects to the API: the hop taints the request, the browser sends
#   `Origin: null`, and the API trusts it.
# - **prefix match**: "our frontends run on localhost", written `allow_origin_regex=r"http://localhost"`. A regex
#   matched from the start only lets in every origin that *begins* like that: every app on every port of the machine.

# %%
from cors_lab.widgets import AttackerConsole

console = AttackerConsole(api, redirector=helper)
console

# %% [markdown]
# **Ask a real browser.** The reflected-Origin attack in headless Chromium, with a real cookie in a real cookie jar
# (against a copy of the API with the hole, so the console's API keeps your fix):

# %%
from cors_lab import ChromiumBrowser, unavailable_reason
from cors_lab.course import logged_in_browser

if unavailable_reason() is None:
    with api_with(ATTACKS["reflect"].policy, name="victim") as victim:  # a copy of the API with the hole
        sid = logged_in_browser(ATTACKER, victim.url).cookies.header_for(victim.url + "/").split("=", 1)[1]
        chromium = ChromiumBrowser(origin=ATTACKER)
        chromium.set_cookie(victim.url + "/", f"sid={sid}; SameSite=Lax")
        real = chromium.fetch(victim.url + "/api/private", credentials="include")
        chromium.close()
    print("Chromium: blocked =", real.blocked, "| the attacker's page reads:", real.text.strip())
else:
    print(unavailable_reason())

# %% [markdown]
# A note on `SameSite`: Alice's cookie is `SameSite=Lax`, yet it went along. Ports do not change the **site**:
# the attacker's page and the API, two ports of `localhost`, are *same-site* (though cross-origin), so every cookie
# goes, `Lax`, `Strict` or `None`. From a page on another site, Chromium's `fetch()` sends no cookie at all
# (third-party cookies are blocked), so this attack needs a same-site foothold: a sibling port, a subdomain, an XSS
# on a neighbour. Fix the server anyway.

# %% [markdown]
# ### `null` from your own browser: a sandboxed frame
# A redirect is one way to make a browser send `Origin: null`; a **sandboxed frame** is another, and needs no
# second server: a page in `<iframe sandbox="allow-scripts">` has an opaque origin, serialized `null`. Your browser
# can show it. The button logs Alice in from the frontend's page, then a sandboxed frame in your browser reads
# `/api/private`, with `credentials: "include"`, from a copy of the API that trusts `null` (on the next port).
# **Predict** before you press: does the frame's script read the answer? Does Alice's cookie go?

# %%
from cors_lab.widgets import OwnBrowserPanel, OwnCall

trusts_null = serve_teaching(api_app(ATTACKS["null"].policy), "api2", name="trusts-null")
OwnBrowserPanel(lambda: [
    OwnCall(page.origin, {"url": trusts_null.url + "/login?user=alice", "method": "POST", "credentials": "include"}),
    OwnCall("null", {"url": trusts_null.url + "/api/private", "credentials": "include"}),
], title="Log in, then read from a sandboxed frame")

# %% [markdown]
# The frame reads the answer: the API said `Access-Control-Allow-Origin: null` with credentials, so *any* page that
# puts itself in a sandbox is "trusted", and your console stays quiet. But the answer is `401`, and the server's
# log shows no cookie: a page with an opaque origin is cross-site to every server, so your browser sends it no
# cookie (the engine's step 3). The redirect trick in the console above does get the cookie, because there the
# request starts on the attacker's page, which is same-site with the API. Either way, the fix is the same:
# never list `null` (exercise B).

# %% [markdown]
# ## 3. A regex without an end anchor
# The API means "any of our `*.example.com` frontends" and writes `http://.*\.example\.com`, matched from the start
# only. In this lab every page lives on `localhost`, and a page on a public domain cannot simply call `localhost`:
# Chromium's current **Local Network Access** refuses such requests from **http** public pages (nothing is sent) and,
# for **https** ones, asks the user's permission first. So we play the attacker's page by sending its Origin header
# ourselves and look at what the server grants.
#
# **Predict:** does `http://shop.example.com.evil.net` get access?

# %%
from cors_lab.course import server_grants

unanchored = CorsPolicy(allow_origin_regex=r"http://.*\.example\.com", allow_credentials=True)


def regex_answer():
    with api_with(unanchored, name="regex-api") as regex_api:
        grants = server_grants(regex_api.url + "/api/private",
                               ["http://shop.example.com", "http://shop.example.com.evil.net"])
    evil = grants["http://shop.example.com.evil.net"]
    lines = "\n".join(f"{origin}: Allow-Origin {aco!r}, Allow-Credentials {acc!r}" for origin, (aco, acc)
                      in grants.items())
    return Outcome("it gets in" if evil[0] else "refused",
                   "re.match anchors only the start: 'http://shop.example.com' is a prefix of the look-alike, and "
                   ".* matches anything. evil.net is a domain anyone can buy; its owner names subdomains at will.",
                   details=lines)


Predict("Does http://shop.example.com.evil.net get Access-Control-Allow-Origin?", ["it gets in", "refused"],
        regex_answer, context="CorsPolicy(allow_origin_regex=r'http://.*\\.example\\.com', allow_credentials=True)")

# %% [markdown]
# From a real `https://shop.example.com.evil.net` page the user's browser would ask to reach a local server, or,
# against an API on the internet, just hand the answer to the attacker's script. Anchor the pattern
# (`…\.example\.com$`), restrict the subdomain characters, or list exact origins.
#
# ## 4. CSRF: blocked, but processed
# CORS decides what a page may **read**. It does not decide what a server **does**. A *simple* cross-origin request —
# `GET`, or `POST` with a form's content type and no custom header — needs no preflight: the browser sends it
# straight away, with the cookies, the server acts on it, and only then does the browser refuse the page the answer.
# That is **Cross-Site Request Forgery**.
#
# The bank, a server of its own, lets its frontend (the course's page, `FRONTEND`) read its answers with cookies.
# Alice is logged in.

# %%
from cors_lab.course import bank_app, bank_policy, bank_tabs, forged_transfer
from cors_lab.widgets import forged_transfer_question

bank = serve_teaching(bank_app(bank_policy()), "bank")
print("the bank:", bank.origin)

# %% [markdown]
# **Predict:** the attacker's page sends
# `fetch(bank + "/transfer", {method: "POST", credentials: "include", headers: {"Content-Type":
# "application/x-www-form-urlencoded"}, body: "to=mallory&amount=100"})`. The console will say *blocked by CORS
# policy*. Did the money move?


# %%
forged_transfer_question(
    bank, "Did the attacker's forged POST move Alice's money?",
    "A form-type POST is a simple request: no preflight. The browser sent it with Alice's cookie, the bank made the "
    "transfer, and only the *answer* was blocked.",
    wrong={"the money stayed": "CORS blocks reading, not sending: the server acted before the check."})

# %% [markdown]
# ### SameSite cookies
# `SameSite` tells the browser when a cookie may go along with a request started by another **site**. What this lab's
# browser does, as recorded from Chromium (`cors_lab/browser/cookies.py`): a `fetch()` from a same-site page — any port
# of `localhost` — carries the cookie whatever its `SameSite` (`Lax`, `Strict` or `None`); a `fetch()` from another
# site carries no cookie at all (Chromium blocks third-party cookies). `SameSite=None` must also be `Secure`. The lab
# does not model forms that navigate the page (there, RFC 6265bis sends `Lax` cookies on top-level `GET` only).
#
# **Predict:** Alice's cookie is now `SameSite=None; Secure` (the most permissive). The same forged POST comes from a
# page on **another site**: the attacker's page, addressed as `127.0.0.1` instead of `localhost`. Does the money
# move?


# %%
forged_transfer_question(
    bank, "From another site, does the forged POST move money?",
    "127.0.0.1 and localhost are different sites: Chromium sends no cookie on a cross-site fetch, so the bank saw a "
    "stranger (401) and moved nothing. Same-site pages, though, still get the cookie.",
    attacker=ATTACKER.replace("localhost", "127.0.0.1"), samesite="None")

# %% [markdown]
# ### CSRF tokens
# The classic defence: the bank gives each session a secret token, readable only by pages allowed to **read** its
# answers (CORS!), and refuses any transfer without it. The attacker can send requests but cannot read the token.

# %%
import json

token_bank = serve_teaching(bank_app(bank_policy(), csrf_tokens=True), "token_bank", name="token-bank")
tabs = bank_tabs(token_bank.url)
print("attacker's forged POST ->", forged_transfer(tabs["attacker"], token_bank.url).exchanges[-1].status,
      "(refused: no token)")
print("attacker tries to read the token ->", "blocked" if tabs["attacker"].fetch(
    token_bank.url + "/csrf-token", credentials="include").blocked else "read it!")
token = json.loads(tabs["frontend"].fetch(token_bank.url + "/csrf-token", credentials="include").text)["token"]
mine = tabs["frontend"].fetch(token_bank.url + "/transfer", method="POST", credentials="include",
                              headers={"Content-Type": "application/json", "X-CSRF-Token": token},
                              body='{"to": "mallory", "amount": 5}')
print("frontend's POST with the token ->", mine.status)

# %% [markdown]
# ### Two more defences, on the server
# - **Check `Origin`.** Browsers send `Origin` on every cross-origin request and every `POST`. Refuse a state-changing
#   request whose `Origin` is not yours (and one without `Origin`: fail closed).
# - **Force a preflight.** Require a custom header (`X-Requested-With: ...`) or `Content-Type: application/json`. A
#   page can only send those after a preflight, which your CORS policy answers — only for your frontend. A form
#   cannot send them at all.
#
# ### Exercise D: make the bank refuse the forged POST
# Write `transfer_guard(request)`: the bank calls it on every `POST /transfer` with Flask's `request`
# (`request.headers.get("Origin")`, `request.headers.get("X-Requested-With")`, ...). Return `None` to let the transfer
# through, or a sentence saying why it is refused. The frontend's own transfer (JSON, with
# `X-Requested-With: cors-lab`) must still work.

# %%
def transfer_guard(request):
    return None  # <- your defence: return a sentence to refuse the transfer


# %%
from cors_lab.course import check_csrf_guard
from cors_lab.widgets import ExerciseChecker

ExerciseChecker("the attacker's forged POST moves no money; the frontend's own transfer still works.",
                check=check_csrf_guard, answer="transfer_guard", title="Exercise D: CSRF",
                hints=["Which header tells the server which page sent the request?",
                       "A form cannot send custom headers: the frontend's X-Requested-With is one."],
                solution="solutions/09_attacks.py")

# %% [markdown]
# ## 5. Fix them: exercises A-C
# For each hole, write a policy that keeps the frontend working **with cookies** and blocks the attacker. Each checker
# starts a copy of the API with your policy, logs Alice in, then reads `/api/private` from the frontend and from the
# attacker's page (and replays the redirect trick).
#
# ### Exercise A: stop reflecting

# %%
fix_a = CorsPolicy(reflect_origin=True, allow_credentials=True)  # <- your fix

# %%
from cors_lab.course import check_null_fix, check_reflection_fix, check_regex_fix

ExerciseChecker("the frontend reads /api/private with Alice's cookie; the attacker's page reads nothing.",
                check=check_reflection_fix, answer="fix_a", title="Exercise A: stop reflecting",
                hints=["Which origins should ever read Alice's data?", "allow_origins=[FRONTEND]"],
                solution="solutions/09_attacks.py")

# %% [markdown]
# ### Exercise B: stop trusting `null`

# %%
fix_b = CorsPolicy(allow_origins=[FRONTEND, "null"], allow_credentials=True)  # <- your fix

# %%
ExerciseChecker("the redirect trick (Origin: null) reads nothing; the frontend still reads with cookies.",
                check=check_null_fix, answer="fix_b", title="Exercise B: stop trusting null",
                hints=["Who can make the browser send Origin: null?"], solution="solutions/09_attacks.py")

# %% [markdown]
# ### Exercise C: anchor the regex
# `http://shop.example.com` and `http://admin.example.com` must get in; `http://shop.example.com.evil.net` and
# `http://example.com.evil.net` must not.

# %%
fix_c = CorsPolicy(allow_origin_regex=r"http://.*\.example\.com", allow_credentials=True)  # <- your fix

# %%
ExerciseChecker("the real *.example.com frontends get in; look-alike domains do not.",
                check=check_regex_fix, answer="fix_c", title="Exercise C: anchor the regex",
                hints=["re.match anchors the start only: what anchors the end?",
                       "What can .* match? Think of dots."], solution="solutions/09_attacks.py")

# %% [markdown]
# ## Recap
# - **Reflecting Origin with credentials** = every website can read your users' data. Use an exact allowlist.
# - **`null` is not "no origin"**: sandboxed iframes, `file:` pages and cross-origin redirects all send it.
#   Never allow it.
# - **Patterns** must match whole origins — anchored at both ends — or be replaced by a list.
# - **CSRF: blocked, but processed.** CORS stops the *reading*, not the *sending*: a simple POST reaches the server
#   with the cookies. Defend the server: check `Origin`, require a custom header or JSON (a preflight), CSRF tokens.
# - SameSite and Chromium's third-party cookie blocking limit cross-*site* requests, not cross-*origin* ones on the
#   same site.
# - CORS never protects the server: a script outside the browser can send any Origin. It protects *users* from pages.
#
# The last cell stops this notebook's servers.

# %%
stop_all()
