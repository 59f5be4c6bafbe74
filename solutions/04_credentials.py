"""Solution to notebook 04's exercise (run by tests/test_solutions.py)."""
from cors_lab import CorsPolicy, api_app, serve
from cors_lab.course import ATTACKER, FRONTEND, check_credentials_policy
from cors_lab.widgets import credentials_exercise

policy = CorsPolicy(
    allow_origins=[FRONTEND],                  # the exact origin: never '*' with credentials, never reflect
    allow_credentials=True,                    # Access-Control-Allow-Credentials: true
    vary_origin=True,                          # Vary: Origin (the default)
)
verdict = check_credentials_policy(policy)
print(verdict)
assert verdict, verdict

# the notebook's checker widget, on an API of our own (a free port), with this policy
api = serve(api_app(), port=None, name="solution-04-api", policy=policy)
try:
    widget_verdict = credentials_exercise(api, FRONTEND, ATTACKER).check()
finally:
    api.stop()
print(widget_verdict)
assert widget_verdict, widget_verdict
