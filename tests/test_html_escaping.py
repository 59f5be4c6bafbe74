"""Every string that reaches HTML is escaped: a hostile value, typed by a learner or sent by a server, is shown as
text and never becomes markup, in every widget, every ready-made page and every ``_repr_html_``.

One hostile string goes down every path, from a table. Each HTML output is read with `html.parser`, as a browser
would tokenize it: no tag or event-handler attribute may come out of the hostile value, and its text must still be
shown (so a path that silently dropped the value would not pass for a safe one).
"""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import ipywidgets as w
import pytest
import requests
from flask import Flask, Response, request

from cors_lab import Browser, serve
from cors_lab.browser.result import Exchange, FetchResult, Step
from cors_lab.course import Verdict
from cors_lab.doctor import diagnose
from cors_lab.server.apps import attacker_app, page_app
from cors_lab.widgets import Check, ExerciseChecker, Playground, WillItCors, sequence_diagram

HOSTILE = "<img src=x onerror=alert(1)>\"'</script><script>alert(2)</script>"
# the same without spaces, for the places a learner's URL goes (a URL field refuses spaces)
HOSTILE_PATH = HOSTILE.replace(" ", "/")
SHOWN = "<img src=x onerror=alert(1)>"  # the part every view shows as text, even one that clips long lines
SHOWN_PATH = "<img/src=x/onerror=alert(1)>"
PAGE = "http://localhost:8001"
DANGEROUS_TAGS = {"script", "img", "iframe", "object", "embed"}


