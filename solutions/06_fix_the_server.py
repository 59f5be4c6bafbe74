"""Solution to notebook 06's exercise (run by tests/test_solutions.py)."""
from flask_cors import CORS

from cors_lab import api_app
from cors_lab.course import FRONTEND, check_private_api, serve_teaching

app = api_app()
CORS(app, resources={
    r"/api/public": {"origins": "*"},
    r"/api/private": {"origins": [FRONTEND], "supports_credentials": True},
})
api = serve_teaching(app, "api")
verdict = check_private_api(api.url)
print(verdict)
assert verdict, verdict
