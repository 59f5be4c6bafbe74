"""Re-running any cell is safe: every notebook runs with each code cell executed twice in a row, in one fresh
kernel, without an error, and leaves no lab server running at the end."""
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("[0-9][0-9]_*.ipynb"))
CHECK_LEFT = "from cors_lab.server.lab import running_servers\nprint('servers left:', len(running_servers()))"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_cell_can_be_run_twice(path):
    original = nbformat.read(path, as_version=4)
    doubled = nbformat.v4.new_notebook(metadata=original.metadata)
    for cell in original.cells:
        if cell.cell_type == "code":
            doubled.cells += [nbformat.v4.new_code_cell(cell.source), nbformat.v4.new_code_cell(cell.source)]
    doubled.cells.append(nbformat.v4.new_code_cell(CHECK_LEFT))
    resources = {"metadata": {"path": str(path.parent)}}
    NotebookClient(doubled, timeout=120, kernel_name="python3", resources=resources).execute()
    errors = [o for c in doubled.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == [], f"{path.name}: {errors[0]['ename']}: {errors[0]['evalue']}" if errors else ""
    assert doubled.cells[-1].outputs[0]["text"].strip() == "servers left: 0"
