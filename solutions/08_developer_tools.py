"""Solution to notebook 08's exercise (run by tests/test_solutions.py)."""
from cors_lab.course import check_devtools_quiz

answers = {
    "install an Allow-CORS extension": False,
    "start Chromium with --disable-web-security": False,
    "send Access-Control-Allow-Origin from the API": True,
    "serve the page and the API from one origin behind a reverse proxy": True,
    "prefix URLs with a public CORS proxy": False,
}
verdict = check_devtools_quiz(answers)
print(verdict)
assert verdict, verdict
