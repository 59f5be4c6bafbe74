"""The origin inspector and the same-origin prediction (notebook 00): the engine's answer, laid out part by part."""
from __future__ import annotations

import pytest

from cors_lab.browser.origin import origin_of, same_origin, same_site
from cors_lab.widgets import OriginInspector, predict_same_origin
from cors_lab.widgets.origin_inspector import compare


@pytest.mark.parametrize("first, second", [
    ("http://localhost:8001/", "http://localhost:8002/api/public"),
    ("http://localhost:8001/a", "http://LOCALHOST:8001/b?x#y"),
    ("http://localhost/", "http://localhost:80/"),
    ("https://localhost:8001/", "http://localhost:8001/"),
    ("http://localhost:8001/", "http://127.0.0.1:8001/"),
    ("https://shop.example.co.uk/", "https://www.example.co.uk:8443/"),
    ("https://a.github.io/", "https://b.github.io/"),
])
def test_the_inspector_says_what_the_engine_decides(first, second):
    inspector = OriginInspector(first, second)
    text = inspector.compare()
    a, b = origin_of(first), origin_of(second)
    assert f"Same origin? {'yes' if same_origin(a, b) else 'no'}." in text
    assert f"Same site? {'yes' if same_site(a, b) else 'no'}." in text
    assert inspector.comparison.same_origin is same_origin(a, b)


def test_each_part_is_compared_and_the_default_port_is_named():
    text = OriginInspector().compare("http://localhost/", "http://localhost:8002/")
    assert "✔ scheme" in text and "✔ host" in text and "✘ port" in text
    assert "80 (not written: the default for http)" in text
    assert "The port differs" in text


def test_the_site_rule_is_named_for_localhost_ip_addresses_and_the_public_suffix_list():
    text = OriginInspector().compare("http://localhost:8001/", "http://127.0.0.1:8001/")
    assert "127.0.0.1 is an IP address" in text and "'localhost' is not a suffix of the Public Suffix List" in text
    text = compare("https://shop.example.co.uk/", "https://www.example.co.uk:8443/").text()
    assert "The public suffix is co.uk" in text and "Same site? yes" in text


def test_schemelessly_same_site_ignores_the_scheme():
    comparison = compare("https://a.example.com/", "http://b.example.com/")
    assert not comparison.same_site and comparison.schemelessly_same_site
    assert "Schemelessly same site? yes" in comparison.text()


def test_the_first_button_gives_a_result_with_the_prefilled_urls():
    inspector = OriginInspector()
    assert repr(inspector) == "OriginInspector(not compared yet)"
    inspector.button.click()
    assert "Same origin? no." in inspector.output_text() and "differs" in inspector.output.value
    assert repr(inspector) == "OriginInspector(compared: different origins, same site)"


@pytest.mark.parametrize("second, said", [
    ("data:text/plain,x", "is a data: URL; the inspector compares http and https URLs"),
    ("http://[::1", "is not a URL the browser can parse"),
    ("", "Second URL is empty"),
])
def test_what_is_no_http_url_is_one_sentence(second, said):
    inspector = OriginInspector()
    assert said in inspector.compare("http://localhost:8001/", second)
    assert inspector.comparison is None and "Traceback" not in inspector.output.value


def test_a_typed_value_is_escaped_in_the_output():
    inspector = OriginInspector()
    inspector.compare("http://localhost:8001/", "javascript:<img src=x onerror=alert(1)>")
    assert "<img" not in inspector.output.value and "&lt;img" in inspector.output.value


def test_the_prediction_is_graded_right_or_wrong_with_the_reason():
    wrong = predict_same_origin("http://localhost:8001/", "http://localhost:8002/")
    assert wrong.output_text() == ""  # nothing of the answer before the learner predicts
    feedback = wrong.predict("same origin")
    assert feedback.startswith("Not quite") and "The port differs" in feedback and not wrong.correct
    right = predict_same_origin("http://localhost:8001/x", "http://LOCALHOST:8001/y")
    assert right.predict("same origin").startswith("Right: same origin.") and right.correct


def test_the_inspector_needs_no_server_so_it_works_after_stop_all():
    from cors_lab import stop_all

    stop_all()
    assert "Same origin? no." in OriginInspector().compare()


def test_the_docstring_examples_run():
    import doctest

    from cors_lab.browser import origin
    from cors_lab.widgets import origin_inspector

    assert doctest.testmod(origin_inspector).failed == 0
    assert doctest.run_docstring_examples(origin.site_rule, {"site_rule": origin.site_rule}) is None
