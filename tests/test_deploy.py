"""The teacher's deployment kit (binder/, deploy/) checked without Docker, Kubernetes or a hub.

- Binder: `jupyter-repo2docker --no-build --debug` prints the Dockerfile Binder would build; it must use the
  course's Python (repo2docker falls back to another Python, silently, on a misspelt runtime.txt: the mutations
  below prove the check sees that), install the requirements and the course, and run postBuild.
- Zero to JupyterHub: the user image's Dockerfile (browsers from apt, nothing of theirs in /home, the course's
  Python) and the chart values (memory, CPU, culling).
- Inside every learner's server: the kernel-culling config that Jupyter Server really reads, and JupyterLab's
  kernelShutdown override.
- The Littlest JupyterHub's snippet, and the nbgitpuller link.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
BINDER = ROOT / "binder"
BIN = Path(sys.executable).parent
REPO2DOCKER = shutil.which("jupyter-repo2docker", path=str(BIN)) or shutil.which("jupyter-repo2docker")
NOT_COPIED = shutil.ignore_patterns(".venv", ".git", "__pycache__", "*.egg-info", "node_modules", ".pytest_cache")


def course_python() -> str:
    """The lowest Python the course supports, from pyproject.toml's requires-python (">=3.11" -> "3.11")."""
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    lows = [spec.version for spec in SpecifierSet(requires) if spec.operator in (">=", "==", "~=")]
    assert lows, f"requires-python {requires!r} names no lowest version"
    return ".".join(min(lows, key=lambda v: tuple(map(int, v.split(".")))).split(".")[:2])


# ---- Binder ------------------------------------------------------------------------------------------------
def binder_dockerfile(repo: Path) -> str:
    """The Dockerfile repo2docker would build for ``repo``, as Binder runs it (user jovyan, uid 1000), followed by
    repo2docker's log (a comment line each)."""
    done = subprocess.run([REPO2DOCKER, "--no-build", "--debug", "--user-id", "1000", "--user-name", "jovyan",
                           str(repo)], capture_output=True, text=True, timeout=180, cwd=repo)
    assert done.returncode == 0, f"repo2docker failed: {done.stderr[-2000:]}"
    return done.stdout + "".join(f"\n# log: {line}" for line in done.stderr.splitlines())


def dockerfile_python(dockerfile: str) -> str | None:
    """The Python of the conda environment repo2docker builds: the one of the lock file it copies,
    environment.py-<version>-<platform>.lock (in the build context, its path escaped: "-2e" for "."),
    or, when that name was cut short, the one its log names ("Building conda environment for python=3.11")."""
    import escapism  # a dependency of repo2docker

    # a name is <escaped source path>-<6 hex digits of its hash>
    copied = [escapism.unescape(name.rsplit("-", 1)[0], escape_char="-")
              for name in re.findall(r"build_script_files/(\S+)", dockerfile)]
    versions = {v for name in copied for v in re.findall(r"environment\.py-(\d+\.\d+)-[\w-]+\.lock", name)}
    if not versions:
        versions = set(re.findall(r"(?m)^# log: .*Building conda environment for python=(\d+\.\d+)", dockerfile))
    assert len(versions) <= 1, f"several Python environments: {versions}"
    return versions.pop() if versions else None


@pytest.fixture(scope="module")
def repo_copy(tmp_path_factory):
    if REPO2DOCKER is None:
        pytest.skip("jupyter-repo2docker is not installed (pip install jupyter-repo2docker)")
    copy = tmp_path_factory.mktemp("r2d") / "cors_lab"
    shutil.copytree(ROOT, copy, ignore=NOT_COPIED)
    return copy


@pytest.fixture(scope="module")
def dockerfile(repo_copy):
    return binder_dockerfile(repo_copy)


def test_runtime_txt_names_the_course_python():
    assert (BINDER / "runtime.txt").read_text().strip() == f"python-{course_python()}"


def test_binder_builds_the_course_python(dockerfile):
    assert dockerfile_python(dockerfile) == course_python()


