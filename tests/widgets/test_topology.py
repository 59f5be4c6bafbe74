"""The proxy topologies (notebook 07): each picture's arrows are lit by the hops the servers logged; predictions are
graded against the live request; names and servers' words are escaped; stop_all and a re-run."""
import pytest

from cors_lab import Browser, api_app, cors_proxy, dev_proxy, page_app, serve, stop_all
from cors_lab.course.teaching import ATTACKER, FRONTEND
from cors_lab.widgets import ProxyRoute, host_cookie_question
from cors_lab.widgets.topology import Hops, route_svg


@pytest.fixture
def api():
    return serve(api_app(), port=None, name="route-api")


@pytest.fixture
def dev(api):
    return serve(dev_proxy(page_app(api_url=""), api_url=api.url, prefix=("/api", "/login")), port=None,
                 name="route-dev")


@pytest.fixture
def cp(api):
    return serve(cors_proxy(allow_upstreams=[api.origin], allow_origins=[FRONTEND]), port=None, name="route-cp")


def test_the_dev_proxy_is_same_origin_and_all_four_hops_light_up(dev, api):
    route = ProxyRoute("dev", dev, api)
    result = route.send()
    assert result.type == "basic" and route.hops.lit() == 4
    assert [e.origin for e in route.hops.to_api] == [None]  # the proxy dropped Origin
    assert "route-api: GET /api/public -> 200" in route.output_text()
    assert route.picture.value.count("stroke-dasharray='5,4'") == 0  # every arrow lit
    assert repr(route) == "ProxyRoute(dev: 4 of 4 hops, basic 200)"


def test_a_refused_page_lights_only_the_hops_to_the_proxy_and_back(cp, api):
    route = ProxyRoute("cors", cp, api, page=ATTACKER)
    assert not route.send().readable
    assert route.hops.lit() == 2 and route.hops.to_api == [] and route.hops.proxy_status == 403
    assert route.picture.value.count("stroke-dasharray='5,4'") == 2 and "not forwarded" in route.picture.value


@pytest.mark.parametrize("ask, right, wrong", [("same-origin", "cross-origin", "same-origin"),
                                               ("api-sees-origin", "no", "yes"),
                                               ("reaches-api", "yes", "no"),
                                               ("readable", "allowed", "blocked")])
def test_each_question_is_graded_against_the_live_request(cp, api, ask, right, wrong):
    route = ProxyRoute("cors", cp, api, ask=ask)
    assert route.prediction.predict(wrong).startswith(f"Not quite: you said {wrong}, it is {right}.")
    assert route.prediction.predict(right).startswith(f"Right: {right}.")
    assert route.hops.lit() == 4


def test_the_public_proxy_needs_its_opt_in_header(api):
    public = serve(cors_proxy(allow_upstreams=[api.origin], allow_origins="*", require_header="X-Requested-With"),
                   port=None, name="route-public")
    without = ProxyRoute("public", public, api, ask="reaches-api")
    assert without.prediction.predict("no").startswith("Right: no.")
    assert "answered 403 itself" in without.prediction.feedback
    with_header = ProxyRoute("public", public, api, fetch=dict(headers={"X-Requested-With": "fetch"}))
    assert with_header.send().readable and with_header.hops.lit() == 4


def test_the_picture_escapes_what_it_draws():
    svg = route_svg("cors", "http://<b>evil</b>", "http://localhost:1", "http://localhost:2", Hops([], []))
    assert "<b>" not in svg and "&lt;b&gt;" in svg


def test_an_unknown_topology_or_question_is_one_sentence(dev, api):
    with pytest.raises(ValueError, match="topology must be one of dev, cors, public"):
        ProxyRoute("mesh", dev, api)
    with pytest.raises(ValueError, match="ask must be one of"):
        ProxyRoute("dev", dev, api, ask="why")


def test_after_stop_all_send_says_rerun_and_after_a_rerun_it_rebinds(dev, api):
    route = ProxyRoute("dev", dev, api, ask="same-origin")
    stop_all()
    assert route.send() is None and "re-run" in route.refusal
    assert "re-run" in route.prediction.predict("same-origin") and route.prediction.correct is None
    new_api = serve(api_app(), port=None, name="route-api")
    new_dev = serve(dev_proxy(page_app(api_url=""), api_url=new_api.url, prefix="/api"), port=None, name="route-dev")
    assert route.send().status == 200
    assert route.proxy is new_dev and route.api is new_api and route.page == new_dev.origin


def test_a_cookie_set_through_the_dev_proxy_goes_to_the_api_port_too(dev, api):
    page = Browser(origin=dev.origin)
    page.fetch(dev.url + "/login?user=alice")
    question = host_cookie_question(page, api)
    assert question.predict("no").startswith("Not quite: you said no, it is yes.")
    assert "scoped by host" in question.feedback
    assert api.last_request(path="/api/private").cookies_sent
    stop_all()
    assert "re-run" in question.predict("yes")
