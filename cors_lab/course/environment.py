"""Is this machine ready for the course? One line per thing the lessons need, with what to do when missing."""
from __future__ import annotations

import sys
from importlib.metadata import PackageNotFoundError, version

from cors_lab.real.binaries import CHROMIUM

PACKAGES = ["flask", "flask-cors", "requests", "ipywidgets", "playwright"]
INSTALL_CHROMIUM = CHROMIUM.install


def check_environment() -> list[tuple[str, bool, str]]:
    """Check Python, the packages and Chromium; print one line each; return (what, ok, detail) rows."""
    rows = [("Python", sys.version_info >= (3, 11), f"v{sys.version.split()[0]} (needs 3.11 or newer)")]
    for package in PACKAGES:
        try:
            rows.append((package, True, f"v{version(package)}"))
        except PackageNotFoundError:
            rows.append((package, False, "missing: run `make lab` (it installs everything)"))
    path = CHROMIUM.find()
    if path:
        rows.append(("Chromium", True, f"{CHROMIUM.version(path)} at {path}"))
    else:
        rows.append(("Chromium", False, f"not found: the 'ask a real browser' cells will skip; {INSTALL_CHROMIUM}"))
    for what, ok, detail in rows:
        print(f"{'ok ' if ok else 'NO '} {what:<11} {detail}")
    return rows
