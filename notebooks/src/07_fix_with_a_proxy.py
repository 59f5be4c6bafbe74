# %% [markdown]
# # 07 · Fix with a proxy
#
# Sometimes you cannot change the server: a third-party API, a legacy service, another team's backend. A **proxy**
# is the second family of fixes: the browser talks to a server you control, and that server talks to the API —
# server to server, where CORS does not exist.
#
# **In this notebook you will**
# 1. run a **same-origin dev proxy** (what Vite's and webpack's dev-server `proxy` option does) and see CORS disappear;
# 2. see what a proxy costs: an extra hop, and a change in who holds the cookies;
# 3. run a **CORS-adding proxy** in front of the API, and ask real Chromium to confirm it works;
# 4. see what a **public "CORS anywhere" proxy** costs you, and why an open proxy is dangerous;
# 5. configure a safe proxy yourself, checked by the checker.
#
# Each topology is a picture: browser → proxy → API. Its arrows light up with the hops the live request really took
# (read from the lab servers' logs), and the log lines are shown below it.

# %%
import time

import requests

from cors_lab import Browser, api_app, cors_proxy, dev_proxy, page_app, stop_all
from cors_lab.course import ATTACKER, FRONTEND, serve_teaching
from cors_lab.widgets import ExerciseChecker, ProxyRoute, WillItCors, host_cookie_question

# %% [markdown]
# ## 1. An API you cannot change
# The API sends no CORS headers, and we pretend it belongs to someone else. The page server is where your own
# browser sends from when you press **Send from my browser** (after an answer, or in the cells below).

# %%
api = serve_teaching(api_app(), "api")
frontend_page = serve_teaching(page_app(), "page")  # the page your own browser sends from
print(f"the page: {frontend_page.origin}, the API: {api.origin}")

# %%
WillItCors(api, "/api/public", question="The page calls the API directly. Can its script read the answer?")

# %% [markdown]
# ## 2. The same-origin dev proxy
# The dev proxy, on a port of its own, serves the frontend page **and** forwards every `/api/...` (and `/login`)
# request to the API. The page now calls `/api/public` on its *own* origin, the proxy's.

# %%
dev = serve_teaching(dev_proxy(page_app(api_url=""), api_url=api.url, prefix=("/api", "/login")), "dev_proxy",
                     name="dev")
print("the dev proxy:", dev.origin)

# %%
ProxyRoute("dev", dev, api, ask="same-origin")

# %% [markdown]
# In your own browser: open DevTools on **Network** (filter with the dev proxy's port, printed above) and press. The
# page is the dev proxy's (a hidden frame it serves), and so is the URL: one row named `public`, a plain `200`,
# nothing red in the console. There is nothing for CORS to check.

# %%
from cors_lab.widgets import send_from_my_browser

send_from_my_browser(dev.url + "/api/public", origin=dev.origin)

# %% [markdown]
# A `basic` response: same-origin, so CORS never applied. The API received the request from the proxy, server to
# server, and without the page's `Origin`. This is why dev servers ship such a proxy, and why many production setups
# serve the frontend and the API from **one origin** behind a reverse proxy (nginx, a CDN): no CORS at all is the
# simplest CORS configuration.
#
# ### Who holds the cookies now?
# Log in *through the proxy*: the answer's `Set-Cookie` reaches the browser from the proxy's origin.

# %%
page = Browser(origin=dev.origin)
login = page.fetch(dev.url + "/login?user=alice")
mine = page.fetch(dev.url + "/api/private")
print("login:", login.status, "| private data through the proxy:", mine.status, mine.text.strip())

# %% [markdown]
# The browser sends the cookie to the proxy, and the proxy passes it on: the API no longer sees the browser at all —
# it sees one client, the proxy. That matters for rate limits, logs, IP-based rules.
#
# Now the page fetches the API **directly**, on the API's own port, with `credentials: 'include'`. The cookie came
# from the dev proxy, on another port. **Predict:**

# %%
host_cookie_question(page, api)

