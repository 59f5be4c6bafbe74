"""A fetch result as a sequence diagram: the page (browser) and each server origin as lanes, one arrow per
request the browser put on the wire and one per answer, and where the browser blocked or what JS could read.

    sequence_diagram(result) -> str     # HTML with inline SVG (pure, deterministic)
    SequenceDiagram(result)             # displays it in a notebook

The geometry never depends on the length of a URL or a port, so a stored notebook output stays stable once
ports are sanitized. Cookie values are never drawn (they are random): only their names.
"""
from __future__ import annotations

from html import escape

from cors_lab.widgets import format as fmt

LANE0 = 110  # x of the browser lane
GAP = 470  # distance between lanes
LINE = 15  # height of one text line
CHAR = 6.7  # width of one monospace character at 11px
HEAD = 58  # height of the lane headers


def _lanes(result) -> list[str]:
    seen: list[str] = []
    for ex in result.exchanges:
        origin = fmt.origin_part(ex.url)
        if origin not in seen:
            seen.append(origin)
    if not seen and result.request.get("url"):
        origin = fmt.origin_part(str(result.request["url"]))
        if origin.startswith(("http://", "https://")):
            seen.append(origin)
    return seen


def _clip(text: str, width: float) -> str:
    limit = max(12, int(width / CHAR))
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Canvas:
    def __init__(self, width: int):
        self.width = width
        self.parts: list[str] = []
        self.y = HEAD + 22

    def text(self, x: float, y: float, s: str, size: int = 11, color: str = "#222", bold: bool = False,
             anchor: str = "start", mono: bool = True) -> None:
        family = "monospace" if mono else "sans-serif"
        weight = " font-weight='bold'" if bold else ""
        self.parts.append(f"<text x='{x:g}' y='{y:g}' font-family='{family}' font-size='{size}' fill='{color}'"
                          f"{weight} text-anchor='{anchor}'>{escape(s)}</text>")

    def arrow(self, x1: float, x2: float, y: float, color: str, dashed: bool = False) -> None:
        dash = " stroke-dasharray='6,4'" if dashed else ""
        self.parts.append(f"<line x1='{x1:g}' y1='{y:g}' x2='{x2:g}' y2='{y:g}' stroke='{color}' "
                          f"stroke-width='1.6'{dash}/>")
        d = 8 if x2 > x1 else -8
        self.parts.append(f"<polygon points='{x2:g},{y:g} {x2 - d:g},{y - 4:g} {x2 - d:g},{y + 4:g}' fill='{color}'/>")

    def box(self, x: float, y: float, w: float, h: float, stroke: str, fill: str) -> None:
        self.parts.append(f"<rect x='{x:g}' y='{y:g}' width='{w:g}' height='{h:g}' rx='5' fill='{fill}' "
                          f"stroke='{stroke}'/>")


def _message(kind: str, ex) -> str:
    what = {"preflight": " (preflight)", "redirect": " (redirect)"}.get(kind, "")
    return f"{ex.method} {fmt.path_of(ex.url)}{what}"


def _exchange(c: _Canvas, ex, x_server: float, failed: str | None = None) -> None:
    span = x_server - LANE0 - 20
    color = fmt.BLUE if ex.kind != "preflight" else "#6a1b9a"
    c.text(LANE0 + 10, c.y, _clip(_message(ex.kind, ex), span), size=12, color=color, bold=True)
    c.y += 7
    c.arrow(LANE0, x_server, c.y, color)
    c.y += LINE
    for line in fmt.request_header_lines(ex):
        c.text(LANE0 + 14, c.y, _clip(line, span - 4), color="#444")
        c.y += LINE
    c.y += 8
    answer = f"{ex.status}" if ex.status else "no response (network error)"
    if ex.status and "location" in ex.response_headers:
        answer += " redirect"
    if failed:  # the browser refused this answer
        answer += f"  ✘ {failed}"
    c.text(LANE0 + 10, c.y, _clip(answer, span), size=12, color=fmt.RED if failed or not ex.status else "#222",
           bold=True)
    c.y += 7
    c.arrow(x_server, LANE0, c.y, "#555", dashed=not ex.status)
    c.y += LINE
    for line in fmt.response_header_lines(ex):
        c.text(LANE0 + 14, c.y, _clip(line, span - 4), color="#444")
        c.y += LINE
    c.y += 14


