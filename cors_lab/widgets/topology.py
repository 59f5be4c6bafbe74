"""Three ways to put a proxy between a page and an API, each as a picture whose arrows light up with a live request.

    route = ProxyRoute("dev", dev, api)            # the dev server proxy: page and /api on one origin
    route = ProxyRoute("cors", cp, api)            # a CORS proxy in front of the API adds the headers
    route = ProxyRoute("public", public, api,      # a public "CORS anywhere" proxy: someone else's server
                       fetch=dict(headers={"X-Requested-With": "fetch"}))
    route                                          # the picture (browser -> proxy -> API), Send, the log lines
    route.send()                                   # same as pressing Send: the FetchResult
    route.hops                                     # which of the four hops really happened, from the servers' logs

With ``ask=...`` the widget first asks a prediction (`Predict`): "same-origin" (is the page's request cross-origin?),
"api-sees-origin" (does the API's log show the page's Origin?), "reaches-api" (does the request reach the API?) or
"readable" (can the page's script read the answer?). Pressing an answer sends the request and grades it.

Views only: the engine decides what the page reads, the proxies (`cors_lab.server.proxy`) decide what they forward,
and the picture shows what the lab servers' logs recorded: an arrow is lit only when its request really arrived.
"""
from __future__ import annotations

from dataclasses import dataclass
from html import escape

import ipywidgets as w

from cors_lab.course.teaching import FRONTEND
from cors_lab.errors import InputError
from cors_lab.widgets import format as fmt
from cors_lab.widgets.base import WidgetView, current_server
from cors_lab.widgets.diagram import sequence_diagram
from cors_lab.widgets.playground import log_marks, new_log_lines
from cors_lab.widgets.predict import Outcome, Predict

TOPOLOGIES = {
    "dev": ("the dev server (page + /api proxy)",
            "One origin serves the page and forwards /api to the API: the browser makes a same-origin request, so "
            "CORS never applies (Vite's and webpack's dev-server proxy; nginx in front of both in production)."),
    "cors": ("your CORS proxy",
             "The page stays on its own origin and asks the proxy, which fetches the API server to server (no CORS "
             "there) and answers the page with CORS headers of its own."),
    "public": ("a public CORS proxy (a stranger's)",
               "Someone else's server sees every request and every answer (a token in the URL or a body too), asks "
               "you to opt in (a required header), is rate-limited and may vanish: fine for a quick demo, never a "
               "fix for your real users."),
}

QUESTIONS = {
    "same-origin": ("Is the page's request cross-origin?", ("same-origin", "cross-origin")),
    "api-sees-origin": ("Will the API's log show the page's Origin header?", ("yes", "no")),
    "reaches-api": ("Does the request reach the API?", ("yes", "no")),
    "readable": ("Can the page's script read the answer?", ("allowed", "blocked")),
}


@dataclass
class Hops:
    """What the logs recorded for one request: the browser -> proxy -> API path and back (status 0: no answer)."""

    to_proxy: list  # LogEntry the proxy received (a preflight first, when there was one)
    to_api: list  # LogEntry the API received from the proxy

    @property
    def proxy_status(self) -> int:
        return self.to_proxy[-1].status if self.to_proxy else 0

    @property
    def api_status(self) -> int:
        return self.to_api[-1].status if self.to_api else 0

    def lit(self) -> int:
        """How many of the four arrows are lit."""
        return (bool(self.to_proxy) + bool(self.proxy_status) + bool(self.to_api) + bool(self.api_status))


# ---- the picture (pure) ---------------------------------------------------------------------------------------
_BOX_W, _BOX_H, _XS, _TOP = 200, 54, (10, 440, 870), 14
_LABEL = 36  # characters of an arrow's label line (the gap between boxes is 230 px)
_OFF = "#c4c4c4"


def _box(x: int, title: str, subtitle: str, lit: bool) -> str:
    stroke, fill = (fmt.BLUE, "#eef4fb") if lit else ("#999", "#f7f7f7")
    return (f"<rect x='{x}' y='{_TOP}' width='{_BOX_W}' height='{_BOX_H}' rx='6' fill='{fill}' stroke='{stroke}'/>"
            f"<text x='{x + _BOX_W / 2:g}' y='{_TOP + 22}' font-family='sans-serif' font-size='12' font-weight='bold' "
            f"text-anchor='middle' fill='#222'>{escape(title)}</text>"
            f"<text x='{x + _BOX_W / 2:g}' y='{_TOP + 40}' font-family='monospace' font-size='11' "
            f"text-anchor='middle' fill='#444'>{escape(subtitle)}</text>")


