"""Solution to notebook 10's exercise (run by tests/test_solutions.py): CORSMiddleware's options for "your" FastAPI
app, checked in real Starlette."""
from cors_lab.course import FRONTEND, check_my_fastapi

my_options = dict(
    allow_origins=[FRONTEND],                  # the exact origin: no trailing slash, never "*" with credentials
    allow_methods=["GET", "PUT"],              # the JSON PUT must be listed
    allow_headers=["Content-Type"],            # JSON is not safelisted (Starlette allows Content-Type anyway)
    allow_credentials=True,                    # the user's cookies go with the requests
)
verdict = check_my_fastapi(my_options)
print(verdict)
assert verdict, verdict
