#!/bin/bash
# Put the CORS course on The Littlest JupyterHub: run it as root on the hub's machine, after TLJH's own installer,
# from a clone of the course:
#     sudo bash deploy/tljh/install_course.sh
# Debian 12 is the host to choose: the course drives Debian's chromium and firefox-esr. On Ubuntu both are snap
# packages, which this script does not install (the real-browser cells then say in one line that no browser exists).
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
USER_ENV=/opt/tljh/user          # TLJH's environment for every learner's server and kernel
CONFIG_D=/opt/tljh/config/jupyterhub_config.d
PROGRESS_DIR=/srv/cors_lab_progress

[ "$(id -u)" = 0 ] || { echo "Run me as root: sudo bash $0"; exit 1; }
[ -x "$USER_ENV/bin/pip" ] || { echo "No TLJH user environment in $USER_ENV: install TLJH first."; exit 1; }
"$USER_ENV/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
    || { echo "The course needs Python 3.11 or later; $USER_ENV has $("$USER_ENV/bin/python" -V)."; exit 1; }

# 1. the real browsers and Node (lesson 10 runs Express and Vite from npm), outside every home directory
. /etc/os-release
if [ "$ID" = debian ]; then
    apt-get update
    apt-get install -y --no-install-recommends chromium firefox-esr fonts-dejavu-core nodejs npm
else
    echo "This is $PRETTY_NAME, not Debian: its chromium and firefox are snaps; skipping the real browsers."
    apt-get update && apt-get install -y --no-install-recommends nodejs npm
fi

# 2. the course, its requirements and nbgitpuller, with the learners' pip
"$USER_ENV/bin/pip" install --no-cache-dir -r "$REPO/requirements.txt" "$REPO" "nbgitpuller>=1.2"

# 3. inside each learner's server: idle kernels culled after 20 minutes; a notebook's kernel shut down on close
#    (a jupyter_server_config.d/ folder would not do: Jupyter Server reads only the extensions list from there)
install -D -m 644 "$REPO/deploy/jupyter_server_config.json" "$USER_ENV/etc/jupyter/jupyter_server_config.json"
install -D -m 644 "$REPO/deploy/lab/overrides.json" "$USER_ENV/share/jupyter/lab/settings/overrides.json"

# 4. the hub: memory per learner (measured: docs/teaching.md), a learner's idle server stopped after an hour
tljh-config set limits.memory 1G
tljh-config set services.cull.enabled true
tljh-config set services.cull.timeout 3600
tljh-config set services.cull.every 600

# 5. the teacher's progress log: learners (others: -wx, sticky) add their own file, teachers (group: rwx) read all
install -d -m 1773 -o root -g jupyterhub-admins "$PROGRESS_DIR"
install -D -m 644 "$HERE/cors_lab.py" "$CONFIG_D/cors_lab.py"

tljh-config reload
echo "Done. Give learners the nbgitpuller link from deploy/README.md."
