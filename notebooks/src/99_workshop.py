# %% [markdown]
# # 99 · Workshop: eight CORS challenges
#
# A classroom session of about **45 minutes** across the whole course. Each challenge has a time box, a task, hints
# you reveal one at a time, and a check that runs live requests — from the frontend (`FRONTEND`) and from an
# attacker's page (`ATTACKER`), both printed by the first cell — through the browser engine.
#
# **How to play:** press **Start** on the board below (the timer runs in your browser). For each challenge, write your
# answer in the cell `answer_<n> = ...`, run it, then press **Check** under it. `NOT YET` says what still fails;
# **Hint** gives one nudge at a time. The board counts what you solved. Solutions are in `solutions/99_workshop.py`
# (instructors: hand them out at the end).

# %%
from cors_lab import CorsPolicy, stop_all
from cors_lab.course import ATTACKER, FRONTEND, workshop
from cors_lab.widgets import WorkshopBoard

print(f"the frontend: {FRONTEND}, the attacker's page: {ATTACKER}")
board = WorkshopBoard()
board

# %% [markdown]
# ## Challenge 1: Same origin or not? (4 min)

# %%
answer_1 = {'a': True, 'b': True, 'c': True, 'd': False, 'e': False}  # True = same origin

# %%
board.checker(1)

# %% [markdown]
# ## Challenge 2: Let the frontend read /api/public (5 min)

# %%
answer_2 = CorsPolicy()  # <- your policy

# %%
board.checker(2)

# %% [markdown]
# ## Challenge 3: Make the PUT with JSON work (6 min)

# %%
answer_3 = CorsPolicy(allow_origins=[FRONTEND])  # <- add what the preflight needs

# %%
board.checker(3)

# %% [markdown]
# ## Challenge 4: Cookies for the frontend only (7 min)

# %%
answer_4 = CorsPolicy(allow_origins='*', allow_credentials=True)  # <- fix me

# %%
board.checker(4)

# %% [markdown]
# ## Challenge 5: Read a custom response header (5 min)

# %%
answer_5 = CorsPolicy(allow_origins=[FRONTEND])  # <- let JS read X-Request-Id

# %%
board.checker(5)

# %% [markdown]
# ## Challenge 6: One preflight is enough (5 min)

# %%
answer_6 = CorsPolicy(allow_origins=[FRONTEND], allow_methods=['GET', 'DELETE'])

# %%
board.checker(6)

# %% [markdown]
# ## Challenge 7: Close the hole (6 min)

# %%
answer_7 = CorsPolicy(reflect_origin=True, allow_credentials=True)  # <- close the hole

# %%
board.checker(7)

# %% [markdown]
# ## Challenge 8: Don't trust null (5 min)

# %%
answer_8 = CorsPolicy(allow_origins=[FRONTEND, 'null'], allow_credentials=True)  # <- fix me

# %%
board.checker(8)

# %% [markdown]
# ## Your progress
# The same board as at the top: it counts every challenge whose last check passed.

# %%
board

# %% [markdown]
# ## For the instructor
#
# **Timing** (about 45 min): 1 (4) · 2 (5) · 3 (6) · 4 (7) · 5 (5) · 6 (5) · 7 (6) · 8 (5) minutes, plus a short debrief
# after 4 and after 8. Run the whole notebook once before class (it takes seconds) so every check is warm.
#
# **Common mistakes**, one per challenge, as seen in class:

# %%
for c in [workshop.challenge(n) for n in range(1, 9)]:
    print(f"{c.number}. {c.title}: {c.common_mistake}")

# %% [markdown]
# **Debrief questions**
# - After 4: why does the browser refuse `*` with credentials, and what would happen if it did not?
# - After 8: who can send `Origin: null`? (Sandboxed iframes, `file:` pages, some cross-origin redirects.)
# - Overall: CORS loosens the same-origin policy; it never protects a server. What does protect it?
#
# **On a JupyterHub** every learner's lab servers sit in a block of ports of their own, derived from their user id,
# so two learners do not fight over a port (and the checks start their servers on free ports anyway). On a
# single-host hub (plain JupyterHub, The Littlest JupyterHub) the learners still share one loopback: one learner's
# programs can reach another's lab servers, and the course says so in one line when it notices. Nothing real is at
# stake, since the course's accounts and secrets are fake. The teacher's kit, with plans, timings and deployment, is
# [docs/teaching.md](../docs/teaching.md).
#
# ## Recap
# Origins, simple requests, preflights, credentials, exposed headers, the preflight cache, and the two classic
# holes (reflection and `null`) — every one of them decided by a few response headers, and checked here live.
#
# The last cell stops every lab server (the checks start and stop their own; this one is for Run All).

# %%
stop_all()