def _outcome(c: _Canvas, result, lanes: list[str]) -> None:
    right = c.width - 20
    span = right - LANE0 - 30
    never_sent = (result.blocked and result.exchanges and result.exchanges[-1].kind == "preflight")
    if never_sent and len(lanes) >= 1:
        last = result.exchanges[-1]
        x = LANE0 + GAP * (lanes.index(fmt.origin_part(last.url)) + 1)
        method = str(result.request.get("method", "")).upper() or "the request"
        c.text(LANE0 + 10, c.y, _clip(f"{method} {fmt.path_of(last.url)}: never sent", x - LANE0 - 20),
               size=12, color=fmt.GREY, bold=True)
        c.y += 7
        c.arrow(LANE0, x, c.y, "#bbbbbb", dashed=True)
        c.y += LINE + 10
    if result.blocked:
        title = "✘ blocked by the browser" if result.exchanges else "✘ nothing was sent"
        lines = [result.exception or "fetch() failed"]
        step = fmt.first_failure(result)
        if step is not None:
            lines.append(f"first failed rule: {step.rule}")
        stroke, fill, color = fmt.RED, "#fdecea", fmt.RED
    elif not result.readable:  # opaque: the request went out, the script reads nothing
        title = f"● {result.type} response: JS reads nothing"
        lines = ["status 0, no headers, empty body"]
        stroke, fill, color = fmt.GREY, "#f3f3f3", "#444"
    else:
        title = f"✔ JS reads: {result.type} response, status {result.status}"
        visible = ", ".join(sorted(result.headers)) or "(none)"
        lines = [f"headers: {visible}", "body: readable"]
        stroke, fill, color = fmt.GREEN, "#e8f5e9", fmt.GREEN
    height = 14 + LINE * (len(lines) + 1)
    c.box(LANE0 - 60, c.y - 4, right - LANE0 + 60, height, stroke, fill)
    c.y += 12
    c.text(LANE0 - 50, c.y, _clip(title, span), size=12, color=color, bold=True, mono=False)
    for line in lines:
        c.y += LINE
        c.text(LANE0 - 50, c.y, _clip(line, span + 40), color="#333")
    c.y += 18


def sequence_diagram(result) -> str:
    """HTML (an inline SVG and the console sentence) for any FetchResult, even one that sent nothing.

    Pure and deterministic: the same result always gives the same HTML (a widget embeds it; a test reads it).

        >>> from cors_lab.widgets import sequence_diagram
        >>> html = sequence_diagram(Browser(FRONTEND).fetch(api.url + "/api/public"))  # doctest: +SKIP
        >>> "<svg" in html                                                                        # doctest: +SKIP
        True
    """
    lanes = _lanes(result)
    width = LANE0 + GAP * max(1, len(lanes)) + 130
    c = _Canvas(width)
    page = str(result.request.get("origin") or "page")
    headers = [(LANE0, "page (browser)", page)] + [
        (LANE0 + GAP * (i + 1), "server", origin) for i, origin in enumerate(lanes)
    ]
    for x, role, origin in headers:
        c.box(x - 100, 8, 200, 40, "#888", "#f7f7f7")
        c.text(x, 24, role, size=12, bold=True, anchor="middle", mono=False)
        c.text(x, 40, _clip(origin, 190), anchor="middle")
    body_start = len(c.parts)
    step = fmt.first_failure(result)
    for i, ex in enumerate(result.exchanges):
        last = i == len(result.exchanges) - 1
        failed = step.rule if (last and result.blocked and step is not None and ex.status) else None
        _exchange(c, ex, LANE0 + GAP * (lanes.index(fmt.origin_part(ex.url)) + 1), failed)
    _outcome(c, result, lanes)
    height = int(c.y + 6)
    lifelines = [f"<line x1='{x}' y1='48' x2='{x}' y2='{height - 4}' stroke='#bbb' stroke-dasharray='3,3'/>"
                 for x, _, _ in headers]
    c.parts[body_start:body_start] = lifelines
    source = "real Chromium" if result.source == "chromium" else "cors_lab engine"
    svg = (f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' viewBox='0 0 {width} {height}' "
           f"role='img' aria-label='sequence diagram'>{''.join(c.parts)}</svg>")
    console = ""
    if result.error:
        console = (f"<div style='color:{fmt.RED};font-family:monospace;font-size:12px;margin:4px 0'>"
                   f"Console: {escape(result.error.strip())}</div>")
    return (f"<div class='cors-lab-diagram' style='overflow-x:auto'>"
            f"<div style='color:{fmt.GREY};font-size:11px;font-family:monospace'>"
            f"{escape(fmt.fetch_code(result.request))} "
            f"&middot; {source}</div>{svg}{console}</div>")


