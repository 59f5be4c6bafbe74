"""Solutions to notebook 09's exercises (run by tests/course/test_solutions.py)."""
from cors_lab import CorsPolicy
from cors_lab.course import FRONTEND, check_csrf_guard, check_null_fix, check_reflection_fix, check_regex_fix

fix_a = CorsPolicy(allow_origins=[FRONTEND], allow_credentials=True)  # an exact allowlist, no reflection
fix_b = CorsPolicy(allow_origins=[FRONTEND], allow_credentials=True)  # no 'null'
fix_c = CorsPolicy(allow_origin_regex=r"http://[a-z]+\.example\.com$", allow_credentials=True)  # anchored


def transfer_guard(request):
    """Refuse a transfer that does not come from the bank's own frontend (fail closed: no Origin, no transfer)."""
    if request.headers.get("Origin") != FRONTEND:
        return f"transfers are accepted from {FRONTEND} only"
    return None


for name, verdict in [("A", check_reflection_fix(fix_a)), ("B", check_null_fix(fix_b)), ("C", check_regex_fix(fix_c)),
                      ("D", check_csrf_guard(transfer_guard))]:
    print(f"{name}: {verdict}")
    assert verdict, f"{name}: {verdict}"
print("Well done: all four holes are closed.")
