"""Send from my browser: a lesson's request made by the learner's own browser, next to what the engine predicts.

    panel = OwnBrowserPanel(lambda: [OwnCall(FRONTEND, {"url": api.url + "/api/public"})])
    panel                    # a button, a line that says to open DevTools, and (after a press) the result
    panel.send()             # same as pressing the button: the learner's browser makes the request
    panel.output_text()      # what the widget shows, as text, once the answer is back

Every lesson's widget carries one (`Predict` after its reveal, `Playground`, `ExerciseChecker`, ...): the widget
says which request is its central one (a list of `cors_lab.real.own_browser.OwnCall`, the last one is shown; the
ones before it, e.g. a login, prepare the browser's cookies), and the panel does the rest:

1. The request goes to `FrameBridge` (an anywidget): the learner's browser loads the lab's frame page
   (`cors_lab.server.frame`) from the lab server at the page origin, so the request's origin is the lesson's page
   (`FRONTEND`), not JupyterLab's; ``origin="null"`` loads it in a sandboxed frame. Its real CORS
   code decides; the red sentence appears in the learner's DevTools console.
2. The answer comes back as the ``answer`` trait; the panel adds what the lab servers received meanwhile and
   builds a result (`cors_lab.real.own_browser.own_result`).
3. The engine runs the same calls (in a tab of its own that lives as long as the panel, so cookies follow) and
   `agreement` says whether the learner's browser did what it predicts; the panel shows the engine's console
   sentence for the learner to find in DevTools, and its step-by-step explanation.

Where the learner's browser cannot take part (JupyterHub, Binder, a JupyterLab opened from another machine, a
notebook run without a front end), the panel says so in one line and the headless Chromium next to the kernel runs
the calls instead. A request that does not come back in time is reported as such; nothing waits in the kernel (the
answer arrives as a message, so the button returns at once).
"""
from __future__ import annotations

import contextlib
import itertools
import threading
import time
from pathlib import Path
from typing import Callable, Sequence
from urllib.parse import urlsplit

import anywidget
import ipywidgets as w
import traitlets

from cors_lab.course.teaching import FRONTEND
from cors_lab.errors import InputError
from cors_lab.real import own_browser as own
from cors_lab.real.own_browser import OwnCall
from cors_lab.server.frame import frame_token, frame_url
from cors_lab.widgets import format as fmt
from cors_lab.widgets.base import WidgetView, current_server, rebase

TIMEOUT_MS = 5000  # each call's deadline in the learner's page: lab servers answer in milliseconds
NO_ANSWER_SECONDS = 4.0  # beyond the calls' deadlines: no front end answered (not displayed, tab closed)
DEVTOOLS_LINE = ("Open DevTools (F12, or Cmd+Option+I on a Mac) → Console and Network, then press the button: your "
                 "own browser sends the request, and prints its sentence there.")
_ids = itertools.count(1)
#: the engine's tabs that follow the learner's browser, one per (page origin, engine), sharing one jar per engine
twin_tabs: dict = {}


class FrameBridge(anywidget.AnyWidget):
    """The front end's half: a hidden frame on a lab server's origin that runs the kernel's calls (see
    own_browser.js). ``request`` goes out, ``answer`` comes back, ``lab`` says where JupyterLab is open."""

    _esm = Path(__file__).with_name("own_browser.js")
    request = traitlets.Dict().tag(sync=True)
    answer = traitlets.Dict().tag(sync=True)
    lab = traitlets.Dict().tag(sync=True)


def frame_server(origin: str):
    """The running lab server whose pages have ``origin`` (the frame is served there), or InputError.

    ``"null"``: the sandboxed frame may come from any lab server (its origin is opaque anyway): the first one."""
    from cors_lab.server.lab import running_servers

    servers = running_servers()
    if origin == "null":
        if servers:
            return servers[0]
    else:
        for server in servers:
            if server.origin == origin or server.origin.replace("localhost", "127.0.0.1") == origin:
                return server
    raise InputError(
        f"No lab server serves pages at {origin}, so your browser has no page there to send from: start one "
        f"(e.g. serve(page_app(), port=...)) or use a lab server's origin as the page.")


