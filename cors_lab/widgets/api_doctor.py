"""The API doctor: ``cors-lab doctor`` in a widget. Fill in your API's URL and your page's origin, press Probe, read
the verdict, the console sentence, the failed step, the fix (in your framework) and the curl replays.

    >>> from cors_lab.widgets import ApiDoctor
    >>> doctor = ApiDoctor("http://localhost:8000/api/items/1", origin="http://localhost:5173", method="PUT",
    ...                    headers={"Content-Type": "application/json"}, framework="fastapi")   # doctest: +SKIP
    >>> doctor                      # the fields and the Probe button                         # doctest: +SKIP
    >>> print(doctor.probe())       # same as pressing Probe: the report, as the command prints it  # doctest: +SKIP

A view over `cors_lab.probe.probe`: the same report the command line prints, safe by default the same way (a method
other than GET/HEAD/OPTIONS is sent only with "send it" ticked).
"""
from __future__ import annotations

import ipywidgets as w

from cors_lab.widgets import format as fmt
from cors_lab.widgets.base import WidgetView

_STYLE = {"description_width": "110px"}
_WIDE = w.Layout(width="98%")


class ApiDoctor(WidgetView):
    """Fields for one request to any URL, a Probe button, and `cors_lab.probe`'s report.

    - ``url``, ``origin``, ``method``, ``headers`` (a dict or 'Name: value' lines), ``credentials``, ``body``: the
      request a script on the page at ``origin`` makes.
    - ``framework``: the framework whose configuration the report shows when blocked ("express", "fastapi",
      "django", "flask", "nginx"; empty: none).
    - ``browser`` ("chromium" / "firefox") and ``api`` ("fetch" / "xhr"): whose rules and sentences.
    """

    kind = "api-doctor"

    def __init__(self, url: str = "http://localhost:8000/api/data", origin: str = "http://localhost:5173",
                 method: str = "GET", headers: str | dict = "", credentials: bool = False, body: str = "",
                 framework: str = "", browser: str = "chromium", api: str = "fetch", send: bool = False):
        from cors_lab.frameworks import FRAMEWORKS

        if isinstance(headers, dict):
            headers = "\n".join(f"{name}: {value}" for name, value in headers.items())
        self.report = None
        self.refusal: str | None = None
        self.url = w.Text(value=url, description="your API's URL", layout=_WIDE, style=_STYLE)
        self.origin = w.Text(value=origin, description="your page", layout=_WIDE, style=_STYLE)
        self.method = w.Combobox(value=method, options=fmt.KNOWN_METHODS, description="method", ensure_option=False,
                                 style=_STYLE)
        self.headers = w.Textarea(value=headers, description="headers", placeholder="Name: value (one per line)",
                                  layout=_WIDE, style=_STYLE)
        self.body = w.Text(value=body, description="body", placeholder="empty: no body", layout=_WIDE, style=_STYLE)
        self.credentials = w.Checkbox(value=credentials, description="with cookies (credentials: 'include')",
                                      indent=False)
        self.send_it = w.Checkbox(value=send, description="send it even if it may change data (--send)", indent=False)
        self.browser = w.Dropdown(options=["chromium", "firefox"], value=browser, description="browser", style=_STYLE)
        self.api = w.Dropdown(options=[("fetch()", "fetch"), ("XMLHttpRequest (axios)", "xhr")], value=api,
                              description="script uses", style=_STYLE)
        self.framework = w.Dropdown(options=[("(none)", "")] + [(name, name) for name in FRAMEWORKS],
                                    value=_framework_name(framework), description="your framework", style=_STYLE)
        self.button = w.Button(description="Probe", button_style="primary", icon="stethoscope")
        self.button.on_click(lambda _: self.probe())
        self.output = w.HTML()
        head = w.HTML("<b>API doctor</b>: your API's URL and your page's origin, then Probe (the same as "
                      "<code>cors-lab doctor URL --origin ORIGIN</code> in a terminal).")
        fields = [self.url, self.origin, self.method, self.headers, self.body, self.credentials, self.send_it,
                  w.HBox([self.browser, self.api]), self.framework, self.button]
        self.finish(w.VBox([head, *fields, self.output]), actions=[self.button], outputs=[self.output])

    def __repr__(self) -> str:
        if self.report is None:
            return "ApiDoctor(not probed yet)"
        return f"ApiDoctor({self.report.method} {self.report.url}: {self.report.verdict})"

    def probe(self) -> str:
        """Probe with the fields' values (same as pressing Probe); show and return the report's text."""
        return self.action(self._probe)() or self.refusal or ""

    def _probe(self) -> str:
        from cors_lab.probe import probe

        self.report = None
        headers = fmt.header_lines(self.headers.value)
        self.report = probe(self.url.value, origin=self.origin.value, method=self.method.value or "GET",
                            headers=headers, credentials=self.credentials.value, browser=self.browser.value,
                            api=self.api.value, body=self.body.value or None, send=self.send_it.value)
        text = self.report.text(framework=self.framework.value or None)
        color = fmt.GREEN if self.report.allowed else fmt.RED
        self.output.value = fmt.pre(text, color)
        return text

    def output_text(self) -> str:
        """What the widget shows, as text."""
        return self.report.text(framework=self.framework.value or None) if self.report else (self.refusal or "")


def _framework_name(name: str) -> str:
    if not name:
        return ""
    from cors_lab.frameworks import framework

    return framework(name).name