def _arrow(x1: float, x2: float, y: float, label: str | tuple, lit: bool, color: str) -> str:
    color = color if lit else _OFF
    dash = "" if lit else " stroke-dasharray='5,4'"
    d = 8 if x2 > x1 else -8
    mid = (x1 + x2) / 2
    lines = [label] if isinstance(label, str) else [line for line in label if line]
    texts = "".join(
        f"<text x='{mid:g}' y='{y - 6 - 13 * (len(lines) - 1 - n)}' font-family='monospace' font-size='10.5' "
        f"text-anchor='middle' fill='{color if lit else '#999'}'>"
        f"{escape(line if len(line) <= _LABEL else line[:_LABEL - 1] + '…')}</text>"
        for n, line in enumerate(lines))
    return (f"<line x1='{x1:g}' y1='{y}' x2='{x2:g}' y2='{y}' stroke='{color}' stroke-width='{2.4 if lit else 1.4}'"
            f"{dash}/><polygon points='{x2:g},{y} {x2 - d:g},{y - 5} {x2 - d:g},{y + 5}' fill='{color}'/>{texts}")


def route_svg(topology: str, page: str, proxy: str, api: str, hops: Hops | None = None, result=None) -> str:
    """The browser -> proxy -> API picture (inline SVG); arrows are lit for the hops in ``hops`` (None: all off).

    Pure and deterministic: the geometry never depends on the length of a URL or a port.
    """
    title, _ = TOPOLOGIES[topology]
    hops = hops or Hops([], [])
    page_title = "browser · page" if topology != "dev" else "browser · the dev server's page"
    parts = [_box(_XS[0], page_title, page, bool(hops.to_proxy)), _box(_XS[1], title, proxy, bool(hops.to_proxy)),
             _box(_XS[2], "the API", api, bool(hops.to_api))]
    left_out, mid_in, mid_out, right_in = _XS[0] + _BOX_W, _XS[1], _XS[1] + _BOX_W, _XS[2]
    sent = hops.to_proxy[-1] if hops.to_proxy else None
    same = topology == "dev"
    preflight = "after a preflight, " if any(e.is_preflight for e in hops.to_proxy) else ""
    ask = (f"{sent.method} {fmt.path_of(sent.path)}" if sent else "request",
           preflight + ("same origin" if same else "Origin: the page"))
    forwarded = hops.to_api[-1] if hops.to_api else None
    fwd = (f"{forwarded.method} {forwarded.path}" + (" (no Origin)" if forwarded.origin is None else "")
           if forwarded else ("not forwarded" if hops.to_proxy else "forwarded"))
    acao = sent.response_header("Access-Control-Allow-Origin") if sent else None
    back = (f"{hops.proxy_status}" + (f" + ACAO: {acao}" if acao else "" if same else " (no ACAO)")
            if hops.proxy_status else "answer")
    y1, y2 = _TOP + _BOX_H + 40, _TOP + _BOX_H + 76
    refused = bool(hops.to_proxy) and not hops.to_api
    parts += [
        _arrow(left_out, mid_in, y1, ask, bool(hops.to_proxy), fmt.BLUE),
        _arrow(mid_out, right_in, y1, fwd, bool(hops.to_api), fmt.BLUE),
        _arrow(right_in, mid_out, y2, f"{hops.api_status}" if hops.api_status else "answer", bool(hops.api_status),
               "#555"),
        _arrow(mid_in, left_out, y2, back, bool(hops.proxy_status), fmt.RED if refused else "#555"),
    ]
    height = y2 + 20
    if result is not None:
        ok = result.readable
        verdict = (f"✔ the page's script reads it: {result.type} {result.status}" if ok
                   else f"✘ the page's script reads nothing: {result.reason() or result.exception or result.type}")
        parts.append(f"<text x='{_XS[0]}' y='{height + 8}' font-family='sans-serif' font-size='12' font-weight='bold' "
                     f"fill='{fmt.GREEN if ok else fmt.RED}'>{escape(verdict)}</text>")
        height += 22
    width = _XS[2] + _BOX_W + 20
    return (f"<div class='cors-lab-route' style='overflow-x:auto'><svg xmlns='http://www.w3.org/2000/svg' "
            f"width='{width}' height='{height}' viewBox='0 0 {width} {height}' role='img' aria-label='request path'>"
            f"{''.join(parts)}</svg></div>")


