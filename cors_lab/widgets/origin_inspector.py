"""Same origin? Same site? Two URLs typed by the learner, compared part by part by the engine's origin code.

    inspector = OriginInspector(FRONTEND + "/", API + "/api/public")   # the lesson's page and API (the defaults)
    inspector                 # two fields (prefilled) and a Compare button
    print(inspector.compare())                          # same as pressing Compare with what the fields hold
    print(inspector.compare("https://a.example.co.uk/", "https://b.example.co.uk:8443/x"))

    predict_same_origin(FRONTEND + "/", API + "/")   # a Predict: guess first, then see

The engine decides (`cors_lab.browser.origin`: `parse_url`, `origin_of`, `same_origin`, `site`, `site_rule`); this
module only lays the answer out: scheme, host and port side by side, then each URL's site (scheme + registrable
domain, or the host when it has none) with the rule that decided it (the Public Suffix List, or: an IP address and
localhost are sites by themselves). Pure: no server, so it keeps working after ``stop_all()``.
"""
from __future__ import annotations

from dataclasses import dataclass

import ipywidgets as w

from cors_lab.browser.origin import DEFAULT_PORTS, Origin, origin_of, parse_url, same_origin, site, site_rule
from cors_lab.course.teaching import API, FRONTEND
from cors_lab.errors import InputError
from cors_lab.widgets import format as fmt
from cors_lab.widgets.base import WidgetView
from cors_lab.widgets.predict import Outcome, Predict

SCHEMES = ("http", "https")


def _origin(field: str, value: str) -> tuple[str, Origin]:
    """(the URL as the browser serializes it, its origin); one sentence for what is no http(s) URL."""
    value = fmt.single_line(field, value)
    if not value:
        raise InputError(f"{field} is empty: write a URL, for example {FRONTEND}/.")
    url = parse_url(value)  # URLError (an InputError) names what the browser cannot parse
    scheme = url.split(":", 1)[0]
    if scheme not in SCHEMES:
        raise InputError(f"{field} {value!r} is a {scheme}: URL; the inspector compares http and https URLs.")
    return url, origin_of(url)


def _port(origin: Origin) -> str:
    if origin.port is None:
        return f"{DEFAULT_PORTS[origin.scheme]} (not written: the default for {origin.scheme})"
    return str(origin.port)


