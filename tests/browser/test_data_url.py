"""data: URLs: the Fetch Standard's data: URL processor, checked against what Chromium 156 answered."""
import pytest

from cors_lab.browser.data_url import DataURLError, parse_mime_type, process, serialize_mime_type


@pytest.mark.parametrize("url, mime, body", [
    ("data:text/plain,hi", "text/plain", b"hi"),
    ("data:,hi", "text/plain;charset=US-ASCII", b"hi"),
    ("data:,", "text/plain;charset=US-ASCII", b""),
    ("data:x,hi", "text/plain;charset=US-ASCII", b"hi"),  # an unparsable MIME type falls back to the default
    ("data:TEXT/Plain;Charset=utf-8,hi", "text/plain;charset=utf-8", b"hi"),
    ("data:text/html;charset=UTF-8,<b>x</b>", "text/html;charset=UTF-8", b"<b>x</b>"),
    ("data:text/plain;foo=bar,hi", "text/plain;foo=bar", b"hi"),
    ("data:text/plain;base64,aGk=", "text/plain", b"hi"),
    ("data:text/plain;base64,aGk", "text/plain", b"hi"),  # forgiving base64: padding optional
    ("data:;base64,aGk=", "text/plain;charset=US-ASCII", b"hi"),
    ("data:text/plain;charset=utf-8;base64,aGk=", "text/plain;charset=utf-8", b"hi"),
    ("data: text/plain ;base64 , aGk=", "text/plain", b"hi"),
    ("data:application/json,%7B%22a%22%3A1%7D", "application/json", b'{"a":1}'),
    ("data:text/plain,a b#frag", "text/plain", b"a b"),  # the fragment is not part of the body
    ("data:text/plain;a=1;charset=x;b=2,hi", "text/plain;a=1;b=2;charset=x", b"hi"),  # Chromium puts charset last
    ("data:text/plain;CHARSET=Utf-8;charset=x,hi", "text/plain;charset=Utf-8", b"hi"),
    ('data:text/plain;charset="utf-8",hi', "text/plain;charset=utf-8", b"hi"),
    ("data:text/plain;base64;foo=bar,aGk=", "text/plain;foo=bar", b"aGk="),  # ';base64' counts only at the end
    ("data:x;charset=utf-8,hi", "text/plain;charset=US-ASCII", b"hi"),
    ("data:;charset=utf-8,hi", "text/plain;charset=utf-8", b"hi"),
    ("data:text/plain;Foo=BAR,hi", "text/plain;Foo=BAR", b"hi"),
])
def test_data_urls_give_chromiums_content_type_and_body(url, mime, body):
    assert process(url) == (mime, body)


@pytest.mark.parametrize("url", ["data:hi", "data:text/plain;base64,a", "data:;base64,a*b=",
                                 "data:text/plain;charset=a b,hi"])
def test_a_data_url_without_comma_or_with_bad_base64_is_a_failure(url):
    with pytest.raises(DataURLError):
        process(url)


@pytest.mark.parametrize("text, serialized", [
    ("TEXT/Plain;Foo=BAR", "text/plain;Foo=BAR"),  # Chromium keeps the parameter name's case
    ("text/plain ; charset = utf-8", "text/plain"),  # names may not end with whitespace
    ('text/plain;a="b c";a=2;b', 'text/plain;a="b c"'),  # first value wins, quoted when needed
    ("text/plain;=x;y=", "text/plain"),
    ("/plain", None), ("text/", None), ("text", None),
])
def test_mime_types_parse_like_the_mime_sniffing_standard(text, serialized):
    parsed = parse_mime_type(text)
    assert (serialize_mime_type(*parsed) if parsed else None) == serialized
