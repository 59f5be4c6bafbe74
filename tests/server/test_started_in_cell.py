"""A server remembers the notebook cell that started it, so a widget can say "re-run cell [N]" and mean it."""
from __future__ import annotations

import nbclient
import nbformat


def test_a_server_names_the_cell_that_started_it_as_the_notebook_numbers_it():
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell("import cors_lab"),
        nbformat.v4.new_code_cell("api = cors_lab.serve(cors_lab.api_app(), name='api')"),
        nbformat.v4.new_code_cell("api.stop(); print(api.started_in)"),
    ]
    nbclient.NotebookClient(notebook, kernel_name="python3", timeout=60).execute()
    started, printed = notebook.cells[1], notebook.cells[2]
    assert printed.outputs[0]["text"].strip() == str(started.execution_count) == "2"


def test_outside_a_notebook_no_cell_is_named():
    from cors_lab import api_app, serve

    with serve(api_app()) as server:
        assert server.started_in is None