@pytest.mark.parametrize("runtime_txt", ["pyhton-3.11", "python-3.10", "python-3.12"])
def test_a_wrong_runtime_txt_is_caught(repo_copy, tmp_path, runtime_txt):
    """repo2docker accepts these without a word and builds another Python: the check must see it."""
    mutant = tmp_path / "cors_lab"
    shutil.copytree(repo_copy, mutant)
    (mutant / "binder" / "runtime.txt").write_text(runtime_txt + "\n")
    built = dockerfile_python(binder_dockerfile(mutant))
    assert built is not None and built != course_python()


def test_a_misnamed_runtime_txt_is_caught(repo_copy, tmp_path):
    mutant = tmp_path / "cors_lab"
    shutil.copytree(repo_copy, mutant)
    (mutant / "binder" / "runtime.txt").rename(mutant / "binder" / "runtime.text")
    built = dockerfile_python(binder_dockerfile(mutant))
    assert built is not None and built != course_python()


def test_binder_installs_the_requirements_and_the_course_then_runs_post_build(dockerfile):
    pip = dockerfile.index('pip install --no-cache-dir -r "binder/requirements.txt"')
    copy = dockerfile.index("COPY --chown=1000:1000 src/ ${REPO_DIR}/")  # the course is there before pip runs
    post_build = dockerfile.index("RUN ./binder/postBuild")
    assert copy < pip < post_build
    assert "WORKDIR ${REPO_DIR}" in dockerfile[:pip]  # so the requirement "." is the repository


def test_binder_requirements_read_as_the_course_requirements_plus_the_course():
    """Read the way pip reads it from the repository's root (a nested -r is relative to the file)."""
    req_file = pytest.importorskip("pip._internal.req.req_file")
    network = pytest.importorskip("pip._internal.network.session")
    here = os.getcwd()
    os.chdir(ROOT)
    try:
        parsed = list(req_file.parse_requirements("binder/requirements.txt", session=network.PipSession()))
    finally:
        os.chdir(here)
    names = [line.requirement for line in parsed]
    course = [line.split("#", 1)[0].strip() for line in (ROOT / "requirements.txt").read_text().splitlines()
              if line.split("#", 1)[0].strip()]
    assert names[:-1] == course
    assert names[-1] == "." and (ROOT / "pyproject.toml").exists()


def test_post_build_installs_the_two_settings_files():
    post_build = (BINDER / "postBuild").read_text()
    assert os.access(BINDER / "postBuild", os.X_OK)
    assert "deploy/jupyter_server_config.json" in post_build and "deploy/lab/overrides.json" in post_build


# ---- Zero to JupyterHub: the user image ------------------------------------------------------------------------
DOCKERFILE = (DEPLOY / "z2jh" / "Dockerfile").read_text()
INSTRUCTIONS = [" ".join(line.split()) for line in
                re.sub(r"\\\n", " ", re.sub(r"(?m)^\s*#.*\n", "", DOCKERFILE)).splitlines() if line.strip()]


def test_the_image_installs_chromium_and_firefox_esr_with_apt():
    apt = [line for line in INSTRUCTIONS if line.startswith("RUN ") and "apt-get install" in line]
    assert apt, "no apt-get install in the Dockerfile"
    packages = set(apt[0].split("apt-get install", 1)[1].split("&&")[0].split())
    assert {"chromium", "firefox-esr", "nodejs", "npm", "git"} <= packages


def test_the_image_puts_nothing_browser_related_in_home():
    for line in INSTRUCTIONS:
        if "/home" in line or "$HOME" in line or "~/" in line:
            assert not re.search(r"chrom|firefox|playwright|browser", line, re.I), line
    assert "playwright install" not in DOCKERFILE  # the course drives Debian's browsers, never downloaded ones


def test_the_image_python_is_the_course_python_on_debian():
    base = next(line for line in INSTRUCTIONS if line.startswith("FROM "))
    match = re.fullmatch(r"FROM python:(\d+\.\d+)-(?:slim-)?(\w+)", base)
    assert match, base
    assert match.group(1) == course_python()
    assert match.group(2) == "bookworm"


