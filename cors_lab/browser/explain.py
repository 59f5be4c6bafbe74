"""Turn a FetchResult's trace into the learner's step-by-step text (and a compact HTML view)."""
from __future__ import annotations

from html import escape


def fix_for(kind: str, hint: str, origin_sent: str, include: bool, method: str, unsafe: list[str]) -> str | None:
    """The smallest server-side change that makes this check pass, naming the header."""
    o = origin_sent
    acao = f"Access-Control-Allow-Origin: {o}"
    fixes = {
        "missing_allow_origin": f"Send `{acao}`" + (" (and `Access-Control-Allow-Credentials: true`)" if include else " (or `*` for a public resource)") + ".",
        "wildcard_origin_with_credentials": f"With credentials, `*` is refused: send `{acao}` and `Access-Control-Allow-Credentials: true`.",
        "multiple_allow_origin": f"Send exactly one origin: `{acao}` (pick the one matching the request's Origin).",
        "invalid_allow_origin": f"Send a valid origin: `{acao}`.",
        "allow_origin_mismatch": f"Send `{acao}` - the exact Origin the request carried (scheme, host, port, no trailing slash).",
        "invalid_allow_credentials": "Send `Access-Control-Allow-Credentials: true` (lowercase `true`).",
        "preflight_status": "Answer the OPTIONS preflight with a 2xx status (204 or 200).",
        "preflight_redirect": "Answer the OPTIONS preflight directly (no redirect), or fetch the final URL.",
        "invalid_allow_methods": "Make `Access-Control-Allow-Methods` a comma-separated list of method names.",
        "invalid_allow_headers": "Make `Access-Control-Allow-Headers` a comma-separated list of header names.",
        "method_not_allowed": f"Add {hint} to the preflight answer: `Access-Control-Allow-Methods: {hint}`"
                              + (" (`*` does not count with credentials)." if include else "."),
        "header_not_allowed": f"Add it to the preflight answer: `Access-Control-Allow-Headers: {', '.join(unsafe) or hint}`"
                              + (" (`*` does not count with credentials)." if include else "."),
        "redirect_credentials": "Redirect to a URL without user:password@.",
        "cors_disabled_scheme": "Redirect only to http(s) URLs.",
    }
    return fixes.get(kind)


def _mark(passed) -> str:
    return {True: "ok  ", False: "FAIL", None: "    "}[passed]


def explain(result) -> str:
    req = result.request
    lines = [f"fetch({req.get('url')!r}, method={req.get('method')!r}, credentials={req.get('credentials')!r}, "
             f"mode={req.get('mode')!r}) from page {req.get('origin')}"]
    if result.blocked:
        lines.append(f"=> BLOCKED. JavaScript sees: {result.exception}")
        if result.error:
            lines.append(f"   Console: {result.error.strip()}")
    else:
        lines.append(f"=> {result.type} response, status {result.status}")
    lines.append("")
    if result.source == "chromium" and not result.steps:
        lines.append("Real Chromium gives its verdict, not its reasons: run the same fetch with "
                     "cors_lab.Browser(origin=...) to see each step.")
    for i, s in enumerate(result.steps, 1):
        lines.append(f"{i:2}. [{_mark(s.passed)}] {s.rule}: {s.detail}")
        lines.append(f"           rule: {s.spec}")
        if s.fix and s.passed is False:
            lines.append(f"           fix:  {s.fix}")
        elif s.fix:
            lines.append(f"           tip:  {s.fix}")
    if result.exchanges:
        lines.append("")
        lines.append("On the wire:")
        for e in result.exchanges:
            extra = ", ".join(f"{k}: {v}" for k, v in e.request_headers.items() if k in ("origin", "cookie", "access-control-request-method", "access-control-request-headers"))
            lines.append(f"  {e.kind:9} {e.method} {e.url} [{extra}] -> {e.status or 'no response'}")
    return "\n".join(lines)


def explain_html(result) -> str:
    color = "#b00020" if result.blocked else "#1b5e20"
    head = (f"blocked - {escape(result.exception or '')}" if result.blocked else f"{escape(result.type)} {result.status}")
    req = result.request
    out = [f"<div style='font-family:sans-serif;font-size:13px'>",
           f"<div><b style='color:{color}'>{head}</b> &nbsp; <code>{escape(str(req.get('method', '')))} {escape(str(req.get('url', '')))}</code>"
           f" from <code>{escape(str(req.get('origin', '')))}</code>{' &nbsp;(preflighted)' if result.preflight else ''}</div>"]
    if result.error:
        out.append(f"<div style='color:{color};margin:4px 0'><code>{escape(result.error.strip())}</code></div>")
    if result.exchanges:
        out.append("<table style='border-collapse:collapse;margin:4px 0'><tr><th align=left>kind</th><th align=left>request</th>"
                   "<th align=left>Origin</th><th align=left>cookies</th><th align=left>status</th></tr>")
        for e in result.exchanges:
            out.append(f"<tr><td>{e.kind}</td><td><code>{escape(e.method)} {escape(e.url)}</code></td>"
                       f"<td><code>{escape(e.origin_sent or '-')}</code></td><td>{'yes' if e.cookies_sent else 'no'}</td>"
                       f"<td>{e.status or '-'}</td></tr>")
        out.append("</table>")
    out.append("<ol style='margin:4px 0;padding-left:20px'>")
    for s in result.steps:
        mark = {True: "&#10004;", False: "&#10008;", None: "&#8226;"}[s.passed]
        fix = f"<br><i>fix: {escape(s.fix)}</i>" if s.fix and s.passed is False else ""
        out.append(f"<li>{mark} <b>{escape(s.rule)}</b>: {escape(s.detail)} <span style='color:#777'>({escape(s.spec)})</span>{fix}</li>")
    out.append("</ol></div>")
    return "".join(out)