class _Tokens(HTMLParser):
    """What a browser's tokenizer makes of an HTML text: start tags with attributes, text, script bodies."""

    def __init__(self, html_text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False
        self.feed(html_text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data
        else:
            self.text.append(data)


def assert_inert(html_text: str, shown: bool = True, scripts: int = 0, handlers: tuple = ()) -> _Tokens:
    """The hostile value is text in ``html_text``: no tag or on* attribute came out of it, and (``shown``) it is
    there to read, in one of its two spellings. ``scripts`` and ``handlers`` are the page's own."""
    tokens = _Tokens(html_text)
    assert HOSTILE not in html_text and HOSTILE_PATH not in html_text, "the hostile value is in the HTML unescaped"
    names = [tag for tag, _ in tokens.tags]
    assert names.count("script") == scripts, f"{names.count('script')} <script> elements, expected {scripts}"
    assert not (DANGEROUS_TAGS - {"script"}) & set(names), f"a tag came out of the hostile value: {names}"
    found = [(tag, name) for tag, attrs in tokens.tags for name in attrs if name.lower().startswith("on")]
    assert found == list(handlers), f"an event handler came out of the hostile value: {found}"
    text = "".join(tokens.text)
    assert not shown or SHOWN in text or SHOWN_PATH in text, "the hostile value is not shown as text (dropped?)"
    return tokens


def widget_html(view) -> str:
    """Every HTML fragment a widget shows, in tree order (each one is set as some element's innerHTML)."""
    parts, todo = [], [view.widget]
    while todo:
        widget = todo.pop(0)
        if isinstance(widget, w.HTML):
            parts.append(widget.value)
        todo = list(getattr(widget, "children", ())) + todo
    return "\n".join(parts)


# ---- a hostile server: every value it sends that a view shows is HOSTILE -------------------------------------------
def hostile_app() -> Flask:
    app = Flask("hostile")

    @app.route("/readable", methods=["GET", "POST", "OPTIONS"])
    def readable():
        response = Response("" if request.method == "OPTIONS" else HOSTILE, mimetype="text/plain")
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Allow-Methods"] = "GET, POST"
        response.headers["Access-Control-Allow-Headers"] = "*"
        response.headers["Access-Control-Expose-Headers"] = "X-Evil"
        response.headers["X-Evil"] = HOSTILE
        response.headers["Vary"] = HOSTILE
        response.headers["Location"] = HOSTILE
        response.headers["Set-Cookie"] = f"evil=1; Path=/; Comment={HOSTILE}"
        return response

    @app.get("/blocked")
    def blocked():  # an Access-Control-Allow-Origin that matches nothing: the console sentence quotes it
        response = Response(HOSTILE, mimetype="text/plain")
        response.headers["Access-Control-Allow-Origin"] = HOSTILE
        return response

    @app.get("/raise")
    def fails():
        raise RuntimeError(HOSTILE)

    @app.get("/<path:anything>")
    def anything(anything):
        return Response("ok", headers={"Access-Control-Allow-Origin": "*"})

    return app


@pytest.fixture(scope="module")
def hostile():
    server = serve(hostile_app(), port=None, name=HOSTILE)
    yield server
    server.stop()


def _fetch(server, path: str, **kwargs):
    return Browser(PAGE).fetch(server.url + path, **kwargs)


def _blocked_sentence(server) -> str:
    result = _fetch(server, "/blocked")
    assert result.blocked and SHOWN in (result.error or ""), result.error  # the server's value reaches the console
    return result.error


# ---- the table: one row per path a learner or a server can reach --------------------------------------------------
def _playground_title(server):
    return widget_html(Playground(server, origin=PAGE))


def _playground_after_a_readable_send(server):
    pg = Playground(server, origin=PAGE, url=server.url + "/readable", method="POST",
                    headers={"Content-Type": HOSTILE, "X-Note": HOSTILE}, body=HOSTILE)
    result = pg.send()
    assert result is not None and result.readable, pg.output_text()
    return widget_html(pg)


def _playground_after_a_blocked_send(server):
    pg = Playground(server, origin=PAGE, url=server.url + "/blocked")
    assert pg.send().blocked
    return widget_html(pg)


def _playground_log_of_a_hostile_path(server):
    pg = Playground(server, origin=PAGE, url=server.url + "/" + HOSTILE_PATH)
    pg.send()
    assert SHOWN_PATH in pg.output_text()  # the server log line names the path as the server received it
    return widget_html(pg)


def _playground_refusing_a_typed_url(server):
    pg = Playground(server, origin=PAGE, url=HOSTILE)
    assert pg.send() is None  # a URL with a space is refused in one sentence that quotes it
    return widget_html(pg)


def _playground_refusing_a_typed_origin(server):
    pg = Playground(server, origin=HOSTILE_PATH)
    assert pg.send() is None
    return widget_html(pg)


def _quiz_before_an_answer(server):
    return widget_html(WillItCors(server, "/readable", origin=PAGE, question=HOSTILE))


def _quiz_on_a_header_after_an_answer(server):
    quiz = WillItCors(server, "/readable", origin=PAGE, ask="header", header=HOSTILE)
    quiz.predict("visible")
    return widget_html(quiz)


def _quiz_after_a_blocked_answer(server):
    quiz = WillItCors(server, "/blocked", origin=PAGE)
    quiz.predict("allowed")
    return widget_html(quiz)


def _checker_after_a_check(server):
    checker = ExerciseChecker(HOSTILE, [
        Check(HOSTILE, PAGE, dict(url=server.url + "/blocked"), "readable", hint=HOSTILE),
        Check("A check whose verdict quotes the server", PAGE, dict(url=server.url + "/readable"),
              lambda r: (False, r.text)),
        Check("A check that raises", PAGE, dict(url=server.url + "/readable"), _raise_hostile),
    ], title=HOSTILE)
    assert not checker.check()
    return widget_html(checker)


def _raise_hostile(result):
    raise RuntimeError(HOSTILE)


def _verdict_of_a_console_sentence(server):
    sentence = _blocked_sentence(server)
    verdict = Verdict(False, f"blocked. Console: {sentence}", hint=HOSTILE, parts=[
        Verdict(False, sentence, hint=HOSTILE, about=HOSTILE), Verdict(True, HOSTILE, about=HOSTILE)])
    return verdict._repr_html_()


def _diagram_of_a_live_readable_answer(server):
    return sequence_diagram(_fetch(server, "/readable", method="POST", headers={"Content-Type": HOSTILE}))


def _diagram_of_a_live_blocked_answer(server):
    return sequence_diagram(_fetch(server, "/blocked"))


def _hand_made_result() -> FetchResult:
    """Every string field of a result holds the hostile value (a bridge or a future engine could put it there)."""
    exchange = Exchange("actual", HOSTILE, HOSTILE,
                        {"origin": HOSTILE, "content-type": HOSTILE, "cookie": f"{HOSTILE}=1"}, 200,
                        {"access-control-allow-origin": HOSTILE, "vary": HOSTILE, "location": HOSTILE},
                        [f"{HOSTILE}=1; {HOSTILE}"])
    return FetchResult(blocked=True, type=HOSTILE, exception=HOSTILE, error=HOSTILE, exchanges=[exchange],
                       request={"url": HOSTILE, "method": HOSTILE, "origin": HOSTILE, "headers": {HOSTILE: HOSTILE},
                                "body": HOSTILE},
                       steps=[Step(HOSTILE, HOSTILE, False, HOSTILE, fix=HOSTILE)])


def _diagram_of_a_hand_made_result(server):
    return sequence_diagram(_hand_made_result())


def _fetch_result_repr_html_live(server):
    return _fetch(server, "/blocked")._repr_html_()


def _fetch_result_repr_html_hand_made(server):
    return _hand_made_result()._repr_html_()


def _doctor_on_a_live_console_sentence(server):
    return diagnose(_blocked_sentence(server))._repr_html_()


def _doctor_on_a_pasted_sentence(server):
    return diagnose(f"Access to fetch at '{HOSTILE_PATH}' from origin '{HOSTILE_PATH}' has been blocked by CORS "
                    "policy: No 'Access-Control-Allow-Origin' header is present on the requested resource."
                    )._repr_html_()


def _doctor_on_an_unknown_text(server):
    return diagnose(HOSTILE)._repr_html_()  # the doctor does not quote a text it does not know: nothing to show


def _lab_server_repr_html_(server):
    requests.get(server.url + "/" + HOSTILE, headers={"Origin": HOSTILE}, timeout=10)
    requests.get(server.url + "/raise", timeout=10)
    html_text = server._repr_html_()
    assert html_text.count("&lt;img src=x onerror=alert(1)&gt;") >= 4  # its name, a path, an Origin, an error
    return html_text


PATHS = [  # (a path, whether its view shows the value: the doctor quotes no text it does not know)
    (_playground_title, True),
    (_playground_after_a_readable_send, True),
    (_playground_after_a_blocked_send, True),
    (_playground_log_of_a_hostile_path, True),
    (_playground_refusing_a_typed_url, True),
    (_playground_refusing_a_typed_origin, True),
    (_quiz_before_an_answer, True),
    (_quiz_on_a_header_after_an_answer, True),
    (_quiz_after_a_blocked_answer, True),
    (_checker_after_a_check, True),
    (_verdict_of_a_console_sentence, True),
    (_diagram_of_a_live_readable_answer, True),
    (_diagram_of_a_live_blocked_answer, True),
    (_diagram_of_a_hand_made_result, True),
    (_fetch_result_repr_html_live, True),
    (_fetch_result_repr_html_hand_made, True),
    (_doctor_on_a_live_console_sentence, True),
    (_doctor_on_a_pasted_sentence, True),
    (_doctor_on_an_unknown_text, False),
    (_lab_server_repr_html_, True),
]


@pytest.mark.parametrize(("path", "shown"), PATHS, ids=[path.__name__.strip("_") for path, _ in PATHS])
def test_a_hostile_value_is_shown_as_text_and_never_becomes_markup(hostile, path, shown):
    assert_inert(path(hostile), shown=shown)


class _FakeChromium:
    """Stands in for real Chromium (not installed everywhere): it answers what the hostile server would make it say,
    or fails with the hostile value as its reason."""

    fail = False

    def __init__(self, origin, *args, **kwargs):
        self.origin = origin

    def fetch(self, **kwargs):
        if self.fail:
            raise RuntimeError(HOSTILE)
        result = Browser(self.origin).fetch(**kwargs)
        result.source = "chromium"
        return result

    def close(self):
        pass


@pytest.mark.parametrize("fails", [False, True], ids=["answers", "cannot-answer"])
def test_the_playground_shows_what_real_chromium_said_as_text(hostile, monkeypatch, fails):
    chromium = pytest.importorskip("cors_lab.real.chromium")
    monkeypatch.setattr(chromium, "ChromiumBrowser", type("Fake", (_FakeChromium,), {"fail": fails}))
    monkeypatch.setattr(chromium, "unavailable_reason", lambda: None)
    pg = Playground(hostile, origin=PAGE, url=hostile.url + "/blocked")
    pg.ask_chromium()
    assert (pg.last_chromium is None) == fails, pg.output_text()
    assert_inert(pg.chromium_output.value)


# ---- the ready-made pages: URLs inside <script> --------------------------------------------------------------------
# '</script>' would end the script; '<!--' and '<script' change how the HTML parser reads a script's text;
# U+2028/U+2029 end a line (and so a string literal) in older JavaScript engines.
HOSTILE_URLS = [HOSTILE, "http://localhost:8002/<!--<script>\u2028\u2029&amp;'\"\\"]


def _js_literals(script: str, call: str) -> list[str]:
    """The JSON-style (double-quoted) string literals passed first to ``call(`` in a script, as written."""
    return re.findall(rf'{call}\(("(?:[^"\\]|\\.)*")', script)


def assert_one_safe_literal(script: str, url: str) -> None:
    """The script fetches ``url``, written as one string literal that holds no character HTML or old JavaScript
    engines would read differently (each one is a \\u escape)."""
    literals = _js_literals(script, "fetch")
    assert [json.loads(literal) for literal in literals] == [url]
    assert not {"\u2028", "\u2029", "<", ">", "&"} & set(literals[0])


def _page(app) -> str:
    with serve(app, port=None, name="escaping-page") as server:
        response = requests.get(server.url + "/", timeout=10)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/html")
    return response.text


@pytest.mark.parametrize("url", HOSTILE_URLS, ids=["markup", "comment-and-line-separators"])
def test_the_frontend_page_keeps_a_hostile_api_url_inside_its_script_as_one_string(url):
    text = _page(page_app(title=HOSTILE, api_url=url))
    tokens = assert_inert(text, scripts=1, handlers=(("button", "onclick"),))
    assert_one_safe_literal(tokens.scripts[0], url)
    assert "".join(tokens.text).startswith(HOSTILE + HOSTILE)  # the title, in <title> and <h1>
    assert f"calls {url}." in "".join(tokens.text)  # and the URL, as text


@pytest.mark.parametrize("url", HOSTILE_URLS, ids=["markup", "comment-and-line-separators"])
def test_the_attacker_page_keeps_a_hostile_target_url_inside_its_script_as_one_string(url):
    tokens = assert_inert(_page(attacker_app(target_url=url)), shown=False, scripts=1)  # the page never shows it
    assert_one_safe_literal(tokens.scripts[0], url)  # (the second fetch, to '/steal', is the page's own)


def test_a_benign_api_url_gives_the_same_page_and_a_script_that_fetches_it():
    text = _page(page_app(api_url="http://localhost:8002"))
    assert "fetch(\"http://localhost:8002\" + '/api/public')" in text
    assert "calls <code>http://localhost:8002</code>." in text


# ---- and in a real browser: the scripts still run, fetch the URL as given, and nothing else runs ------------------
def _real_chromium_available() -> bool:
    try:
        from cors_lab.real.chromium import chromium_available
    except ImportError:
        return False
    return chromium_available()


@pytest.mark.skipif(not _real_chromium_available(), reason="real Chromium (and Playwright) not available")
def test_in_real_chromium_both_pages_run_their_scripts_with_the_hostile_urls_and_run_nothing_else(hostile):
    from playwright.sync_api import sync_playwright

    from cors_lab.real.binaries import find_chromium
    from cors_lab.real.chromium import CHROMIUM_ARGS

    suffix = "/x'\"<!--</script><script>alert(2)</script>"  # '<!--' and '</script>' in a URL, as typed
    api_url, target_url = hostile.url + suffix, hostile.url + suffix + "/private"
    mark = hostile.mark()
    dialogs: list[str] = []
    with serve(page_app(title=HOSTILE, api_url=api_url), port=None, name="escaping-frontend") as front, \
            serve(attacker_app(target_url=target_url), port=None, name="escaping-attacker") as attacker, \
            sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page()
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            page.goto(front.url + "/")
            page.click("button")
            page.wait_for_function("document.getElementById('out').textContent !== ''", timeout=10_000)
            heading, answer = page.text_content("h1"), page.text_content("#out")
            page.goto(attacker.url + "/")
            page.wait_for_function("document.getElementById('out').textContent !== ''", timeout=10_000)
            stolen = page.text_content("#out")
        finally:
            browser.close()
    assert dialogs == []  # neither the title's <img onerror> nor a <script> out of a URL ran
    assert (heading, answer) == (HOSTILE, "ok")
    assert stolen.startswith("blocked: ")  # '*' with credentials: the attacker's fetch ran, and was refused
    arrived = [entry.path for entry in hostile.requests(since=mark)]
    assert arrived == [suffix + "/api/public", suffix + "/private"]  # each page fetched its URL exactly as given
