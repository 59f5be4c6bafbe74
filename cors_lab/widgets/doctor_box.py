"""The error doctor as a paste box: paste a console sentence, press Diagnose, read it taken apart.

    box = DoctorBox()                       # a text area prefilled with a real Chromium sentence, and a button
    print(box.diagnose())                   # same as pressing Diagnose: the sentence, part by part
    print(box.diagnose("Uncaught ReferenceError: data is not defined"))   # the doctor's own sentence

The doctor decides (`cors_lab.diagnose`, which reads the failures table `cors_lab.browser.failures`); the box only
shows its `Diagnosis` part by part: the URL the script asked for, the page's origin, which check failed (on the
preflight or on the response), the header to look at, who wrote the text (browser and API), what it means, the
smallest fix and MDN's page. The example sentences are the table's texts (recorded from real Chromium and Firefox),
filled with the course's origins: among them one failure in its three forms (fetch() in Chromium, XMLHttpRequest in
Chromium, Firefox) and what scripts catch (Chromium's and Firefox's TypeError, axios' error as recorded).
Pure: no server, so it keeps working after ``stop_all()``.
"""
from __future__ import annotations

import ipywidgets as w

from cors_lab.browser.failures import FAILURES
from cors_lab.course.teaching import API, API2, FRONTEND
from cors_lab.doctor import AXIOS_NETWORK_ERROR, Diagnosis, diagnose
from cors_lab.errors import InputError
from cors_lab.widgets import format as fmt
from cors_lab.widgets.base import WidgetView

PAGE = FRONTEND  # the example sentences name this learner's own teaching origins (the frontend and the API)


def example_sentences(page: str = PAGE, api: str = API) -> dict[str, str]:
    """A few real browser sentences (the failures table's texts) to try: label -> sentence."""
    row = FAILURES
    public = dict(url=f"{api}/api/public", origin=page)
    return {
        "no Access-Control-Allow-Origin": row["missing_allow_origin"].sentence(**public),
        "the same, XMLHttpRequest in Chromium": row["missing_allow_origin"].text("chromium", "xhr", **public),
        "the same, in Firefox": row["missing_allow_origin"].text("firefox", **public, status="200"),
        "a trailing slash": row["allow_origin_mismatch"].sentence(url=f"{api}/api/public", origin=page,
                                                                  hint=f"{page}/"),
        "two origins in one header": row["multiple_allow_origin"].sentence(
            url=f"{api}/api/public", origin=page, hint=f"{page}, {API2}"),
        "'*' with cookies": row["wildcard_origin_with_credentials"].sentence(url=f"{api}/api/private", origin=page),
        "a header the preflight did not allow": row["header_not_allowed"].sentence(
            url=f"{api}/api/items/1", origin=page, hint="x-api-key", preflight=True),
        "a preflight answered 401": row["preflight_status"].sentence(url=f"{api}/api/items/1", origin=page,
                                                                     preflight=True),
        "a preflight answered 401, in Firefox": row["preflight_status"].text("firefox", url=f"{api}/api/items/1",
                                                                            status="401"),
        "what JavaScript sees": row["failed_to_fetch"].sentence(),
        "what JavaScript sees in Firefox": row["failed_to_fetch"].text("firefox"),
        "what axios rejects with": AXIOS_NETWORK_ERROR,
        "not a CORS sentence": "Uncaught ReferenceError: data is not defined",
    }


def diagnosis_parts(d: Diagnosis) -> list[tuple[str, str]]:
    """(label, text) for each part the sentence said and the doctor concluded, in reading order."""
    if not d.recognised:
        return [("The doctor", d.meaning), ("What to paste", d.fix)]
    parts = []
    said = d.details
    if said.get("url"):
        parts.append(("The URL the script asked for", said["url"]))
    if said.get("initial_url"):
        parts.append(("Where the request started (it was redirected)", said["initial_url"]))
    if said.get("origin"):
        parts.append(("The page's origin (its Origin header)", said["origin"]))
    row = d.failure
    where = " — on the answer to the OPTIONS preflight" if d.preflight else ""
    if row is not None and row.section in ("cors", "refused", "request"):
        parts.append(("Which check failed", f"{row.short}{where}"))
    if said.get("hint"):
        parts.append(("The value the browser saw", said["hint"]))
    if said.get("status"):
        parts.append(("The status code Firefox saw", said["status"]))
    if d.header:
        parts.append(("The header to look at", d.header + (" (in the preflight answer)" if d.preflight else "")))
    if d.source:
        parts.append(("Written by", d.source + (f" (reason code {d.reason_code})" if d.reason_code else "")))
    if d.other_kinds:
        others = [FAILURES[kind].short_for(**said) if kind in FAILURES else kind for kind in d.other_kinds]
        parts.append(("The same sentence may also be", "; ".join(others)))
    parts += [("What it means", d.meaning), ("The smallest fix", d.fix)]
    parts += [("Note", note) for note in d.notes]
    if d.mdn_url:
        parts.append(("MDN's page", d.mdn_url))
    return parts


