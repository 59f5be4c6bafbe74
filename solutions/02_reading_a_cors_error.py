"""Solution to notebook 02's exercise (run by tests/test_solutions.py)."""
from cors_lab import CorsPolicy
from cors_lab.course import FRONTEND, check_error_status_policy

# Only the frontend, and CORS headers on error answers too (headers_on_errors=True is the default).
policy = CorsPolicy(allow_origins=[FRONTEND], headers_on_errors=True)
verdict = check_error_status_policy(policy)
print(verdict)
assert verdict, verdict