# ---- the widget ---------------------------------------------------------------------------------------------
class ProxyRoute(WidgetView):
    """One proxy topology as a picture; Send (or a prediction) makes the live request and lights its hops.

    - ``topology``: "dev" (``proxy`` is a `dev_proxy` serving the page: the page's origin is the proxy's),
      "cors" or "public" (``proxy`` is a `cors_proxy`; the page at ``page`` asks ``proxy.url + "/" + api.url +
      path``).
    - ``proxy``, ``api``: the two lab servers; their logs say which hops happened.
    - ``path``: the API path the page wants; ``fetch``: more `Browser.fetch` arguments (method, headers, ...).
    - ``browser``: a model `Browser` to use (its cookies); by default a fresh one at the page's origin per Send.
    - ``ask``: one of `QUESTIONS` to predict before the request is sent (None: Send right away).

        >>> from cors_lab.widgets import ProxyRoute
        >>> route = ProxyRoute("cors", cp, api)                                                  # doctest: +SKIP
        >>> route.send()                                                                         # doctest: +SKIP
        <FetchResult cors 200>
        >>> route.hops.lit()                          # all four arrows: there and back again    # doctest: +SKIP
        4
        >>> print(route.output_text())               # the new log lines of both servers         # doctest: +SKIP

    When a server was stopped (the notebook's last cell runs ``stop_all()``), Send says which cell to re-run; once
    it is re-run, the route uses the new server.
    """

    kind = "proxy-route"

    def __init__(self, topology: str, proxy, api, page: str = FRONTEND, path: str = "/api/public",
                 fetch: dict | None = None, browser=None, ask: str | None = None, title: str | None = None):
        if topology not in TOPOLOGIES:
            raise InputError(f"topology must be one of {', '.join(TOPOLOGIES)}, not {topology!r}.")
        if ask is not None and ask not in QUESTIONS:
            raise InputError(f"ask must be one of {', '.join(QUESTIONS)}, not {ask!r}.")
        self.topology, self.proxy, self.api, self.path = topology, proxy, api, path
        self.page = proxy.origin if topology == "dev" else page
        self.fetch_args = dict(fetch or {})
        self._browser = browser
        self.result = None
        self.hops: Hops | None = None
        self.log_lines: list[str] = []
        self.refusal: str | None = None
        self.ask = ask
        name, caption = TOPOLOGIES[topology]
        self.picture = w.HTML(self._picture())
        self.output = w.HTML()
        self.send_button = w.Button(description="Send the request", button_style="primary", icon="paper-plane")
        self.send_button.on_click(lambda _: self.send())
        self.prediction = None
        parts = [w.HTML(f"<b>{escape(title or name[:1].upper() + name[1:])}</b><br>{escape(caption)}")]
        actions = [self.send_button]
        if ask is not None:
            question, choices = QUESTIONS[ask]
            self.prediction = Predict(question, choices, self._reveal, title="Predict")
            self.send_button.description = "Send again"
            parts.append(self.prediction.widget)
            actions = [*self.prediction.buttons, self.send_button]
        parts += [self.picture, self.send_button, self.output]
        self.finish(w.VBox(parts), actions=actions, outputs=[self.output])

    def __repr__(self) -> str:
        state = "not sent yet" if self.result is None else f"{self.hops.lit()} of 4 hops, {self.result.summary()}"
        if self.prediction is not None:
            state += f"; {self.prediction.state()}"
        return f"ProxyRoute({self.topology}: {state})"

    def url(self) -> str:
        """The URL the page's script fetches (on the proxy)."""
        if self.topology == "dev":
            return self.proxy.url + self.path
        return f"{self.proxy.url}/{self.api.url}{self.path}"

    def _picture(self) -> str:
        return route_svg(self.topology, self.page, self.proxy.origin, self.api.origin, self.hops, self.result)

    def _bind(self) -> None:
        """Use the servers running now (a re-run set-up cell replaced them), or say which cell to re-run."""
        proxy, api = current_server(self.proxy), current_server(self.api)
        if proxy is not self.proxy and self.topology == "dev":
            self.page = proxy.origin
        self.proxy, self.api = proxy, api

    def say_refusal(self, sentence: str) -> None:
        self.output.value = fmt.message_html(sentence)
        self.refusal = sentence

    def send(self):
        """Send the page's request now; light the hops the logs recorded; return the `FetchResult`."""
        return self.action(self._send)()

    def _send(self):
        from cors_lab.browser.fetch import Browser

        self._bind()
        browser = self._browser or Browser(self.page)
        marks = log_marks()
        result = browser.fetch(self.url(), **self.fetch_args)
        self.result = result
        self.hops = Hops(self.proxy.requests(since=marks.get(self.proxy)), self.api.requests(since=marks.get(self.api)))
        self.log_lines = new_log_lines(marks, [self.proxy, self.api])
        self.picture.value = self._picture()
        self.output.value = (fmt.section("What the lab servers logged", fmt.pre("\n".join(self.log_lines)
                                                                                 or "(nothing arrived)"))
                             + "<details><summary><b>The browser's side, as a sequence diagram</b></summary>"
                             + sequence_diagram(result) + "</details>")
        return result

    def _reveal(self) -> Outcome:
        result = self._send()
        hops = self.hops
        same = result.type == "basic"
        if self.ask == "same-origin":
            truth = "same-origin" if same else "cross-origin"
            why = (f"The page is on {self.page} and asks {fmt.origin_part(self.url())}: "
                   + ("the same origin, so the browser applies no CORS check at all." if same else
                      "another origin, so the browser sends Origin and checks the answer's CORS headers."))
        elif self.ask == "api-sees-origin":
            seen = [e.origin for e in hops.to_api if e.origin]
            truth = "yes" if seen else "no"
            why = (f"The API's log shows Origin: {seen[-1]}." if seen else
                   "The proxy forwards the request server to server and drops the Origin header: the API sees one "
                   "client, the proxy, never the page." if hops.to_api else "Nothing reached the API at all.")
        elif self.ask == "reaches-api":
            truth = "yes" if hops.to_api else "no"
            refused = hops.to_proxy[-1] if hops.to_proxy else None
            why = ("The proxy forwarded it: the API's log has it." if hops.to_api else
                   f"The proxy answered {refused.status} itself and forwarded nothing." if refused else
                   "The browser sent nothing to the proxy.")
        else:
            truth = "allowed" if result.readable else "blocked"
            why = fmt.reason_text(result)
        return Outcome(truth, why, details="\n".join(self.log_lines))

    def output_text(self) -> str:
        """What the widget shows below the picture, as text: the refusal, or the new log lines."""
        if self.refusal:
            return self.refusal
        return "\n".join(self.log_lines)


