"""Django with django-cors-headers under Django's own runserver (--noreload): the generated configuration gives the
browser the policy's verdict for every request of the table."""
from __future__ import annotations

import os  # noqa: F401
import shutil  # noqa: F401

import pytest
from framework_requests import (  # noqa: F401  (the shared tests and fixture, collected here)
    live_frameworks,
    test_every_difference_from_the_policy_is_said_in_the_configurations_notes,
    test_real_chromium_agrees_with_the_engine_against_the_framework,
    test_the_framework_gives_the_browser_the_policys_verdict,
)

NAME = "django"
EXPECTED: dict = {}
NOTES_SAY = ["lists every allowed method and header"]


def needs():
    pytest.importorskip("django", reason="django is not installed (pip install django django-cors-headers)")
    pytest.importorskip("corsheaders", reason="django-cors-headers is not installed (pip install django-cors-headers)")
