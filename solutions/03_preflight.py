"""Solution to notebook 03's exercise (run by tests/test_solutions.py)."""
from cors_lab import CorsPolicy
from cors_lab.course import FRONTEND, check_preflight_policy

policy = CorsPolicy(
    allow_origins=[FRONTEND],                      # only the frontend
    allow_methods=["GET", "PUT"],                  # the PUT must be listed
    allow_headers=["Content-Type", "X-Api-Key"],   # both non-safelisted request headers
    max_age=600,                                   # cache the preflight answer for ten minutes
)
verdict = check_preflight_policy(policy)
print(verdict)
assert verdict, verdict
