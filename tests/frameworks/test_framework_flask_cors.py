"""flask-cors on the demo Flask app, served by cors_lab.serve: the generated configuration gives the browser the
policy's verdict for every request of the table."""
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

NAME = "flask-cors"
EXPECTED: dict = {}
NOTES_SAY = []


def needs():
    pytest.importorskip("flask_cors", reason="flask-cors is not installed")
