"""Progress for the teacher: every exercise check and workshop challenge appends one JSON line to a folder, and the
instructor notebook (98) reads the folder to show who is stuck where.

**Off by default.** Nothing is written, and nothing costs anything, unless ``CORS_LAB_PROGRESS_DIR`` names a
folder. A teacher switches it on for a whole class:

1. create a folder every learner may add a file to (on the hub's host, as root)::

       install -d -m 1777 /srv/cors_lab-progress

   The ``1`` is the sticky bit (as on /tmp): a learner can create and append to their own file but cannot delete or
   replace another learner's. With a ``learners`` group instead of everyone: ``install -d -m 3770 -g learners ...``.
   On Zero to JupyterHub (one container per learner) the folder is a volume mounted in every learner's pod.
2. give every learner's server the variable, in ``jupyterhub_config.py``::

       c.Spawner.environment = {"CORS_LAB_PROGRESS_DIR": "/srv/cors_lab-progress"}

**One file per learner**, ``<learner>.jsonl``, so two learners never write to the same file; the several kernels of
one learner (a notebook each) append to it with one ``write`` of a whole line under a lock, so lines never mix.
The learner is the JupyterHub user (``JUPYTERHUB_USER``), else the login name. Each line::

    {"time": "2025-01-06T10:04:00Z", "learner": "grace", "notebook": "03_preflight", "exercise": "preflight policy",
     "passed": false, "message": "The PUT is still blocked: ...", "hint": "read which header ..."}

The files are readable by everyone who can read the folder (names, exercises, passed or not: nothing else), and a
learner can write anything into their own file: a classroom aid, not an exam.

A folder that cannot be written gives one warning line, once per kernel; the exercise itself always works.

**Which lesson.** A check knows nothing about the notebook it is shown in, so `EXERCISES` says it, in one table:
the `ExerciseChecker`'s check (its function's name) -> (notebook, exercise). The workshop's challenges belong to
`WORKSHOP`. A test reads every ``ExerciseChecker(...)`` in ``notebooks/src`` and holds the table to it.

    >>> from cors_lab.course import progress
    >>> progress.lesson_of("check_preflight_policy")
    ('03_preflight', 'preflight policy')
    >>> tries = progress.read("/srv/cors_lab-progress")              # doctest: +SKIP
    >>> [row for row in progress.summary(tries) if row.stuck]        # doctest: +SKIP
    [Standing('grace', '03_preflight', 'preflight policy', tries=4, passed=False, stuck=True)]
"""
from __future__ import annotations

import contextlib
import contextvars
import getpass
import json
import os
import sys
import time
import urllib.parse
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator

try:  # a lock around each append (several kernels of one learner); not on Windows, where one write is all we have
    import fcntl
except ImportError:  # pragma: no cover - the course runs on Linux and macOS
    fcntl = None

ENVIRONMENT = "CORS_LAB_PROGRESS_DIR"
WORKSHOP = "99_workshop"

#: the one table: an ExerciseChecker's check (its function's name, or the ``exercise=`` it was given)
#: -> (the notebook it belongs to, the exercise as the teacher's table names it). In course order.
EXERCISES: dict[str, tuple[str, str]] = {
    "check_third_server": ("00_start_here", "a third server"),
    "check_same_origin_answers": ("01_same_origin_policy", "same origin or not?"),
    "check_my_forgery": ("01_same_origin_policy", "forge an Origin"),
    "check_error_status_policy": ("02_reading_a_cors_error", "errors that tell the truth"),
    "check_preflight_policy": ("03_preflight", "preflight policy"),
    "credentials_exercise": ("04_credentials", "credentials"),
    "check_exposed_headers_policy": ("05_reading_responses", "exposed headers"),
    "check_my_api": ("06_fix_the_server", "fix the API"),
    "check_my_proxy": ("07_fix_with_a_proxy", "a safe CORS proxy"),
    "check_devtools_quiz": ("08_developer_tools", "which fixes reach your users?"),
    "check_reflection_fix": ("09_attacks", "A: stop reflecting"),
    "check_null_fix": ("09_attacks", "B: stop trusting null"),
    "check_regex_fix": ("09_attacks", "C: anchor the regex"),
    "check_csrf_guard": ("09_attacks", "D: CSRF"),
    "check_my_fastapi": ("10_debug_your_own_api", "fix your FastAPI app"),
}

#: the stuck rule's two numbers (the board lets a teacher change them)
STUCK_TRIES = 3
STUCK_MINUTES = 10
MESSAGE_LENGTH = 300  # a line stays short: the teacher reads what happened, not a traceback


def challenge(number: int) -> str:
    """The progress name of workshop challenge ``number``: ``'challenge 2'``."""
    return f"challenge {number}"


