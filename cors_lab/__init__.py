"""cors_lab: live CORS lessons in JupyterLab.

    from cors_lab import serve, CorsPolicy, Browser, api_app
    from cors_lab.course import FRONTEND                     # the lessons' page origin
    api = serve(api_app(), name="api", policy=CorsPolicy(allow_origins=[FRONTEND]))   # on a free port
    Browser(origin=FRONTEND).fetch(api.url + "/api/public").explain()

Everything a learner or a teacher calls is a name of this module. The engine, the real browsers, the ready-made
apps, the proxies and the widgets load on first use, so `import cors_lab` stays fast (`dir(cors_lab)` lists them).
"""
from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version

from cors_lab.errors import (
    ChromiumError,
    ChromiumNotFoundError,
    CorsLabError,
    InputError,
    PortInUseError,
    ProxyConfigError,
    ServerError,
    ServerStoppedError,
    show_errors_in_one_line,
)
from cors_lab.policy import CorsPolicy
from cors_lab.server.lab import LabServer, serve, stop_all

try:
    __version__ = version("cors_lab")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0.0.0"

# name -> module that defines it; loaded on first use
_LAZY = {
    "Browser": "cors_lab.browser.fetch",
    "FetchResult": "cors_lab.browser.result",
    "compare": "cors_lab.browser.result",
    "diagnose": "cors_lab.doctor",
    "probe": "cors_lab.probe",
    "framework_config": "cors_lab.frameworks",
    "start_framework": "cors_lab.frameworks",
    "SAFELISTED_RESPONSE_HEADERS": "cors_lab.browser.safelist",
    "ChromiumBrowser": "cors_lab.real.chromium",
    "chromium_available": "cors_lab.real.chromium",
    "unavailable_reason": "cors_lab.real.chromium",
    "FirefoxBrowser": "cors_lab.real.firefox",
    "firefox_available": "cors_lab.real.firefox",
    "fetch_with_extension": "cors_lab.real.devtools",
    "api_app": "cors_lab.server.apps",
    "token_api_app": "cors_lab.server.apps",
    "page_app": "cors_lab.server.apps",
    "attacker_app": "cors_lab.server.apps",
    "cors_proxy": "cors_lab.server.proxy",
    "dev_proxy": "cors_lab.server.proxy",
    "Playground": "cors_lab.widgets",
    "SequenceDiagram": "cors_lab.widgets",
    "WillItCors": "cors_lab.widgets",
    "ExerciseChecker": "cors_lab.widgets",
}

__all__ = [
    "serve", "stop_all", "LabServer", "CorsPolicy", *_LAZY,
    "CorsLabError", "InputError", "PortInUseError", "ServerError", "ServerStoppedError", "ProxyConfigError",
    "ChromiumError", "ChromiumNotFoundError", "__version__",
]


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value  # the next lookup is a plain attribute
        return value
    raise AttributeError(f"module 'cors_lab' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


show_errors_in_one_line()
