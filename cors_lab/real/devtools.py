"""The developer-tool "fixes" of lesson 08, run for real in headless Chromium.

- `fetch_with_extension(...)`: what an "Allow CORS" browser extension does — it rewrites the *responses* your browser
  receives, adding CORS headers the server never sent (modelled with Playwright's request interception, which is how
  such extensions' declarativeNetRequest rules act: after the server, before the CORS check).
- `ChromiumBrowser(origin, disable_web_security=True)`: Chromium started with ``--disable-web-security`` (in its own
  profile), where the same-origin policy is simply off.

Both change one browser on one machine; nothing about them reaches your users.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from cors_lab.browser.result import FetchResult
from cors_lab.real.chromium import ChromiumBrowser

EXTENSION_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, PUT, POST, DELETE, HEAD, OPTIONS",
    "Access-Control-Expose-Headers": "*",
}


def fetch_with_extension(origin: str, url: str, add_headers: dict[str, str] | None = None, **fetch_kwargs) -> FetchResult:
    """fetch() from a page at ``origin`` in real Chromium while an "Allow CORS"-style extension adds ``add_headers``
    (default: ``Access-Control-Allow-Origin: *`` and friends) to every response from ``url``'s server."""
    added = dict(EXTENSION_HEADERS if add_headers is None else add_headers)
    target = urlsplit(url)
    pattern = f"{target.scheme}://{target.netloc}/**"

    def rewrite(route):
        response = route.fetch()
        headers = {k: v for k, v in response.headers.items() if k.lower() not in {h.lower() for h in added}}
        route.fulfill(response=response, headers={**headers, **added})

    browser = ChromiumBrowser(origin=origin)
    try:
        browser._call(lambda tab: tab.page.route(pattern, rewrite))
        return browser.fetch(url, **fetch_kwargs)
    finally:
        browser.close()