def test_the_image_has_the_hub_server_nbgitpuller_and_the_course_in_a_system_venv():
    pip = next(line for line in INSTRUCTIONS if "pip\" install --no-cache-dir -r" in line)
    assert "jupyterhub" in pip and "nbgitpuller" in pip and "/tmp/cors_lab" in pip
    assert "ENV VENV=/opt/cors_lab/venv" in INSTRUCTIONS
    assert "USER $NB_UID" in INSTRUCTIONS and "ARG NB_UID=1000" in INSTRUCTIONS
    assert 'CMD ["jupyterhub-singleuser"]' in INSTRUCTIONS


def test_the_image_copies_files_that_exist():
    for line in INSTRUCTIONS:
        if line.startswith("COPY "):
            for source in line.split()[1:-1]:
                assert (ROOT / source).exists(), f"{line}: {source} is not in the repository"


def test_debian_knows_the_image_packages():
    if shutil.which("apt-cache") is None:
        pytest.skip("no apt-cache here: cannot ask Debian about chromium and firefox-esr")
    release = dict(line.split("=", 1) for line in Path("/etc/os-release").read_text().split() if "=" in line)
    if release.get("VERSION_CODENAME", "").strip('"') != "bookworm":
        pytest.skip(f"this host is {release.get('PRETTY_NAME', '?')}, the image is Debian bookworm")
    shown = subprocess.run(["apt-cache", "show", "chromium", "firefox-esr"], capture_output=True, text=True,
                           timeout=60).stdout
    assert {"chromium", "firefox-esr"} <= set(re.findall(r"(?m)^Package: (\S+)", shown))


