"""The console sentences, as recorded from Chromium 156 (see /work/notes/engine/recorded.md)."""
import pytest

from cors_lab.browser import messages as m

U, O = "http://localhost:9002/a1", "http://localhost:9001"
HEAD = f"Access to fetch at '{U}' from origin '{O}' has been blocked by CORS policy: "


@pytest.mark.parametrize("kind, hint, preflight, tail", [
    ("missing_allow_origin", "", False, "No 'Access-Control-Allow-Origin' header is present on the requested resource."),
    ("missing_allow_origin", "", True, "Response to preflight request doesn't pass access control check: No "
                                       "'Access-Control-Allow-Origin' header is present on the requested resource."),
    ("allow_origin_mismatch", "http://localhost:9003", False, "The 'Access-Control-Allow-Origin' header has a value "
     "'http://localhost:9003' that is not equal to the supplied origin. Have the server send the header with a valid value."),
    ("multiple_allow_origin", "a, b", False, "The 'Access-Control-Allow-Origin' header contains multiple values 'a, b', "
     "but only one is allowed. Have the server send the header with a valid value."),
    ("invalid_allow_credentials", "", True, "Response to preflight request doesn't pass access control check: The value of "
     "the 'Access-Control-Allow-Credentials' header in the response is '' which must be 'true' when the request's credentials mode is 'include'."),
    ("method_not_allowed", "PUT", True, "Method PUT is not allowed by Access-Control-Allow-Methods in preflight response."),
    ("header_not_allowed", "x-bar", True, "Request header field x-bar is not allowed by Access-Control-Allow-Headers in preflight response."),
    ("preflight_status", "", True, "Response to preflight request doesn't pass access control check: It does not have HTTP ok status."),
])
def test_cors_sentences_match_what_chromium_printed(kind, hint, preflight, tail):
    assert m.cors_blocked(U, U, O, kind, hint, preflight) == HEAD + tail


def test_a_redirected_fetch_names_both_urls():
    s = m.cors_blocked("http://localhost:9003/x", "http://localhost:9002/r", O, "missing_allow_origin")
    assert s.startswith("Access to fetch at 'http://localhost:9003/x' (redirected from 'http://localhost:9002/r') from origin")


def test_type_errors_match_chromium():
    assert m.forbidden_method("trace") == "TypeError: Failed to execute 'fetch' on 'Window': 'trace' HTTP method is unsupported."
    assert m.bad_enum("mode", "bogus", "RequestMode") == ("TypeError: Failed to execute 'fetch' on 'Window': Failed to read the "
        "'mode' property from 'RequestInit': The provided value 'bogus' is not a valid enum value of type RequestMode.")
