"""The preflight cache over time: the same request fetched several times, drawn on one time axis.

    timeline = CacheTimeline(api, max_age="10", times="0, 3, 6, 12, 15")
    timeline                 # fields (Max-Age, when the page fetches) and a Run button
    timeline.run()           # same as pressing Run: -> the FetchResults; the widget draws `timeline_diagram`

    q = cache_prediction(api, max_age=None, times=(0, 2, 4, 6, 8))   # "how many OPTIONS?" first, then the picture

The requests are real (the server's log shows each OPTIONS); only the clock of the tab's preflight cache is
simulated, so a lesson does not wait ten seconds to see an entry expire. The engine's `PreflightCache` decides hits
and expiry; the server's policy gets the Max-Age for the run and its own policy back afterwards.
"""
from __future__ import annotations

import re

import ipywidgets as w

from cors_lab.course.teaching import FRONTEND
from cors_lab.errors import InputError
from cors_lab.widgets import format as fmt
from cors_lab.widgets.base import WidgetView, current_server
from cors_lab.widgets.diagram import cache_events, timeline_diagram
from cors_lab.widgets.predict import Outcome, Predict

PUT_JSON = dict(method="PUT", headers={"Content-Type": "application/json"}, body='{"name": "kiwi"}')


def run_cache_timeline(server, times, max_age=None, path: str = "/api/items/1", request: dict | None = None,
                       origin: str = FRONTEND, policy=None) -> list:
    """Fetch ``request`` on ``path`` of the running ``server`` once at each of ``times`` (seconds, simulated) from
    one tab at ``origin``, the server answering preflights with ``Access-Control-Max-Age: max_age`` (None: no
    header), on top of ``policy`` (default: the server's own). Returns the FetchResults, in order. The server's
    policy is restored afterwards."""
    from cors_lab.browser.fetch import Browser

    server = current_server(server)
    times = [float(t) for t in times]
    if any(later < earlier for earlier, later in zip(times, times[1:], strict=False)):
        raise InputError("The fetch times must go forward: write them in order, for example 0, 2, 4.")
    now = [0.0]
    tab = Browser(origin)
    tab.preflight_cache.clock = lambda: now[0]  # simulated time: the cache reads this clock
    before = server.policy
    if before is None:
        raise InputError(f"Server {server.name!r} runs an app without a cors_lab policy: it cannot send Max-Age.")
    results = []
    with server.temporary_policy((policy or before).copy(max_age=max_age)):
        for t in times:
            now[0] = t
            results.append(tab.fetch(server.url + path, **(request or PUT_JSON)))
    return results


def summary(results, times) -> str:
    """One line per fetch: when, and what it did with the cache."""
    lines = []
    for n, (t, result) in enumerate(zip(times, results, strict=True), 1):
        e = cache_events(result)
        did = ("OPTIONS, then the request" if e["options"] else "cache hit: no OPTIONS" if e["hit"]
               else "no preflight needed")
        kept = f"; the answer is kept {e['kept']} s" if e["kept"] else ("; not cached" if e["options"] else "")
        blocked = " (blocked)" if e["blocked"] else ""
        lines.append(f"#{n} at {float(t):g} s: {did}{kept}{blocked}")
    return "\n".join(lines)


def _max_age_text(max_age) -> str:
    return "no Access-Control-Max-Age header" if max_age is None else f"Access-Control-Max-Age: {max_age}"


def cache_prediction(server, max_age=None, times=(0, 2, 4, 6, 8), path: str = "/api/items/1",
                     request: dict | None = None, origin: str = FRONTEND, policy=None) -> Predict:
    """"How many OPTIONS will the server receive?" for the same fetch at each of ``times``: predict, then the
    timeline shows which fetch sent one, which used the cache, when each cached answer expired.

        >>> q = cache_prediction(api, max_age=None, times=(0, 2, 4, 6, 8))     # doctest: +SKIP
        >>> print(q.predict("2"))                                            # doctest: +SKIP
        Right: 2.
        ...
    """
    times = tuple(times)
    request = dict(request or PUT_JSON)

    def reveal() -> Outcome:
        results = run_cache_timeline(server, times, max_age, path, request, origin, policy)
        count = sum(cache_events(r)["options"] for r in results)
        kept = sorted({cache_events(r)["kept"] for r in results if cache_events(r)["options"]})
        if not kept or kept == [0]:
            why = (f"{_max_age_text(max_age)} means the answer is not cached at all: every fetch sends its own OPTIONS "
                   "first (a negative Max-Age too).")
            return Outcome(str(count), why, html=timeline_diagram(results, times), details=summary(results, times),
                           result=results[-1], calls=[])  # timed: one press cannot replay it
        why = (f"Each OPTIONS answer is kept {kept[0]} s ({_max_age_text(max_age)}"
               + ("; Chromium's default is 5 s" if max_age is None else "")
               + "): a fetch inside that window uses the cache, the first one after it sends a new OPTIONS.")
        return Outcome(str(count), why, html=timeline_diagram(results, times), details=summary(results, times),
                       result=results[-1], calls=[])  # timed: one press cannot replay it

    when = ", ".join(f"{float(t):g}" for t in times)
    code = fmt.fetch_code(dict(request, url=path))
    return Predict(f"How many OPTIONS will the server receive ({_max_age_text(max_age)})?",
                   [str(n) for n in range(1, len(times) + 1)], reveal,
                   context=f"One tab at {origin} runs {code}\nat t = {when} seconds.", title="Predict")


