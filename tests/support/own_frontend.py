"""The front end of "Send from my browser" without JupyterLab: the widget's real JavaScript (own_browser.js) in a
real headless Chromium page, with a small stand-in for the anywidget model. The page plays JupyterLab: it is on
its own lab server's origin and hosts the hidden frames, so the frame page, the message protocol and the learner's
browser's real CORS decisions are all exercised; only the trait sync is simulated (tests/ui does the real one).

    with OwnFrontEnd() as front:
        panel = OwnBrowserPanel(calls)
        front.attach(panel)          # the "render": panel.frame.lab is what the page reported
        front.press(panel)           # panel.send(), then every request the panel makes runs in the page
        front.console                # the console lines Chromium printed (the frames' too)
"""
from __future__ import annotations

import os
import time
from pathlib import Path

from flask import Flask, Response

import cors_lab.widgets.own_browser as own_widget

ESM = Path(own_widget.__file__).with_name("own_browser.js")
PAGE = """<!doctype html><meta charset="utf-8"><title>JupyterLab stand-in</title><body>
<script type="module">
import widget from "/own_browser.js";
const state = {request: {}, answer: {}, lab: {}}, listeners = {};
window.__answers = [];
const model = {
  get: (key) => state[key],
  set: (key, value) => { state[key] = value; if (key === "answer") window.__answers.push(value); },
  save_changes() {},
  on: (event, f) => (listeners[event] ??= []).push(f),
  off: (event, f) => { listeners[event] = (listeners[event] || []).filter((g) => g !== f); },
};
window.__lab = () => state.lab;
window.__request = (request) => { state.request = request; (listeners["change:request"] || []).forEach((f) => f()); };
widget.render({model, el: document.body});
window.__ready = true;
</script>"""


def stand_in_app() -> Flask:
    app = Flask("jupyterlab-stand-in")
    app.add_url_rule("/", "page", lambda: PAGE)
    app.add_url_rule("/own_browser.js", "esm", lambda: Response(ESM.read_text(), mimetype="text/javascript"))
    return app


class _ChromiumPage:
    """The stand-in page in headless Chromium (Playwright); ``console`` collects every console line, frames' too."""

    def __init__(self, url: str):
        from playwright.sync_api import sync_playwright

        from cors_lab.real.binaries import find_chromium

        self._pw = sync_playwright().start()
        args = ["--disable-background-networking", "--disable-component-update", "--no-first-run",
                "--disable-features=Translate,OptimizationHints,MediaRouter"]
        self.browser = self._pw.chromium.launch(executable_path=find_chromium(), headless=True,
                                                args=args + (["--no-sandbox"] if os.geteuid() == 0 else []))
        self.page = self.browser.new_page()
        self.console: list[str] = []
        self.page.on("console", lambda message: self.console.append(message.text))
        self.page.goto(url)

    def evaluate(self, function_js: str, argument=None):
        return self.page.evaluate(function_js, argument)

    def close(self) -> None:
        self.browser.close()
        self._pw.stop()


class _FirefoxPage:
    """The stand-in page in headless Firefox ESR, started as cors_lab's bridge starts it (loopback only)."""

    def __init__(self, url: str):
        from cors_lab.real.binaries import find_firefox
        from cors_lab.real.firefox import _Firefox

        self.firefox = _Firefox(find_firefox(), self._deadline())
        self.console: list[str] = []  # not collected: Firefox's console reaches the bridge through its observers
        self.handle, _ = self.firefox.chrome("return globalThis.corsLab.openTab(arguments[0]);", [0],
                                             self._deadline())
        self.firefox.navigate(self.handle, url, self._deadline())

    @staticmethod
    def _deadline() -> float:
        return time.monotonic() + 20

    def evaluate(self, function_js: str, argument=None):
        return self.firefox.content(self.handle, f"return ({function_js})(arguments[0]);", [argument],
                                    self._deadline())

    def close(self) -> None:
        self.firefox.quit(2)


class OwnFrontEnd:
    """A headless browser page (``browser``: "chromium" or "firefox") on a stand-in server, running
    own_browser.js; see the module docstring."""

    def __init__(self, browser: str = "chromium"):
        from cors_lab import serve

        self.server = serve(stand_in_app(), name="jupyterlab-stand-in")
        try:
            self.page = (_FirefoxPage if browser == "firefox" else _ChromiumPage)(self.server.url + "/")
        except BaseException:
            self.server.stop()
            raise
        self.console = self.page.console
        deadline = time.monotonic() + 20
        while not self.page.evaluate("() => window.__ready === true") and time.monotonic() < deadline:
            time.sleep(0.02)

    def attach(self, panel) -> None:
        panel.frame.lab = self.page.evaluate("() => window.__lab()")

    def press(self, panel, timeout: float = 15) -> None:
        """``panel.send()``, then run every request it puts in ``panel.frame.request`` until it stops asking."""
        panel.send()
        deadline = time.monotonic() + timeout
        seen = set()
        while panel.state == "sending" and time.monotonic() < deadline:
            request = dict(panel.frame.request)
            if request.get("id") in seen:
                time.sleep(0.01)
                continue
            seen.add(request["id"])
            count = self.page.evaluate("() => window.__answers.length")
            self.page.evaluate("(r) => window.__request(r)", request)
            while self.page.evaluate("() => window.__answers.length") <= count and time.monotonic() < deadline:
                time.sleep(0.01)
            panel.frame.answer = self.page.evaluate("() => window.__answers[window.__answers.length - 1]")

    def saw(self, line: str, timeout: float = 3) -> bool:
        """Did the browser print ``line`` in its console? Waits a little: a console message can come in after the
        answer (the sync API delivers events while it talks to the browser, so keep talking)."""
        deadline = time.monotonic() + timeout
        while line not in self.console and time.monotonic() < deadline:
            self.page.evaluate("() => 0")
            time.sleep(0.02)
        return line in self.console

    def close(self) -> None:
        self.page.close()
        self.server.stop()

    def __enter__(self) -> "OwnFrontEnd":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
