"""What a lab server keeps for the notebook it runs in: the cell that started it, a policy for one question."""
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


def test_a_temporary_policy_holds_inside_its_block_and_the_servers_own_comes_back_even_after_an_error():
    import pytest

    from cors_lab import CorsPolicy, api_app, serve

    own, other = CorsPolicy(allow_origins=["http://localhost:8001"]), CorsPolicy(allow_origins="*")
    with serve(api_app(), policy=own) as server:
        with pytest.raises(RuntimeError):
            with server.temporary_policy(other):
                assert server.policy is other
                raise RuntimeError("a fetch that failed")
        assert server.policy is own
