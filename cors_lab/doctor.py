"""The error doctor: paste a Chromium console sentence, get what it means and the smallest fix.

    >>> from cors_lab import diagnose
    >>> d = diagnose("Access to fetch at 'http://localhost:8002/api/public' from origin 'http://localhost:8001' "
    ...              "has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the "
    ...              "requested resource.")
    >>> d.kind, d.header
    ('missing_allow_origin', 'Access-Control-Allow-Origin')
    >>> d.fix
    'Make the server at http://localhost:8002 send `Access-Control-Allow-Origin: http://localhost:8001` on every \
response, errors included.'

The doctor keeps no words of its own: every pattern is built from the Chromium templates of the failures table
(`cors_lab.browser.failures`, recorded from real Chromium), and every meaning and fix is that table's row filled with
what the sentence says. So it knows exactly the sentences the engine can produce, and gives the same fix as the
engine's ``result.explain()``. Pure: no I/O.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape

from cors_lab.browser.failures import FAILED_TO_FETCH, FAILURES, Failure

# ---- turning a template into a pattern ---------------------------------------------------------------------------
_SLOT = "\x00{}\x00"  # a marker no sentence contains, put where a template has a field, then turned into a group
_SLOT_PATTERNS = {  # what each field of a sentence can hold; URLs and origins never contain a space
    "url": r"\S*?", "initial_url": r"\S*?", "origin": r"\S*?", "page_url": r"\S*?",
    "member": r"\w+", "idl_type": r"\w+", "scheme": r"[^\"]*",
}
_AT_THE_END = r"[^\n]*"  # a field that ends the sentence runs to the end of its line
_ANY = r".*?"  # hint, method, value: whatever lies between the words around them


def _pattern(sample: str, names: list[str]) -> re.Pattern:
    """A template filled with slot markers -> a regex with one named group per slot."""
    regex = re.escape(sample.strip())
    for name in names:
        marker = re.escape(_SLOT.format(name))
        group = _AT_THE_END if regex.endswith(marker) else _SLOT_PATTERNS.get(name, _ANY)
        regex = regex.replace(marker, f"(?P<{name}>{group})", 1)
        regex = regex.replace(marker, f"(?P={name})")  # a field named twice must say the same twice
    return re.compile(regex, re.S)


def _patterns(row: Failure) -> list[tuple[bool, re.Pattern]]:
    """(preflight prefix seen, pattern) for each form the row's sentence takes, most specific first."""
    slot = _SLOT.format
    if row.section != "cors":
        names = list(row.fields)
        return [(False, _pattern(row.sentence(**{name: slot(name) for name in names}), names))]
    forms = []
    for preflight in ((True, False) if row.prefixed_on_preflight else (False,)):
        for redirected in (True, False):
            names = ["url", "origin", "hint"] + (["initial_url"] if redirected else [])
            sample = row.sentence(url=slot("url"), origin=slot("origin"), hint=slot("hint"), preflight=preflight,
                                  initial_url=slot("initial_url") if redirected else None)
            forms.append((preflight, _pattern(sample, names)))
    return forms


# every sentence the table has, in the table's order: CORS first, then refusals, then rejections
_RECOGNISED = [(row, preflight, pattern) for row in FAILURES.values()
               if row.chromium is not None and row.section in ("cors", "refused", "request")
               for preflight, pattern in _patterns(row)]


