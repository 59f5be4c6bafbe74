"""A classroom on this machine: a real JupyterHub, configurable-http-proxy and two learners, built as a hub admin
builds one. Used by tests/hub/test_hub.py (which runs `hub_scenario.py` inside a private network namespace) and by
benchmarks/bench_hub.py.

    env = Classroom.build(root)            # a venv non-root users can read: jupyterhub, jupyterlab, the course;
                                           # configurable-http-proxy from npm; two system users with passwords
    ...                                    # hub_scenario.py runs the hub and drives both logins in Chromium
    env.remove()                           # the users and their homes go

What a hub admin does and this does too: the course is installed (not linked) into a system venv outside every home
(`pip install <repo>`), JupyterLab's settings for every user sit in the venv's `share/jupyter/lab/settings/
overrides.json` (the deploy kit's: a notebook's kernel shuts down when its tab closes), its kernel culling in the
venv's `etc/jupyter/jupyter_server_config.json`, the learners are ordinary
system users with a password (PAM, LocalProcessSpawner: The Littlest JupyterHub's model) and find the course's
notebooks copied into their home (what nbgitpuller does).
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LEARNERS = ("corslab-ada", "corslab-bob")
HUB_PORT, PROXY_API_PORT, HUB_API_PORT = 8000, 8001, 8081  # JupyterHub's defaults, kept on purpose
HUB_PYTHON = "/usr/bin/python3"  # the system's Python, as a hub admin uses (a pyenv under /root is unreadable to users)
COURSE_DIR = "cors_lab"  # the folder in each learner's home (nbgitpuller would name it after the repository)

sys.path.insert(0, str(REPO / "tests" / "ui"))
from ui_harness import LAB_SETTINGS  # noqa: E402

# The settings the UI harness writes per user (every cell in the DOM, nothing asks), as overrides.json keys
# ("@jupyterlab/notebook-extension:tracker", where a user settings folder has ".../notebook-extension/tracker")
TEST_LAB_SETTINGS = {":".join(plugin.rsplit("/", 1)): values for plugin, values in LAB_SETTINGS.items()}
DEPLOY_OVERRIDES = REPO / "deploy" / "lab" / "overrides.json"
DEPLOY_SERVER_CONFIG = REPO / "deploy" / "jupyter_server_config.json"  # kernel culling in each learner's server


def missing_reason() -> str | None:
    """Why the hub test cannot run here (one line), or None."""
    if sys.platform != "linux":
        return "the hub test needs Linux"
    if os.geteuid() != 0:
        return "the hub test needs root (it creates two system users and runs JupyterHub with PAM)"
    for tool in ("unshare", "useradd", "userdel", "chpasswd", "npm", "node", "ip"):
        if shutil.which(tool) is None:
            return f"the hub test needs {tool!r}, which is not installed"
    if not any(Path(p).exists() for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser")):
        return "the hub test needs Debian's chromium (/usr/bin/chromium)"
    version = subprocess.run([HUB_PYTHON, "-c", "import sys, venv; print(sys.version_info >= (3, 11))"],
                             capture_output=True, text=True) if Path(HUB_PYTHON).exists() else None
    if version is None or version.stdout.strip() != "True":
        return f"the hub test needs the system's Python 3.11+ with venv at {HUB_PYTHON}"
    probe = subprocess.run(["unshare", "-n", "true"], capture_output=True)
    if probe.returncode != 0:
        return "unshare -n is refused here: " + probe.stderr.decode(errors="replace").strip()
    return None


@dataclass
class Learner:
    name: str
    password: str
    uid: int
    home: str


@dataclass
class Classroom:
    root: str           # everything the hub needs (venv, proxy, database); world-readable
    venv: str
    proxy: str          # the configurable-http-proxy executable
    learners: list[Learner] = field(default_factory=list)
    build_seconds: dict = field(default_factory=dict)

    @classmethod
    def build(cls, root: Path | None = None, learners=LEARNERS) -> Classroom:
        import time
        root = Path(root or tempfile.mkdtemp(prefix="cors_lab-hub-"))
        root.mkdir(parents=True, exist_ok=True)
        os.chmod(root, 0o755)  # mkdtemp makes it 0700: the learners must read the venv
        venv = root / "venv"
        seconds = {}
        start = time.monotonic()
        if not (venv / "bin" / "jupyterhub-singleuser").exists():
            subprocess.run([HUB_PYTHON, "-m", "venv", str(venv)], check=True)
            # from a clean copy: a build in the repository would leave build/ there, and a stale build/ is reused
            source = root / "course-source"
            shutil.rmtree(source, ignore_errors=True)
            shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(
                ".git", ".venv", "build", "*.egg-info", "node_modules", "__pycache__", ".ipynb_checkpoints"))
            # what deploy/tljh/install_course.sh installs (the course with its requirements), and the hub itself
            _run([str(venv / "bin" / "pip"), "install", "-q", "--disable-pip-version-check", "jupyterhub",
                  "-r", str(source / "requirements.txt"), str(source)],
                 "installing the course, its requirements and JupyterHub into the hub venv")
            shutil.rmtree(source, ignore_errors=True)
        seconds["venv"] = round(time.monotonic() - start, 1)
        _write_lab_settings(venv)
        start = time.monotonic()
        chp = root / "chp"
        proxy = chp / "node_modules" / ".bin" / "configurable-http-proxy"
        if not proxy.exists():
            _run(["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(chp),
                  "configurable-http-proxy"], "installing configurable-http-proxy from npm")
        seconds["proxy"] = round(time.monotonic() - start, 1)
        room = cls(str(root), str(venv), str(proxy), build_seconds=seconds)
        try:
            for name in learners:
                room.learners.append(_add_learner(name))
        except BaseException:
            room.remove()
            raise
        return room

    def remove(self) -> None:
        """Remove the learners (their processes, accounts and homes). The root folder is the caller's."""
        for learner in self.learners:
            subprocess.run(["pkill", "-KILL", "-u", learner.name], capture_output=True)
            subprocess.run(["userdel", "-r", "-f", learner.name], capture_output=True)
        self.learners = []

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> Classroom:
        data = json.loads(text)
        data["learners"] = [Learner(**learner) for learner in data["learners"]]
        return cls(**data)


