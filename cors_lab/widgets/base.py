"""What every cors_lab widget shares: it wraps an ipywidgets box and shows a short, stable text repr.

A notebook stores a displayed widget as two outputs: the widget view (nbval ignores it: model ids are random)
and text/plain. Ours is the widget's own short repr (no memory address, no port), so stored notebooks stay
stable under nbval.
"""
from __future__ import annotations


class WidgetView:
    """Base class: subclasses build ``self.widget`` (an ipywidgets box) and define ``__repr__``."""

    widget = None

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs) if self.widget is not None else None
        data = dict(bundle or {})
        data["text/plain"] = repr(self)
        return data
