"""The errors a learner can cause, each with one clear sentence."""
import sys


class CorsLabError(Exception):
    """Base class: every error cors_lab raises on purpose is one of these."""


class PortInUseError(CorsLabError):
    def __init__(self, port: int):
        self.port = port
        super().__init__(
            f"Port {port} is already in use by another program. Stop that program, "
            f"run cors_lab.stop_all(), or call serve(...) with another port (or port=None for a free one)."
        )


class ServerError(CorsLabError):
    """A lab server could not start or was used wrongly."""


class InputError(CorsLabError, ValueError):
    """A value a learner typed is not what the call takes (a bad origin, a header that is not a string, ...)."""


def show_errors_in_one_line() -> None:
    """In IPython/Jupyter, show cors_lab's own errors as one sentence instead of a traceback wall."""
    ipython = sys.modules.get("IPython")  # never import IPython ourselves: outside a notebook it is not needed
    if ipython is None:
        return
    shell = ipython.get_ipython()
    if shell is None:
        return

    def one_line(shell, etype, value, tb, tb_offset=None):
        print(f"{etype.__name__}: {value}", file=sys.stderr)

    shell.set_custom_exc((CorsLabError,), one_line)
