# %% [markdown]
# # 99 · Workshop: eight CORS challenges
#
# A classroom session of about **45 minutes** across the whole course. Each challenge has a time box, a task, hints
# you can ask for one at a time, and a check that runs live requests — from the frontend (`http://localhost:8001`)
# and from an attacker's page (`http://localhost:8666`) — through the browser engine.
#
# **How to play:** read the task, write your answer in the cell below it, run the check. `NOT YET` tells you what
# still fails; `workshop.challenge(n).hint(1)` (then `hint(2)`) gives a nudge.
# Solutions are in `solutions/99_workshop.py`
# (instructors: hand them out at the end).

# %%
from cors_lab import CorsPolicy
from cors_lab.course import workshop

# %% [markdown]
# ## Challenge 1

# %%
workshop.challenge(1)

# %%
answer = {'a': True, 'b': True, 'c': True, 'd': False, 'e': False}  # True = same origin

# %%
workshop.check(1, answer)

# %% [markdown]
# ## Challenge 2

# %%
workshop.challenge(2)

# %%
policy = CorsPolicy()  # <- your policy

# %%
workshop.check(2, policy)

# %% [markdown]
# ## Challenge 3

# %%
workshop.challenge(3)

# %%
policy = CorsPolicy(allow_origins=['http://localhost:8001'])  # <- add what the preflight needs

# %%
workshop.check(3, policy)

# %% [markdown]
# ## Challenge 4

# %%
workshop.challenge(4)

# %%
policy = CorsPolicy(allow_origins='*', allow_credentials=True)  # <- fix me

# %%
workshop.check(4, policy)

# %% [markdown]
# ## Challenge 5

# %%
workshop.challenge(5)

# %%
policy = CorsPolicy(allow_origins=['http://localhost:8001'])  # <- let JS read X-Request-Id

# %%
workshop.check(5, policy)

# %% [markdown]
# ## Challenge 6

# %%
workshop.challenge(6)

# %%
policy = CorsPolicy(allow_origins=['http://localhost:8001'], allow_methods=['GET', 'DELETE'])

# %%
workshop.check(6, policy)

# %% [markdown]
# ## Challenge 7

# %%
workshop.challenge(7)

# %%
policy = CorsPolicy(reflect_origin=True, allow_credentials=True)  # <- close the hole

# %%
workshop.check(7, policy)

# %% [markdown]
# ## Challenge 8

# %%
workshop.challenge(8)

# %%
policy = CorsPolicy(allow_origins=['http://localhost:8001', 'null'], allow_credentials=True)  # <- fix me

# %%
workshop.check(8, policy)

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
# **On JupyterHub/Binder** every learner's kernel has its own ports; the checks use free ports, so learners never
# collide.
#
# ## Recap
# Origins, simple requests, preflights, credentials, exposed headers, the preflight cache, and the two classic
# holes (reflection and `null`) — every one of them decided by a few response headers, and checked here live.
