"""Solution to notebook 05's exercise (run by tests/test_solutions.py)."""
from cors_lab import CorsPolicy
from cors_lab.course import FRONTEND, check_exposed_headers_policy

policy = CorsPolicy(
    allow_origins=[FRONTEND],
    allow_credentials=True,
    expose_headers=["X-Request-Id", "X-RateLimit-Remaining"],  # with credentials '*' does not work: list the names
)
verdict = check_exposed_headers_policy(policy)
print(verdict)
assert verdict, verdict
