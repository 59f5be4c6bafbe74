"""The course's part of The Littlest JupyterHub's configuration: /opt/tljh/config/jupyterhub_config.d/cors_lab.py.

TLJH loads every ``*.py`` in that folder after its own settings (``sudo tljh-config reload`` applies a change).
Here: the teacher's progress log. Every exercise check appends one JSON line to ``<folder>/<learner>.jsonl``;
install_course.sh creates the folder so that learners can add their own file but not list the folder, and members
of jupyterhub-admins (the teachers) can read it all. Delete this file to switch progress off.
"""
c = get_config()  # noqa: F821 (JupyterHub's config loader provides get_config)

PROGRESS_DIR = "/srv/cors_lab_progress"

# update, not assignment: keeps whatever another snippet put in the learners' environment
c.Spawner.environment.update({"CORS_LAB_PROGRESS_DIR": PROGRESS_DIR})