class SequenceDiagram:
    """Display a FetchResult as a sequence diagram: ``SequenceDiagram(result)`` as a cell's last line.

    One lane for the page and one per server origin; an arrow for each request the browser put on the wire (the
    preflight first) and for each answer, with the CORS headers; then where the browser blocked, or what the
    script reads. Cookie values are never drawn, only their names.

        >>> from cors_lab.widgets import SequenceDiagram
        >>> r = Browser(FRONTEND).fetch(api.url + "/api/items/1", method="PUT")   # doctest: +SKIP
        >>> SequenceDiagram(r)                                                                  # doctest: +SKIP
        <SequenceDiagram 1 exchange, blocked: ...>
    """

    def __init__(self, result):
        self.result = result

    def _repr_html_(self) -> str:
        return sequence_diagram(self.result)

    def html(self) -> str:
        return sequence_diagram(self.result)

    def __repr__(self) -> str:
        n = len(self.result.exchanges)
        return f"<SequenceDiagram {n} exchange{'s' if n != 1 else ''}, {self.result.summary()}>"


# ---- the preflight cache over time ------------------------------------------------------------------
T_LEFT, T_WIDTH = 150, 640  # x where the time axis starts, and its length


def cache_events(result) -> dict:
    """What one fetch did with the preflight cache, read from its exchanges and steps (the engine's trace).

    ``options``: an OPTIONS went out; ``hit``: a cached preflight answered instead; ``kept``: seconds the answer
    was cached for (0: not cached); ``blocked``: the fetch was blocked."""
    from cors_lab.browser.preflight import parse_max_age

    kinds = {step.kind for step in result.steps}
    preflights = [ex for ex in result.exchanges if ex.kind == "preflight"]
    kept = 0
    if "preflight-cached" in kinds and preflights:
        kept = parse_max_age(preflights[-1].response_headers.get("access-control-max-age"))
    return {"options": bool(preflights), "hit": "preflight-cache-hit" in kinds, "kept": kept,
            "blocked": result.blocked}


