"""Chromium 156's console sentences and fetch() rejections, one template per failure.

Every template here was recorded from real Chromium 156 (Debian) — see /work/notes/engine/recorded.md —
and matches third_party/blink/renderer/platform/loader/cors/cors_error_string.cc. Note that Chromium 156
no longer appends the "If an opaque response serves your needs, ..." advice.
"""
from __future__ import annotations

FAILED_TO_FETCH = "TypeError: Failed to fetch"
_TE = "TypeError: Failed to execute 'fetch' on 'Window': "

# ---- rejections before any request is sent (Request constructor) --------------------------------
def invalid_url(url: str) -> str:
    return f"{_TE}Failed to parse URL from {url}"


def url_with_credentials(url: str) -> str:
    return f"{_TE}Request cannot be constructed from a URL that includes credentials: {url}"


def bad_enum(member: str, value: str, idl_type: str) -> str:
    return (f"{_TE}Failed to read the '{member}' property from 'RequestInit': "
            f"The provided value '{value}' is not a valid enum value of type {idl_type}.")


NAVIGATE_MODE = f"{_TE}Cannot construct a Request with a RequestInit whose mode member is set as 'navigate'."
NON_LATIN1_HEADER = (f"{_TE}Failed to read the 'headers' property from 'RequestInit': "
                     "String contains non ISO-8859-1 code point.")
INVALID_HEADER_NAME = f"{_TE}Invalid name"
INVALID_HEADER_VALUE = f"{_TE}Invalid value"
BODY_WITH_GET_HEAD = f"{_TE}Request with GET/HEAD method cannot have body."


def invalid_method(method: str) -> str:
    return f"{_TE}'{method}' is not a valid HTTP method."


def forbidden_method(method: str) -> str:
    return f"{_TE}'{method}' HTTP method is unsupported."


def no_cors_method(method: str) -> str:
    return f"{_TE}'{method}' is unsupported in no-cors mode."


# ---- console sentences for requests refused before the network ------------------------------------
def same_origin_mode(url: str, origin: str) -> str:
    return (f'Fetch API cannot load {url}. Request mode is "same-origin" but the URL\'s origin is not same as '
            f"the request origin {origin}.")


def no_cors_redirect_mode(url: str) -> str:
    return f'Fetch API cannot load {url}. Request mode is "no-cors" but the redirect mode is not "follow".'


def unsupported_scheme(url: str, scheme: str) -> str:
    return f'Fetch API cannot load {url}. URL scheme "{scheme}" is not supported.'


def local_resource(url: str) -> str:
    return f"Not allowed to load local resource: {url}"


def same_origin_mode_redirect(url: str, page_url: str) -> str:
    return f"Unsafe attempt to load URL {url} from frame with URL {page_url}. Domains, protocols and ports must match.\n"


# ---- CORS failures (cors_error_string.cc) -----------------------------------------------------------
CORS_SCHEMES = "chrome, chrome-experimental-site-token-provider, chrome-extension, chrome-untrusted, data, http, https, isolated-app"
_VALID = " Have the server send the header with a valid value."
PREFLIGHT_PREFIX = "Response to preflight request doesn't pass access control check: "

# kind -> template; {hint} is Chromium's "failed parameter"
CORS_REASONS = {
    "missing_allow_origin": "No 'Access-Control-Allow-Origin' header is present on the requested resource.",
    "wildcard_origin_with_credentials": ("The value of the 'Access-Control-Allow-Origin' header in the response must not "
                                         "be the wildcard '*' when the request's credentials mode is 'include'."),
    "multiple_allow_origin": "The 'Access-Control-Allow-Origin' header contains multiple values '{hint}', but only one is allowed." + _VALID,
    "invalid_allow_origin": "The 'Access-Control-Allow-Origin' header contains the invalid value '{hint}'." + _VALID,
    "allow_origin_mismatch": "The 'Access-Control-Allow-Origin' header has a value '{hint}' that is not equal to the supplied origin." + _VALID,
    "invalid_allow_credentials": ("The value of the 'Access-Control-Allow-Credentials' header in the response is '{hint}' "
                                  "which must be 'true' when the request's credentials mode is 'include'."),
    "preflight_status": "It does not have HTTP ok status.",
    "preflight_redirect": "Redirect is not allowed for a preflight request.",
    "invalid_allow_methods": "Cannot parse Access-Control-Allow-Methods response header field in preflight response.",
    "invalid_allow_headers": "Cannot parse Access-Control-Allow-Headers response header field in preflight response.",
    "method_not_allowed": "Method {hint} is not allowed by Access-Control-Allow-Methods in preflight response.",
    "header_not_allowed": "Request header field {hint} is not allowed by Access-Control-Allow-Headers in preflight response.",
    "redirect_credentials": "Redirect location '{hint}' contains a username and password, which is disallowed for cross-origin requests.",
    "cors_disabled_scheme": "Cross origin requests are only supported for protocol schemes: " + CORS_SCHEMES + ".",
    "insecure_private_network": ("The request client is not a secure context and the resource is in more-private address "
                                 "space `{hint}`."),
}
# these get the "Response to preflight request doesn't pass access control check: " prefix when found on a preflight
ACCESS_CHECK_KINDS = {"missing_allow_origin", "wildcard_origin_with_credentials", "multiple_allow_origin",
                      "invalid_allow_origin", "allow_origin_mismatch", "invalid_allow_credentials"}
PREFIXED_PREFLIGHT_KINDS = ACCESS_CHECK_KINDS | {"preflight_status", "preflight_redirect"}


def cors_blocked(url: str, initial_url: str, origin: str, kind: str, hint: str = "", preflight: bool = False) -> str:
    """'Access to fetch at '<url>' [(redirected from '<first url>')] from origin '<origin>' has been blocked by CORS policy: ...'"""
    s = f"Access to fetch at '{url}' "
    if initial_url != url:
        s += f"(redirected from '{initial_url}') "
    s += f"from origin '{origin}' has been blocked by CORS policy: "
    if preflight and kind in PREFIXED_PREFLIGHT_KINDS:
        s += PREFLIGHT_PREFIX
    return s + CORS_REASONS[kind].format(hint=hint)


# short reasons for reprs and step titles: <FetchResult blocked: no Access-Control-Allow-Origin>
SHORT = {
    "missing_allow_origin": "no Access-Control-Allow-Origin",
    "wildcard_origin_with_credentials": "Access-Control-Allow-Origin '*' with credentials",
    "multiple_allow_origin": "several values in Access-Control-Allow-Origin",
    "invalid_allow_origin": "invalid Access-Control-Allow-Origin",
    "allow_origin_mismatch": "Access-Control-Allow-Origin does not match the Origin",
    "invalid_allow_credentials": "Access-Control-Allow-Credentials is not 'true'",
    "preflight_status": "preflight status is not 2xx",
    "preflight_redirect": "preflight was redirected",
    "invalid_allow_methods": "unparsable Access-Control-Allow-Methods",
    "invalid_allow_headers": "unparsable Access-Control-Allow-Headers",
    "method_not_allowed": "method not in Access-Control-Allow-Methods",
    "header_not_allowed": "header not in Access-Control-Allow-Headers",
    "redirect_credentials": "redirect to a URL with credentials",
    "cors_disabled_scheme": "redirect to a non-http(s) URL",
    "insecure_private_network": "non-secure page calling a more-private address (Local Network Access)",
}
