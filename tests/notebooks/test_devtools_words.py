"""The DevTools words the lessons quote are the ones real Chromium's own DevTools shows.

Lessons 00, 01 and 08 tell the learner what to look for in DevTools (the "CORS error" status, the preflight row,
"Provisional headers are shown", the console's net::ERR_FAILED line). Nobody may write those from memory, and a
Chromium update may change them. So this test opens Chromium's bundled DevTools front end (served by its remote
debugging server, drawn headless) on a page that makes the lessons' requests, reads the text DevTools draws (its
shadow roots included) and checks that every quote the lessons make is there, and that the lessons still quote it.
"""
from __future__ import annotations

import json
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from flask import Flask

from cors_lab import CorsPolicy, api_app, serve
from cors_lab.real.chromium import chromium_available

SRC = Path(__file__).resolve().parents[2] / "notebooks" / "src"
pytestmark = pytest.mark.skipif(not chromium_available(), reason="needs Chromium (its DevTools front end)")

# the text DevTools draws, shadow roots included, one string per text node
DRAWN_TEXT = """() => {
  const out = [];
  const walk = (node) => {
    if (node.nodeName === "STYLE" || node.nodeName === "SCRIPT") return;
    if (node.shadowRoot) walk(node.shadowRoot);
    for (const child of node.childNodes) {
      if (child.nodeType === 3) { const t = child.textContent.trim(); if (t) out.push(t); } else walk(child);
    }
  };
  walk(document.body);
  return out;
}"""
PAGE = """<!doctype html><title>page</title><body>page<script>
window.run = async (url, init) => { try { await fetch(url, init); } catch (e) {} };
</script>"""


