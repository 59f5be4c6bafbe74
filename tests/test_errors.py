"""One exception tree, drawn in errors.py; in a notebook, cors_lab's own errors show as one sentence."""
import importlib
import pkgutil
import re

from IPython.core.interactiveshell import InteractiveShell

import cors_lab
import cors_lab.errors
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


# ---- the one exception tree, drawn in errors.py's docstring ---------------------------------------------------
def _every_module_of_cors_lab() -> list:
    return [cors_lab] + [importlib.import_module(info.name)
                         for info in pkgutil.walk_packages(cors_lab.__path__, prefix="cors_lab.")]


def _exception_classes() -> dict[str, type]:
    """Every exception class defined in cors_lab (wherever it is imported), by name."""
    found: dict[str, type] = {}
    for module in _every_module_of_cors_lab():
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, BaseException) and value.__module__.startswith("cors_lab"):
                assert found.setdefault(value.__name__, value) is value, f"two exception classes named {value.__name__}"
    return found


def _drawing() -> dict[str, str | None]:
    """The tree in errors.py's docstring: class name -> the name drawn as its parent (None for the root)."""
    parents: dict[str, str | None] = {}
    stack: list[tuple[int, str]] = []  # (column of the name, name) of the open branches
    for line in cors_lab.errors.__doc__.splitlines():
        drawn = re.match(r"^\s{4}([\s│]*(?:├── |└── )?)([A-Z]\w+)(?:\s|$)", line)
        if drawn is None or ("──" not in line and stack):
            continue
        column, name = len(drawn.group(1)), drawn.group(2)
        while stack and stack[-1][0] >= column:
            stack.pop()
        parents[name] = stack[-1][1] if stack else None
        stack.append((column, name))
    return parents


def test_the_drawing_is_a_tree_under_cors_lab_error():
    parents = _drawing()
    assert [name for name, parent in parents.items() if parent is None] == ["CorsLabError"]
    assert len(parents) > 5


def test_every_error_cors_lab_defines_is_a_cors_lab_error_and_is_drawn_where_it_is():
    classes, parents = _exception_classes(), _drawing()
    assert set(classes) == set(parents), "errors.py's drawing and the exception classes of cors_lab differ"
    for name, cls in classes.items():
        assert issubclass(cls, cors_lab.errors.CorsLabError), f"{cls.__module__}.{name} is not a CorsLabError"
        parent = parents[name]
        if parent is not None:
            assert cls.__bases__[0] is classes[parent], f"{name} is drawn under {parent}, but derives from " \
                                                      f"{cls.__bases__[0].__name__}"


def test_a_class_drawn_in_another_module_says_which():
    doc = cors_lab.errors.__doc__
    for name, cls in _exception_classes().items():
        if cls.__module__ != "cors_lab.errors":
            assert re.search(rf"{name}\b.*\(defined in {re.escape(cls.__module__)}\)", doc), name


def test_input_errors_are_value_errors_too():
    for cls in _exception_classes().values():
        if issubclass(cls, cors_lab.errors.InputError):
            assert issubclass(cls, ValueError)


def test_the_old_homes_of_the_moved_errors_still_name_them():
    from cors_lab.real import chromium
    from cors_lab.server import proxy

    assert chromium.ChromiumError is cors_lab.errors.ChromiumError
    assert chromium.ChromiumNotFoundError is cors_lab.errors.ChromiumNotFoundError
    assert proxy.ProxyConfigError is cors_lab.errors.ProxyConfigError


def test_a_missing_chromium_says_how_to_get_it_in_one_line():
    message = str(cors_lab.errors.ChromiumNotFoundError("the playwright package is not installed"))
    assert message.startswith("Chromium was not found: install it with `sudo apt-get install chromium`")
    assert message.endswith("(or set CORS_LAB_CHROMIUM). (the playwright package is not installed)")
    assert "\n" not in message
