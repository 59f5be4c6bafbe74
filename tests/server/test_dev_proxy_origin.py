"""dev_proxy's ``origin`` option: strip the browser's Origin (the default) or forward it, as Vite's proxy does."""
from __future__ import annotations

import pytest

from cors_lab import Browser, ProxyConfigError, api_app, dev_proxy, page_app, serve


@pytest.mark.parametrize("origin, expected", [(None, None), ("strip", None), ("forward", "page")])
def test_origin_is_stripped_by_default_and_forwarded_when_asked(origin, expected):
    api = serve(api_app(), port=None, name="api")
    options = {} if origin is None else {"origin": origin}
    dev = serve(dev_proxy(page_app(api_url=""), api_url=api.url, **options), port=None, name="dev")
    Browser(dev.origin).fetch(dev.url + "/api/echo", method="POST", body="x")
    assert api.last_request().origin == (dev.origin if expected else None)


def test_a_wrong_origin_option_is_one_sentence():
    with pytest.raises(ProxyConfigError, match="origin must be 'strip'"):
        dev_proxy(page_app(), api_url="http://localhost:8002", origin="keep")