def lesson_of(exercise: str) -> tuple[str | None, str]:
    """(notebook, exercise as the teacher reads it) for a check's name; (None, the name) when the table lacks it.

        >>> lesson_of("check_my_fastapi"), lesson_of("challenge 3")
        (('10_debug_your_own_api', 'fix your FastAPI app'), ('99_workshop', 'challenge 3'))
    """
    if exercise in EXERCISES:
        return EXERCISES[exercise]
    number = exercise.removeprefix("challenge ")
    if number != exercise and number.isdigit():
        return WORKSHOP, exercise
    return None, exercise


def course_order(notebook: str | None, exercise: str) -> tuple:
    """A sort key that puts exercises in course order: the table's, then the challenges by number, then the rest."""
    labels = list(EXERCISES.values())
    if (notebook, exercise) in labels:
        return (0, labels.index((notebook, exercise)), "")
    number = exercise.removeprefix("challenge ")
    if notebook == WORKSHOP and number.isdigit():
        return (1, int(number), "")
    return (2, 0, f"{notebook} {exercise}")


# ---- who, where, when ---------------------------------------------------------------------------------------
_pretend: dict = {}  # set by `recording` (the demo, the tests): a folder, a learner, a clock


def folder() -> Path | None:
    """The folder progress goes to (``CORS_LAB_PROGRESS_DIR``), or None: progress is off."""
    chosen = _pretend.get("folder") or os.environ.get(ENVIRONMENT, "").strip()
    return Path(chosen).expanduser() if chosen else None


def learner() -> str:
    """Who is learning: the JupyterHub user, else the login name."""
    if _pretend.get("learner"):
        return _pretend["learner"]
    hub_user = os.environ.get("JUPYTERHUB_USER", "").strip()
    if hub_user:
        return hub_user
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no LOGNAME/USER and no passwd entry (some containers)
        return f"uid-{os.getuid()}"


def file_of(name: str) -> str:
    """The learner's file name: ``ada.jsonl``; any character a file name should not hold is %-escaped.

        >>> file_of("ada"), file_of("grace.hopper@uni.edu"), file_of("../etc")
        ('ada.jsonl', 'grace.hopper@uni.edu.jsonl', '%2E.%2Fetc.jsonl')
    """
    safe = urllib.parse.quote(name, safe="@+-_.")
    if safe.startswith("."):  # no hidden files, no ".."
        safe = "%2E" + safe[1:]
    return f"{safe}.jsonl"


@contextlib.contextmanager
def recording(into: str | Path, as_learner: str | None = None, clock: Callable[[], float] | None = None):
    """Record into ``into`` as ``as_learner`` (with ``clock`` giving the time), whatever the environment says: the
    instructor notebook's demo and the tests use it.

        >>> with recording(tmp, as_learner="ada"):                          # doctest: +SKIP
        ...     workshop.check(1, {"a": False, "b": True, "c": False, "d": False, "e": True})
    """
    before = dict(_pretend)
    _pretend.update(folder=str(into), learner=as_learner, clock=clock)
    try:
        yield Path(into)
    finally:
        _pretend.clear()
        _pretend.update(before)


# ---- writing ------------------------------------------------------------------------------------------------
_warned: set[str] = set()


def _warn_once(place: Path, exc: OSError) -> None:
    if str(place) in _warned:
        return
    _warned.add(str(place))
    reason = exc.strerror or type(exc).__name__
    print(f"Your progress is not recorded: {place} cannot be written ({reason}); your exercises work as before. "
          f"(Teacher: install -d -m 1777 {place})", file=sys.stderr)


def line_for(exercise: str, passed: bool, message: str = "", hint: str | None = None,
             when: float | None = None, who: str | None = None) -> dict:
    """The JSON line's fields for one try of ``exercise`` (a check's name, see `EXERCISES`)."""
    notebook, label = lesson_of(exercise)
    clock = _pretend.get("clock") or time.time
    stamp = datetime.fromtimestamp(clock() if when is None else when, timezone.utc)
    return {"time": stamp.strftime("%Y-%m-%dT%H:%M:%SZ"), "learner": who or learner(), "notebook": notebook,
            "exercise": label, "passed": bool(passed), "message": _short(message), "hint": _short(hint) or None}


def _short(text: str | None) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= MESSAGE_LENGTH else text[:MESSAGE_LENGTH - 1] + "…"


def append(place: Path, fields: dict) -> None:
    """Append ``fields`` as one line to the learner's file in ``place`` (raises OSError)."""
    data = (json.dumps(fields, ensure_ascii=False) + "\n").encode("utf-8")
    # O_APPEND: every write lands at the end, even from several kernels; the lock keeps a long line whole too
    fd = os.open(place / file_of(fields["learner"]), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)  # closing releases the lock


@dataclass
class _Attempt:
    recorded: bool = False


_open_attempt: contextvars.ContextVar[_Attempt | None] = contextvars.ContextVar("cors_lab_attempt", default=None)


