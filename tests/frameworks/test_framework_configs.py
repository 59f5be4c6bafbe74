"""The generators without running anything: what each says, what each refuses (one sentence), and the table."""
from __future__ import annotations

import pytest

from cors_lab import CorsPolicy, InputError
from cors_lab.frameworks import FRAMEWORKS, framework, framework_config

PAGE = "http://localhost:8001"
GOOD = CorsPolicy(allow_origins=[PAGE], allow_methods=["GET", "PUT"], allow_headers=["Content-Type"],
                  allow_credentials=True, max_age=600)

#: (policy change, framework) -> words of the one-sentence refusal; every framework refuses the first three
REFUSED = [
    (dict(allow_origins=lambda origin: True), name, "a Python function cannot be written") for name in FRAMEWORKS
] + [
    (dict(enabled=False), name, "leave the middleware out") for name in FRAMEWORKS
] + [
    (dict(allow_origins="*"), "starlette", "answers it with the request's own Origin"),
    (dict(allow_origins="*"), "django", "answers with the request's own Origin"),
    (dict(allow_origins="*"), "flask-cors", "allow_origins='*' with allow_credentials"),
    (dict(allow_origins=[PAGE + "/"]), "django", "corsheaders.E014"),
    (dict(always_send_origin="http://localhost:9999"), "express", "never a constant other origin"),
    (dict(headers_on_errors=False), "starlette", "adds the CORS headers to error answers too"),
    (dict(preflight_status=401), "django", "answers a preflight with a 2xx status"),
    (dict(allow_methods=["*"]), "starlette", "allow_methods='*' with credentials"),
]


@pytest.mark.parametrize("changes, name, words", REFUSED, ids=[f"{n}-{'-'.join(c)}" for c, n, _ in REFUSED])
def test_a_policy_the_framework_cannot_say_is_refused_in_one_sentence(changes, name, words):
    with pytest.raises(InputError) as refusal:
        framework_config(GOOD.copy(**changes), name)
    message = str(refusal.value)
    assert words in message and "\n" not in message


@pytest.mark.parametrize("name, lines", [
    ("express", ['origin: ["http://localhost:8001"],', 'methods: ["GET", "PUT"],', "credentials: true,",
                 "maxAge: 600,", "app.use(cors(corsOptions));"]),
    ("starlette", ["allow_origins=['http://localhost:8001'],", "allow_credentials=True,", "max_age=600,"]),
    ("django", ['MIDDLEWARE.insert(0, "corsheaders.middleware.CorsMiddleware")',
                "CORS_ALLOWED_ORIGINS = ['http://localhost:8001']", "CORS_ALLOW_CREDENTIALS = True",
                "CORS_PREFLIGHT_MAX_AGE = 600"]),
    ("nginx", ['"http://localhost:8001" $http_origin;', "add_header Access-Control-Allow-Origin $cors_origin always;",
               'add_header Access-Control-Allow-Credentials "true" always;', "return 204;"]),
    ("flask-cors", ["origins=['http://localhost:8001'],", "supports_credentials=True,", "max_age=600,"]),
])
def test_each_configuration_writes_the_policys_values(name, lines):
    text = framework_config(GOOD, name)
    for line in lines:
        assert line in text


def test_what_the_wildcard_with_credentials_means_differs_by_framework():
    """Express's cors and nginx send the literal * with credentials (as the policy: the browser refuses it);
    Starlette and django-cors-headers would echo the Origin instead, so they refuse to write it."""
    policy = GOOD.copy(allow_origins="*")
    assert 'origin: "*",' in framework_config(policy, "express")
    assert 'add_header Access-Control-Allow-Origin "*" always;' in framework_config(policy, "nginx")


def test_nginx_writes_headers_on_errors_false_as_add_header_without_always():
    text = framework_config(GOOD.copy(headers_on_errors=False), "nginx")
    assert "add_header Access-Control-Allow-Origin $cors_origin;" in text
    assert any("without 'always'" in note for note in text.notes)


def test_a_note_is_also_a_comment_in_the_configuration():
    config = framework_config(GOOD.copy(max_age=None), "fastapi")
    assert config.framework == "starlette" and config.notes
    for note in config.notes:
        assert f"# Note: {note}" in config


def test_an_unknown_framework_is_one_sentence_naming_the_known_ones():
    with pytest.raises(InputError, match="Unknown framework 'rails': choose one of flask-cors, starlette"):
        framework("rails")


def test_the_table_says_how_each_framework_runs_live():
    assert set(FRAMEWORKS) == {"flask-cors", "starlette", "django", "express", "nginx"}
    assert "runserver" in FRAMEWORKS["django"].runs_with and "uvicorn" in FRAMEWORKS["starlette"].runs_with
