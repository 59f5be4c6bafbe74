# %% [markdown]
# # 98 · For the teacher: who is stuck where
#
# This notebook is for the person teaching the course to a class, on a JupyterHub or any machine the learners share.
# Learners can skip it.
#
# **After it you can**
# - switch progress on for a class (one folder, one line in the hub's configuration), and say what it records;
# - read the board: who passed which exercise, who is still trying, who is stuck, and by which rule;
# - decide what to do next: which learner to visit, which exercise to debrief with everyone.
#
# ## What is recorded
# Every press of **Check** under an exercise (lessons 00-10) and every workshop challenge checked (notebook 99)
# appends one line to a file of that learner's:
#
# ```json
# {"time": "2025-01-06T10:04:00Z", "learner": "grace", "notebook": "03_preflight", "exercise": "preflight policy",
#  "passed": false, "message": "The PUT is still blocked: ...", "hint": "read which header ..."}
# ```
#
# The learner is their JupyterHub user name (else their login name); the message is the one sentence the check showed
# them. **Nothing is recorded unless you switch it on**, and an exercise never breaks because of it: a folder it cannot
# write gives the learner one warning line, once.

# %% [markdown]
# ## Switch it on
# 1. Create a folder every learner may add a file to, on the hub's machine, as root:
#
#    ```
#    install -d -m 1777 /srv/cors_lab-progress
#    ```
#
#    Each learner writes only `<their name>.jsonl`; the sticky bit (the `1`, as on `/tmp`) stops them deleting or
#    replacing another learner's file. (For one group only: `install -d -m 3770 -g learners /srv/cors_lab-progress`.)
# 2. Give every learner's server the variable, in `jupyterhub_config.py` (on The Littlest JupyterHub: a file in
#    `/opt/tljh/config/jupyterhub_config.d/`, then `sudo tljh-config reload`):
#
#    ```python
#    c.Spawner.environment = {"CORS_LAB_PROGRESS_DIR": "/srv/cors_lab-progress"}
#    ```
#
#    (if your configuration sets `c.Spawner.environment` already, add the key to it). On Zero to JupyterHub the same
#    variable goes in `singleuser.extraEnv`, and the folder must be a volume mounted in every learner's pod (a
#    ReadWriteMany one): we did not try that here.
# 3. Open this notebook from your own account on the hub: your server gets the same variable, so the board below reads
#    the class's folder. Without it, the board shows a **demo**.
#
# Where does this kernel's progress go?

# %%
from cors_lab.course import progress

print(progress.folder() or f"Nowhere: {progress.ENVIRONMENT} is not set in this kernel, so the board shows a demo.")

# %% [markdown]
# ## The board
# One row per learner, one column per exercise tried, in course order. A cell says **✔ passed** (at least once),
# **… trying** or **✘ stuck**, with the number of tries and how long ago the last one was; hover over it for the last
# message the learner saw. The chart counts, per exercise, the learners who passed, who are trying and who are stuck.
#
# The stuck rule, which you can change (`progress_board(stuck_tries=..., stuck_minutes=...)`):
#
# > Stuck = not passed yet, and either 3 or more tries, or it is the learner's latest try and it is more than
# > 10 minutes old (nothing tried since).
#
# So a learner who skipped an exercise and is busy with the next one is not stuck on it; one who has gone quiet
# after a failed check is. **Refresh** reads the folder again; **auto-refresh** (press ▶) does so every 30 s while
# this notebook is open.

# %%
from cors_lab.widgets import progress_board

board = progress_board()  # your class's folder; without one, a DEMO class (three pretend learners)
board

# %% [markdown]
# The same, as text (it is what the cell shows after any refresh):

# %%
print(board.text())

# %% [markdown]
# ## Reading it
# - **A red cell**: visit that learner. The last message (hover, or the "Stuck:" lines above) is the sentence they
#   are looking at; the checker's **Hint** button has the next nudge, and the lesson's `solutions/` file the answer.
# - **A column with several red or amber cells**: the exercise is the class's problem, not one learner's. Stop and
#   debrief it with everyone (notebook 99's instructor section has debrief questions).
# - **Amber**: leave them; trying is the lesson.
#
# ## The demo
# Without a folder, the board is made by running **real checks** as three pretend learners, on a pretend clock from
# 10:00 to 10:20, into a temporary folder: the lessons' exercises through the same **Check** a learner presses, the
# workshop through the same board. ada passes everything; grace fails the preflight exercise four times (stuck:
# tries) and has just started the workshop (trying); alan has been quiet for twelve minutes since a failed check
# (stuck: silence). The newest line of the folder, as written:

# %%
newest = max(board.folder.glob("*.jsonl"), key=lambda path: path.stat().st_mtime_ns)
print(newest.read_text(encoding="utf-8").splitlines()[-1])

# %% [markdown]
# ## What it is not
# - **Not an exam.** Everyone who can read the folder can read every file (names, exercises, passed or not: nothing
#   else), and a learner can write what they like into their own file.
# - **Only the checks.** The predictions, the quizzes' answers and "Check in my browser" are not recorded; nor are
#   `check_...` functions a learner calls in their own code: only the **Check** buttons and `workshop.check`.
# - **One line per press.** A learner who edits and re-checks ten times has ten tries: that is the signal.
