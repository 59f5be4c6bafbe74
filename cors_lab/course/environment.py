"""Is this machine ready for the course? One part per thing the lessons need, with what to do when it is missing."""
from __future__ import annotations

import sys
from importlib.metadata import PackageNotFoundError, version

from cors_lab.course.verdict import Verdict
from cors_lab.real.binaries import CHROMIUM

PACKAGES = ["flask", "flask-cors", "requests", "ipywidgets", "playwright"]
INSTALL_CHROMIUM = CHROMIUM.install
INSTALL_PACKAGES = "run `make lab` (it installs everything)"


def check_environment() -> Verdict:
    """Check Python, the packages and Chromium: a `Verdict` with one part each.

    It passes when the lessons can run; without Chromium they can (only the "ask a real browser" cells skip), so
    Chromium's part may fail while the whole passes.

        >>> from cors_lab.course import check_environment
        >>> check_environment()                                                       # doctest: +SKIP
        PASSED: This machine is ready for the course.
          ✔ Python: v3.11.2, needs 3.11 or newer
          ✔ flask: v3.0.3
          ...
    """
    python = sys.version_info >= (3, 11)
    required = [_part("Python", python, f"v{sys.version.split()[0]}, needs 3.11 or newer", "install Python 3.11+")]
    for package in PACKAGES:
        try:
            required.append(_part(package, True, f"v{version(package)}"))
        except PackageNotFoundError:
            required.append(_part(package, False, "missing", INSTALL_PACKAGES))
    path = CHROMIUM.find()
    chromium = _part("Chromium", bool(path), f"{CHROMIUM.version(path)} at {path}" if path else "not found",
                     INSTALL_CHROMIUM)
    missing = [part.about for part in required if not part.passed]
    if missing:
        return Verdict(False, f"This machine is not ready yet: {', '.join(missing)}.", parts=[*required, chromium])
    ready = "This machine is ready for the course." if chromium.passed else \
        "This machine is ready for the course; without Chromium the 'ask a real browser' cells will skip."
    return Verdict(True, ready, parts=[*required, chromium])


def _part(what: str, ok: bool, detail: str, hint: str | None = None) -> Verdict:
    # a passing part shows only what it is about, so the version found goes there: a teacher asks for it first
    return Verdict(True, detail, about=f"{what}: {detail}") if ok else Verdict(False, detail, hint=hint, about=what)
