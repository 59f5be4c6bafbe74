"""Where the real browsers are: the one place that looks for Debian's `chromium` and `firefox-esr`.

    >>> find_chromium()
    '/usr/bin/chromium'
    >>> CHROMIUM.version()
    'Chromium 156.0.8078.73 built on Debian ...'

An environment variable wins (``CORS_LAB_CHROMIUM``, ``CORS_LAB_FIREFOX``: a path; a path that does not exist means
"treat the browser as missing", which is how the tests check the lessons without a browser); then the names on
``PATH``; then Debian's install path.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass


@dataclass(frozen=True)
class BrowserBinary:
    """How to find one real browser, and what to tell a learner who does not have it."""

    name: str  # the name a learner knows: "Chromium", "Firefox"
    env: str  # the environment variable that overrides the search
    commands: tuple[str, ...]  # names looked up on PATH, in order
    debian_path: str
    install: str  # one sentence: how to get it

    @property
    def missing(self) -> str:
        """The one line a learner reads when the browser is not there, with how to get it."""
        return f"{self.name} was not found: {self.install} (or set {self.env})."

    def find(self) -> str | None:
        """The path of the browser's binary, or None when it is not installed."""
        override = os.environ.get(self.env)
        if override:
            return override if os.path.exists(override) else None
        for command in self.commands:
            path = shutil.which(command)
            if path:
                return path
        return self.debian_path if os.path.exists(self.debian_path) else None

    def version(self, path: str | None = None) -> str:
        """What the binary prints for ``--version`` (e.g. "Chromium 156.0.8078.73"), or "unknown version"."""
        path = path or self.find()
        if path is None:
            return "not installed"
        try:
            out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=20).stdout
        except (OSError, subprocess.TimeoutExpired):
            return "unknown version"
        return out.strip() or "unknown version"


CHROMIUM = BrowserBinary("Chromium", "CORS_LAB_CHROMIUM", ("chromium", "chromium-browser"), "/usr/bin/chromium",
                         "install it with `sudo apt-get install chromium` (or run `make test` as root)")
FIREFOX = BrowserBinary("Firefox", "CORS_LAB_FIREFOX", ("firefox-esr", "firefox"), "/usr/bin/firefox-esr",
                        "install it with `sudo apt-get install firefox-esr` (or run `make test` as root)")


def find_chromium() -> str | None:
    """Path of Debian's Chromium: $CORS_LAB_CHROMIUM, then `chromium` / `chromium-browser` on PATH, or None."""
    return CHROMIUM.find()


def find_firefox() -> str | None:
    """Path of Debian's Firefox ESR: $CORS_LAB_FIREFOX, then `firefox-esr` / `firefox` on PATH, or None."""
    return FIREFOX.find()