def timeline_diagram(results, times) -> str:
    """HTML (inline SVG) of several fetches in a row on one time axis: which sent an OPTIONS, which were answered
    by the preflight cache, and how long each cached answer lived (a bar, from the OPTIONS to its expiry).

    ``times`` are the seconds at which each of ``results`` was fetched (as many as results). Pure and
    deterministic: no port, no URL length changes the geometry.

        >>> html = timeline_diagram([first, second, third], [0, 2, 7])          # doctest: +SKIP
        >>> "cache hit" in html                                                # doctest: +SKIP
        True
    """
    results, times = list(results), [float(t) for t in times]
    if len(results) != len(times):
        raise ValueError(f"timeline_diagram needs one time per result ({len(results)} results, {len(times)} times)")
    events = [cache_events(r) for r in results]
    end = max([t + e["kept"] for t, e in zip(times, events, strict=True)] + times + [1.0])
    end = max(end, (max(times) if times else 0) + 1)
    scale = T_WIDTH / end
    x = lambda t: T_LEFT + min(t, end) * scale  # noqa: E731 - a tiny local mapping
    rows = {"cache": 56, "OPTIONS": 92, "request": 132}
    width, height = T_LEFT + T_WIDTH + 40, 230
    c = _Canvas(width)
    method = str(results[0].request.get("method", "GET")).upper() if results else "GET"
    labels = {"cache": "preflight cache", "OPTIONS": "OPTIONS sent", "request": f"{method} sent"}
    for row, y in rows.items():
        c.text(10, y + 4, labels[row], size=12, bold=True, mono=False)
        c.parts.append(f"<line x1='{T_LEFT}' y1='{y}' x2='{T_LEFT + T_WIDTH}' y2='{y}' stroke='#ddd'/>")
    axis = 170
    c.parts.append(f"<line x1='{T_LEFT}' y1='{axis}' x2='{T_LEFT + T_WIDTH}' y2='{axis}' stroke='#888'/>")
    step = next(s for s in (1, 2, 5, 10, 30, 60, 300, 600, 1800, 3600) if end / s <= 12)
    tick = 0
    while tick <= end:
        c.parts.append(f"<line x1='{x(tick):g}' y1='{axis}' x2='{x(tick):g}' y2='{axis + 5}' stroke='#888'/>")
        c.text(x(tick), axis + 18, f"{tick:g}s", size=10, color=fmt.GREY, anchor="middle")
        tick += step
    c.text(T_LEFT + T_WIDTH, axis + 34, "time (seconds)", size=10, color=fmt.GREY, anchor="end", mono=False)
    for n, (t, e) in enumerate(zip(times, events, strict=True), 1):
        if e["kept"]:
            c.box(x(t), rows["cache"] - 9, max(2.0, x(t + e["kept"]) - x(t)), 18, fmt.GREEN, "#e8f5e9")
            c.text(x(t) + 4, rows["cache"] + 4, f"kept {e['kept']}s", size=10, color=fmt.GREEN)
            if t + e["kept"] <= end:
                c.parts.append(f"<line x1='{x(t + e['kept']):g}' y1='{rows['cache'] - 13}' "
                               f"x2='{x(t + e['kept']):g}' y2='{rows['cache'] + 13}' stroke='{fmt.RED}' "
                               "stroke-width='2'/>")
                c.text(x(t + e["kept"]), rows["cache"] - 16, "expired", size=9, color=fmt.RED, anchor="middle")
        if e["options"]:
            c.parts.append(f"<circle cx='{x(t):g}' cy='{rows['OPTIONS']}' r='7' fill='#6a1b9a'/>")
        elif e["hit"]:
            c.text(x(t), rows["OPTIONS"] + 4, "cache hit", size=10, color=fmt.GREEN, anchor="middle")
        if e["blocked"]:
            c.text(x(t), rows["request"] + 5, "✘", size=15, color=fmt.RED, anchor="middle", bold=True)
        else:
            c.parts.append(f"<circle cx='{x(t):g}' cy='{rows['request']}' r='7' fill='{fmt.BLUE}'/>")
        c.text(x(t), rows["request"] + 24, f"#{n}", size=10, color="#444", anchor="middle")
    options = sum(e["options"] for e in events)
    c.text(10, 212, f"{len(results)} fetches, {options} OPTIONS sent, "
                    f"{sum(e['hit'] for e in events)} answered by the cache; a red tick: the cached answer expired.",
           size=11, color="#333", mono=False)
    svg = (f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' viewBox='0 0 {width} {height}' "
           f"role='img' aria-label='preflight cache timeline'>{''.join(c.parts)}</svg>")
    return f"<div class='cors-lab-diagram cors-lab-timeline' style='overflow-x:auto'>{svg}</div>"
