"""Is this machine ready for the course? One line per thing the lessons need, with what to do when missing."""
from __future__ import annotations

import shutil
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, version

PACKAGES = ["flask", "flask-cors", "requests", "ipywidgets", "playwright"]
CHROMIUM_NAMES = ["chromium", "chromium-browser"]
INSTALL_CHROMIUM = "install it with `sudo apt-get install chromium` (or run `make test` as root)"


def chromium_path() -> str | None:
    """Where Debian's Chromium is, or None."""
    return next((p for p in map(shutil.which, CHROMIUM_NAMES) if p), None)


def chromium_version(path: str) -> str:
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.TimeoutExpired):
        return "unknown version"
    return out.strip() or "unknown version"


def check_environment() -> list[tuple[str, bool, str]]:
    """Check Python, the packages and Chromium; print one line each; return (what, ok, detail) rows."""
    rows = [("Python", sys.version_info >= (3, 11), f"v{sys.version.split()[0]} (needs 3.11 or newer)")]
    for package in PACKAGES:
        try:
            rows.append((package, True, f"v{version(package)}"))
        except PackageNotFoundError:
            rows.append((package, False, "missing: run `make lab` (it installs everything)"))
    path = chromium_path()
    if path:
        rows.append(("Chromium", True, f"{chromium_version(path)} at {path}"))
    else:
        rows.append(("Chromium", False, f"not found: the 'ask a real browser' cells will skip; {INSTALL_CHROMIUM}"))
    for what, ok, detail in rows:
        print(f"{'ok ' if ok else 'NO '} {what:<11} {detail}")
    return rows