@dataclass
class Comparison:
    """Two URLs compared as the browser compares them (what `OriginInspector.compare` shows)."""

    first: str  # the URLs, serialized as the browser does (lowercase host, default port dropped)
    second: str
    a: Origin
    b: Origin

    @property
    def same_origin(self) -> bool:
        return same_origin(self.a, self.b)

    @property
    def same_site(self) -> bool:
        """Schemeful same site: the same scheme and the same registrable domain (or host, when it has none)."""
        return site(self.a) == site(self.b)

    @property
    def schemelessly_same_site(self) -> bool:
        """HTML's 'schemelessly same site': the registrable domains (or hosts) are equal, whatever the schemes."""
        return site(self.a)[1] == site(self.b)[1]

    def parts(self) -> list[tuple[str, str, str, bool]]:
        """(part, first URL's, second URL's, equal) for scheme, host and port."""
        a, b = self.a, self.b
        port_a = a.port if a.port is not None else DEFAULT_PORTS[a.scheme]
        port_b = b.port if b.port is not None else DEFAULT_PORTS[b.scheme]
        return [("scheme", a.scheme, b.scheme, a.scheme == b.scheme), ("host", a.host, b.host, a.host == b.host),
                ("port", _port(a), _port(b), port_a == port_b)]

    def origin_reason(self) -> str:
        """Why they are (or are not) the same origin, in one sentence."""
        differ = [name for name, _, _, equal in self.parts() if not equal]
        if not differ:
            return (f"Scheme, host and port are equal: both are the origin {self.a}. The path, the query and the "
                    "fragment never count.")
        named = {name: (x, y) for name, x, y, _ in self.parts()}
        detail = "; ".join(f"{name} {named[name][0].split(' ')[0]} vs {named[name][1].split(' ')[0]}"
                           for name in differ)
        named_parts = differ[0] if len(differ) == 1 else ", ".join(differ[:-1]) + " and " + differ[-1]
        return (f"The {named_parts} differ{'s' if len(differ) == 1 else ''} ({detail}): "
                f"{self.a} and {self.b} are two origins.")

    def site_reason(self) -> str:
        """Why they are (or are not) the same site, in one sentence: a site is scheme + registrable domain."""
        (scheme_a, key_a), (scheme_b, key_b) = site(self.a), site(self.b)
        if self.same_site:
            ignored = "ports" if self.a.host == self.b.host else "ports and the labels before the registrable domain"
            return f"Both are on the site {scheme_a}://{key_a}: a site ignores {ignored}."
        if key_a == key_b:
            return (f"The schemes differ ({scheme_a} vs {scheme_b}), so they are two sites, though schemelessly "
                    f"the same site ({key_a}).")
        return f"{key_a} and {key_b} are different registrable domains (or hosts), so they are two sites."

    def text(self) -> str:
        """The comparison as the widget shows it, in plain text."""
        lines = [f"first : {self.first}", f"second: {self.second}", ""]
        for name, x, y, equal in self.parts():
            lines.append(f"  {'✔' if equal else '✘'} {name:<6} {x}  |  {y}")
        lines += ["", f"Same origin? {'yes' if self.same_origin else 'no'}. {self.origin_reason()}", ""]
        for label, origin in (("first", self.a), ("second", self.b)):
            scheme, key = site(origin)
            lines.append(f"  site of the {label}: {scheme}://{key}. {site_rule(origin.host)[1]}")
        lines.append(f"Same site? {'yes' if self.same_site else 'no'}. {self.site_reason()}")
        lines.append(f"Schemelessly same site? {'yes' if self.schemelessly_same_site else 'no'}.")
        return "\n".join(lines)

    def html(self) -> str:
        """The comparison as a small table: one row per part, green where equal, red where not."""
        cell = "padding:2px 10px;border-bottom:1px solid #ddd;font-family:monospace;font-size:12px"
        rows = [f"<tr><th style='{cell}'></th><th style='{cell}'>{fmt.escape(self.first)}</th>"
                f"<th style='{cell}'>{fmt.escape(self.second)}</th><th style='{cell}'></th></tr>"]
        for name, x, y, equal in self.parts():
            color = fmt.GREEN if equal else fmt.RED
            rows.append(f"<tr><td style='{cell}'><b>{name}</b></td><td style='{cell}'>{fmt.escape(x)}</td>"
                        f"<td style='{cell}'>{fmt.escape(y)}</td>"
                        f"<td style='{cell};color:{color}'>{'equal' if equal else 'differs'}</td></tr>")
        scheme_a, key_a = site(self.a)
        scheme_b, key_b = site(self.b)
        color = fmt.GREEN if self.same_site else fmt.RED
        rows.append(f"<tr><td style='{cell}'><b>site</b></td><td style='{cell}'>{fmt.escape(f'{scheme_a}://{key_a}')}"
                    f"</td><td style='{cell}'>{fmt.escape(f'{scheme_b}://{key_b}')}</td>"
                    f"<td style='{cell};color:{color}'>{'same site' if self.same_site else 'two sites'}</td></tr>")
        table = f"<table style='border-collapse:collapse;margin:4px 0'>{''.join(rows)}</table>"
        verdict = (f"<div style='color:{fmt.GREEN if self.same_origin else fmt.RED}'><b>Same origin? "
                   f"{'yes' if self.same_origin else 'no'}.</b> {fmt.escape(self.origin_reason())}</div>")
        rules = "".join(f"<div style='color:{fmt.GREY};font-size:12px'>site of the {label}: "
                        f"{fmt.escape(site_rule(origin.host)[1])}</div>"
                        for label, origin in (("first", self.a), ("second", self.b)))
        sites = (f"<div><b>Same site? {'yes' if self.same_site else 'no'}.</b> {fmt.escape(self.site_reason())} "
                 f"Schemelessly same site? {'yes' if self.schemelessly_same_site else 'no'}.</div>")
        return table + verdict + sites + rules


