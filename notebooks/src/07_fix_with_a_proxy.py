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
# 3. run a **CORS-adding proxy** in the style of CORS Anywhere, and ask real Chromium to confirm it works;
# 4. see why an **open** proxy is dangerous, and watch ours refuse what it must;
# 5. configure a safe proxy yourself, checked automatically.

# %%
import time

import requests

from cors_lab import Browser, api_app, cors_proxy, dev_proxy, page_app, stop_all
from cors_lab.course import serve_teaching

FRONTEND = "http://localhost:8001"

# %% [markdown]
# ## 1. An API you cannot change
# The API on port 8002 sends no CORS headers, and we pretend it belongs to someone else.

# %%
api = serve_teaching(api_app(), port=8002, name="api")
print(Browser(origin=FRONTEND).fetch(api.url + "/api/public").error)

# %% [markdown]
# ## 2. The same-origin dev proxy
# The dev proxy on port 8010 serves the frontend page **and** forwards every `/api/...` (and `/login`) request to the
# API. The page now calls `/api/public` on its *own* origin.
#
# **Predict:** is the page's request cross-origin now? Will the API's log show an `Origin` header?

# %%
dev = serve_teaching(dev_proxy(page_app(api_url=""), api_url=api.url, prefix=("/api", "/login")), port=8010, name="dev")
page = Browser(origin=dev.origin)
r = page.fetch(dev.url + "/api/public")
print(r.type, r.status, r.text.strip())
print("API log:", api.log_text(1))

# %% [markdown]
# A `basic` response: same-origin, so CORS never applied. The API received the request from the proxy, server to
# server. This is why dev servers ship such a proxy, and why many production setups serve the frontend and the API
# from **one origin** behind a reverse proxy (nginx, a CDN): no CORS at all is the simplest CORS configuration.
#
# ### Who holds the cookies now?
# Log in *through the proxy*. **Predict:** for which origin does the browser store the session cookie?

# %%
login = page.fetch(dev.url + "/login?user=alice", credentials="same-origin")
print("login:", login.status, "| Set-Cookie came from", login.exchanges[-1].url.split("/login")[0])
mine = page.fetch(dev.url + "/api/private")
print("private through the proxy:", mine.status, mine.text.strip())

# %% [markdown]
# The cookie belongs to the **proxy's** origin: the browser sends it to the proxy, and the proxy passes it on. The API
# no longer sees the browser at all — it sees one client, the proxy. That matters for rate limits, logs, IP-based rules,
# and for anything that must not leave the browser.
#
# ### The extra hop
# Every request now crosses two servers. **Predict:** how much slower is it here, on one machine?

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
# When the page must stay on its own origin, a **CORS-adding proxy** helps: `GET /http://localhost:8002/api/public`
# makes the proxy fetch the upstream and answer the page **with** CORS headers. This is what CORS Anywhere does.
#
# Ours is safe by default: it forwards only to upstreams on an **allowlist** and answers only allowed origins.

# %%
cp = serve_teaching(cors_proxy(allow_upstreams=[api.origin], allow_origins=[FRONTEND]), port=8011, name="cors-proxy")
via = cp.url + "/" + api.url + "/api/public"
r = Browser(origin=FRONTEND).fetch(via)
print(r.type, r.status, r.text.strip())

# %% [markdown]
# **Ask a real browser.** The same request in headless Chromium:

# %%
from cors_lab import ChromiumBrowser, chromium_available, compare

if chromium_available():
    real = ChromiumBrowser(origin=FRONTEND).fetch(via)
    print("Chromium:", real.type, real.status, "| agrees with the engine:", bool(compare(r, real)))
else:
    print("Chromium is not installed here: sudo apt-get install chromium")

# %% [markdown]
# ## 4. Why an open proxy is dangerous
# A proxy that forwards *anywhere* is a gift to attackers:
# - **SSRF**: it runs inside your network, so it can reach what the internet cannot — admin panels on other ports,
#   databases with HTTP interfaces, cloud metadata endpoints that hand out credentials.
# - **Abuse**: anyone can use your bandwidth and your IP address to scrape or attack other sites.
# - **Cookies**: if it forwarded cookies, every site using the proxy would share them.
#
# CORS Anywhere's public demo was open to anyone for years; abuse forced its owner to restrict it in 2021 (you now
# have to opt in on its page, and it is rate-limited). **Predict:** which of these does our proxy forward?

# %%
internal = serve_teaching(api_app(), port=8003, name="internal")
attempts = [
    "http://localhost:8003/api/public",                  # another service on this machine
    f"http://user:secret@localhost:{api.port}/api/public",  # credentials in the URL
    "file:///etc/passwd",                                 # not http
    "http//localhost:8002",                               # malformed
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
# - **A public third-party API without CORS**: a small CORS-adding proxy with an upstream allowlist, an origin
#   allowlist, no cookies, and a rate limit.
# - **Not** a fix for private data on another team's API: ask them to send the right CORS headers (notebook 06).

# %% [markdown]
# ## Exercise: a safe CORS proxy
# Build `my_proxy` so that the frontend can read `/api/public` of the API on port 8002 through it, while a request
# for the internal service on port 8003 is refused. (Solution: `solutions/07_fix_with_a_proxy.py`.)

# %%
my_proxy = serve_teaching(cors_proxy(allow_upstreams=[], allow_origins=[]), port=8011, name="cors-proxy")  # <- edit

# %%
from cors_lab.course import check_cors_proxy

check_cors_proxy(my_proxy, api.url, internal.url)

# %%
stop_all()

# %% [markdown]
# ## Recap
# - A proxy moves the request server-side, where CORS does not exist.
# - A **same-origin** proxy (dev server, reverse proxy) removes cross-origin requests altogether; cookies then belong
#   to the proxy's origin.
# - A **CORS-adding** proxy must be closed: upstream allowlist, origin allowlist, no cookies, rate limit — otherwise it
#   is an SSRF hole and an open relay.
# - A proxy costs a hop and a server to run.
#
# Next: **08 · Developer tools** — the "fixes" that only work on your machine.
