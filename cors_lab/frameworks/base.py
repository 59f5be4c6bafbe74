"""What every framework generator shares: the policy read as plain lists, the `Config` it returns, the refusals.

A generator turns a `CorsPolicy` into the text a learner pastes into their framework. Two rules:

- **Exact or refused.** When a framework cannot say what the policy says, the generator raises `cors_lab.InputError`
  with one sentence naming the option and the framework's own behaviour (recorded from its code), never a silent
  approximation.
- **Said, when the same verdict comes with other header lines.** A framework that answers with more than the policy
  (Starlette's 400 to a refused preflight, django-cors-headers' full Access-Control-Allow-Headers list) gives the
  browser the same verdict; each such difference is one sentence in ``config.notes`` (and a comment in the text).
"""
from __future__ import annotations

from dataclasses import dataclass

from cors_lab.errors import InputError
from cors_lab.policy import CorsPolicy, _names


class Config(str):
    """A framework's configuration text (a `str`: print it, paste it), with ``framework`` and ``notes``.

        >>> config = framework_config(policy, "express")
        >>> print(config)                      # the lines to paste
        >>> config.notes                       # what the framework answers differently, one sentence each
    """

    framework: str
    notes: list[str]

    def __new__(cls, text: str, framework: str, notes: list[str] | None = None) -> "Config":
        config = super().__new__(cls, text)
        config.framework = framework
        config.notes = list(notes or [])
        return config

    def _repr_markdown_(self) -> str:
        notes = "".join(f"\n- {note}" for note in self.notes)
        return f"```\n{self}\n```" + (f"\n\nNotes:{notes}" if notes else "")


@dataclass
class PolicyFacts:
    """A correct policy as plain values: what every generator reads (filled by `facts`)."""

    origins: list[str]  # exact origins; [] with any_origin or reflect
    any_origin: bool  # allow_origins == "*"
    reflect: bool  # reflect_origin: echo any Origin
    regex: str | None  # allow_origin_regex (Python re, matched with re.match: anchored at the start only)
    methods: list[str]  # upper-cased, or ["*"]
    headers: list[str]  # allowed request header names, or ["*"]
    expose: list[str]
    credentials: bool
    max_age: int | None
    preflight_status: int
    vary: bool


def refuse(framework: str, option: str, why: str) -> InputError:
    """One sentence: this framework cannot say this option of the policy, and why."""
    return InputError(f"{framework} cannot express this policy's {option}: {why}")


def facts(policy: CorsPolicy, framework: str) -> PolicyFacts:
    """The policy's options as lists; the options no framework middleware produces raise `InputError`.

    Those are the lessons' deliberately wrong servers (a constant Access-Control-Allow-Origin, a predicate, error
    answers without CORS headers, extra header lines): a generator that can say one of them checks it before
    calling this (nginx says several)."""
    if not isinstance(policy, CorsPolicy):
        raise InputError(f"framework_config takes a cors_lab.CorsPolicy, not {type(policy).__name__}.")
    if not policy.enabled:
        raise refuse(framework, "CorsPolicy.none()", "no CORS headers at all means no CORS configuration: "
                     "leave the middleware out.")
    if callable(policy.allow_origins):
        raise refuse(framework, "predicate in allow_origins", "a Python function cannot be written into its "
                     "configuration; list the exact origins (or allow_origin_regex) instead.")
    if policy.always_send_origin is not None:
        raise refuse(framework, "always_send_origin", "its middleware names the request's own Origin (or *), "
                     "never a constant other origin.")
    if not policy.headers_on_errors:
        raise refuse(framework, "headers_on_errors=False", "its middleware adds the CORS headers to error "
                     "answers too.")
    if policy.extra_headers:
        raise refuse(framework, "extra_headers", "its CORS middleware adds only CORS headers.")
    if not 200 <= policy.preflight_status <= 299:
        raise refuse(framework, f"preflight_status={policy.preflight_status}", "its middleware answers a "
                     "preflight with a 2xx status.")
    max_age = policy.max_age
    if max_age is not None:
        try:
            max_age = int(max_age)
        except (TypeError, ValueError):
            raise refuse(framework, f"max_age={policy.max_age!r}", "it takes a whole number of seconds.") from None
    methods = _names(policy.allow_methods)
    headers = ["*"] if policy.allow_headers == "*" else _names(policy.allow_headers)
    return PolicyFacts(
        origins=[] if policy.allow_origins == "*" else _names(policy.allow_origins),
        any_origin=policy.allow_origins == "*" and not policy.reflect_origin,
        reflect=policy.reflect_origin,
        regex=policy.allow_origin_regex,
        methods=["*"] if methods == ["*"] else [method.upper() for method in methods],
        headers=headers,
        expose=_names(policy.expose_headers),
        credentials=policy.allow_credentials,
        max_age=max_age,
        preflight_status=policy.preflight_status,
        vary=policy.vary_origin,
    )


def comment_notes(notes: list[str], prefix: str) -> str:
    """The notes as comment lines (``# ...`` or ``// ...``) to put above the configuration."""
    return "".join(f"{prefix} Note: {note}\n" for note in notes)
