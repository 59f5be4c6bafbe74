"""The error doctor: paste a browser's console sentence or a script's error, get what it means and the smallest fix.

    >>> from cors_lab import diagnose
    >>> d = diagnose("Access to fetch at 'http://localhost:8002/api/public' from origin 'http://localhost:8001' "
    ...              "has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the "
    ...              "requested resource.")
    >>> d.kind, d.header, d.browser, d.api
    ('missing_allow_origin', 'Access-Control-Allow-Origin', 'chromium', 'fetch')
    >>> d.fix
    'Make the server at http://localhost:8002 send `Access-Control-Allow-Origin: http://localhost:8001` on every \
response, errors included.'

It reads what learners paste:

- Chromium's console sentences for fetch() ("Access to fetch at ...") and for XMLHttpRequest ("Access to
  XMLHttpRequest at ...", whose reasons are the table's ``xhr`` column where Chromium words them otherwise), its
  exceptions (fetch()'s TypeErrors, XMLHttpRequest's open()/setRequestHeader() DOMExceptions) and its warnings;
- Firefox's console sentences ("Cross-Origin Request Blocked: ..."), exceptions and warnings;
- what scripts catch: ``TypeError: Failed to fetch`` (Chromium), ``TypeError: NetworkError when attempting to fetch
  resource.`` (Firefox), and axios' ``AxiosError: Network Error`` / ``ERR_NETWORK``.

The same failure gets the same fix whichever browser and API wrote it. Every pattern is built from the browsers'
texts in the failures table (`cors_lab.browser.failures`, recorded from real Chromium 156 and Firefox 153 ESR), and
every meaning and fix is that table's row filled with what the text says; the doctor's own words are only where
the reason is to be found for a text that carries none (`WHERE_THE_REASON_IS`) and what axios adds (`AXIOS_FACTS`).

Firefox's sentences say less than Chromium's: they do not name the page's origin (``diagnose(text, origin=...)``
fills it in), nor whether the check failed on the preflight, nor a redirect; and several failures share one
sentence. Then the doctor names the failure as precisely as the sentence allows, by one rule: the rows whose
Firefox text it is, narrowed by the engine's own checks on what the sentence quotes (the method it names, the
Access-Control-Allow-Origin value as Chromium's check reads it, a port Firefox refuses); first the row MDN's page
for Firefox's reason code is about, then the table's order. ``kinds`` lists every kind it may be, and the fix gives
each case's fix (``alternatives``), so it is honest for all of them. Pure: no I/O.
"""
from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from html import escape
from urllib.parse import urlsplit

from cors_lab.browser.browsers import MODELS
from cors_lab.browser.check import cors_check
from cors_lab.browser.failures import _FF_STATUS, FAILED_TO_FETCH, FAILURES, MDN_ERRORS, Failure, server_of
from cors_lab.browser.origin import URLError, parse_url
from cors_lab.browser.ports import is_bad_port
from cors_lab.browser.safelist import is_forbidden_method, is_valid_method

#: what axios 1.x rejects with for every blocked or failed request (recorded: axios 1.21.1 in Chromium 156 and
#: Firefox 153 ESR, a CORS-blocked GET, a blocked JSON POST, withCredentials, a refused connection): String(error),
#: error.message and error.code. It turns XMLHttpRequest's ``error`` event into this; error.response is undefined.
AXIOS_NETWORK_ERROR = "AxiosError: Network Error"
AXIOS_MESSAGE, AXIOS_CODE = "Network Error", "ERR_NETWORK"

#: where each browser shows the reason a script's error does not carry (Firefox's Network panel labels are its
#: devtools' BLOCKED_REASON_MESSAGES)
WHERE_THE_REASON_IS = {
    "chromium": "Open DevTools -> Console, copy the red sentence that starts with \"Access to fetch at\" (or "
                "\"Access to XMLHttpRequest at\") and diagnose that one.",
    "firefox": "Open Firefox's Web Console (DevTools -> Console), copy the red sentence that starts with "
               "\"Cross-Origin Request Blocked\" and diagnose that one; the Network panel marks the request too, in "
               "its Transferred column (e.g. \"CORS Missing Allow Origin\").",
}
_NO_SENTENCE = ("No such sentence? Then it is a network error: is the server running, and is the port right?")
_FIREFOX_NO_ANSWER = ("\"CORS request did not succeed\" there means no answer came: is the server running, and is "
                      "the port right?")

