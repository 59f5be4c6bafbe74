"""The classroom, for real: JupyterHub + configurable-http-proxy on loopback in a private network namespace, two
learners logged in at once through the hub's login page in Chromium, each running lessons 00, 02 (Chromium and
Firefox cells) and 03 in order, as they would in a workshop.

One run of `hub_scenario.py` (about 3 minutes on 2 cores, plus about a minute to build the hub's venv) gives a
report; each test below judges one fact of it. The numbers (memory per learner, login and run times) are written to
``$CORS_LAB_HUB_REPORT`` when set (benchmarks/bench_hub.py prints them) and never asserted.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from hub_harness import HUB_API_PORT, HUB_PORT, PROXY_API_PORT, Classroom, missing_reason  # noqa: E402
from hub_scenario import NOTEBOOKS  # noqa: E402

from cors_lab.course.teaching import BLOCK, OFFSETS, SHARED_HOST_NOTE, per_user_base  # noqa: E402

SCENARIO = Path(__file__).resolve().parent / "hub_scenario.py"
COMMON_DEV_PORTS = {3000, 4200, 5000, 5173, 8000, 8080, 8888}


@pytest.fixture(scope="module")
def classroom():
    reason = missing_reason()
    if reason:
        pytest.skip(reason)
    room = Classroom.build()  # a world-readable folder in /tmp (pytest's own are 0700 under /tmp/pytest-of-root)
    root = Path(room.root)
    progress = root / "progress"
    progress.mkdir()
    os.chmod(progress, 0o1777)  # what a teacher creates for the learners' progress lines
    yield room, progress
    room.remove()
    if not os.environ.get("CORS_LAB_HUB_KEEP"):  # keep the hub's log and report to read after a failure
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def report(classroom):
    room, progress = classroom
    room_file, report_file = Path(room.root) / "room.json", Path(room.root) / "report.json"
    room_file.write_text(room.to_json())
    env = dict(os.environ, HUB_TEST_PROGRESS_DIR=str(progress))
    done = subprocess.run(["unshare", "-n", sys.executable, str(SCENARIO), str(room_file), str(report_file)],
                          env=env, capture_output=True, text=True, timeout=1200)
    if not report_file.exists():
        pytest.fail(f"the hub scenario wrote no report ({done.returncode}): {done.stderr[-3000:]}")
    data = json.loads(report_file.read_text())
    assert "error" not in data, f"{data['error']}\nhub log: {data.get('hub_log_tail')}\n{done.stderr[-2000:]}"
    data["build_seconds"] = room.build_seconds
    data["progress_files"] = {p.name: p.read_text().splitlines() for p in sorted(progress.glob("*"))}
    if os.environ.get("CORS_LAB_HUB_REPORT"):
        Path(os.environ["CORS_LAB_HUB_REPORT"]).write_text(json.dumps(data, indent=1))
    return data


def _runs(report):
    for learner, notebooks in report["runs"].items():
        for notebook, run in notebooks.items():
            yield learner, notebook, run


def test_both_learners_ran_every_notebook_without_an_error(report):
    assert sorted(report["runs"]) == sorted(report["learners"])
    for learner, notebooks in report["runs"].items():
        assert list(notebooks) == NOTEBOOKS, learner
    for learner, notebook, run in _runs(report):
        assert run["failed"] == [], (learner, notebook)
        assert run["cells_run"] == run["code_cells"] > 0, (learner, notebook)
        assert "Traceback" not in run["outputs_text"], (learner, notebook)


def test_widgets_rendered_and_answered(report):
    for learner, notebook, run in _runs(report):
        assert run["widgets"] > 0 and run["unrendered"] == [], (learner, notebook, run["unrendered"])
        assert run["pressed"], (learner, notebook)
        for press in run["pressed"]:
            assert press["handled"] and not press["errors"], (learner, notebook, press)
            assert press["answer"].strip(), (learner, notebook, press)
            assert "is stopped" not in press["answer"], (learner, notebook, press)  # pressed while servers ran


def test_the_learners_own_browser_widget_says_it_cannot_take_part_behind_a_hub(report):
    answers = [press["answer"] for _, _, run in _runs(report) for press in run["pressed"]
               if press["widget"] == "own-browser"]
    assert answers, "no own-browser widget was pressed"
    assert all("runs on JupyterHub" in answer for answer in answers), answers


def test_each_learner_has_a_block_of_ports_of_their_own_clear_of_the_hub(report):
    blocks = {}
    for learner, info in report["learners"].items():
        base = per_user_base(info["uid"])
        blocks[learner] = range(base, base + BLOCK)
        listened = set(report["ports"][learner])
        teaching = {port for port in listened if port < 32768}  # the kernels' own sockets are ephemeral (32768+)
        assert teaching, f"{learner} listened on no teaching port"
        assert teaching <= set(blocks[learner]), (learner, sorted(teaching - set(blocks[learner])))
        assert not listened & {HUB_PORT, PROXY_API_PORT, HUB_API_PORT}, learner
    first, second = blocks.values()
    assert not set(first) & set(second)
    assert not (set(first) | set(second)) & COMMON_DEV_PORTS
    for learner, notebook, run in _runs(report):
        assert "is taken on this machine" not in run["outputs_text"], (learner, notebook)


def test_the_course_says_the_host_is_shared_and_it_is(report):
    reach = report["reachability"]
    learners = list(report["learners"].values())
    assert reach["a_page_port"] == per_user_base(learners[0]["uid"]) + OFFSETS["page"]
    assert reach["b_page_port"] == per_user_base(learners[1]["uid"]) + OFFSETS["page"]
    assert reach["b_fetched_a"] == "200"  # learner B's programs reach learner A's lab server: shared loopback
    assert reach["b_says_shared"] == "True"
    for learner, notebook, run in _runs(report):
        assert SHARED_HOST_NOTE in run["outputs_text"], (learner, notebook)
        for claim in ("nobody else can reach", "own ports"):
            assert claim not in run["outputs_text"], (learner, notebook, claim)


def test_at_most_one_real_browser_tree_per_learner_and_kernels_end_with_their_tab(report):
    for learner, trees in report["max_browser_trees"].items():
        assert trees <= 1, f"{learner} ran {trees} real-browser process trees at one time"
    for learner, notebook, run in _runs(report):
        assert run["kernel_shut_on_close"], (learner, notebook)


def test_every_exercise_check_left_a_progress_line_in_the_teachers_folder(report):
    files = report["progress_files"]
    assert sorted(files) == sorted(f"{learner}.jsonl" for learner in report["learners"]), sorted(files)
    for name, lines in files.items():
        records = [json.loads(line) for line in lines]
        assert records, name
        assert {record["learner"] for record in records} == {name.removesuffix(".jsonl")}
        assert {record["notebook"] for record in records} <= {n.removesuffix(".ipynb") for n in NOTEBOOKS} | set(
            NOTEBOOKS)
