"""The classroom, measured: a real JupyterHub with two learners following lessons 00, 02 and 03 in order (the hub
test's scenario, tests/hub/hub_scenario.py), and what each learner costs: memory (PSS of every process of the
learner's uid, peak per phase), real-browser process trees at one time, login and run times. Root only (it creates
two system users); nothing is asserted.

    .venv/bin/python benchmarks/bench_hub.py [notebook ...]      # default: 00, 02, 03
"""
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent / "tests" / "hub")]

from hub_harness import Classroom, missing_reason  # noqa: E402


def main(notebooks: list[str]) -> int:
    reason = missing_reason()
    if reason:
        print(f"skipped: {reason}")
        return 0
    started = time.monotonic()
    room = Classroom.build()
    try:
        built = time.monotonic() - started
        room_file, report_file = Path(room.root) / "room.json", Path(room.root) / "report.json"
        room_file.write_text(room.to_json())
        subprocess.run(["unshare", "-n", sys.executable, str(HERE.parent / "tests" / "hub" / "hub_scenario.py"),
                        str(room_file), str(report_file), *notebooks], check=False)
        report = json.loads(report_file.read_text())
    finally:
        room.remove()
        shutil.rmtree(room.root, ignore_errors=True)
    if "error" in report:
        print("the scenario failed:", report["error"])
        return 1
    seconds = room.build_seconds
    print(f"classroom built in {built:.0f} s (venv {seconds['venv']} s, proxy {seconds['proxy']} s);"
          f" scenario {report['seconds']['total']} s; hub start {report['seconds']['hub_start']} s")
    for learner in report["learners"]:
        print(f"{learner}: login (both at once) {report['seconds'][f'login_{learner}']} s;"
              f" most real-browser trees at once: {report['max_browser_trees'][learner]}")
        for notebook, run in report["runs"][learner].items():
            peak = report["memory_mb"][notebook][learner]
            trees = report["browser_trees_by_phase"].get(notebook, {}).get(learner, 0)
            print(f"  {notebook:34} run {run['seconds']:5.1f} s   peak {peak:6.1f} MB   browser trees {trees}")
        for phase in ("idle after login", "after the notebooks"):
            print(f"  {phase:34}            {report['memory_mb'][phase][learner]:6.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