def _run(command: list[str], what: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed ({done.returncode}): {(done.stderr or done.stdout).strip()[-800:]}")


def _write_lab_settings(venv: Path) -> None:
    """The venv's overrides.json: the deploy kit's settings (when it has them) plus the harness's."""
    settings: dict = {}
    if DEPLOY_OVERRIDES.exists():
        settings = json.loads(DEPLOY_OVERRIDES.read_text())
    else:  # the deploy kit's one setting the footprint depends on
        settings = {"@jupyterlab/notebook-extension:tracker": {"kernelShutdown": True}}
    for plugin, values in TEST_LAB_SETTINGS.items():
        settings.setdefault(plugin, {}).update(values)
    target = venv / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(settings, indent=2))
    if DEPLOY_SERVER_CONFIG.exists():  # where TLJH's script and the Z2JH image put it: the environment's etc/jupyter
        server_config = venv / "etc" / "jupyter" / "jupyter_server_config.json"
        server_config.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(DEPLOY_SERVER_CONFIG, server_config)


def _add_learner(name: str) -> Learner:
    import pwd
    subprocess.run(["pkill", "-KILL", "-u", name], capture_output=True)  # a previous run's leftovers
    subprocess.run(["userdel", "-r", "-f", name], capture_output=True)
    _run(["useradd", "--create-home", "--shell", "/bin/bash", name], f"useradd {name}")
    password = secrets.token_urlsafe(12)
    done = subprocess.run(["chpasswd"], input=f"{name}:{password}\n", text=True, capture_output=True)
    if done.returncode != 0:
        raise RuntimeError(f"chpasswd failed for {name}: {done.stderr.strip()}")
    entry = pwd.getpwnam(name)
    course = Path(entry.pw_dir) / COURSE_DIR
    shutil.copytree(REPO / "notebooks", course, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    subprocess.run(["chown", "-R", f"{name}:{name}", entry.pw_dir], check=True)
    return Learner(name, password, entry.pw_uid, entry.pw_dir)