# ---- the diagnosis --------------------------------------------------------------------------------------------------
@dataclass
class Diagnosis:
    """What one console sentence means, and the smallest fix: the failures-table row, filled from the sentence.

        >>> d = diagnose(result.error or result.exception)      # result: a blocked FetchResult   # doctest: +SKIP
        >>> d.kind, d.header, d.preflight                                                       # doctest: +SKIP
        ('header_not_allowed', 'Access-Control-Allow-Headers', True)
        >>> print(d)                     # what it means, the header to look at, the fix          # doctest: +SKIP

    - ``sentence``: the text as pasted.
    - ``kind``: the failure kind, a key of `cors_lab.browser.failures.FAILURES` ("unknown" when not recognised).
    - ``meaning`` / ``fix``: plain words, and the smallest change that makes it work (naming the header).
    - ``recognised``: False when the doctor does not know the text.
    - ``preflight``: the failure happened on the OPTIONS preflight, not on the actual response.
    - ``details``: what the sentence said, as parsed: url, origin, initial_url (after a redirect), hint, ...
    - ``header`` / ``failure`` / ``mdn_url``: the header to look at first, the whole table row, MDN's page on it.
    """

    sentence: str
    kind: str
    meaning: str
    fix: str
    recognised: bool = True
    preflight: bool = False
    details: dict[str, str] = field(default_factory=dict)

    @property
    def failure(self) -> Failure | None:
        """The failures-table row of this kind (None for a hand-made kind)."""
        return FAILURES.get(self.kind)

    @property
    def header(self) -> str | None:
        """The response header a learner should look at first (None when no header is involved)."""
        return self.failure.header if self.failure else None

    @property
    def mdn_url(self) -> str | None:
        """MDN's page about this failure, when MDN has one."""
        return self.failure.mdn_url if self.failure else None

    def __repr__(self) -> str:
        where = " (preflight)" if self.preflight else ""
        return f"<Diagnosis {self.kind}{where}: {self.meaning}\n  fix: {self.fix}>"

    def __str__(self) -> str:
        lines = [f"What it means: {self.meaning}", f"Fix:           {self.fix}"]
        if self.header:
            lines.insert(1, f"Look at:       {self.header}"
                         + (" in the answer to the OPTIONS preflight" if self.preflight else ""))
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        color = "#1b5e20" if self.recognised else "#8a6d00"
        look = (f"<div><b>Look at:</b> <code>{escape(self.header)}</code>"
                f"{' in the answer to the OPTIONS preflight' if self.preflight else ''}</div>") if self.header else ""
        return (f"<div style='font-family:sans-serif;font-size:13px;border-left:4px solid {color};padding-left:8px'>"
                f"<div><b>{escape(self.kind)}</b>{' (preflight)' if self.preflight else ''}</div>"
                f"<div><b>What it means:</b> {escape(self.meaning)}</div>{look}"
                f"<div><b>Fix:</b> {escape(self.fix)}</div></div>")


def _normalise(text: str) -> str:
    # Pasted text: DevTools line prefixes ("(index):1 "), curly quotes, several lines joined.
    text = text.replace("\u2018", "'").replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"[ \t]*\n[ \t]*", "\n", text).strip()


def _from_row(sentence: str, kind: str, details: dict[str, str], preflight: bool = False) -> Diagnosis:
    row = FAILURES[kind]
    values = {**details, "preflight": preflight}
    return Diagnosis(sentence, kind, row.meaning_for(**values), row.fix_for(**values), kind != "unknown",
                     row.happened_on_preflight(preflight), details)


def diagnose(sentence: str) -> Diagnosis:
    """What a Chromium console sentence (or fetch() rejection) means and how to fix it, in plain words.

        >>> diagnose(result.error or result.exception).fix      # result: a blocked FetchResult   # doctest: +SKIP
        >>> diagnose("TypeError: Failed to fetch").kind                                         # doctest: +SKIP
        'failed_to_fetch'

    ``sentence`` is the red console text (DevTools line prefixes, curly quotes and extra lines are fine). Returns a
    `Diagnosis`; a text the doctor does not know gives ``recognised=False`` and a hint on what to paste instead."""
    if not isinstance(sentence, str):
        raise TypeError(f"diagnose() takes the console text as a string, not {type(sentence).__name__}")
    text = _normalise(sentence)
    for row, preflight, pattern in _RECOGNISED:
        match = pattern.search(text)
        if match:
            details = {name: value for name, value in match.groupdict().items() if value is not None}
            if row.section != "cors":  # only CORS sentences may name an empty URL or hint
                details = {name: value for name, value in details.items() if value}
            return _from_row(sentence, row.kind, details, preflight)
    if FAILED_TO_FETCH in text or "Failed to fetch" in text:
        return _from_row(sentence, "failed_to_fetch", {})
    if "net::ERR_" in text:
        return _from_row(sentence, "network_line", {})
    return _from_row(sentence, "unknown", {})


def known_kinds() -> list[str]:
    """Every failure kind the doctor can recognise in a text."""
    return [row.kind for row in FAILURES.values()
            if row.section in ("cors", "refused", "request") or row.kind in ("failed_to_fetch", "network_line")]


__all__ = ["Diagnosis", "diagnose", "known_kinds"]
