"""Solutions to the workshop's challenges (run by tests/test_solutions.py; instructors: hand out after the session)."""
from cors_lab import CorsPolicy
from cors_lab.course import FRONTEND, workshop

SOLUTIONS = {
    1: {"a": False, "b": True, "c": False, "d": False, "e": True},
    2: CorsPolicy(allow_origins=[FRONTEND]),
    3: CorsPolicy(allow_origins=[FRONTEND], allow_methods=["GET", "PUT"], allow_headers=["Content-Type"]),
    4: CorsPolicy(allow_origins=[FRONTEND], allow_credentials=True),
    5: CorsPolicy(allow_origins=[FRONTEND], expose_headers=["X-Request-Id"]),
    6: CorsPolicy(allow_origins=[FRONTEND], allow_methods=["GET", "DELETE"], max_age=600),
    7: CorsPolicy(allow_origins=[FRONTEND], allow_credentials=True),
    8: CorsPolicy(allow_origins=[FRONTEND], allow_credentials=True),
}
for number, answer in SOLUTIONS.items():
    verdict = workshop.check(number, answer)
    print(f"challenge {number}: {verdict}")
    assert verdict, f"challenge {number}: {verdict}"
print(f"Well done: all {len(SOLUTIONS)} challenges pass.")

# the same answers through the notebook's board (one ExerciseChecker per challenge)
from cors_lab.widgets import WorkshopBoard  # noqa: E402

board = WorkshopBoard()
for number, answer in SOLUTIONS.items():
    board.check(number, answer)
print(board.progress())
assert board.progress() == f"{len(SOLUTIONS)} of {len(SOLUTIONS)} solved", board.progress()