#: what axios adds to a request, each a reason it is blocked where a plain fetch() is not (recorded as above)
AXIOS_FACTS = (
    "axios sends its requests with XMLHttpRequest, so Chromium's sentence starts \"Access to XMLHttpRequest at\"; "
    "the reason is only in the console, next to the AxiosError.",
    "`withCredentials: true` is fetch()'s credentials 'include': cookies go out, and the server must answer with "
    "its exact origin (never `*`) and `Access-Control-Allow-Credentials: true`.",
    "axios sends a JavaScript object as JSON (`Content-Type: application/json`), which is not CORS-safelisted: the "
    "browser first sends an OPTIONS preflight, whose answer must allow it (`Access-Control-Allow-Headers: "
    "Content-Type`).",
)
_AXIOS = re.compile(rf"\b{re.escape(AXIOS_MESSAGE)}\b|(?<!net::)\b{re.escape(AXIOS_CODE)}\b")

#: a field a Firefox sentence does not quote, where a row's meaning or fix needs it: what the doctor writes instead
_UNSAID = {"hint": "(Firefox does not name it)", "method": "(Firefox does not name it)",
           "name": "(Firefox does not name it)", "value": "(Firefox does not quote it)"}
_UNSAID_HINT = {"method_not_allowed": "the request's method"}  # reads better than the generic words

# ---- turning a template into a pattern ---------------------------------------------------------------------------
_SLOT = "\x00{}\x00"  # a marker no sentence contains, put where a template has a field, then turned into a group
_SLOT_PATTERNS = {  # what each field of a Chromium sentence can hold; URLs and origins never contain a space
    "url": r"\S*?", "initial_url": r"\S*?", "origin": r"\S*?", "page_url": r"\S*?",
    "member": r"\w+", "idl_type": r"\w+", "scheme": r"[^\"]*",
}
_FIREFOX_SLOT_PATTERNS = {  # Firefox quotes URLs as the script wrote them (spaces included), each on one line
    "member": r"\w+", "idl_type": r"\w+", "status": r"\(null\)|\d+",
    "value": r".*?",  # a header value it refuses may hold the very newline it refuses (recorded: "a\nb is an ...")
}
_AT_THE_END = r"[^\n]*"  # a field that ends the sentence runs to the end of its line
_ANY = r".*?"  # hint, method, value: whatever lies between the words around them
_ON_ONE_LINE = r"[^\n]*?"


def _quotes(text: str) -> str:
    return text.replace("\u2018", "'").replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')