class DevTools:
    """Chromium with its DevTools front end open on a tab of the lab's page; ``tab`` runs the page's requests."""

    def __init__(self, profile: Path):
        from playwright.sync_api import sync_playwright

        from cors_lab.real.binaries import find_chromium

        self.process = subprocess.Popen(
            [find_chromium(), "--headless", "--no-sandbox", "--remote-debugging-port=0", f"--user-data-dir={profile}",
             "--disable-background-networking", "--disable-component-update", "--no-first-run", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 20
        while not (port_file.exists() and port_file.read_text().strip()) and time.monotonic() < deadline:
            time.sleep(0.1)
        self.port = int(port_file.read_text().split()[0])
        self._pw = sync_playwright().start()
        self.browser = self._pw.chromium.connect_over_cdp(f"http://127.0.0.1:{self.port}", timeout=20000)
        self.context = self.browser.contexts[0]
        self.tab = self.context.pages[0]

    def open(self, panel: str):
        """The DevTools front end for ``tab``, on ``panel`` ("network", "console"), docked without a screencast."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/json/list", timeout=10) as answer:
            target = next(t for t in json.load(answer) if t["type"] == "page" and t["url"] == self.tab.url)
        inspector = self.context.new_page()
        inspector.add_init_script("try { localStorage.setItem('screencast-enabled', 'false'); } catch (e) {}")
        inspector.set_viewport_size({"width": 2400, "height": 1000})
        address = f"127.0.0.1:{self.port}/devtools"
        inspector.goto(f"http://{address}/inspector.html?ws={address}/page/{target['id']}&panel={panel}")
        inspector.wait_for_timeout(2500)  # the front end loads its modules and attaches
        return inspector

    def close(self):
        try:
            self.browser.close()
            self._pw.stop()
        finally:
            self.process.terminate()
            self.process.wait(10)


def drawn(inspector) -> str:
    return "\n".join(inspector.evaluate(DRAWN_TEXT))


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    """What DevTools drew for the lessons' two requests: a blocked GET and a POST whose preflight fails."""
    page_app = Flask("devtools-page")
    page_app.add_url_rule("/", "page", lambda: PAGE)
    page, api = serve(page_app, name="devtools-page"), serve(api_app(), name="devtools-api")  # no CORS headers
    cached = serve(api_app(CorsPolicy(allow_origins=[page.url.replace("127.0.0.1", "localhost")], max_age=600,
                                      allow_methods=["GET", "PUT"], allow_headers=["Content-Type"])),
                   name="devtools-cached-api")  # lesson 03's API: PUT allowed, preflights cached ten minutes
    put = {"method": "PUT", "headers": {"Content-Type": "application/json"}, "body": "{}"}
    get = (api.url + "/api/public", {})
    post = (api.url + "/api/echo", {"method": "POST", "headers": {"Content-Type": "application/json"}, "body": "{}"})
    seen = {}
    try:
        for moment in ("before", "after"):  # DevTools open before the requests, or opened after them
            devtools = DevTools(tmp_path_factory.mktemp(f"profile-{moment}"))
            try:
                inspector = devtools.open("network") if moment == "before" else None
                devtools.tab.goto(page.url.replace("127.0.0.1", "localhost") + "/")
                for url, init in (get, post):
                    devtools.tab.evaluate("([url, init]) => run(url, init)", [url, init])
                if moment == "after":
                    inspector = devtools.open("console")
                    seen["console opened after"] = drawn(inspector)
                    continue
                devtools.tab.evaluate("([url, init]) => run(url, init)", [cached.url + "/api/custom-headers", {}])
                for _ in range(2):  # the same PUT twice: the second one finds its preflight in the cache
                    devtools.tab.evaluate("([url, init]) => run(url, init)", [cached.url + "/api/items/1", put])
                inspector.get_by_text("Disable cache").first.click()  # DevTools' checkbox in the Network tab
                inspector.wait_for_timeout(500)
                for _ in range(2):  # with Disable cache ticked
                    devtools.tab.evaluate("([url, init]) => run(url, init)", [cached.url + "/api/items/2", put])
                inspector.wait_for_timeout(1000)
                rows = inspector.locator("tr.data-grid-data-grid-node")
                seen["network rows"] = "\n".join(
                    " | ".join(" ".join(cell.split()) for cell in row.locator("td").all_inner_texts()[:4])
                    for row in rows.all())
                for name in ("public", "echo", "custom-headers"):
                    for i, row in enumerate(rows.filter(has_text=name).all()):
                        row.locator("td").first.click()
                        inspector.wait_for_timeout(600)
                        seen[f"{name} {i} headers"] = drawn(inspector)
                        inspector.get_by_role("tab", name="Response").first.click()
                        inspector.wait_for_timeout(600)
                        seen[f"{name} {i} response"] = drawn(inspector)
                        inspector.get_by_role("tab", name="Headers").first.click()
                inspector.get_by_role("tab", name="Console").first.click()
                inspector.wait_for_timeout(1000)
                seen["console opened before"] = drawn(inspector)
            finally:
                devtools.close()
    finally:
        for server in (page, api, cached):
            server.stop()
    seen["api"] = api.url.replace("127.0.0.1", "localhost")
    return seen


def squeezed(text: str) -> str:
    return "".join(text.split())


def lessons_text() -> str:
    """The lessons' prose as one line (a quote may wrap over two comment lines)."""
    return " ".join(" ".join(path.read_text().replace("#", " ").split()) for path in sorted(SRC.glob("*.py")))


def test_the_blocked_get_row_says_cors_error_and_its_headers_the_real_200(recorded):
    assert "public | CORS error | fetch | " in recorded["network rows"]
    headers = recorded["public 0 headers"]
    assert "200 OK" in headers and "access-control-allow-origin" not in headers.lower()
    assert "Failed to load response data" in recorded["public 0 response"]


def test_the_failed_preflight_has_a_preflight_row_and_provisional_headers_on_the_post(recorded):
    rows = recorded["network rows"]
    assert "echo | CORS error | fetch | " in rows
    assert "echo | 200 | preflight | Preflight" in rows  # the OPTIONS: the server's real status
    post = next(text for key, text in recorded.items() if key.startswith("echo") and key.endswith("headers")
                and "Provisional headers are shown" in text)
    assert "OPTIONS" not in post  # the POST's own pane: no method, no status, no response headers


def test_devtools_lists_the_headers_the_script_cannot_read(recorded):
    """Lesson 05: an allowed answer's row lists X-Request-Id and X-RateLimit-Remaining (hidden from the script)."""
    assert "custom-headers | 200 | fetch | " in recorded["network rows"]
    headers = recorded["custom-headers 0 headers"].lower()
    assert "x-request-id" in headers and "x-ratelimit-remaining" in headers


def test_a_cached_preflight_has_no_row_unless_disable_cache_is_ticked(recorded):
    """Lesson 03: the second PUT within Max-Age shows no preflight row; with Disable cache, every PUT has one."""
    rows = recorded["network rows"].splitlines()
    assert [row for row in rows if row.startswith("1 | ")].count("1 | 204 | preflight | Preflight") == 1
    assert len([row for row in rows if row.startswith("1 | 200 | fetch")]) == 2
    assert [row for row in rows if row.startswith("2 | ")].count("2 | 204 | preflight | Preflight") == 2


def test_the_console_network_line_depends_on_when_devtools_was_opened(recorded):
    api = recorded["api"]
    before, after = squeezed(recorded["console opened before"]), squeezed(recorded["console opened after"])
    assert squeezed("has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present") in before
    # DevTools draws the request's parts apart (a link, the error, the status): compared without spaces
    assert squeezed(f"GET {api}/api/public net::ERR_FAILED 200 (OK)") in before
    assert squeezed(f"POST {api}/api/echo net::ERR_FAILED window.run") in before  # no status: no answer came
    assert squeezed("Failed to load resource: net::ERR_FAILED") in after
    assert squeezed("Failed to load resource") not in before


@pytest.mark.parametrize("quote", ["`CORS error`", "`preflight`", "`Provisional headers are shown`",
                                   "`Failed to load response data`", "net::ERR_FAILED 200 (OK)`",
                                   "`Failed to load resource: net::ERR_FAILED`", "Initiator `Preflight`",
                                   "**Disable cache**"])
def test_the_lessons_quote_what_devtools_draws(quote):
    assert quote in lessons_text() or quote.replace("`", "**`") in lessons_text()