def record(exercise: str, verdict=None, *, passed: bool | None = None, message: str = "",
           hint: str | None = None) -> bool:
    """Append one try of ``exercise`` (a check's name) with its `Verdict` (or ``passed``/``message``/``hint``).

    True when a line was written; False when progress is off or the folder cannot be written (one warning line,
    once). Never raises: a teacher's tool must not break a learner's exercise.

        >>> record("check_preflight_policy", verdict)                       # doctest: +SKIP
        True
    """
    current = _open_attempt.get()
    if current is not None:
        current.recorded = True  # the enclosing attempt (a checker around workshop.check) records nothing more
    place = folder()
    if place is None:
        return False
    try:
        if verdict is not None:
            passed, message = bool(verdict), verdict.message
            hints = verdict.hints() if hasattr(verdict, "hints") else []
            hint = hints[0] if hints else None
        append(place, line_for(exercise, bool(passed), message, hint))
        return True
    except OSError as exc:
        _warn_once(place, exc)
    except Exception as exc:  # noqa: BLE001 - never break the exercise
        _warn_once(place, OSError(str(exc)))
    return False


@contextlib.contextmanager
def attempt() -> Iterator[_Attempt]:
    """Around one try: tells whether something inside (`workshop.check`) recorded it already.

        >>> with attempt() as this:                                          # doctest: +SKIP
        ...     verdict = check(answer)
        >>> this.recorded or record("check_preflight_policy", verdict)      # doctest: +SKIP
    """
    this = _Attempt()
    token = _open_attempt.set(this)
    try:
        yield this
    finally:
        _open_attempt.reset(token)


# ---- reading ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Try:
    """One line of a learner's file: one press of Check (or one ``workshop.check``)."""

    time: float  # seconds since the epoch
    learner: str
    notebook: str | None
    exercise: str
    passed: bool
    message: str = ""
    hint: str | None = None


def read(place: str | Path) -> list[Try]:
    """Every try in the folder ``place``, oldest first; a line that is not one of ours is skipped.

        >>> read("/srv/cors_lab-progress")[:1]                              # doctest: +SKIP
        [Try(time=1736157840.0, learner='grace', notebook='03_preflight', exercise='preflight policy', ...)]
    """
    tries = []
    for path in sorted(Path(place).glob("*.jsonl")):
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue  # a file the teacher may not read: the others still count
        for line in text.splitlines():
            try:
                fields = json.loads(line)
                when = datetime.fromisoformat(fields["time"]).timestamp()
                tries.append(Try(when, str(fields["learner"]), fields.get("notebook"), str(fields["exercise"]),
                                 bool(fields["passed"]), fields.get("message") or "", fields.get("hint")))
            except (ValueError, KeyError, TypeError, AttributeError):
                continue
    return sorted(tries, key=lambda one: one.time)


@dataclass(frozen=True)
class Standing:
    """Where one learner stands on one exercise: tries, passed (at least once), the last try, stuck or not."""

    learner: str
    notebook: str | None
    exercise: str
    tries: int
    passed: bool
    last_try: float
    last_message: str = ""
    last_hint: str | None = None
    stuck: bool = False

    def __repr__(self) -> str:
        return (f"Standing({self.learner!r}, {self.notebook!r}, {self.exercise!r}, tries={self.tries}, "
                f"passed={self.passed}, stuck={self.stuck})")


STUCK_RULE = ("Stuck = not passed yet, and either {tries} or more tries, or it is the learner's latest try and it "
              "is more than {minutes} minutes old (nothing tried since).")


def stuck_rule(tries: int = STUCK_TRIES, minutes: float = STUCK_MINUTES) -> str:
    """The stuck rule in one sentence, with its numbers."""
    return STUCK_RULE.format(tries=tries, minutes=f"{minutes:g}")


def summary(tries: list[Try], now: float | None = None, stuck_tries: int = STUCK_TRIES,
            stuck_minutes: float = STUCK_MINUTES) -> list[Standing]:
    """One `Standing` per learner and exercise tried, learners by name, exercises in course order.

    ``now`` (seconds since the epoch, default: now) is when "more than ``stuck_minutes`` old" is measured from.
    """
    now = time.time() if now is None else now
    groups: dict[tuple[str, str | None, str], list[Try]] = {}
    latest: dict[str, Try] = {}
    for one in sorted(tries, key=lambda one: one.time):
        groups.setdefault((one.learner, one.notebook, one.exercise), []).append(one)
        latest[one.learner] = one
    rows = []
    for (name, notebook, exercise), mine in groups.items():
        last, passed = mine[-1], any(one.passed for one in mine)
        silent = latest[name] is last and now - last.time > stuck_minutes * 60
        rows.append(Standing(name, notebook, exercise, len(mine), passed, last.time, last.message, last.hint,
                             stuck=not passed and (len(mine) >= stuck_tries or silent)))
    return sorted(rows, key=lambda row: (row.learner, course_order(row.notebook, row.exercise)))
