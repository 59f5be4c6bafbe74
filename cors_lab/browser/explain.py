"""Turn a FetchResult's trace into the learner's step-by-step text (and a compact HTML view).

The fixes shown are the steps' own, which the engine took from the failures table (`cors_lab.browser.failures`),
so ``result.explain()`` and ``diagnose(result.error)`` give the same fix sentence.
"""
from __future__ import annotations

from html import escape

_MARKS = {True: "ok  ", False: "FAIL", None: "    "}
_HTML_MARKS = {True: "&#10004;", False: "&#10008;", None: "&#8226;"}
_WIRE = ("origin", "cookie", "access-control-request-method", "access-control-request-headers")  # what CORS looks at


def explain(result) -> str:
    """The trace of one fetch as text: the call, the outcome, each rule with its fix, then what went on the wire."""
    request = result.request
    lines = [call_line(result)]
    timeout = request.get("timeout")
    sees = script_sees(result)
    if result.blocked and getattr(result, "timed_out", False):
        within = f" within {timeout:g} s" if isinstance(timeout, (int, float)) else ""
        lines.append(f"=> TIMED OUT: no complete answer{within}. JavaScript sees: {sees}")
    elif result.blocked:
        lines.append(f"=> BLOCKED. JavaScript sees: {sees}")
    else:
        lines.append(f"=> {result.type} response, status {result.status}")
        if result.exception:
            lines.append(f"   but the body cannot be read: response.text() rejects with {result.exception}")
    if result.error:
        lines.append(f"   Console: {result.error.strip()}")
    lines.append("")
    if result.source != "engine" and not result.steps:
        option = ", browser='firefox'" if result.browser == "firefox" else ""
        lines.append(f"Real {result.source.capitalize()} gives its verdict, not its reasons: run the same call with "
                     f"cors_lab.Browser(origin=...{option}) to see each step.")
    for number, step in enumerate(result.steps, 1):
        lines.append(f"{number:2}. [{_MARKS[step.passed]}] {step.rule}: {step.detail}")
        lines.append(f"           rule: {step.spec}")
        if step.fix:
            lines.append(f"           {'fix: ' if step.passed is False else 'tip: '} {step.fix}")
    if result.exchanges:
        lines.append("")
        lines.append("On the wire:")
        for exchange in result.exchanges:
            sent = ", ".join(f"{name}: {value}" for name, value in exchange.request_headers.lower_items()
                             if name in _WIRE)
            lines.append(f"  {exchange.kind:9} {exchange.method} {exchange.url} [{sent}] -> "
                         f"{exchange.status or 'no response'}")
    return "\n".join(lines)


def call_line(result) -> str:
    """The script's call as a learner wrote it, the page it ran in, and the browser (when it is not Chromium)."""
    request = result.request
    where = f"from page {request.get('origin')}" + (" in Firefox" if result.browser == "firefox" else "")
    if request.get("api") == "xhr":
        options = "".join(part for flag, part in ((request.get("with_credentials"), ", withCredentials=true"),
                                                  (request.get("upload_listener"), ", a listener on xhr.upload"))
                          if flag)
        return f"XMLHttpRequest: open({request.get('method')!r}, {request.get('url')!r}){options} {where}"
    return (f"fetch({request.get('url')!r}, method={request.get('method')!r}, "
            f"credentials={request.get('credentials')!r}, mode={request.get('mode')!r}) {where}")


def script_sees(result) -> str:
    """What the script gets from a blocked call: fetch()'s rejection, or XHR's exception or `error` event."""
    if result.request.get("api") != "xhr":
        return str(result.exception)
    if result.exception:
        return f"{result.exception} (thrown)"
    events = getattr(result, "events", [])
    return f"an 'error' event, status 0 (events: {', '.join(events) or 'none'})"


def explain_html(result) -> str:
    """The same trace as compact HTML: the outcome, the console sentence, the exchanges and the steps."""
    color = "#b00020" if result.blocked else "#1b5e20"
    head = f"blocked - {escape(script_sees(result))}" if result.blocked else f"{escape(result.type)} {result.status}"
    if result.blocked and getattr(result, "timed_out", False):
        head = f"timed out - {escape(script_sees(result))}"
    elif result.exception and not result.blocked:
        head += f" - body unreadable: {escape(result.exception)}"
    request = result.request
    call = f"{escape(str(request.get('method', '')))} {escape(str(request.get('url', '')))}"
    out = ["<div style='font-family:sans-serif;font-size:13px'>",
           f"<div><b style='color:{color}'>{head}</b> &nbsp; <code>{call}</code>"
           f" from <code>{escape(str(request.get('origin', '')))}</code>"
           f"{' &nbsp;(preflighted)' if result.preflight else ''}</div>"]
    if result.error:
        out.append(f"<div style='color:{color};margin:4px 0'><code>{escape(result.error.strip())}</code></div>")
    if result.exchanges:
        out.append("<table style='border-collapse:collapse;margin:4px 0'><tr><th align=left>kind</th>"
                   "<th align=left>request</th><th align=left>Origin</th><th align=left>cookies</th>"
                   "<th align=left>status</th></tr>")
        for exchange in result.exchanges:
            out.append(f"<tr><td>{exchange.kind}</td><td><code>{escape(exchange.method)} {escape(exchange.url)}</code>"
                       f"</td><td><code>{escape(exchange.origin_sent or '-')}</code></td>"
                       f"<td>{'yes' if exchange.cookies_sent else 'no'}</td><td>{exchange.status or '-'}</td></tr>")
        out.append("</table>")
    out.append("<ol style='margin:4px 0;padding-left:20px'>")
    for step in result.steps:
        fix = f"<br><i>fix: {escape(step.fix)}</i>" if step.fix and step.passed is False else ""
        out.append(f"<li>{_HTML_MARKS[step.passed]} <b>{escape(step.rule)}</b>: {escape(step.detail)} "
                   f"<span style='color:#777'>({escape(step.spec)})</span>{fix}</li>")
    out.append("</ol></div>")
    return "".join(out)
