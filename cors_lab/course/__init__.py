"""This course's own content: the teaching origins and ports, `serve_teaching`, the environment check, the checks
behind every exercise and the workshop. The notebooks import from here, from `cors_lab` and from `cors_lab.widgets`.

Every check returns a `Verdict`: truthy when passed, and its repr (a cell's last line) is the feedback.

    from cors_lab.course import serve_teaching, FRONTEND, check_preflight_policy
    check_preflight_policy(policy)          # PASSED: ... or NOT YET: ...  (hint: ...)
    from cors_lab.course import workshop
    workshop.check(1, answer)
"""
from cors_lab.course import workshop
from cors_lab.course.attacks import ATTACKS, check_null_fix, check_reflection_fix, check_regex_fix, steal
from cors_lab.course.axios import AxiosError, axios_error, axios_request
from cors_lab.course.csrf import (
    BANK_PORT,
    bank_app,
    bank_policy,
    bank_tabs,
    books,
    check_csrf_guard,
    forged_transfer,
    frontend_transfer,
)
from cors_lab.course.environment import check_environment
from cors_lab.course.exercises import (
    SAME_ORIGIN_QUIZ,
    api_with,
    check_credentials_policy,
    check_error_status_policy,
    check_exposed_headers_policy,
    check_forged_origin,
    check_preflight_policy,
    check_same_origin_answers,
    check_third_server,
    logged_in_browsers,
    same_origin_answer,
)
from cors_lab.course.fix_exercises import (
    check_cors_proxy,
    check_devtools_quiz,
    check_origin_grants,
    check_private_api,
    logged_in_browser,
    server_grants,
)
from cors_lab.course.own_api import YOUR_FRONTEND, check_my_fastapi, start_my_fastapi
from cors_lab.course.teaching import API, API2, ATTACKER, FRONTEND, PORTS, port_summary, serve_teaching, shared_host
from cors_lab.course.verdict import Verdict
from cors_lab.course.vite import (
    build_and_serve,
    origin_checking_api,
    start_preview,
    start_vite,
    vite_build,
    vite_config,
)

__all__ = [
    "YOUR_FRONTEND", "check_my_fastapi", "start_my_fastapi", "build_and_serve", "origin_checking_api",
    "start_preview", "start_vite", "vite_build", "vite_config",
    "API", "API2", "ATTACKER", "FRONTEND", "PORTS", "port_summary", "serve_teaching", "shared_host",
    "check_environment", "workshop", "Verdict",
    "SAME_ORIGIN_QUIZ", "same_origin_answer", "api_with", "logged_in_browser", "logged_in_browsers", "server_grants",
    "check_third_server", "check_same_origin_answers", "check_forged_origin", "check_error_status_policy",
    "check_preflight_policy", "check_credentials_policy", "check_exposed_headers_policy", "check_private_api",
    "check_cors_proxy", "check_origin_grants", "check_devtools_quiz",
    "ATTACKS", "steal", "check_reflection_fix", "check_null_fix", "check_regex_fix",
    "BANK_PORT", "bank_app", "bank_policy", "bank_tabs", "books", "forged_transfer", "frontend_transfer",
    "check_csrf_guard",
    "axios_request", "axios_error", "AxiosError",
]
