"""Each notebook is written as notebooks/src/NN_name.py (jupytext percent format) and built by `make notebooks`:
the stored .ipynb must hold exactly the code of its source, so nobody edits one and forgets the other."""
import re
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
SOURCES = sorted((NOTEBOOKS / "src").glob("*.py"))


def code_cells_of_source(path: Path) -> list[str]:
    chunks = re.split(r"^# %%(.*)$", path.read_text(), flags=re.M)
    # re.split gives [before, header1, body1, header2, body2, ...]
    return [body.strip() for header, body in zip(chunks[1::2], chunks[2::2], strict=True) if "[markdown]" not in header]


def test_every_notebook_has_a_source_and_every_source_a_notebook():
    assert {p.stem for p in SOURCES} == {p.stem for p in NOTEBOOKS.glob("*.ipynb")}


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_stored_notebook_matches_its_source(source):
    notebook = nbformat.read(NOTEBOOKS / f"{source.stem}.ipynb", as_version=4)
    stored = [cell.source.strip() for cell in notebook.cells if cell.cell_type == "code"]
    assert stored == code_cells_of_source(source), f"rebuild it: make notebooks ({source.stem})"
