"""The one header type of cors_lab: a case-insensitive mapping of header name -> value.

The server's request log, the engine's exchanges and results, and the real-browser bridges all hold headers in it,
so ``entry.headers["origin"]``, ``entry.headers["Origin"]`` and ``"ORIGIN" in entry.headers`` mean the same
everywhere, and a `Headers` equals a plain dict with the same names in any case. It is requests'
`CaseInsensitiveDict` (names keep the spelling they arrived with, for display) with two additions: `from_pairs`
combines repeated fields the way the Fetch Standard does, and a short repr.

    >>> h = Headers.from_pairs([("Vary", "Origin"), ("vary", "Cookie")])
    >>> h["VARY"], h == {"vary": "Origin, Cookie"}
    ('Origin, Cookie', True)
"""
from __future__ import annotations

from typing import Iterable

from requests.structures import CaseInsensitiveDict


class Headers(CaseInsensitiveDict):
    """Header name -> value, names compared case-insensitively. Build one from a dict, pairs, or `from_pairs`."""

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, str]]) -> "Headers":
        """Repeated names are combined into one value, joined by ", " (the Fetch Standard's "combined value")."""
        headers = cls()
        for name, value in pairs:
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        return headers

    def lower(self) -> dict[str, str]:
        """A plain dict with lowercase names (for sorting, comparing and JSON)."""
        return dict(self.lower_items())

    def __repr__(self) -> str:
        return f"Headers({dict(self.items())!r})"
