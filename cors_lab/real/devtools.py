"""The developer-tool "fixes" of lesson 08, run for real in headless Chromium.

- `fetch_with_extension(...)`: what an "Allow CORS" browser extension does — it rewrites the *responses* your browser
  receives, adding CORS headers the server never sent (modelled with Playwright's request interception, which is how
  such extensions' declarativeNetRequest rules act: after the server, before the CORS check).
- `ChromiumBrowser(origin, disable_web_security=True)`: Chromium started with ``--disable-web-security`` (in its own
  profile), where the same-origin policy is simply off.

Both change one browser on one machine; nothing about them reaches your users.
"""
from __future__ import annotations

from cors_lab.browser.origin import origin_of, parse_url
from cors_lab.browser.result import FetchResult
from cors_lab.headers import Headers
from cors_lab.real.chromium import ChromiumBrowser

EXTENSION_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, PUT, POST, DELETE, HEAD, OPTIONS",
    "Access-Control-Expose-Headers": "*",
}


def fetch_with_extension(origin: str, url: str, add_headers: dict[str, str] | None = None,
                         **fetch_kwargs) -> FetchResult:
    """fetch() from a page at ``origin`` in real Chromium while an "Allow CORS"-style extension adds ``add_headers``
    (default: `EXTENSION_HEADERS`, ``Access-Control-Allow-Origin: *`` and friends) to every response from
    ``url``'s origin.

        >>> r = fetch_with_extension("http://localhost:8001", "http://localhost:8002/api/public")
        >>> r.blocked, r.headers["content-type"]        # the API sends no CORS header; the extension "fixed" it
        (False, 'application/json')
        >>> fetch_with_extension("http://localhost:8001", "http://localhost:8002/api/private",
        ...                      credentials="include").error          # but * with credentials still fails
        "Access to fetch at ... The value of the 'Access-Control-Allow-Origin' header in the response must not be ..."

    ``fetch_kwargs`` are those of `ChromiumBrowser.fetch`. Each call runs in a fresh tab (no cookies). A header
    the extension adds replaces the server's header of the same name, as such extensions' rules do.
    """
    added = Headers(EXTENSION_HEADERS if add_headers is None else add_headers)
    pattern = origin_of(parse_url(url)).serialize() + "/**"

    def rewrite(route):
        response = route.fetch()
        headers = Headers(response.headers)
        headers.update(added)  # the extension's value wins, whatever the case of the server's header name
        route.fulfill(response=response, headers=dict(headers))

    browser = ChromiumBrowser(origin=origin)
    try:
        browser._call(lambda tab: tab.page.route(pattern, rewrite))
        return browser.fetch(url, **fetch_kwargs)
    finally:
        browser.close()