@pytest.mark.skipif(shutil.which("docker") is None, reason="no docker client here")
def test_docker_build_when_a_daemon_is_there():
    if subprocess.run(["docker", "info"], capture_output=True, timeout=30).returncode != 0:
        pytest.skip("no Docker daemon reachable: the image was not built here")
    if subprocess.run(["docker", "image", "inspect", "python:3.11-slim-bookworm"], capture_output=True,
                      timeout=30).returncode != 0:
        pytest.skip("the base image python:3.11-slim-bookworm is not present: the image was not built here")
    done = subprocess.run(["docker", "build", "-f", "deploy/z2jh/Dockerfile", "-t", "cors-lab-user:test", "."],
                          cwd=ROOT, capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stderr[-3000:]


# ---- Zero to JupyterHub: the chart values ------------------------------------------------------------------
def quantity(text: str) -> float:
    """A Kubernetes memory quantity in bytes: "600M", "1G", "1Gi"."""
    units = {"": 1, "K": 1e3, "M": 1e6, "G": 1e9, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30}
    number, unit = re.fullmatch(r"([\d.]+)([KMG]i?)?", str(text)).groups()
    return float(number) * units[unit or ""]


def test_values_yaml_sets_memory_cpu_and_culling():
    yaml = pytest.importorskip("yaml", reason="PyYAML is not installed: values.yaml not parsed")
    values = yaml.safe_load((DEPLOY / "z2jh" / "values.yaml").read_text())
    single = values["singleuser"]
    assert single["image"]["name"] and single["image"]["tag"]
    memory = single["memory"]
    assert 0 < quantity(memory["guarantee"]) <= quantity(memory["limit"])
    assert 0 < single["cpu"]["guarantee"] <= single["cpu"]["limit"]
    cull = values["cull"]
    assert cull["enabled"] is True and cull["timeout"] > 0 and 0 < cull["every"] <= cull["timeout"]


# ---- inside every learner's server -------------------------------------------------------------------------
SERVER_CONFIG = DEPLOY / "jupyter_server_config.json"


def shown_config(config_dir: Path) -> dict:
    """The configuration Jupyter Server loads with ``config_dir`` as the user's config folder."""
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(config_dir), JUPYTER_PREFER_ENV_PATH="0")
    done = subprocess.run([str(BIN / "jupyter"), "server", "--show-config-json"], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def test_jupyter_server_reads_the_kernel_culling(tmp_path):
    shutil.copy(SERVER_CONFIG, tmp_path / "jupyter_server_config.json")
    culling = shown_config(tmp_path).get("MappingKernelManager", {})
    assert culling.get("cull_idle_timeout", 0) > 0 and culling.get("cull_interval", 0) > 0
    assert culling.get("cull_connected") is True  # a notebook tab left open must not keep its kernel forever


def test_a_config_d_folder_would_not_cull(tmp_path):
    """Why the kit installs jupyter_server_config.json itself: from jupyter_server_config.d/ the server reads
    only its list of extensions."""
    (tmp_path / "jupyter_server_config.d").mkdir()
    shutil.copy(SERVER_CONFIG, tmp_path / "jupyter_server_config.d" / "cors_lab.json")
    assert "MappingKernelManager" not in shown_config(tmp_path)


def test_the_culling_names_are_real_traits():
    from traitlets.config.loader import JSONFileConfigLoader

    kernels = pytest.importorskip("jupyter_server.services.kernels.kernelmanager")
    config = JSONFileConfigLoader(SERVER_CONFIG.name, str(DEPLOY)).load_config()
    manager = kernels.AsyncMappingKernelManager(config=config)  # the class Jupyter Server 2 runs
    settings = json.loads(SERVER_CONFIG.read_text())["MappingKernelManager"]
    assert {name: getattr(manager, name) for name in settings} == settings


def test_jupyterlab_shuts_a_kernel_down_when_its_notebook_closes():
    settings = pytest.importorskip("jupyterlab_server.settings_utils")
    schemas = Path(sys.prefix) / "share" / "jupyter" / "lab" / "schemas"
    if not (schemas / "@jupyterlab" / "notebook-extension" / "tracker.json").exists():
        pytest.skip("JupyterLab's schemas are not in this environment")
    plugin = "@jupyterlab/notebook-extension:tracker"
    overrides, error = settings._get_overrides(str(DEPLOY / "lab"))
    assert not error
    schema, _ = settings._get_schema(str(schemas), plugin, overrides, None)
    assert schema["properties"]["kernelShutdown"]["default"] is True
    plain, _ = settings._get_schema(str(schemas), plugin, {}, None)
    assert plain["properties"]["kernelShutdown"]["default"] is False  # JupyterLab's own default: keep it running


# ---- The Littlest JupyterHub -------------------------------------------------------------------------------
def test_tljh_snippet_adds_the_progress_folder_to_the_learners_environment():
    from traitlets import Dict
    from traitlets.config import Config, Configurable

    try:
        from jupyterhub.spawner import Spawner
    except ImportError:
        class Spawner(Configurable):  # the one trait of JupyterHub's Spawner the snippet sets
            environment = Dict(config=True)

    config = Config()
    config.Spawner.environment = {"ALREADY": "there"}  # set by another snippet: must survive
    exec((DEPLOY / "tljh" / "cors_lab.py").read_text(), {"get_config": lambda: config})
    environment = Spawner(config=config).environment
    assert environment["ALREADY"] == "there"
    assert environment["CORS_LAB_PROGRESS_DIR"].startswith("/")


def test_tljh_install_script_is_valid_bash_and_sets_what_it_should():
    script = (DEPLOY / "tljh" / "install_course.sh").read_text()
    assert subprocess.run(["bash", "-n", str(DEPLOY / "tljh" / "install_course.sh")]).returncode == 0
    for needed in ("apt-get install -y --no-install-recommends chromium firefox-esr", "USER_ENV=/opt/tljh/user",
                   "tljh-config set limits.memory", "tljh-config set services.cull.timeout",
                   "jupyterhub_config.d", "tljh-config reload"):
        assert needed in script, needed


# ---- the nbgitpuller link ----------------------------------------------------------------------------------
def test_the_nbgitpuller_link_parses_to_the_expected_query():
    sys.path.insert(0, str(DEPLOY))
    try:
        import nbgitpuller_link as links
    finally:
        sys.path.remove(str(DEPLOY))
    assert links.TEMPLATE in (DEPLOY / "README.md").read_text()  # the README shows the template the code uses
    link = links.nbgitpuller_link("https://hub.example.org/", "https://github.com/OWNER/cors_lab.git", "main")
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "hub.example.org", "/hub/user-redirect/git-pull")
    assert parse_qs(parts.query, strict_parsing=True) == {
        "repo": ["https://github.com/OWNER/cors_lab.git"],
        "branch": ["main"],
        "urlpath": ["lab/tree/cors_lab/notebooks/00_start_here.ipynb"],
    }
    assert (ROOT / links.FIRST_NOTEBOOK).exists()
