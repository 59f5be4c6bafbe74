"""Lesson 02 shows one failure in its three forms (fetch in Chromium, axios/XHR in Chromium, Firefox), asks before it
shows, teaches what axios sends and throws, and shows live a request Chromium and Firefox decide differently."""
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "notebooks" / "src" / "02_reading_a_cors_error.py"
NOTEBOOK = ROOT / "notebooks" / "02_reading_a_cors_error.ipynb"


def text() -> str:
    return SOURCE.read_text()


def section(title: str) -> str:
    """The source from the heading ``title`` to the next heading of the same level."""
    source = text()
    start = source.index(title)
    level = title.split(" ")[1]  # "##" or "###"
    following = re.search(rf"^# {level} ", source[start + len(title):], flags=re.M)
    return source[start:start + len(title) + following.start()] if following else source[start:]


def test_the_learning_goals_name_the_three_forms_axios_and_the_browser_difference():
    goals = text()[:text().index("# %%\nfrom cors_lab import")]
    assert "three forms" in goals and "axios" in goals and "`XMLHttpRequest`" in goals and "Firefox" in goals
    assert "decide differently" in goals


def test_the_three_forms_come_after_a_prediction_about_their_words():
    part = section("# ### The same failure, three forms")
    assert "Access to XMLHttpRequest at" in part  # the sentence people paste, and why: axios and jQuery
    assert "axios and jQuery" in part
    assert part.index("xhr_sentence_question(api") < part.index("ThreeForms(api")
    assert part.index("firefox_words_question(api") < part.index("ThreeForms(api")
    assert "diagnose(result.error)" in part and 'browser="firefox"' in part


def test_the_axios_section_says_the_four_things():
    part = section("# ## 7. axios")
    for fact in ("`withCredentials: true` is `credentials: 'include'`", "application/json", "preflight",
                 "`AxiosError: Network Error` is the `TypeError`", "only in the console"):
        assert fact in part, fact
    assert "axios_request(tab" in part and "axios_error(r)" in part and "with_credentials=True" in part
    assert "axios_preflight_question(api" in part


def test_the_browser_difference_is_predicted_then_confirmed_in_both_real_browsers():
    part = section("# ## 8. When Chromium and Firefox decide differently")
    assert '"Save-Data": "on"' in part
    assert part.index("which_browser_question(api") < part.index("ThreeForms(api")
    assert 'for real_browser in ("chromium", "firefox")' in part and ".confirm(real_browser)" in part


def test_the_stored_confirmation_is_the_real_browsers_and_they_agree_with_the_engine():
    cells = json.loads(NOTEBOOK.read_text())["cells"]
    confirm = next(c for c in cells if c["cell_type"] == "code" and ".confirm(real_browser)" in "".join(c["source"]))
    printed = "".join("".join(o.get("text", "")) for o in confirm["outputs"])
    assert "Real Chromium agrees with the engine: fetch() in Chromium reads the answer" in printed
    assert "Real Firefox agrees with the engine: fetch() in Firefox is blocked" in printed
