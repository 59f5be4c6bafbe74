"""What a fetch() produced: the result contract shared by the engine and the real-Chromium bridge.

Both `cors_lab.browser.fetch.Browser.fetch` (the model) and `cors_lab.chromium.ChromiumBrowser.fetch`
(real headless Chromium) return a `FetchResult`, so the two can be compared field by field.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Exchange:
    """One HTTP request the browser really put on the wire, and what came back."""

    kind: str  # "preflight" | "actual" | "redirect" (a hop that answered 3xx is recorded as "redirect")
    method: str
    url: str
    request_headers: dict[str, str]  # lowercase name -> value, as sent (Origin, Cookie, Access-Control-Request-*)
    status: int = 0  # 0 when no response arrived (network error)
    response_headers: dict[str, str] = field(default_factory=dict)  # lowercase name -> value, all of them
    set_cookies: list[str] = field(default_factory=list)  # raw Set-Cookie values (never visible to JS)

    @property
    def origin_sent(self) -> str | None:
        return self.request_headers.get("origin")

    @property
    def cookies_sent(self) -> bool:
        return "cookie" in self.request_headers


@dataclass
class Step:
    """One line of the explanation: which rule applied, and whether it passed."""

    rule: str  # short title, e.g. "CORS check: Access-Control-Allow-Origin"
    spec: str  # where the rule lives, e.g. "Fetch Standard §4.10 CORS check"
    passed: bool | None  # None = informational
    detail: str  # what was looked at and what it means
    fix: str | None = None  # the smallest server-side change that would make it pass


@dataclass
class FetchResult:
    """Everything JavaScript's fetch() (and the DevTools console) would show for one call."""

    blocked: bool
    type: str  # 'basic' | 'cors' | 'opaque' | 'opaqueredirect' | 'error'
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)  # what JS can read from response.headers
    text: str = ""
    exception: str | None = None  # e.g. "TypeError: Failed to fetch"
    error: str | None = None  # the DevTools console sentence, word for word
    preflight: bool = False
    exchanges: list[Exchange] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    request: dict = field(default_factory=dict)  # what the script asked for: url, method, headers, mode, ...
    source: str = "engine"  # "engine" or "chromium"

    # ---- presentation -------------------------------------------------------------------
    def summary(self) -> str:
        if not self.blocked:
            return f"{self.type} {self.status}"
        reason = self.reason()
        return f"blocked: {reason}" if reason else "blocked"

    def reason(self) -> str | None:
        """A short reason for a block, taken from the first failed step."""
        for step in self.steps:
            if step.passed is False:
                return step.rule
        return None

    def __repr__(self) -> str:
        return f"<FetchResult {self.summary()}>"

    def explain(self) -> str:
        """Step by step, for learners: each rule, what passed, what failed, and the smallest fix."""
        from cors_lab.browser.explain import explain

        return explain(self)

    def _repr_html_(self) -> str:
        from cors_lab.browser.explain import explain_html

        return explain_html(self)

    def comparable(self) -> dict:
        """The fields the Chromium agreement tests compare."""
        return {
            "blocked": self.blocked,
            "type": self.type,
            "status": self.status,
            "error": self.error,
            "exception": self.exception,
            "headers": dict(sorted(self.headers.items())),
            "text": self.text,
            "preflight": self.preflight,
        }
