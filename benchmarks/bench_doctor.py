"""`cors-lab doctor` and lesson 10's live pieces, timed: probe() in process, the command's wall time (Python's start
included), with --real (headless Chromium started each run), Vite's dev server start and `vite build`. Medians;
nothing is asserted.

    .venv/bin/python benchmarks/bench_doctor.py
"""
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cors_lab import CorsPolicy, api_app, probe, serve, stop_all  # noqa: E402

PAGE = "http://localhost:8001"


def median_ms(work, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> None:
    api = serve(api_app(), port=None, policy=CorsPolicy(allow_origins=[PAGE], allow_methods=["PUT"]))
    command = [sys.executable, "-m", "cors_lab", "doctor", api.url + "/api/public", "--origin", PAGE]
    rows = [
        ("probe(): a simple GET", lambda: probe(api.url + "/api/public", origin=PAGE), 50),
        ("probe(): a PUT's preflight (PUT not sent)",
         lambda: probe(api.url + "/api/items/1", origin=PAGE, method="PUT"), 50),
        ("cors-lab doctor (wall, new Python)", lambda: subprocess.run(command, capture_output=True), 10),
        ("cors-lab doctor --real (wall)", lambda: subprocess.run(command + ["--real"], capture_output=True), 5),
    ]
    try:
        from cors_lab.course.vite import start_vite, vite_build, vite_modules

        vite_modules()
        rows += [("Vite dev server: start to listening", lambda: start_vite(api.url).stop(), 5),
                 ("vite build of the lesson's frontend", lambda: vite_build(api.url), 3)]
    except Exception as exc:  # noqa: BLE001 - no node/npm here: say so, time the rest
        print(f"(Vite not timed: {exc})")
    for title, work, rounds in rows:
        print(f"{title:45} {median_ms(work, rounds):9.1f} ms  (median of {rounds})")
    stop_all()


if __name__ == "__main__":
    main()
