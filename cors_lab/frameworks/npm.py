"""npm packages the course runs (express and cors for the Express lessons, Vite for the dev-proxy lesson), installed
on first use into a directory of their own under the temp dir, never into the repository.

    >>> from cors_lab.frameworks.npm import node_modules
    >>> node_modules(Path("/tmp/cors_lab-express"), ("express@5.3.0", "cors@2.8.6"), "Express")   # doctest: +SKIP
    PosixPath('/tmp/cors_lab-express/node_modules')
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from cors_lab.errors import ServerError

INSTALL_SECONDS = 120


def node_modules(home: Path, packages: tuple[str, ...], what: str, seconds: float = INSTALL_SECONDS) -> Path:
    """``home``/node_modules holding exactly ``packages`` ("name@version"), installed with npm when they are not.

    npm's cache is tried first (works without a network), then the registry; raises `ServerError` in one sentence
    when node or npm is missing or the install fails."""
    modules = home / "node_modules"
    wanted = {spec.rsplit("@", 1)[0]: spec.rsplit("@", 1)[1] for spec in packages}
    if all(installed_version(modules, name) == version for name, version in wanted.items()):
        return modules
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        raise ServerError(f"node and npm are needed to run {what} (apt-get install nodejs npm).")
    home.mkdir(parents=True, exist_ok=True)
    command = [npm, "install", "--prefix", str(home), "--no-audit", "--no-fund", "--no-save",
               "--fetch-retries=0", "--fetch-timeout=20000", *packages]
    last = "no output"
    for extra in (["--offline"], []):
        try:
            done = subprocess.run(command + extra, capture_output=True, text=True, timeout=seconds)
        except subprocess.TimeoutExpired:
            last = f"it took more than {seconds:g} s"
            continue
        if done.returncode == 0 and all(installed_version(modules, n) == v for n, v in wanted.items()):
            return modules
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
    raise ServerError(f"npm install {' '.join(packages)} failed: {last}")


def installed_version(modules: Path, name: str) -> str | None:
    """The version of package ``name`` in ``modules`` (None when it is not there)."""
    try:
        return json.loads((modules / name / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        return None
