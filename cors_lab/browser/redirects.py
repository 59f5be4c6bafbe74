"""Following redirects (Fetch Standard §4.4 'HTTP-redirect fetch'): the next request, tainted origins, limits."""
from __future__ import annotations

from collections.abc import Iterable

from cors_lab.browser.origin import Origin, origin_of, same_origin

REDIRECT_STATUSES = {301, 302, 303, 307, 308}
MAX_REDIRECTS = 20  # Chromium: the 21st redirect fails with net::ERR_TOO_MANY_REDIRECTS
UNSAFE_SCHEMES = ("data", "file")  # Chromium never follows a redirect there: net::ERR_UNSAFE_REDIRECT, no sentence


def location(status: int, headers: Iterable[tuple[str, str]]) -> str | None:
    """The Location of a redirect Chromium follows, as the URL parser gets it, or None when this is no redirect
    (no Location: the 3xx is returned as it is).

    As Chromium's HttpResponseHeaders::IsRedirect: the first Location that is not empty (the network layer has
    already refused two different ones), its bytes above 0x7F percent-escaped as they came (a UTF-8 é is %C3%A9,
    a Latin-1 é %E9; header values arrive here as Latin-1 text, one character per byte)."""
    if status not in REDIRECT_STATUSES:
        return None
    value = next((value for name, value in headers if name.lower() == "location" and value), None)
    if value is None:
        return None
    return "".join(char if ord(char) < 0x80 else f"%{ord(char):02X}" for char in value)


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
