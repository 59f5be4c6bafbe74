"""What every cors_lab widget shares: a stable text repr, one DOM contract, and the lifecycle of its servers.

**Repr.** A notebook stores a displayed widget as two outputs: the widget view (nbval ignores it: model ids are
random) and text/plain. Ours is the widget's own short repr (no memory address, no port), so stored notebooks stay
stable under nbval.

**DOM contract** (what the UI tests in real JupyterLab rely on, and what a teacher's CSS can style):
the root box has the classes ``cors-lab-widget`` and ``cors-lab-<kind>``; the buttons that do the widget's work
have ``cors-lab-action`` (the first one gives a result with the widget's defaults); the area where the result
appears has ``cors-lab-output``. `WidgetView.finish` sets them. A "Send from my browser" panel inside another
widget (a prediction, the playground, a checker) is part of that widget: its root is ``cors-lab-own-browser``
only, its button ``cors-lab-own-action``, its result ``cors-lab-own-output``.

**Lifecycle.** Learners press Run All, and a notebook's last cell stops every lab server. A widget never talks to
a stopped server without saying so: `current_server` returns the server to use — the one the widget was given, or
the one that replaced it under the same name when the learner re-ran the set-up cell (the widget rebinds to it) —
or raises `ServerStoppedError`, whose one sentence names the cell to re-run. `WidgetView.action` wraps a button's
work so any refusal is shown as that one sentence in the widget, never as a traceback.
"""
from __future__ import annotations

import functools
from typing import Callable

from cors_lab.errors import CorsLabError, ServerStoppedError

WIDGET_CLASS = "cors-lab-widget"
ACTION_CLASS = "cors-lab-action"
OUTPUT_CLASS = "cors-lab-output"


def rerun_sentence(server) -> str:
    """Which cell to re-run to bring ``server`` back: the cell that started it when known."""
    from cors_lab.server.lab import last_started_in

    # the latest start of a server of this name: the learner may have re-run the set-up cell since this one
    cell = last_started_in(server.name) or getattr(server, "started_in", None)
    where = f"cell [{cell}] (the one that starts it)" if cell else "the cell that starts it"
    return f"re-run {where}"


def current_server(server):
    """The running lab server a widget should talk to instead of ``server``.

    ``server`` itself while it runs; else the running server with the same name (the learner re-ran the cell that
    started it: `serve` replaced it); else `ServerStoppedError`, in one sentence that says which cell to re-run.

        >>> api = serve(api_app(), name="api"); api.stop()             # doctest: +SKIP
        >>> current_server(api)                                        # doctest: +SKIP
        ServerStoppedError: The lab server 'api' is stopped (a later cell ran stop_all()): re-run cell [3] ...
    """
    if server is None or server.running:
        return server
    from cors_lab.server.lab import running_servers

    for candidate in running_servers():
        if candidate.name == server.name:
            return candidate
    raise ServerStoppedError(
        f"The lab server {server.name!r} is stopped (a later cell ran stop_all(), or it was stopped in code): "
        f"{rerun_sentence(server)}, then press again.")


def rebase(url: str, old, new) -> str:
    """``url`` on server ``old`` moved to server ``new`` (same path); other URLs are returned unchanged."""
    if old is None or new is None or old is new:
        return url
    if url == old.url or url.startswith(old.url + "/") or url.startswith(old.url + "?"):
        return new.url + url[len(old.url):]
    return url


class WidgetView:
    """Base class: subclasses build ``self.widget`` (an ipywidgets box), call `finish`, and define ``__repr__``.

    ``kind`` names the widget in its CSS class (``cors-lab-<kind>``) and in the UI tests.
    """

    widget = None
    kind = "widget"

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs) if self.widget is not None else None
        data = dict(bundle or {})
        data["text/plain"] = repr(self)
        return data

    def finish(self, box, actions=(), outputs=()):
        """Mark ``box`` as this widget's root, ``actions`` as its working buttons, ``outputs`` as its result areas."""
        box.add_class(WIDGET_CLASS)
        box.add_class(f"cors-lab-{self.kind}")
        for button in actions:
            button.add_class(ACTION_CLASS)
        for output in outputs:
            output.add_class(OUTPUT_CLASS)
        self.widget = box
        return box

    def say_refusal(self, sentence: str) -> None:
        """Show one sentence where the result would appear (subclasses with several areas override it)."""
        from cors_lab.widgets import format as fmt

        output = getattr(self, "output", None)
        if output is not None:
            output.value = fmt.message_html(sentence)
        self.refusal = sentence

    def action(self, work: Callable) -> Callable:
        """``work`` as a button callback: a refusal (a stopped server, a bad field) becomes one sentence in the widget.

        An unexpected error is also shown in one line (its type and message), so a click never leaves a
        traceback in the log panel and nothing in the widget.
        """

        @functools.wraps(work)
        def run(*args, **kwargs):
            self.refusal = None
            try:
                return work(*args, **kwargs)
            except CorsLabError as exc:
                self.say_refusal(str(exc))
            except Exception as exc:  # noqa: BLE001 - a click must always answer in the widget
                self.say_refusal(f"Something went wrong: {type(exc).__name__}: {exc}")
            return None

        return run
