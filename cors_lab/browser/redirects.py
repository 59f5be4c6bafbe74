"""Following redirects (Fetch Standard §4.4 'HTTP-redirect fetch'): the next request, tainted origins, limits."""
from __future__ import annotations

from urllib.parse import urljoin

from cors_lab.browser.origin import Origin, origin_of, same_origin

REDIRECT_STATUSES = {301, 302, 303, 307, 308}
MAX_REDIRECTS = 20  # Chromium: the 21st redirect fails with net::ERR_TOO_MANY_REDIRECTS


def location(status: int, headers: dict[str, str], current_url: str) -> str | None:
    """The absolute Location URL, or None when this is not a redirect we follow (no Location: returned as is)."""
    if status not in REDIRECT_STATUSES or not headers.get("location"):
        return None
    return urljoin(current_url, headers["location"])


def next_method(status: int, method: str) -> tuple[str, bool]:
    """§4.4 step 12: 301/302 POST and 303 (non-GET/HEAD) become GET without a body. Returns (method, keep_body)."""
    if (status in (301, 302) and method == "POST") or (status == 303 and method not in ("GET", "HEAD")):
        return "GET", False
    return method, True


def taints(page: Origin, current_url: str, next_url: str) -> bool:
    """§4.4 step 10: a cross-origin hop from a URL that is itself cross-origin to the page taints the origin
    (the next requests send `Origin: null`)."""
    current = origin_of(current_url)
    return not same_origin(current, origin_of(next_url)) and not same_origin(page, current)
