"""Solutions to notebook 01's exercises (run by tests/test_solutions.py)."""
import requests

from cors_lab import api_app
from cors_lab.course import ATTACKER, PORTS, check_forged_origin, check_same_origin_answers, serve_teaching

# Exercise 1: only scheme + host + port count.
page_port, api_port = PORTS["page"], PORTS["api"]
answers = {
    f"http://localhost:{page_port}/api/data": True,           # same scheme, host, port; the path does not count
    f"http://localhost:{api_port}/api/data": False,           # another port
    f"https://localhost:{page_port}/": False,                 # another scheme
    f"http://127.0.0.1:{page_port}/": False,                  # another host (as written), even if the same machine
    f"http://localhost:{page_port}/admin?page=2#top": True,   # query and fragment do not count
    f"http://LOCALHOST:{page_port}/": True,                   # host names are case-insensitive
    "http://localhost/": False,                               # no port = port 80
}
verdict = check_same_origin_answers(answers)
print(verdict)
assert verdict, verdict

# Exercise 2: outside a browser, Origin is just a header.
api = serve_teaching(api_app(), "api")
data = requests.get(api.url + "/api/public", headers={"Origin": ATTACKER}, timeout=5).json()
verdict = check_forged_origin(api, data)
print(verdict)
assert verdict, verdict
