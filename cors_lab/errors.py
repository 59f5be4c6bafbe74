"""The one exception tree of cors_lab: every error it raises on purpose is a `CorsLabError`, with one sentence.

::

    CorsLabError                      anything cors_lab refuses or cannot do, said in one sentence
    ├── InputError (also ValueError)  a value a learner typed is not what the call takes
    │   ├── ProxyConfigError          a proxy was given an upstream, prefix or limit it cannot use
    │   ├── URLError                  a URL the URL parser rejects (defined in cors_lab.browser.origin)
    │   └── DataURLError              a data: URL that cannot be decoded (defined in cors_lab.browser.data_url)
    ├── ServerError                   a lab server could not start, or was used wrongly
    │   ├── PortInUseError            the port is taken by another program
    │   └── ServerStoppedError        a widget's server was stopped; the sentence says which cell to re-run
    ├── ChromiumError                 real Chromium could not answer: it crashed, timed out or could not start
    │   └── ChromiumNotFoundError     Chromium (or the Playwright package) is not installed here
    ├── FirefoxError                  real Firefox could not answer: it crashed, timed out or could not start
    │   └── FirefoxNotFoundError      Firefox (or the marionette-driver package) is not installed here
    └── OwnBrowserError               the learner's own browser could not run a call (its frame's script failed)

So ``except cors_lab.CorsLabError`` catches every refusal of the lab and nothing else, and ``except ValueError``
still catches a bad value, as Python code expects. In a notebook, `show_errors_in_one_line` prints these errors
as their sentence instead of a traceback:

    >>> serve(api_app(), port=5000)          # while another program listens on 5000
    PortInUseError: Port 5000 is already in use by another program. Stop that program, run cors_lab.stop_all(), ...

A CORS failure is not an error here: a blocked fetch is a result (``result.blocked``, ``result.error``), as in a
browser, where fetch() rejects and the console explains.
"""
import sys


class CorsLabError(Exception):
    """Base class: every error cors_lab raises on purpose is one of these."""


class InputError(CorsLabError, ValueError):
    """A value a learner typed is not what the call takes (a bad origin, a header that is not a string, ...)."""


class ProxyConfigError(InputError):
    """A proxy was configured with something it cannot use (the message says what and why)."""


class ServerError(CorsLabError):
    """A lab server could not start or was used wrongly."""


class PortInUseError(ServerError):
    """The port asked for is taken by another program (``serve(..., port=None)`` picks a free one)."""

    def __init__(self, port: int):
        self.port = port
        super().__init__(
            f"Port {port} is already in use by another program. Stop that program, "
            f"run cors_lab.stop_all(), or call serve(...) with another port (or port=None for a free one)."
        )


class ServerStoppedError(ServerError):
    """A widget (or a check) needs a lab server that was stopped, e.g. by a notebook's last ``stop_all()`` cell."""


class ChromiumError(CorsLabError):
    """Real Chromium could not answer (it crashed, timed out, or could not start)."""


class ChromiumNotFoundError(ChromiumError):
    """Chromium is not installed here (or Playwright is missing): the message says how to get it."""

    def __init__(self, detail: str = ""):
        from cors_lab.real.binaries import CHROMIUM  # imported here: errors.py itself depends on nothing

        super().__init__(CHROMIUM.missing + (f" ({detail})" if detail else ""))


class FirefoxError(CorsLabError):
    """Real Firefox could not answer (it crashed, timed out, or could not start)."""


class FirefoxNotFoundError(FirefoxError):
    """Firefox is not installed here (or marionette-driver is missing): the message says how to get it."""

    def __init__(self, detail: str = ""):
        from cors_lab.real.binaries import FIREFOX  # imported here: errors.py itself depends on nothing

        super().__init__(FIREFOX.missing + (f" ({detail})" if detail else ""))


class OwnBrowserError(CorsLabError):
    """The learner's own browser could not run a call ("Send from my browser"): its frame's script failed."""


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


__all__ = ["CorsLabError", "InputError", "ProxyConfigError", "ServerError", "PortInUseError", "ChromiumError",
           "ChromiumNotFoundError", "FirefoxError", "FirefoxNotFoundError", "OwnBrowserError",
           "show_errors_in_one_line"]
