"""Solution to notebook 00's exercise (run by tests/test_solutions.py)."""
import requests

from cors_lab import api_app
from cors_lab.course import check_third_server, serve_teaching

api2 = serve_teaching(api_app(), "api2")
requests.get(api2.url + "/api/public", timeout=5)
verdict = check_third_server(api2)
print(verdict)
assert verdict, verdict