def _fields(template: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


def _pattern(sample: str, names: list[str], slots: dict[str, str] = _SLOT_PATTERNS, other: str = _ANY,
             tail: str = "") -> re.Pattern:
    """A template filled with slot markers -> a regex with one named group per slot (``tail``: regex after it)."""
    regex = re.escape(_quotes(sample.strip()))
    for name in names:
        marker = re.escape(_SLOT.format(name))
        group = _AT_THE_END if regex.endswith(marker) and not tail else slots.get(name, other)
        regex = regex.replace(marker, f"(?P<{name}>{group})", 1)
        regex = regex.replace(marker, f"(?P={name})")  # a field named twice must say the same twice
    return re.compile(regex + tail, re.S)


def _api_of(text: str) -> str | None:
    """The API a text names: "fetch" (Chromium's "Access to fetch at", "Failed to execute 'fetch'", "Fetch API";
    Firefox's "Window.fetch"), "xhr" ("XMLHttpRequest"), or None (most Firefox sentences name none)."""
    if "XMLHttpRequest" in text:
        return "xhr"
    return "fetch" if re.search(r"\bfetch\b|Fetch API", text, re.I) else None


@dataclass(frozen=True)
class _Form:
    """One shape a browser's text takes: which rows it may be, and what it tells (preflight None: it does not say)."""

    rows: tuple[Failure, ...]
    browser: str
    api: str | None
    preflight: bool | None
    pattern: re.Pattern


def _chromium_forms(row: Failure) -> list[_Form]:
    """Each form the row's Chromium text takes, most specific first: for a CORS failure, the fetch() and the
    XMLHttpRequest sentence, each with and without the preflight prefix and the redirect."""
    slot = _SLOT.format
    if row.section != "cors":
        names = list(row.fields)
        sample = row.sentence(**{name: slot(name) for name in names})
        api = "xhr" if row.kind.startswith("xhr_") else _api_of(row.chromium)
        return [_Form((row,), "chromium", api, False, _pattern(sample, names))]
    forms = []
    for api in ("fetch", "xhr"):
        for preflight in ((True, False) if row.prefixed_on_preflight else (False,)):
            for redirected in (True, False):
                names = ["url", "origin", "hint"] + (["initial_url"] if redirected else [])
                sample = row.text("chromium", api, url=slot("url"), origin=slot("origin"), hint=slot("hint"),
                                  preflight=preflight, initial_url=slot("initial_url") if redirected else None)
                forms.append(_Form((row,), "chromium", api, preflight, _pattern(sample, names)))
    return forms


def _firefox_forms() -> list[_Form]:
    """One form per Firefox text of the table, with every row that has it (Firefox is less specific than
    Chromium). Its "Status code: <n>." tail is optional: a pasted sentence may stop before it."""
    shared: dict[str, list[Failure]] = {}
    for row in FAILURES.values():
        if row.firefox is not None and row.section in _SECTIONS:
            shared.setdefault(row.firefox, []).append(row)
    forms = []
    for template, rows in shared.items():
        tail = ""
        if template.endswith(_FF_STATUS):
            template = template[:-len(_FF_STATUS)]
            before, after = _FF_STATUS.split("{status}")
            tail = f"(?:{re.escape(before)}(?P<status>{_FIREFOX_SLOT_PATTERNS['status']}){re.escape(after)})?"
        names = list(dict.fromkeys(_fields(template)))
        sample = template.format_map({name: _SLOT.format(name) for name in names})
        preflight = True if all(row.on_preflight for row in rows) else (
            False if not any(row.prefixed_on_preflight or row.on_preflight for row in rows) else None)
        forms.append(_Form(tuple(rows), "firefox", _api_of(template) or (
            "xhr" if all(row.kind.startswith("xhr_") for row in rows) else None), preflight,
            _pattern(sample, names, _FIREFOX_SLOT_PATTERNS, _ON_ONE_LINE, tail)))
    return forms


_SECTIONS = ("cors", "refused", "request", "silent", "warning")  # the sections whose rows a browser words
# every Chromium text the table has, in the table's order: CORS first, then refusals, rejections, warnings
_CHROMIUM = [form for row in FAILURES.values() if row.chromium is not None and row.section in _SECTIONS
             for form in _chromium_forms(row)]
_FIREFOX = _firefox_forms()


# ---- the diagnosis --------------------------------------------------------------------------------------------------
@dataclass
class Diagnosis:
    """What one console sentence (or a script's error) means, and the smallest fix: the failures-table row, filled
    from the sentence.

        >>> d = diagnose(result.error or result.exception)      # result: a blocked FetchResult   # doctest: +SKIP
        >>> d.kind, d.header, d.preflight, d.browser, d.api                                       # doctest: +SKIP
        ('header_not_allowed', 'Access-Control-Allow-Headers', True, 'chromium', 'fetch')
        >>> print(d)                     # what it means, the header to look at, the fix          # doctest: +SKIP

    - ``sentence``: the text as pasted.
    - ``kind``: the failure kind, a key of `cors_lab.browser.failures.FAILURES` ("unknown" when not recognised).
    - ``meaning`` / ``fix``: plain words, and the smallest change that makes it work (naming the header).
    - ``recognised``: False when the doctor does not know the text.
    - ``preflight``: the failure happened on the OPTIONS preflight, not on the actual response (None: the
      sentence does not say, as Firefox's mostly do not).
    - ``details``: what the sentence said, as parsed: url, origin, initial_url (after a redirect), hint, status, ...
    - ``browser`` / ``api``: who wrote the text: "chromium" | "firefox" | None (axios' error is the same in both)
      and "fetch" | "xhr" | "axios" | None (the sentence does not say).
    - ``reason_code``: Firefox's reason code for its sentence (the name of MDN's page about it), else None.
    - ``kinds``: every kind the sentence may be, ``kind`` first: more than one when the browser writes one sentence
      for several failures (``other_kinds``: the rest).
    - ``alternatives``: (when, fix) for each case the sentence leaves open, the first one ``kind``'s (``when`` is
      "" for it, else e.g. "if the check failed on the OPTIONS preflight ..." or "for too many redirects"); ``fix``
      says them all.
    - ``notes``: facts of the API the text came from (axios' defaults).
    - ``header`` / ``failure`` / ``mdn_url``: the header to look at first, the whole table row, MDN's page on it.
    """

    sentence: str
    kind: str
    meaning: str
    fix: str
    recognised: bool = True
    preflight: bool | None = False
    details: dict[str, str] = field(default_factory=dict)
    browser: str | None = None
    api: str | None = None
    reason_code: str | None = None
    kinds: tuple[str, ...] = ()
    alternatives: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()

    def __post_init__(self):
        if not self.kinds:
            self.kinds = (self.kind,)
        if not self.alternatives:
            self.alternatives = (("", self.fix),)

    @property
    def failure(self) -> Failure | None:
        """The failures-table row of this kind (None for a hand-made kind)."""
        return FAILURES.get(self.kind)

    @property
    def other_kinds(self) -> tuple[str, ...]:
        """The other kinds the same sentence may be (empty when the sentence names one failure)."""
        return self.kinds[1:]

    @property
    def header(self) -> str | None:
        """The response header a learner should look at first (None when no header is involved)."""
        return self.failure.header if self.failure else None

    @property
    def mdn_url(self) -> str | None:
        """MDN's page about this failure: the row's, else the page of Firefox's reason code for the sentence."""
        if self.failure is not None and self.failure.mdn:
            return self.failure.mdn_url
        return f"{MDN_ERRORS}/{self.reason_code}" if self.reason_code else None

    @property
    def source(self) -> str | None:
        """Who wrote the text, in words: "Chromium, XMLHttpRequest", "Firefox", "axios", ... (None: unknown)."""
        names = {"chromium": "Chromium", "firefox": "Firefox", "fetch": "fetch()", "xhr": "XMLHttpRequest",
                 "axios": "axios"}
        said = [names[part] for part in (self.browser, self.api) if part]
        return ", ".join(said) or None

    def __repr__(self) -> str:
        where = " (preflight)" if self.preflight else ""
        return f"<Diagnosis {self.kind}{where}: {self.meaning}\n  fix: {self.fix}>"

    def _look_at(self) -> str | None:
        if not self.header:
            return None
        return self.header + (" in the answer to the OPTIONS preflight" if self.preflight else "")

    def __str__(self) -> str:
        lines = [f"What it means: {self.meaning}"]
        if self.source and self.recognised:
            lines.insert(0, f"Written by:    {self.source}")
        if self._look_at():
            lines.append(f"Look at:       {self._look_at()}")
        if self.other_kinds:
            lines.append(f"May also be:   {', '.join(self.other_kinds)}")
        lines.append(f"Fix:           {self.fix}")
        lines += [f"Note:          {note}" for note in self.notes]
        if self.mdn_url and self.recognised:
            lines.append(f"MDN:           {self.mdn_url}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        color = "#1b5e20" if self.recognised else "#8a6d00"
        look = f"<div><b>Look at:</b> <code>{escape(self._look_at())}</code></div>" if self._look_at() else ""
        source = (f" <span style='color:#555'>({escape(self.source)})</span>"
                  if self.source and self.recognised else "")
        also = (f"<div><b>May also be:</b> {escape(', '.join(self.other_kinds))}</div>" if self.other_kinds else "")
        notes = "".join(f"<div><b>Note:</b> {escape(note)}</div>" for note in self.notes)
        mdn = (f"<div><b>MDN:</b> <a href='{escape(self.mdn_url)}' target='_blank'>{escape(self.mdn_url)}</a></div>"
               if self.mdn_url and self.recognised else "")
        return (f"<div style='font-family:sans-serif;font-size:13px;border-left:4px solid {color};padding-left:8px'>"
                f"<div><b>{escape(self.kind)}</b>{' (preflight)' if self.preflight else ''}{source}</div>"
                f"<div><b>What it means:</b> {escape(self.meaning)}</div>{look}{also}"
                f"<div><b>Fix:</b> {escape(self.fix)}</div>{notes}{mdn}</div>")


def _normalise(text: str) -> str:
    # Pasted text: DevTools line prefixes ("(index):1 "), curly quotes, several lines joined.
    return re.sub(r"[ \t]*\n[ \t]*", "\n", _quotes(text)).strip()


def _from_row(sentence: str, kind: str, details: dict[str, str], preflight: bool = False, **said) -> Diagnosis:
    row = FAILURES[kind]
    values = {**details, "preflight": preflight}
    return Diagnosis(sentence, kind, row.meaning_for(**values), row.fix_for(**values), kind != "unknown",
                     row.happened_on_preflight(preflight), details, **said)


def _with_axios(diagnosis: Diagnosis, text: str) -> Diagnosis:
    """A sentence pasted with axios' error around it: the API is axios (it sends XMLHttpRequests), and its facts."""
    if _AXIOS.search(text) and diagnosis.api in ("xhr", None):
        diagnosis.api, diagnosis.notes = "axios", AXIOS_FACTS
    return diagnosis


# ---- Firefox: the rows a shared sentence may be, and the fix for each -------------------------------------------
def _candidates(form: _Form, details: dict[str, str]) -> list[Failure]:
    """The rows the sentence may be, narrowed by the engine's own checks on what it quotes; first the row MDN's
    page for the sentence's reason code is about, then the table's order."""
    rows = list(form.rows)
    kinds = [row.kind for row in rows]
    if "invalid_method" in kinds and "method" in details:  # "Invalid request method X.": which rule X breaks
        method = details["method"]
        rule = ("invalid_method" if not is_valid_method(method) else
                "forbidden_method" if is_forbidden_method(method) else "no_cors_method")
        rows = [row for row in rows if row.kind == rule] or rows
    if "allow_origin_mismatch" in kinds and "hint" in details:
        # "does not match 'X'": Firefox says it of every value that is not the Origin; Chromium names X more
        # precisely (several values, not an origin at all), and that row's fix is the one Chromium's sentence gets
        chromium = cors_check(details["hint"], None, "\x00", False)
        named = FAILURES[chromium[0]] if chromium else None
        rows = [row for row in rows if row.kind == "allow_origin_mismatch"]
        if named is not None and named not in rows:
            rows.insert(0, named)
    if "unsafe_port" in kinds and is_bad_port(_port(details.get("url")), "firefox"):
        rows = [FAILURES["unsafe_port"]]  # a port Firefox refuses: nothing else could have happened
    reason = form.rows[0].firefox_reason
    return sorted(rows, key=lambda row: (row.mdn != reason, list(FAILURES).index(row.kind)))


def _port(url: str | None) -> int | None:
    """The port a URL of the sentence goes to (the scheme's default when it names none), None if it has none."""
    try:
        parts = urlsplit(parse_url(url or ""))
        return parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    except (URLError, ValueError):
        return None


def _unsaid(row: Failure, details: dict[str, str]) -> dict[str, str]:
    """Words for the fields the row's meaning and fix need but the sentence does not carry."""
    needed = set(_fields(row.meaning) + _fields(row.fix) + _fields(row.short)) & set(_UNSAID)
    filled = {name: _UNSAID[name] for name in needed if name not in details}
    if "hint" in filled and row.kind in _UNSAID_HINT:
        filled["hint"] = _UNSAID_HINT[row.kind]
    return filled


def _cases(row: Failure, preflight: bool | None) -> list[tuple[bool, str | None, str]]:
    """(preflight, origin to use or None for the page's, when) for each case a Firefox sentence leaves open."""
    flights = [True] if row.on_preflight else ([False, True] if row.prefixed_on_preflight and preflight is None
                                              else [bool(preflight)])
    cases = []
    for redirected in (False, True) if row.section == "cors" else (False,):
        for flight in flights:
            when = []
            if flight and not row.on_preflight:
                when.append("the check failed on the OPTIONS preflight (Firefox's sentence does not say)")
            if redirected:
                when.append("the request was redirected there from another server (its Origin is then `null`)")
            cases.append((flight, "null" if redirected else None, " and ".join(when)))
    return cases


def _firefox(sentence: str, form: _Form, details: dict[str, str], origin: str | None) -> Diagnosis:
    rows = _candidates(form, details)
    rows += [FAILURES[row.comes_with] for row in rows if row.comes_with]  # a warning names the failure it comes with
    values = dict(details)
    if "origin" not in values:
        page = values.get("page_url")
        values["origin"] = origin or (server_of(page) if page else None)
        if values["origin"] is None or values["origin"] == "the API server":
            del values["origin"]
    alternatives: list[tuple[str, str]] = []
    for row in rows:
        filled = {**values, **_unsaid(row, values)}
        for flight, sent, when in _cases(row, form.preflight):
            fill = {**filled, "preflight": flight, **({"origin": sent} if sent else {})}
            when = f"if {when}" if when else ""
            if row is not rows[0]:
                when = f"for {row.short_for(**fill)}" + (f", {when}" if when else "")
            fix = row.fix_for(**fill)
            if all(fix != known for _, known in alternatives):
                alternatives.append((when, fix))
    first = rows[0]
    filled = {**values, **_unsaid(first, values), "preflight": bool(form.preflight)}
    meaning = first.meaning_for(**filled)
    if len(rows) > 1:
        meaning += (" Firefox writes this same sentence for other failures too: "
                    + "; ".join(row.short_for(**{**values, **_unsaid(row, values)}) for row in rows[1:]) + ".")
    fix = alternatives[0][1] + "".join(f" Or, {when}: {fix}" for when, fix in alternatives[1:])
    return Diagnosis(sentence, first.kind, meaning, fix, True,
                     True if first.on_preflight else form.preflight, details, "firefox", form.api,
                     first.firefox_reason, tuple(row.kind for row in rows), tuple(alternatives))


def _firefox_match(text: str) -> tuple[_Form, re.Match] | None:
    """The Firefox sentence in the text that says most: a failure before a warning, then the sentence shared by
    the fewest rows (a failed preflight logs its reason, then "CORS request did not succeed"), then the first."""
    found = [(form, match) for form in _FIREFOX for match in [form.pattern.search(text)] if match]
    if not found:
        return None
    return min(found, key=lambda pair: (all(row.section == "warning" for row in pair[0].rows), len(pair[0].rows),
                                        pair[1].start()))


# ---- texts that carry no reason ---------------------------------------------------------------------------------
def _no_reason(sentence: str, browser: str | None, api: str) -> Diagnosis:
    """A script's error alone (Failed to fetch, NetworkError, AxiosError): the reason is only in the console."""
    row = FAILURES["failed_to_fetch"]
    meaning, fix, notes = row.meaning_for(), row.fix_for(), ()
    if browser == "firefox":
        fix = f"{WHERE_THE_REASON_IS['firefox']} {_FIREFOX_NO_ANSWER}"
    if api == "axios":
        meaning = (f"axios rejects with {AXIOS_NETWORK_ERROR} (code {AXIOS_CODE}) when its XMLHttpRequest fires "
                   f"'error': for every blocked or failed request. {meaning}")
        fix = (f"{WHERE_THE_REASON_IS['chromium']} In Firefox: {WHERE_THE_REASON_IS['firefox']} {_NO_SENTENCE}")
        notes = AXIOS_FACTS
    return Diagnosis(sentence, "failed_to_fetch", meaning, fix, True, False, {}, browser, api, notes=notes)


def diagnose(sentence: str, origin: str | None = None) -> Diagnosis:
    """What a browser's console sentence (or a script's error) means and how to fix it, in plain words.

        >>> diagnose(result.error or result.exception).fix      # result: a blocked FetchResult   # doctest: +SKIP
        >>> diagnose("TypeError: Failed to fetch").kind                                         # doctest: +SKIP
        'failed_to_fetch'

    ``sentence`` is the red console text (DevTools line prefixes, curly quotes and extra lines are fine): from
    Chromium or Firefox, for fetch() or XMLHttpRequest, or what the script caught (axios' error too). ``origin``:
    the page's origin, for a sentence that does not name it (Firefox's), so the fix can. Returns a `Diagnosis`; a
    text the doctor does not know gives ``recognised=False`` and a hint on what to paste instead."""
    if not isinstance(sentence, str):
        raise TypeError(f"diagnose() takes the console text as a string, not {type(sentence).__name__}")
    text = _normalise(sentence)
    for form in _CHROMIUM:
        match = form.pattern.search(text)
        if match:
            row = form.rows[0]
            details = {name: value for name, value in match.groupdict().items() if value is not None}
            if row.section != "cors":  # only CORS sentences may name an empty URL or hint
                details = {name: value for name, value in details.items() if value}
            return _with_axios(_from_row(sentence, row.kind, details, bool(form.preflight), browser="chromium",
                                         api=form.api), text)
    found = _firefox_match(text)
    if found is not None:
        form, match = found
        details = {name: value for name, value in match.groupdict().items() if value is not None}
        return _with_axios(_firefox(sentence, form, details, origin), text)
    for model in MODELS.values():  # response.text() rejected: a body that broke, in the browser's words
        for name in ("body_cut_short_error", "body_decoding_error"):
            words = getattr(model, name, None)
            if words and words != model.network_error and words in text:
                return _from_row(sentence, "invalid_response", {}, browser=model.name, api="fetch")
    if FAILED_TO_FETCH in text or "Failed to fetch" in text:
        return _from_row(sentence, "failed_to_fetch", {}, browser="chromium", api="fetch")
    network_error = FAILURES["failed_to_fetch"].firefox
    if network_error in text or network_error.removeprefix("TypeError: ") in text:
        return _no_reason(sentence, "firefox", "fetch")
    if _AXIOS.search(text):
        return _no_reason(sentence, None, "axios")
    if "net::ERR_" in text:
        return _from_row(sentence, "network_line", {}, browser="chromium")
    return _from_row(sentence, "unknown", {})


def known_kinds(browser: str = "chromium") -> list[str]:
    """Every failure kind the doctor can recognise in a text of ``browser`` ("chromium" | "firefox")."""
    if browser == "firefox":
        named = {row.kind for form in _FIREFOX for row in form.rows}
    else:
        named = {form.rows[0].kind for form in _CHROMIUM}
    return [row.kind for row in FAILURES.values()
            if row.kind in named or row.kind in ("failed_to_fetch", "network_line")]


__all__ = ["AXIOS_CODE", "AXIOS_FACTS", "AXIOS_MESSAGE", "AXIOS_NETWORK_ERROR", "Diagnosis", "WHERE_THE_REASON_IS",
           "diagnose", "known_kinds"]
