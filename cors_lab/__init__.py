"""cors_lab: live CORS lessons in JupyterLab.

    from cors_lab import serve, CorsPolicy, Browser
    from cors_lab.apps import api_app
    api = serve(api_app(), port=8002, name="api", policy=CorsPolicy(allow_origins=["http://localhost:8001"]))
    Browser(origin="http://localhost:8001").fetch(api.url + "/api/public").explain()
"""
from cors_lab.errors import CorsLabError, InputError, PortInUseError, ServerError, show_errors_in_one_line
from cors_lab.policy import CorsPolicy
from cors_lab.servers import LabServer, serve, stop_all

__all__ = [
    "serve",
    "stop_all",
    "LabServer",
    "CorsPolicy",
    "Browser",
    "ChromiumBrowser",
    "cors_proxy",
    "dev_proxy",
    "Playground",
    "SequenceDiagram",
    "WillItCors",
    "ExerciseChecker",
    "CorsLabError",
    "InputError",
    "PortInUseError",
    "ServerError",
]

_LAZY = {
    "Browser": ("cors_lab.browser.fetch", "Browser"),
    "ChromiumBrowser": ("cors_lab.chromium", "ChromiumBrowser"),
    "cors_proxy": ("cors_lab.proxy", "cors_proxy"),
    "dev_proxy": ("cors_lab.proxy", "dev_proxy"),
    "Playground": ("cors_lab.widgets", "Playground"),
    "SequenceDiagram": ("cors_lab.widgets", "SequenceDiagram"),
    "WillItCors": ("cors_lab.widgets", "WillItCors"),
    "ExerciseChecker": ("cors_lab.widgets", "ExerciseChecker"),
}


def __getattr__(name: str):
    # The engine, the Chromium bridge, the proxies and the widgets load on first use: `import cors_lab` stays fast.
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'cors_lab' has no attribute {name!r}")


show_errors_in_one_line()
