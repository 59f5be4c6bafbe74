"""What axios sends for a call, and what it throws when the browser blocks the answer: axios in front of the engine.

Most CORS errors pasted into a search box say "Access to XMLHttpRequest at ...": axios (and jQuery) send
XMLHttpRequests, not fetch(). This module turns an axios call into the XMLHttpRequest axios makes of it, run by a
model tab (`cors_lab.Browser.xhr`), and says what the page's ``catch (error)`` gets.

    >>> from cors_lab import Browser
    >>> from cors_lab.course import FRONTEND
    >>> from cors_lab.course.axios import axios_request, axios_error
    >>> tab = Browser(FRONTEND)
    >>> r = axios_request(tab, "post", api.url + "/api/echo", data={"a": 1})             # doctest: +SKIP
    >>> r.preflight                 # an object goes out as JSON: Content-Type: application/json   # doctest: +SKIP
    True
    >>> str(axios_error(r))         # what axios rejects with when the browser blocked it   # doctest: +SKIP
    'AxiosError: Network Error'

What axios adds (recorded from real axios 1.21.1 in real Chromium 156 by tests/real/test_axios.py, which compares
what a lab server received from real axios with what `axios_request` sends through the engine):

- ``Accept: application/json, text/plain, */*`` on every request (a header of yours with the same name wins);
- an object (dict or list) becomes ``JSON.stringify(data)`` with ``Content-Type: application/json``, which is not
  a simple request's Content-Type: **an object body means a preflight**, and so does a GET with ``data``, because
  axios sets the header even though the browser drops a GET's body;
- a string body goes as it is, with ``Content-Type: application/x-www-form-urlencoded`` (simple: no preflight);
- no ``data``: no body and no Content-Type (axios removes one you set);
- the method is upper-cased (``"patch"`` goes out as ``PATCH``); ``withCredentials: true`` is XHR's
  ``withCredentials``, fetch()'s ``credentials: 'include'``.

What axios throws: when the browser blocks the answer (or the connection fails) the XHR fires ``error`` with
status 0, and axios rejects with ``AxiosError: Network Error`` (``code`` ``ERR_NETWORK``, no ``response``): the
same text for every CORS failure, in Chromium and in Firefox. The reason is only in the console. An answer the
browser lets through with a status outside 2xx rejects with ``AxiosError: Request failed with status code 404``
(``ERR_BAD_REQUEST`` for 4xx, ``ERR_BAD_RESPONSE`` for 5xx), with ``error.response.status``.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass

from cors_lab.errors import InputError

#: the axios version (npm) whose behaviour this module reproduces; tests/real/test_axios.py records it again
AXIOS_VERSION = "1.21.1"
#: the Accept header axios sends unless the call sets one (recorded)
ACCEPT = "application/json, text/plain, */*"
JSON_TYPE = "application/json"  # an object's Content-Type (recorded)
STRING_TYPE = "application/x-www-form-urlencoded"  # a string's Content-Type (recorded)


@dataclass(frozen=True)
class AxiosError:
    """What a page's ``catch (error)`` gets from axios: ``String(error)`` is ``str(this)``.

    ``status`` is ``error.response.status`` (None when there is no response: a blocked request has none).
    ``name`` is "AxiosError", or the DOMException's name when ``open()``/``setRequestHeader()`` threw (axios passes
    that exception on as it is)."""

    name: str
    message: str
    code: str | None = None
    status: int | None = None

    def __str__(self) -> str:
        return f"{self.name}: {self.message}"

    def __repr__(self) -> str:
        extra = "".join(f", {key}={value!r}" for key, value in (("code", self.code), ("status", self.status))
                        if value is not None)
        return f"AxiosError({str(self)!r}{extra})"


#: what axios rejects with for every request the browser blocks (CORS) or could not send (recorded)
NETWORK_ERROR = AxiosError("AxiosError", "Network Error", "ERR_NETWORK")


def _js_json(data):
    """``data`` as JSON.stringify writes it: no spaces, non-ASCII kept, 1.0 as 1, NaN and Infinity as null."""

    def js(value):
        if isinstance(value, float):
            if not math.isfinite(value):
                return None
            return int(value) if value.is_integer() else value
        if isinstance(value, dict):
            return {str(key): js(item) for key, item in value.items()}
        if isinstance(value, (list, tuple)):
            return [js(item) for item in value]
        return value

    try:
        return json.dumps(js(data), separators=(",", ":"), ensure_ascii=False)
    except TypeError as exc:
        raise InputError(f"axios sends an object as JSON, and this one has a value JSON cannot hold: {exc}") from None


def axios_headers(method: str, data=None, headers=None) -> tuple[list[tuple[str, str]], str | None]:
    """The headers axios sets with ``setRequestHeader`` for this call, and the body it passes to ``send``.

        >>> axios_headers("post", {"a": 1})
        ([('Accept', 'application/json, text/plain, */*'), ('Content-Type', 'application/json')], '{"a":1}')
        >>> axios_headers("get")
        ([('Accept', 'application/json, text/plain, */*')], None)
    """
    given = _header_pairs(headers)
    names = {name.lower() for name, _ in given}
    pairs = [] if "accept" in names else [("Accept", ACCEPT)]
    pairs += [(name, value) for name, value in given]  # yours win over axios' defaults, any case
    if data is None:
        body = None
        pairs = [(name, value) for name, value in pairs if name.lower() != "content-type"]  # recorded: removed
    elif isinstance(data, str):
        body = data
        if "content-type" not in names:
            pairs.append(("Content-Type", STRING_TYPE))
    elif isinstance(data, (dict, list, tuple)):
        body = _js_json(data)  # an object is JSON whatever Content-Type you set (recorded with text/plain)
        if "content-type" not in names:
            pairs.append(("Content-Type", JSON_TYPE))
    else:
        raise InputError(f"axios_request takes data as a dict or a list (sent as JSON), a str, or None, not "
                         f"{type(data).__name__}.")
    return pairs, body


def _header_pairs(headers) -> list[tuple[str, str]]:
    if headers is None:
        return []
    if isinstance(headers, dict):
        headers = list(headers.items())
    try:
        pairs = [(name, value) for name, value in headers]
    except (TypeError, ValueError):
        raise InputError("headers must be a dict or a list of (name, value) pairs, as axios' headers: {...}") from None
    for name, value in pairs:
        if not isinstance(name, str) or not isinstance(value, str):
            raise InputError(f"A header's name and value must be strings (not {name!r}: {value!r}).")
    return pairs


def axios_request(tab, method: str, url: str, data=None, headers=None, with_credentials: bool = False,
                  timeout: float | None = None):
    """Run ``axios({method, url, data, headers, withCredentials})`` from ``tab``'s page: the XMLHttpRequest axios
    sends, through the engine (``tab.xhr``). Returns the `XhrResult`; `axios_error` says what axios throws.

        >>> r = axios_request(tab, "put", api.url + "/api/items/1", data={"name": "kiwi"},
        ...                   with_credentials=True)                                     # doctest: +SKIP
        >>> r.request["headers"]                                                        # doctest: +SKIP
        {'Accept': 'application/json, text/plain, */*', 'Content-Type': 'application/json'}

    - ``tab``: a model `cors_lab.Browser` (Chromium or Firefox).
    - ``method``: any case, as axios takes it ("get", "post", ...); sent upper-cased.
    - ``data``: a dict or list (JSON, so a preflight), a str (form-urlencoded, simple) or None (no body).
    - ``headers``: a dict or (name, value) pairs, on top of axios' Accept.
    - ``with_credentials``: axios' ``withCredentials: true`` (cookies cross-origin; the server must answer
      ``Access-Control-Allow-Credentials: true`` and name the origin).
    """
    if not isinstance(method, str) or not method:
        raise InputError(f"method must be an HTTP method as a string ('get', 'post', ...), not {method!r}.")
    pairs, body = axios_headers(method, data, headers)
    return tab.xhr(url, method=method.upper(), headers=pairs, body=body, with_credentials=with_credentials,
                   timeout=timeout)


def axios_error(result) -> AxiosError | None:
    """What axios rejects with for an XHR ``result`` (None: axios resolves, with ``response.status`` 2xx).

        >>> str(axios_error(blocked_result))                                              # doctest: +SKIP
        'AxiosError: Network Error'
        >>> axios_error(result_404)                                                      # doctest: +SKIP
        AxiosError('AxiosError: Request failed with status code 404', code='ERR_BAD_REQUEST', status=404)

    A blocked request (any CORS failure, a refused connection) is `NETWORK_ERROR`: axios gets status 0 and an
    ``error`` event, never the reason. An exception ``open()`` or ``setRequestHeader()`` threw is passed on as it
    is (recorded: ``SyntaxError: Failed to execute 'setRequestHeader' ...``)."""
    if result.exception:
        name, _, message = result.exception.partition(": ")
        return AxiosError(name, message)
    if result.blocked or not result.status:
        return NETWORK_ERROR
    if 200 <= result.status < 300:
        return None
    # axios' validateStatus: 2xx resolves; its code is ERR_BAD_REQUEST for 4xx, ERR_BAD_RESPONSE for 5xx (recorded)
    code = {4: "ERR_BAD_REQUEST", 5: "ERR_BAD_RESPONSE"}.get(result.status // 100)
    return AxiosError("AxiosError", f"Request failed with status code {result.status}", code, result.status)


def axios_code(method: str, url: str, data=None, headers=None, with_credentials: bool = False) -> str:
    """The axios call as a page's script writes it, for a lesson to show.

        >>> print(axios_code("post", "https://api.example.com/echo", {"a": 1}, with_credentials=True))
        axios.post('https://api.example.com/echo', {"a":1}, {withCredentials: true})
    """
    options = []
    if headers:
        options.append("headers: {" + ", ".join(f"{json.dumps(n)}: {json.dumps(v)}"
                                                for n, v in _header_pairs(headers)) + "}")
    if with_credentials:
        options.append("withCredentials: true")
    method = method.lower()
    args = [f"'{url}'"]
    if method in ("post", "put", "patch"):
        if data is not None or options:
            args.append("null" if data is None else json.dumps(data, separators=(",", ":"), ensure_ascii=False))
    elif data is not None:
        options.insert(0, f"data: {json.dumps(data, separators=(',', ':'), ensure_ascii=False)}")
    if options:
        args.append("{" + ", ".join(options) + "}")
    return f"axios.{method}({', '.join(args)})"


__all__ = ["AXIOS_VERSION", "ACCEPT", "AxiosError", "NETWORK_ERROR", "axios_request", "axios_error", "axios_headers",
           "axios_code"]
