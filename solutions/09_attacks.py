"""Solutions to notebook 09's exercises (run by tests/test_solutions.py)."""
from cors_lab import CorsPolicy, api_app
from cors_lab.course import check_origin_grants, check_private_api, serve_teaching

FRONTEND, ATTACKER = "http://localhost:8001", "http://localhost:8666"
helper = serve_teaching(api_app(CorsPolicy(reflect_origin=True, allow_credentials=True)), port=8667,
                        name="attacker-redirector")
fixes = {
    "A": (CorsPolicy(allow_origins=[FRONTEND], allow_credentials=True), FRONTEND, ATTACKER),
    "B": (CorsPolicy(allow_origins=[FRONTEND], allow_credentials=True), FRONTEND, ATTACKER),
}
for name, (policy, frontend, attacker) in fixes.items():
    api = serve_teaching(api_app(policy), port=8002, name="api")
    verdict = check_private_api(api.url, frontend=frontend, attacker=attacker, public_for_everyone=False,
                                redirector=helper.url)  # also replays the null-origin redirect trick
    print(f"{name}: {verdict}")
    assert verdict, f"{name}: {verdict}"
api = serve_teaching(api_app(CorsPolicy(allow_origin_regex=r"http://[a-z]+\.example\.com$", allow_credentials=True)),
                     port=8002, name="api")
verdict = check_origin_grants(api.url + "/api/private", allowed=["http://shop.example.com", "http://admin.example.com"],
                              refused=["http://shop.example.com.evil.net", "http://example.com.evil.net"])
print(f"C: {verdict}")
assert verdict, f"C: {verdict}"
print("Well done: all three holes are closed.")