# %% [markdown]
# A cookie is **not** scoped to an origin: it belongs to a **host**, and ports do not count (RFC 6265). So "the
# proxy's origin holds the cookie" is only half true: the **host** `localhost` holds it, and every port on it gets
# it — the API's too. Two apps on one host name share their cookies; give them different host names to keep them
# apart.
#
# ### The extra hop
# Every request now crosses two servers. How much slower is it here, on one machine?

# %%
def median_ms(url, n=30):
    times = []
    for _ in range(n):
        start = time.perf_counter()
        requests.get(url)
        times.append(time.perf_counter() - start)
    return sorted(times)[n // 2] * 1000

direct, proxied = median_ms(api.url + "/api/public"), median_ms(dev.url + "/api/public")
print(f"direct {direct:.1f} ms, through the proxy {proxied:.1f} ms")

# %% [markdown]
# On loopback the hop costs about one extra request (the course's benchmark, `benchmarks/bench_proxy.py`, measures
# 1.1x to 1.9x the direct time, depending on the machine's load). Across the internet, a proxy far from the API can
# double the latency, and it becomes something you must run, scale and secure.
#
# ## 3. The CORS-adding proxy
# When the page must stay on its own origin, a **CORS-adding proxy** helps: `GET /` followed by the upstream's URL
# (`/http://localhost:<the API's port>/api/public`) makes the proxy fetch the upstream and answer the page **with**
# CORS headers. This is what CORS Anywhere does.
#
# Ours is safe by default: it forwards only to upstreams on an **allowlist** and answers only allowed origins.

# %%
cp = serve_teaching(cors_proxy(allow_upstreams=[api.origin], allow_origins=[FRONTEND]), "cors_proxy",
                    name="cors-proxy")
print("the CORS-adding proxy:", cp.origin)

# %%
ProxyRoute("cors", cp, api, ask="api-sees-origin")

# %% [markdown]
# The page sent its `Origin` to the proxy, and the proxy answered with `Access-Control-Allow-Origin`. The API saw a
# plain server-to-server request. And a page the proxy does not serve, the attacker's?

# %%
ProxyRoute("cors", cp, api, page=ATTACKER, ask="reaches-api",
           title="The attacker's page asks your proxy")

# %% [markdown]
# **Ask a real browser.** The same request as the frontend's page makes, in headless Chromium:

# %%
from cors_lab import ChromiumBrowser, chromium_available, compare

via = cp.url + "/" + api.url + "/api/public"
if chromium_available():
    real = ChromiumBrowser(origin=FRONTEND).fetch(via)
    print("Chromium:", real.type, real.status, "| agrees with the engine:",
          bool(compare(Browser(origin=FRONTEND).fetch(via), real)))
else:
    print("Chromium is not installed here: sudo apt-get install chromium")

# %% [markdown]
# And from your own browser, the frontend's page (a hidden frame on the page server of section 1): with DevTools on
# **Network** (filter with the CORS-adding proxy's port, printed above), the row shows a `200` from the proxy, and its
# response headers
# include the `Access-Control-Allow-Origin` the proxy added.

# %%
send_from_my_browser(via, origin=frontend_page.origin)

# %% [markdown]
# ## 4. A public "CORS anywhere" proxy
# Prefixing URLs with a public CORS proxy works in every browser — but look at the picture: **someone else's
# server** sits in the middle.
# - It **sees everything**: every URL, every answer, any token in a header or a body.
# - It needs **opt-in**: CORS Anywhere's public demo was open to anyone for years; abuse forced its owner to restrict
#   it in 2021 (now you opt in on its page, it wants an `X-Requested-With` header, and it is rate-limited).
# - It is **never a fix for real users**: it can vanish, slow down or refuse them at any time.
#
# Our stand-in: a proxy that serves any page (`*`) but, like CORS Anywhere, wants an `X-Requested-With` header.

# %%
public = serve_teaching(cors_proxy(allow_upstreams=[api.origin], allow_origins="*", require_header="X-Requested-With"),
                        "public_proxy", name="public-proxy")

# %%
ProxyRoute("public", public, api, ask="reaches-api", title="A public proxy, without the opt-in header")

# %%
ProxyRoute("public", public, api, fetch=dict(headers={"X-Requested-With": "fetch"}),
           title="The same, with the opt-in header (X-Requested-With)")

# %% [markdown]
# With the header, the page reads the API — through a stranger's server, after a preflight (the header is not
# CORS-safelisted).
#
# ### Why an open proxy is dangerous
# A proxy that forwards *anywhere* is a gift to attackers:
# - **SSRF**: it runs inside your network, so it can reach what the internet cannot — admin panels on other ports,
#   databases with HTTP interfaces, cloud metadata endpoints that hand out credentials.
# - **Abuse**: anyone can use your bandwidth and your IP address to scrape or attack other sites.
# - **Cookies**: if it forwarded cookies, every site using the proxy would share them.
#
# Our proxies refuse what they must. Try another service on this machine, credentials in the URL, a `file:` URL and a
# malformed one:

# %%
internal = serve_teaching(api_app(), "internal")
attempts = [
    internal.url + "/api/public",                           # another service on this machine
    f"http://user:secret@localhost:{api.port}/api/public",  # credentials in the URL
    "file:///etc/passwd",                                   # not http
    f"http//localhost:{api.port}",                          # malformed
]
for target in attempts:
    answer = requests.get(cp.url + "/" + target, headers={"Origin": FRONTEND})
    print(answer.status_code, answer.text.strip()[:100])
print("requests that reached the internal service:", internal.count())

# %% [markdown]
# Every one refused with one sentence, and nothing was forwarded. The proxy's own record says the same:

# %%
cp.app.config["REFUSED"][-len(attempts):]

# %% [markdown]
# ## When is a proxy the right fix?
# - **Development**: the dev proxy — the page and the API look like one origin, exactly as in production behind a
#   reverse proxy.
# - **Production, same team**: serve the frontend and the API under one origin (reverse proxy) — no CORS needed.
# - **A public third-party API without CORS**: a small CORS-adding proxy of your own, with an upstream allowlist, an
#   origin allowlist, no cookies, and a rate limit — never a stranger's public proxy.
# - **Not** a fix for private data on another team's API: ask them to send the right CORS headers (notebook 06).

# %% [markdown]
# ## Exercise: a safe CORS proxy
# Build `my_proxy` so that the frontend can read `/api/public` of the API (`api`) through it, while a request for
# the internal service (`internal`) is refused and the attacker's page cannot use it. Edit the cell, run it, then
# press **Check**.

# %%
my_proxy = serve_teaching(cors_proxy(allow_upstreams=[], allow_origins=[]), "cors_proxy", name="cors-proxy")  # <- edit

# %%
from cors_lab.course import check_cors_proxy


def check_my_proxy(proxy):
    """What Check runs: your `my_proxy`, asked for the API and for the internal service."""
    return check_cors_proxy(proxy, api.url, internal.url)


ExerciseChecker(
    "the frontend reads the API's /api/public through my_proxy; the internal service and the attacker's page are "
    "refused.",
    check=check_my_proxy, answer="my_proxy", servers=[api, internal], title="A safe CORS proxy",
    hints=["allow_upstreams lists the origins the proxy may forward to: only the API's (api.origin).",
           "allow_origins lists the pages that may use the proxy: only the frontend's."],
    solution="solutions/07_fix_with_a_proxy.py")

# %% [markdown]
# ## Recap
# - A proxy moves the request server-side, where CORS does not exist.
# - A **same-origin** proxy (dev server, reverse proxy) removes cross-origin requests altogether. Its cookies are
#   the **host's**: every port on that host gets them too.
# - A **CORS-adding** proxy must be closed: upstream allowlist, origin allowlist, no cookies, rate limit — otherwise it
#   is an SSRF hole and an open relay.
# - A **public** CORS proxy sees everything and needs opt-in: a demo tool, not a fix.
# - A proxy costs a hop and a server to run.
# - Lesson 10 runs the real Vite dev proxy: it is gone after `vite build`, and it forwards the browser's `Origin`
#   (the course's `dev_proxy` strips it, or forwards it with `origin="forward"`).
#
# Next: **08 · Developer tools** — the "fixes" that only work on your machine.
#
# The last cell stops every lab server. The widgets above then say which cell to re-run.

# %%
stop_all()