def compare(first: str, second: str) -> Comparison:
    """Compare two URLs as the browser does (one sentence, an `InputError`, for what is no http(s) URL).

        >>> compare("https://example.com/a", "https://EXAMPLE.com:443/b?x#y").same_origin
        True
    """
    url_a, a = _origin("First URL", first)
    url_b, b = _origin("Second URL", second)
    return Comparison(url_a, url_b, a, b)


class OriginInspector(WidgetView):
    """Two URL fields (prefilled) and a Compare button: same origin? same site? why, part by part.

        >>> inspector = OriginInspector(FRONTEND + "/", FRONTEND.replace("localhost", "127.0.0.1") + "/")
        >>> inspector.compare().splitlines()[-2]
        'Same site? no. localhost and 127.0.0.1 are different registrable domains (or hosts), so they are two sites.'
        >>> inspector
        OriginInspector(compared: different origins, different sites)
    """

    kind = "origin-inspector"

    def __init__(self, first: str = FRONTEND + "/", second: str = API + "/api/public",
                 title: str = "Origin inspector"):
        self.title = title
        self.comparison: Comparison | None = None
        self.refusal: str | None = None
        self.first = w.Text(value=first, description="First URL", layout=w.Layout(width="520px"))
        self.second = w.Text(value=second, description="Second URL", layout=w.Layout(width="520px"))
        self.button = w.Button(description="Compare", button_style="primary", icon="search")
        self.button.on_click(lambda _: self.compare())
        self.output = w.HTML()
        head = w.HTML(f"<b>{fmt.escape(title)}</b>: type two URLs, press Compare.")
        self.finish(w.VBox([head, self.first, self.second, self.button, self.output]),
                    actions=[self.button], outputs=[self.output])

    def __repr__(self) -> str:
        if self.comparison is None:
            return "OriginInspector(not compared yet)"
        c = self.comparison
        return (f"OriginInspector(compared: {'same origin' if c.same_origin else 'different origins'}, "
                f"{'same site' if c.same_site else 'different sites'})")

    def compare(self, first: str | None = None, second: str | None = None) -> str:
        """Compare the two URLs (given ones go into the fields first); show and return the comparison as text.

        A URL the browser cannot parse, or one that is no http(s) URL, gives one sentence instead."""
        return self.action(self._compare)(first, second) or self.refusal or ""

    def _compare(self, first: str | None, second: str | None) -> str:
        if first is not None:
            self.first.value = first
        if second is not None:
            self.second.value = second
        self.comparison = None
        comparison = compare(self.first.value, self.second.value)
        self.comparison = comparison
        self.output.value = comparison.html()
        return comparison.text()

    def output_text(self) -> str:
        """What the widget shows under the button, as text ('' before the first comparison)."""
        if self.refusal:
            return self.refusal
        return self.comparison.text() if self.comparison is not None else ""


def predict_same_origin(first: str, second: str, question: str | None = None) -> Predict:
    """A prediction: are ``first`` and ``second`` the same origin? Revealed by the engine, with the inspector's table.

        >>> p = predict_same_origin(FRONTEND + "/", API + "/")
        >>> print(p.predict("same origin").splitlines()[0])
        Not quite: you said same origin, it is different origins.
    """
    comparison = compare(first, second)  # a typo in the notebook fails here, before the learner predicts

    def reveal() -> Outcome:
        truth = "same origin" if comparison.same_origin else "different origins"
        return Outcome(truth, comparison.origin_reason(), html=comparison.html(),
                       wrong={"same origin": "Same machine is not enough: scheme, host and port must all be equal.",
                              "different origins": "Only scheme, host and port count; here all three are equal."})

    return Predict(question or f"Are {comparison.first} and {comparison.second} the same origin?",
                   ["same origin", "different origins"], reveal,
                   context=f"first : {comparison.first}\nsecond: {comparison.second}", title="Predict")
