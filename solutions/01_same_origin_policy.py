"""Solutions to notebook 01's exercises (run by tests/test_solutions.py)."""
import requests

from cors_lab import api_app
from cors_lab.course import ATTACKER, check_forged_origin, check_same_origin_answers, serve_teaching

# Exercise 1: only scheme + host + port count.
answers = {
    "http://localhost:8001/api/data": True,           # same scheme, host, port; the path does not count
    "http://localhost:8002/api/data": False,          # another port
    "https://localhost:8001/": False,                 # another scheme
    "http://127.0.0.1:8001/": False,                  # another host (as written), even if the same machine
    "http://localhost:8001/admin?page=2#top": True,   # query and fragment do not count
    "http://LOCALHOST:8001/": True,                   # host names are case-insensitive
    "http://localhost/": False,                       # no port = port 80
}
verdict = check_same_origin_answers(answers)
print(verdict)
assert verdict, verdict

# Exercise 2: outside a browser, Origin is just a header.
api = serve_teaching(api_app(), port=8002, name="api")
data = requests.get(api.url + "/api/public", headers={"Origin": ATTACKER}, timeout=5).json()
verdict = check_forged_origin(api, data)
print(verdict)
assert verdict, verdict