def _now_serving(server):
    """The running lab server in place of ``server``: itself, one under its name (its cell was re-run), or one that
    now listens on its port (a later cell started another app there); else `ServerStoppedError` (one sentence)."""
    from cors_lab.server.lab import running_servers

    if not server.running:
        for candidate in running_servers():
            if candidate.name != server.name and candidate.port == server.port:
                return candidate
    return current_server(server)


def arrived_since(marks: dict) -> list:
    """``(server, LogEntry)`` of every request the lab servers received from a browser since ``marks``, oldest
    first; a proxy's own request upstream (it carries Via / X-Forwarded-For) is the proxy's, not the browser's."""
    from cors_lab.server.lab import running_servers

    return sorted(((server, entry) for server in running_servers() for entry in server.requests(
        since=marks.get(server)) if own.from_the_browser(entry)), key=lambda pair: pair[1].time)


def serves_page(origin: str) -> bool:
    """Does a running lab server serve pages at ``origin`` (so the learner's browser can send from there)?"""
    try:
        frame_server(origin)
    except InputError:
        return False
    return True


class OwnBrowserPanel(WidgetView):
    """"Send from my browser" for one widget: ``calls()`` gives the `OwnCall` list to send (the last is the
    request the lesson is about). ``title``: the button's words. ``on_result(panel)`` is called after each answer.

        >>> panel = OwnBrowserPanel(lambda: [OwnCall(page.origin, {"url": api.url + "/api/public"})])  # doctest: +SKIP
        >>> panel.send()              # the learner's browser sends it; the answer arrives shortly    # doctest: +SKIP
        >>> panel.state, panel.agrees   # 'answered', True: their browser did what the engine predicts  # doctest: +SKIP
    """

    kind = "own-browser"

    def __init__(self, calls: Callable[[], Sequence[OwnCall]], title: str = "Send from my browser",
                 on_result: Callable | None = None, environ=None, around: Callable | None = None, servers=None,
                 nested: bool = False):
        self.calls = calls
        self.around = around  # () -> a context manager held while a press runs (a quiz's temporary policy)
        self._held = contextlib.ExitStack()
        self.on_result = on_result
        self.environ = environ  # the kernel's environment by default (tests pass their own)
        self.state = "idle"  # idle | sending | answered | fallback | failed
        self.own_result = None  # the last result from the learner's browser (or the headless fallback)
        self.own_results: list = []  # every call's result of the last press, in order (a login, then the request)
        self.engine_result = None  # the engine's result of the same call
        self.agreement = None
        self.seconds = None  # press -> answer back in the kernel
        self._servers: list = []  # the lab servers the calls involved: a stopped one is named, a replaced one followed
        self._lock = threading.Lock()
        self._job = None
        self._text = ""
        self.frame = FrameBridge()
        self.frame.observe(self._answered, names="answer")
        self.button = w.Button(description=title, icon="globe", tooltip="your own browser makes the request")
        self.button.on_click(lambda _: self.send())
        self.hint = w.HTML(fmt.message_html(DEVTOOLS_LINE, None))
        self.output = w.HTML()
        # the servers of the calls as they are now, so that after stop_all() a press names the cell to re-run:
        # ``servers`` when given (a widget whose calls() does work, e.g. applies its fields), else calls()'s
        if servers is not None:
            self._servers = [server for server in servers if server is not None]
        else:
            try:
                self._remember(list(calls()))
            except Exception:  # noqa: BLE001 - not computable yet (a field still empty): remembered at the press
                pass
        box = w.VBox([w.HBox([self.button, self.frame]), self.hint, self.output],
                     layout=w.Layout(border="1px dashed #bbb", padding="4px", margin="4px 0"))
        if nested:  # a part of another widget (a prediction, the playground): that widget's DOM contract is its own
            box.add_class(f"cors-lab-{self.kind}")
            self.button.add_class("cors-lab-own-action")
            self.output.add_class("cors-lab-own-output")
            self.widget = box
        else:
            self.finish(box, actions=[self.button], outputs=[self.output])

    def __repr__(self) -> str:
        return f"OwnBrowserPanel({self.state})"

    @property
    def agrees(self) -> bool | None:
        """Did the learner's browser (or the fallback) do what the engine predicts? None before an answer."""
        return None if self.agreement is None else bool(self.agreement)

    # ---- sending ------------------------------------------------------------------------------------------
    def send(self) -> None:
        """Send the calls from the learner's browser (or, where it cannot, from headless Chromium)."""
        self.action(self._send)()

    def _bind(self, calls: list[OwnCall]) -> list[OwnCall]:
        """``calls`` on the lab servers running now: a server the learner stopped (Run All ends with ``stop_all()``)
        gives one sentence naming the cell to re-run; one that cell started again (maybe on another port) replaces
        it in the page origin and the URL. The servers of the calls are remembered for the next press."""
        bound = []
        for call in calls:
            origin, url = call.origin, call.url
            for index, server in enumerate(self._servers):
                if origin != server.origin and not (url == server.url or url.startswith(server.url + "/")):
                    continue
                new = _now_serving(server)  # ServerStoppedError: "... re-run cell [3] ..."
                if new is not server:
                    origin = new.origin if origin == server.origin else origin
                    url = rebase(url, server, new)
                    self._servers[index] = new
            bound.append(OwnCall(origin, dict(call.kwargs, url=url), call.api))
        self._remember(bound)
        return bound

    def _remember(self, calls) -> None:
        """Keep the running lab servers ``calls`` involve (their page origin, their URL) for `_bind`."""
        from cors_lab.server.lab import running_servers

        for server in running_servers():
            if server not in self._servers and any(
                    call.origin == server.origin or call.url == server.url or call.url.startswith(server.url + "/")
                    for call in calls):
                self._servers.append(server)

    def _send(self) -> None:
        calls = list(self.calls())
        if not calls:
            raise InputError("There is no request to send yet: answer the question (or press Send) first.")
        calls = self._bind(calls)
        for call in calls:
            frame_server(call.origin)  # a page origin no lab server serves: one sentence, nothing sent
        self._release()  # an earlier press that never ended
        if self.around is not None:
            self._held.enter_context(self.around())
        reason = own.hosted_reason(self.environ, self.frame.lab)
        if reason is None and not self.frame.lab:
            reason = ("No browser shows this widget (the notebook runs without JupyterLab, or the widget is not "
                      "displayed), so the headless Chromium next to the kernel answers instead.")
        if reason:
            return self._fall_back(calls, reason)
        job = _Job(next(_ids), calls, time.monotonic())
        with self._lock:
            self._job = job
        self.state = "sending"
        self._say(f"Your browser is sending {_describe(calls[-1])} …", None)
        self._next_step(job)
        timer = threading.Timer(len(calls) * (TIMEOUT_MS / 1000 + NO_ANSWER_SECONDS), self._no_answer, [job])
        timer.daemon = True
        timer.start()

    def _next_step(self, job: "_Job") -> None:
        from cors_lab.widgets.playground import log_marks

        call = job.calls[len(job.answers)]
        job.marks = log_marks()
        server = frame_server(call.origin)
        self.frame.request = {"id": f"{job.id}.{len(job.answers)}", "token": frame_token(),
                              "frame": {"src": frame_url(server.url), "sandbox": call.origin == "null"},
                              "steps": [call.step(TIMEOUT_MS)], "timeoutMs": TIMEOUT_MS}

    def _answered(self, change) -> None:
        answer = change["new"] or {}
        with self._lock:
            job = self._job
            if job is None or answer.get("id") != f"{job.id}.{len(job.answers)}":
                return  # an answer to an older press, or our own reset
        self.action(self._take_answer)(job, answer)

    def _take_answer(self, job: "_Job", answer: dict) -> None:

        failure = answer.get("failure")
        if failure:
            with self._lock:
                if self._job is not job:
                    return
                self._job = None
            why = {"frame": "Your browser could not load the lab's page (the lab servers listen on the kernel's "
                            "loopback: is this JupyterLab on another machine, or behind a proxy?)",
                   "late": "Your browser did not answer in time"}.get(failure, failure)
            return self._fall_back(job.calls, why + ", so the headless Chromium next to the kernel answers instead.")
        arrivals = arrived_since(job.marks)
        call = job.calls[len(job.answers)]
        job.results.append(own.own_result(call, (answer.get("answers") or [{}])[-1], arrivals,
                                          answer.get("userAgent")))
        job.answers.append(answer)
        job.arrivals.append(arrivals)
        if len(job.answers) < len(job.calls):
            return self._next_step(job)
        with self._lock:
            if self._job is not job:
                return
            self._job = None
        self.seconds = time.monotonic() - job.started
        self._finish(job.calls, job.results, job.arrivals, source="your browser")

    def _no_answer(self, job: "_Job") -> None:
        with self._lock:
            if self._job is not job:
                return  # answered in time
            self._job = None
        self.action(self._fall_back)(job.calls, "Your browser did not answer within "
                                     f"{len(job.calls) * (TIMEOUT_MS / 1000 + NO_ANSWER_SECONDS):.0f} s (is this "
                                     "notebook's tab still open?), so the headless Chromium next to the kernel "
                                     "answers instead.")

    def _fall_back(self, calls: list[OwnCall], reason: str) -> None:
        """Run ``calls`` in headless Chromium next to the kernel, after saying why in one line."""
        from cors_lab.widgets.playground import log_marks

        self.state = "fallback"
        self._say(reason + " …", None)
        try:
            from cors_lab.real.chromium import ChromiumBrowser, unavailable_reason
        except ImportError as exc:
            return self._failed(reason, f"headless Chromium is not available here ({exc}).")
        missing = unavailable_reason()
        if missing:
            return self._failed(reason, f"headless Chromium is not available here: {missing}")
        tabs: dict = {}  # one headless tab per page origin, each a fresh profile of its own
        results, arrivals = [], []
        try:
            for call in calls:
                marks = log_marks()
                if call.origin not in tabs:
                    tabs[call.origin] = ChromiumBrowser(call.origin)
                results.append(call.run_in(tabs[call.origin]))
                arrivals.append(arrived_since(marks))
        except Exception as exc:  # noqa: BLE001 - Chromium crashed or timed out: one line, never a traceback
            return self._failed(reason, f"headless Chromium could not answer either: {exc}")
        finally:
            for tab in tabs.values():
                tab.close()
        self._finish(calls, results, arrivals, source="headless Chromium", reason=reason)

    def _release(self) -> None:
        """Leave what a press held (a quiz's temporary policy goes back): called wherever a press ends."""
        self._held.close()
        self._held = contextlib.ExitStack()

    def _failed(self, reason: str, sentence: str) -> None:
        self._release()
        self.state = "failed"
        self._say(f"{reason} But {sentence}", False)

    # ---- the engine, the comparison, the picture ---------------------------------------------------------
    def engine_tab(self, origin: str, engine: str, fresh: dict | None = None):
        """The engine's tab for ``origin`` as ``engine`` ("chromium" / "firefox"): the page is the frame the
        learner's browser sends from (for "null", the sandboxed frame loaded from that URL).

        The learner's browser has one cookie jar and one preflight cache for every panel of the kernel, so the
        engine's tabs share theirs too (`twin_tabs`), kept between presses. ``fresh`` (a dict for one press): tabs
        with empty profiles of their own, one per origin, as headless Chromium's are when it answers instead."""
        from cors_lab.browser.fetch import Browser

        page_url = frame_server(origin).url + "/"  # the frame's own URL holds the kernel's secret: never shown
        if fresh is not None:
            if origin not in fresh:
                fresh[origin] = Browser(origin, page_url=page_url, browser=engine)
            return fresh[origin]
        key = (origin, engine)
        if key not in twin_tabs:
            tab = Browser(origin, page_url=page_url, browser=engine)
            sibling = next((other for (_, name), other in twin_tabs.items() if name == engine), None)
            if sibling is not None:  # one browser: one jar, one partitioned jar, one preflight cache
                tab.cookies, tab.partitioned_cookies = sibling.cookies, sibling.partitioned_cookies
                tab.preflight_cache = sibling.preflight_cache
            twin_tabs[key] = tab
        return twin_tabs[key]

    def _finish(self, calls, results, arrivals, source: str, reason: str = "") -> None:
        """The engine reads the answers each call got (`replayed`: it sends nothing itself), then the picture."""
        from cors_lab.server.lab import running_servers

        self._release()
        result = results[-1]
        self.own_results = list(results)
        identity = getattr(result, "identity", None)
        engine = identity.engine if identity is not None and identity.engine else "chromium"
        if result.timed_out:  # the page's script gave up at its deadline: no CORS decision to compare
            return self._late(calls, result, arrivals[-1], source, reason)
        fresh: dict | None = {} if source != "your browser" else None  # the fallback's tabs: fresh, one per origin
        for call, earlier, came in zip(calls[:-1], results[:-1], arrivals[:-1], strict=True):
            own.replayed(self.engine_tab(call.origin, engine, fresh), call, came, earlier)
        tab = self.engine_tab(calls[-1].origin, engine, fresh)
        predicted, replay = own.replayed(tab, calls[-1], arrivals[-1], result)
        arrivals = arrivals[-1]
        lab_urls = [server.url for server in running_servers()]
        self.own_result, self.engine_result = result, predicted
        # the learner's browser is compared on what a page and the logs see; headless Chromium's console too
        seen = own.SEEN_FIELDS if source == "your browser" else (*own.SEEN_FIELDS, "error")
        self.agreement = own.agreement(predicted, result, lab_urls, fields=seen)
        self.state = "answered" if source == "your browser" else "fallback"
        who = identity.title if identity is not None else tab.model.title
        modelled = tab.model.title
        verdict = ("agrees with the engine" if self.agreement else "DISAGREES with the engine") + f" ({modelled})"
        subject = f"Your browser ({who})" if source == "your browser" else f"Headless {who} (next to the kernel)"
        lines = [f"{subject} {verdict}."]
        lab = self.frame.lab or {}
        if source == "your browser" and own.other_site(lab.get("hostname"), calls[-1].origin) and any(
                call.kwargs.get("credentials") == "include" or call.kwargs.get("with_credentials") for call in calls):
            lines.append(f"JupyterLab is open at {lab.get('hostname')}, so your browser counts the lesson's pages "
                         f"({urlsplit(calls[-1].origin).hostname}) as another site: it neither stores nor sends "
                         f"their SameSite cookies. For the lessons with cookies, open JupyterLab at "
                         f"http://localhost:{urlsplit(lab.get('origin', '')).port or 8888}/lab.")
        ours = own.jupyter_cookies(result)
        if ours:
            lines.append(f"Your browser also sent JupyterLab's own cookies ({', '.join(ours)}): a cookie belongs to "
                         "a host, not a port, so they go with every credentialed request to localhost (left out "
                         "of the comparison).")
        if any(what.startswith("OPTIONS ") for what in replay.unused) and not predicted.preflight:
            lines.append("Your browser sent a preflight the engine answered from its preflight cache: with DevTools "
                         "open, the Network tab's 'Disable cache' turns the preflight cache off too.")
        if any(what.startswith("OPTIONS ") for what in replay.unanswered):
            lines.append("Your browser sent no preflight: it answered it from its preflight cache (an earlier request "
                         "to the same URL got an Access-Control-Max-Age), while the engine starts with an empty "
                         "cache. DevTools' 'Disable cache', or a fresh profile, makes your browser preflight again.")
        if source != "your browser" and len({call.origin for call in calls}) > 1:
            lines.append("Headless Chromium runs each page in a fresh profile of its own, so a cookie one page's "
                         "login stored does not reach the other page here, as it would in your one browser (the "
                         "engine is compared in the same way).")
        if replay.unanswered or replay.unused:
            lines.append("On the wire: " + "; ".join(
                [f"the engine would also have sent {what}" for what in replay.unanswered]
                + [f"your browser also sent {what}" for what in replay.unused]) + ".")
        if identity is not None and identity.engine is None:
            lines.append(f"The engine models Chromium and Firefox, not {who}: compare what the script read; its "
                         "console words are its own.")
        if not self.agreement:
            lines += [f"  {key}: engine {mine!r}, your browser {theirs!r}"
                      for key, (mine, theirs) in self.agreement.differences.items()]
        log = [f"{server.name}: {entry.line()}" for server, entry in arrivals]
        console = predicted.error or "(nothing: the request is allowed)"
        where = ("open DevTools → Console to see your browser say it" if source == "your browser"
                 else "the headless Chromium printed: " + (result.error or "(nothing)"))
        self._text = "\n\n".join([
            reason + "\n" + "\n".join(lines) if reason else "\n".join(lines),
            f"Request: {_describe(calls[-1])}",
            f"What the script read: {fmt.js_text(result)}",
            "Server log (this request): \n" + ("\n".join(log) or "(nothing reached a lab server)"),
            f"Console ({modelled}, as the engine predicts it; {where}):\n{console}",
            "Step by step (the engine):\n" + predicted.explain(),
        ])
        color = fmt.GREEN if self.agreement else fmt.RED
        self.output.value = (
            (fmt.message_html(reason, None) if reason else "")
            + fmt.pre("\n".join(lines), color)
            + fmt.section("What the script read", fmt.pre(fmt.js_text(result), fmt.GREEN if result.readable
                                                           else fmt.RED))
            + fmt.section("Server log (this request)", fmt.pre("\n".join(log) or "(nothing reached a lab server)"))
            + fmt.section(f"Console, as the engine predicts it ({where})", fmt.pre(console))
            + "<details><summary><b>Step by step (the engine)</b></summary>" + fmt.pre(predicted.explain())
            + "</details>")
        self._say("", None)
        if self.on_result is not None:
            self.on_result(self)

    def _late(self, calls, result, arrivals, source: str, reason: str) -> None:
        """The lab server did not answer before the page's deadline: the script aborted the request. No CORS
        check ran, so nothing is compared and no sentence is predicted (real Chromium prints none)."""
        self.own_result, self.engine_result, self.agreement = result, None, None
        self.state = "answered" if source == "your browser" else "fallback"
        log = [f"{server.name}: {entry.line()}" for server, entry in arrivals]
        line = (f"The server did not answer within {TIMEOUT_MS / 1000:.0f} s, so the page's script gave up and "
                "aborted the request: no CORS check ran, and the console stays empty.")
        self._text = "\n\n".join([reason + "\n" + line if reason else line, f"Request: {_describe(calls[-1])}",
                                   "Server log (this request): \n" + ("\n".join(log) or "(nothing arrived)")])
        self.output.value = ((fmt.message_html(reason, None) if reason else "") + fmt.message_html(line, False)
                             + fmt.section("Server log (this request)", fmt.pre("\n".join(log) or "(nothing)")))
        self._say("", None)
        if self.on_result is not None:
            self.on_result(self)

    def _say(self, text: str, ok: bool | None) -> None:
        self.hint.value = fmt.message_html(text or DEVTOOLS_LINE, ok if text else None)
        self._message = text

    def say_refusal(self, sentence: str) -> None:
        self._release()
        self.state = "failed" if self.state == "sending" else self.state
        self._say(sentence, False)
        self._text = ""
        self.output.value = fmt.message_html(sentence)  # where the result would appear (the DOM contract)
        self.refusal = sentence

    def output_text(self) -> str:
        """What the panel shows, as text: the message line, then the last answer."""
        message = getattr(self, "_message", "")
        return "\n\n".join(part for part in (message, self._text) if part)