def host_cookie_question(browser, server, path: str = "/api/private") -> Predict:
    """Predict whether ``browser``'s cookies (set through a proxy on another port) go to ``server`` too.

    Cookies are scoped by host, not by origin (RFC 6265: ports do not count), so a cookie set through the dev proxy
    (``localhost`` on one port) is sent to the API (``localhost`` on another) as well. The reveal sends
    ``fetch(server.url + path, credentials: 'include')`` from the browser's page and reads the engine's exchange:
    did it carry a Cookie?

        >>> question = host_cookie_question(page, api)       # page logged in through the dev proxy  # doctest: +SKIP
        >>> print(question.predict("no"))                                                          # doctest: +SKIP
        Not quite: you said no, it is yes.
        ...
    """
    state = {"server": server}

    def reveal() -> Outcome:
        state["server"] = current = current_server(state["server"])  # stopped: the sentence naming the cell
        result = browser.fetch(current.url + path, credentials="include")
        sent = bool(result.exchanges) and result.exchanges[-1].cookies_sent
        host = fmt.origin_part(current.url)
        why = (f"Cookies are scoped by host, not by origin: the cookie the page's host holds also goes to {host}. "
               f"The API answered {result.exchanges[-1].status if result.exchanges else 'nothing'}; "
               + ("only CORS kept the page from reading it." if not result.readable else "and the page read it.")
               if sent else "The request carried no cookie: the browser holds none for this host.")
        # the page's cookie came through the dev proxy in code: the learner's browser holds none to send
        return Outcome("yes" if sent else "no", why, html=sequence_diagram(result), result=result, calls=[])

    page = browser.origin.serialize()
    return Predict(f"The page at {page} fetches {fmt.origin_part(server.url)}{path} with credentials: 'include'. "
                   "Does the request carry the cookie the page got through its own origin?", ["yes", "no"], reveal,
                   title="Predict")
