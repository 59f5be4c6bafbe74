"""The package's front door: the facade's names, its version, what importing it costs, and where the course imports
from."""
import ast
import subprocess
import sys
from pathlib import Path

import pytest

import cors_lab

ROOT = Path(__file__).resolve().parents[1]
COURSE_FILES = sorted((ROOT / "notebooks" / "src").glob("*.py")) + sorted((ROOT / "solutions").glob("*.py"))
ALLOWED = {"cors_lab", "cors_lab.course", "cors_lab.widgets"}


def test_every_name_of_the_facade_resolves_and_dir_lists_the_lazy_ones():
    names = dir(cors_lab)
    for name in cors_lab.__all__:
        assert name in names
        assert getattr(cors_lab, name) is not None


def test_the_package_has_a_version():
    assert cors_lab.__version__.count(".") >= 2


def test_an_unknown_name_is_one_clear_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'Browzer'"):
        cors_lab.Browzer  # noqa: B018


def test_importing_cors_lab_does_not_import_ipython_or_the_heavy_parts():
    code = ("import sys, cors_lab; print(sorted(m for m in ('IPython', 'ipywidgets', 'playwright', 'flask_cors') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def _imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("cors_lab"):
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("cors_lab"))
    return found


@pytest.mark.parametrize("path", COURSE_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_notebooks_and_solutions_import_only_from_the_three_public_paths(path):
    assert _imported_modules(path) <= ALLOWED