class DoctorBox(WidgetView):
    """A text area for a console sentence, a Diagnose button, and the sentence taken apart by the doctor.

        >>> box = DoctorBox()
        >>> print(box.diagnose().splitlines()[2])
        Which check failed: Access-Control-Allow-Origin does not match the Origin
        >>> box
        DoctorBox(diagnosed: allow_origin_mismatch)

    ``origin``: the page's origin, for a sentence that does not name it (Firefox's), so the fix can.
    """

    kind = "doctor"

    def __init__(self, sentence: str | None = None, title: str = "Error doctor", origin: str | None = None):
        examples = example_sentences()
        self.title = title
        self.origin = origin  # the page's origin, for a sentence that does not name it (Firefox's)
        self.diagnosis: Diagnosis | None = None
        self.refusal: str | None = None
        self.text = w.Textarea(value=sentence if sentence is not None else examples["a trailing slash"],
                               placeholder="Paste the red console sentence here",
                               layout=w.Layout(width="100%", height="90px"))
        self.examples = w.Dropdown(options=[("(try another example)", "")] + [(k, v) for k, v in examples.items()],
                                   value="", description="Examples", layout=w.Layout(width="420px"))
        self.examples.observe(self._pick, names="value")
        self.button = w.Button(description="Diagnose", button_style="primary", icon="stethoscope")
        self.button.on_click(lambda _: self.diagnose())
        self.output = w.HTML()
        head = w.HTML(f"<b>{fmt.escape(title)}</b>: paste a console sentence (from DevTools → Console), "
                      "press Diagnose.")
        self.finish(w.VBox([head, self.text, w.HBox([self.button, self.examples]), self.output]),
                    actions=[self.button], outputs=[self.output])

    def __repr__(self) -> str:
        if self.diagnosis is None:
            return "DoctorBox(not diagnosed yet)"
        return f"DoctorBox(diagnosed: {self.diagnosis.kind})"

    def _pick(self, change) -> None:
        if change["new"]:
            self.text.value = change["new"]

    def diagnose(self, sentence: str | None = None) -> str:
        """Diagnose the text area's sentence (a given one goes into it first); show and return it part by part."""
        return self.action(self._diagnose)(sentence) or self.refusal or ""

    def _diagnose(self, sentence: str | None) -> str:
        if sentence is not None:
            self.text.value = sentence
        self.diagnosis = None
        if not self.text.value.strip():
            raise InputError("The box is empty: paste the red console sentence (it starts with \"Access to fetch "
                             "at\"), then press Diagnose.")
        d = diagnose(self.text.value, origin=self.origin)
        self.diagnosis = d
        parts = diagnosis_parts(d)
        rows = []
        for label, value in parts:
            shown = (f"<a href='{fmt.escape(value)}' target='_blank'>{fmt.escape(value)}</a>"
                     if label == "MDN's page" else fmt.escape(value))
            rows.append(f"<tr><td style='padding:2px 10px;vertical-align:top;white-space:nowrap'><b>"
                        f"{fmt.escape(label)}</b></td><td style='padding:2px 10px'>{shown}</td></tr>")
        color = fmt.GREEN if d.recognised else fmt.GREY
        self.output.value = (f"<div style='border-left:4px solid {color};padding-left:6px;margin-top:4px'>"
                             f"<table style='font-size:13px'>{''.join(rows)}</table></div>")
        return "\n".join(f"{label}: {value}" for label, value in parts)

    def output_text(self) -> str:
        """What the widget shows under the button, as text ('' before the first diagnosis)."""
        if self.refusal:
            return self.refusal
        return "\n".join(f"{label}: {value}" for label, value in diagnosis_parts(self.diagnosis)) \
            if self.diagnosis is not None else ""