def _times(text: str) -> list[float]:
    items = [item for item in re.split(r"[,\s]+", text.strip()) if item]
    if not items:
        raise InputError("Fetch times is empty: write seconds separated by commas, for example 0, 2, 4.")
    try:
        times = [float(item) for item in items]
    except ValueError:
        raise InputError(f"Fetch times must be numbers of seconds separated by commas, not {text.strip()!r}.") \
            from None
    if any(t < 0 for t in times) or len(times) > 12:
        raise InputError("Fetch times: at most 12 times, none negative (for example 0, 2, 4).")
    return times


class CacheTimeline(WidgetView):
    """Set ``Access-Control-Max-Age`` and when the page fetches, press Run, see the cache on a time axis.

    ``server`` runs `cors_lab.api_app` with a policy that allows the request (``request`` on ``path``: by default
    a JSON ``PUT /api/items/1``). Max-Age empty means no header (Chromium then keeps the answer 5 s).

        >>> from cors_lab.widgets.cache_timeline import CacheTimeline
        >>> t = CacheTimeline(api, max_age="10", times="0, 3, 6, 12, 15")     # doctest: +SKIP
        >>> results = t.run()                                                 # doctest: +SKIP
        >>> print(t.output_text())                                            # doctest: +SKIP
        #1 at 0 s: OPTIONS, then the request; the answer is kept 10 s
        ...
    """

    kind = "cache-timeline"

    def __init__(self, server, max_age: str = "10", times: str = "0, 3, 6, 12, 15", path: str = "/api/items/1",
                 request: dict | None = None, origin: str = FRONTEND, policy=None):
        self.server, self.path, self.request, self.origin = server, path, dict(request or PUT_JSON), origin
        self.policy = policy  # the policy the Max-Age is added to (None: the server's own)
        self.results: list = []
        self.text = ""
        self.refusal: str | None = None
        style = {"description_width": "150px"}
        self.max_age = w.Text(value=str(max_age), description="Max-Age (s)", placeholder="empty: no header",
                              style=style)
        self.times = w.Text(value=times, description="fetch at (seconds)", style=style,
                            layout=w.Layout(width="420px"))
        self.button = w.Button(description="Run", button_style="primary", icon="play")
        self.button.on_click(lambda _: self.run())
        self.output = w.HTML()
        code = fmt.fetch_code(dict(self.request, url=path))
        head = w.HTML(f"<b>Preflight cache timeline</b>: one tab at {fmt.escape(origin)} runs "
                      f"<code>{fmt.escape(code)}</code> at each time (the clock is simulated).")
        self.finish(w.VBox([head, self.max_age, self.times, self.button, self.output]), actions=[self.button],
                    outputs=[self.output])

    def run(self) -> list | None:
        """Fetch at each time and draw the timeline (same as pressing Run). Returns the FetchResults."""
        return self.action(self._run)()

    def _run(self) -> list:
        times = _times(self.times.value)
        max_age = fmt.max_age(self.max_age.value)
        self.results = run_cache_timeline(self.server, times, max_age, self.path, self.request, self.origin,
                                          self.policy)
        options = sum(cache_events(r)["options"] for r in self.results)
        self.text = (f"{len(times)} fetches, {options} OPTIONS ({_max_age_text(max_age)}).\n"
                     + summary(self.results, times))
        self.output.value = timeline_diagram(self.results, times) + fmt.pre(self.text)
        return self.results

    def output_text(self) -> str:
        return self.refusal or self.text

    def __repr__(self) -> str:
        state = "not run yet" if not self.results else f"{len(self.results)} fetches"
        return f"CacheTimeline({state})"
