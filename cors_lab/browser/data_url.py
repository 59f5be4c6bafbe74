"""data: URLs (Fetch Standard §4.3 'scheme fetch' + 'data: URL processor'; MIME Sniffing 'parse a MIME type').

fetch("data:text/plain,hi") never touches the network: Chromium 156 answers it as a 'basic' 200 whose only header is
Content-Type, whatever the mode, method or credentials. A data: URL the processor rejects is a network error.
Chromium differs from the standard in small ways, modelled here: the charset parameter is moved to the end of the
Content-Type and must be a token; other parameter names keep their case. (Not modelled: Chromium keeps an empty
parameter value such as `a=`.)
"""
from __future__ import annotations

import base64
import binascii
import re
from urllib.parse import unquote_to_bytes

from cors_lab.browser.safelist import TOKEN
from cors_lab.errors import InputError

DEFAULT_MIME = "text/plain;charset=US-ASCII"
_WS = " \t\n\r\f"  # ASCII whitespace
_HTTP_WS = " \t\n\r"
_BASE64_SUFFIX = re.compile(r";[ ]*base64$", re.IGNORECASE)
_PARAM_NAME = re.compile(r"[ \t\n\r]*([^;=]*)(=?)")
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"?')
_QUOTED_OK = re.compile(r"^[\t\x20-\x7e\x80-\xff]*$")  # HTTP quoted-string token code points


class DataURLError(InputError):
    """The data: URL processor returned failure (Chromium: net::ERR_INVALID_URL); the engine turns it into a
    network error, a caller of `process` gets this InputError."""


def parse_mime_type(text: str) -> tuple[str, list[tuple[str, str]]] | None:
    """MIME Sniffing 'parse a MIME type': (lowercase essence, [(name, value)]), or None on failure.
    Parameter names keep their case, as Chromium shows them; they are compared case-insensitively."""
    text = text.strip(_HTTP_WS)
    kind, slash, rest = text.partition("/")
    subtype, _, params = rest.partition(";")
    subtype = subtype.rstrip(_HTTP_WS)
    if not slash or not TOKEN.match(kind) or not TOKEN.match(subtype):
        return None
    params_out, seen, i = [], set(), 0
    while i < len(params):  # each parameter: name=value or name="quoted value", separated by ';'
        match = _PARAM_NAME.match(params, i)
        name, i = match.group(1), match.end()
        if not match.group(2):  # no '=': skip to the next ';'
            i = params.find(";", i) + 1 or len(params)
            continue
        if params.startswith('"', i):  # quoted-string: up to the closing quote, backslash escapes; rest ignored
            quoted = _QUOTED.match(params, i)
            value, i = re.sub(r"\\(.)", r"\1", quoted.group(1)), params.find(";", quoted.end()) + 1 or len(params)
        else:
            end = params.find(";", i) if ";" in params[i:] else len(params)
            value, i = params[i:end].rstrip(_HTTP_WS), end + 1
            if not value:
                continue
        if name and TOKEN.match(name) and _QUOTED_OK.match(value) and name.lower() not in seen:
            seen.add(name.lower())
            params_out.append((name, value))
    return f"{kind.lower()}/{subtype.lower()}", params_out


def serialize_mime_type(essence: str, params: list[tuple[str, str]]) -> str:
    """MIME Sniffing 'serialize a MIME type': values that are not tokens are quoted."""
    quote = lambda v: v if TOKEN.match(v) else '"' + re.sub(r'(["\\])', r"\\\1", v) + '"'
    return essence + "".join(f";{n}={quote(v)}" for n, v in params)


def process(url: str, charset_last: bool = True) -> tuple[str, bytes]:
    """Fetch Standard 'data: URL processor': (MIME type, body bytes), or DataURLError. ``charset_last``: Chromium
    moves the charset parameter to the end; Firefox keeps the parameters in their order (recorded)."""
    rest = url.split("#", 1)[0][len("data:"):].strip(_WS)  # 1-3. serialized URL without fragment, after 'data:'
    mime, comma, encoded = rest.partition(",")  # 4-5. the MIME type is everything before the first comma
    if not comma:
        raise DataURLError("no comma")
    mime = mime.strip(_HTTP_WS)
    body = unquote_to_bytes(encoded)  # 8. percent-decode the body
    if _BASE64_SUFFIX.search(mime):  # 11. ';base64' ends the MIME type: forgiving-base64 decode the body
        mime = _BASE64_SUFFIX.sub("", mime).rstrip(" ")
        data = re.sub(rb"[\t\n\f\r ]", b"", body)
        if len(data) % 4 == 0 and data.endswith(b"="):
            data = data[:-2] if data.endswith(b"==") else data[:-1]
        if len(data) % 4 == 1 or not re.fullmatch(rb"[A-Za-z0-9+/]*", data):
            raise DataURLError("invalid base64")
        try:
            body = base64.b64decode(data + b"=" * (-len(data) % 4))
        except binascii.Error:
            raise DataURLError("invalid base64") from None
    if mime.startswith(";"):  # 12. a MIME type of only parameters means text/plain
        mime = "text/plain" + mime
    parsed = parse_mime_type(mime)
    if parsed is None:  # 13-14. unparsable: text/plain;charset=US-ASCII
        return DEFAULT_MIME, body
    essence, params = parsed
    charset = [("charset", v) for n, v in params if n.lower() == "charset"]
    if charset and not TOKEN.match(charset[0][1]):  # Chromium (net::DataURL::Parse): a charset must be a token
        raise DataURLError("charset is not a token")
    if not charset_last:
        return serialize_mime_type(essence, [(name.lower(), value) for name, value in params]), body
    others = [(n, v) for n, v in params if n.lower() != "charset"]
    return serialize_mime_type(essence, others + charset), body  # Chromium puts the charset last
