"""Solution to notebook 04's exercise (run by tests/test_solutions.py)."""
from cors_lab import CorsPolicy
from cors_lab.course import check_credentials_policy

policy = CorsPolicy(
    allow_origins=["http://localhost:8001"],  # the exact origin: never '*' with credentials, never reflect
    allow_credentials=True,                    # Access-Control-Allow-Credentials: true
    vary_origin=True,                          # Vary: Origin (the default)
)
verdict = check_credentials_policy(policy)
print(verdict)
assert verdict, verdict
