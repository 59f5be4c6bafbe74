"""In a notebook, cors_lab's own errors show as one sentence, not a traceback wall."""
from IPython.core.interactiveshell import InteractiveShell

from cors_lab.errors import show_errors_in_one_line


def test_a_learner_error_in_ipython_prints_one_line_without_traceback(capsys):
    shell = InteractiveShell.instance()
    try:
        show_errors_in_one_line()
        result = shell.run_cell("from cors_lab import Browser\nBrowser(origin='localhost:8001')")
        err = capsys.readouterr().err
        assert isinstance(result.error_in_exec, ValueError)  # still a ValueError for code that catches it
        assert err.strip().splitlines() == [
            "InputError: 'localhost:8001' is not a valid origin: write scheme://host:port, for example "
            "'http://localhost:8001' (http or https, no path)"
        ]
        assert "Traceback" not in err
        other = shell.run_cell("1 / 0")  # other errors keep their usual traceback
        assert isinstance(other.error_in_exec, ZeroDivisionError)
    finally:
        InteractiveShell.clear_instance()
