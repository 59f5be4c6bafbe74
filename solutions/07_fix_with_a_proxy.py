"""Solution to notebook 07's exercise (run by tests/test_solutions.py)."""
from cors_lab import api_app, cors_proxy
from cors_lab.course import FRONTEND, check_cors_proxy, serve_teaching

api = serve_teaching(api_app(), "api")
internal = serve_teaching(api_app(), "internal")
my_proxy = serve_teaching(cors_proxy(allow_upstreams=[api.origin], allow_origins=[FRONTEND]), "cors_proxy",
                          name="cors-proxy")
verdict = check_cors_proxy(my_proxy, api.url, internal.url)
print(verdict)
assert verdict, verdict