def send_from_my_browser(url: str, origin: str = FRONTEND, api: str = "fetch",
                         title: str = "Send from my browser", **kwargs) -> OwnBrowserPanel:
    """A panel for one request: ``url`` from the page at ``origin`` (a lab server's origin, or "null" for a
    sandboxed frame), as ``fetch`` (keyword arguments of `Browser.fetch`) or ``"xhr"`` (of `Browser.xhr`).

        >>> send_from_my_browser(api.url + "/api/public", origin=page.origin)    # doctest: +SKIP
        OwnBrowserPanel(idle)
    """
    call = OwnCall(origin, dict(kwargs, url=url), api)
    return OwnBrowserPanel(lambda: [call], title=title)


class _Job:
    """One press: the calls, the answers as they come back, the log marks of the call under way."""

    def __init__(self, id: int, calls: list[OwnCall], started: float):
        self.id, self.calls, self.started = id, calls, started
        self.answers: list[dict] = []
        self.results: list = []
        self.arrivals: list[list] = []
        self.marks: dict = {}


def _describe(call: OwnCall) -> str:
    code = fmt.fetch_code(dict(call.kwargs))
    if call.api == "xhr":
        code = "XMLHttpRequest " + code.replace("fetch(", "(", 1)
    page = "a sandboxed frame (origin null)" if call.origin == "null" else f"the page {call.origin}"
    return f"{code} from {page}"


__all__ = ["OwnBrowserPanel", "FrameBridge", "OwnCall", "frame_server", "serves_page", "send_from_my_browser",
           "DEVTOOLS_LINE"]
