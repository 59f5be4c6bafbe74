"""Widgets for the lessons (views only: the engine decides, the servers answer).

- `sequence_diagram(result)` / `SequenceDiagram(result)`: a fetch as lanes and arrows (HTML + inline SVG).
- `Playground(server, origin=..., url=...)`: edit a server's policy, build a request, Send, ask real Chromium.
- `PolicyEditor(server)`: one policy as fields and as flask-cors code; Run applies it live to a table of requests.
- `ProxyRoute("dev" | "cors" | "public", proxy, api)`: a proxy topology as a picture lit by the live request's hops.
- `ThreeForms(server, url)`: one request as fetch() in Chromium, axios in Chromium and Firefox, side by side,
  with the doctor's reading of each and buttons that confirm them in the real browsers.
- `ApiDoctor(url, origin=...)`: `cors-lab doctor` in a widget, for any URL (your own API).
- `TrapQuiz(name)`: a framework's classic CORS trap: read its configuration, predict, run the real framework.
- `WillItCors(server, url, ..., question=...)`: predict allowed / blocked (or a header's visibility), then run it.
- `Predict(question, choices, reveal)` / `PredictionSet(title, [...])`: capture a prediction, then reveal `Outcome`.
- `send_from_my_browser(url, origin=...)` / `OwnBrowserPanel(calls)`: the learner's own browser makes the request
  from a hidden frame on the page origin; shown next to the lab's log and the engine's prediction.
- `ExerciseChecker(goal, checks)` with `Check(...)`; `credentials_exercise(api, frontend, attacker)`: its
  `check()` returns a `cors_lab.course.Verdict`, as every exercise check does.

What a learner types wrongly in a widget is refused in one sentence (`cors_lab.InputError`, re-exported here).
"""
from cors_lab.errors import InputError
from cors_lab.widgets.api_doctor import ApiDoctor
from cors_lab.widgets.attacker_console import AttackerConsole, forged_transfer_question
from cors_lab.widgets.cache_timeline import CacheTimeline, cache_prediction
from cors_lab.widgets.checker import Check, ExerciseChecker, credentials_exercise
from cors_lab.widgets.credentials_quiz import PolicyQuiz, cookie_kept_question, cookie_question
from cors_lab.widgets.devtools_toggles import DevToolsToggles
from cors_lab.widgets.diagram import SequenceDiagram, sequence_diagram, timeline_diagram
from cors_lab.widgets.doctor_box import DoctorBox
from cors_lab.widgets.format import exchanges_text
from cors_lab.widgets.inspector import ResponseInspector
from cors_lab.widgets.origin_inspector import OriginInspector, predict_same_origin
from cors_lab.widgets.own_browser import OwnBrowserPanel, OwnCall, send_from_my_browser
from cors_lab.widgets.playground import Playground
from cors_lab.widgets.policy_editor import OriginGrant, PolicyEditor
from cors_lab.widgets.predict import Outcome, Predict, PredictionSet
from cors_lab.widgets.preflight_predictor import (
    PreflightPredictor,
    failing_header_question,
    preflight_quiz,
    same_sentence_question,
)
from cors_lab.widgets.progress_board import ProgressBoard, progress_board
from cors_lab.widgets.quiz import WillItCors
from cors_lab.widgets.request_quizzes import ArrivalQuiz, BrowserOrPython, ConsoleQuiz
from cors_lab.widgets.three_forms import (
    ThreeForms,
    axios_preflight_question,
    firefox_words_question,
    which_browser_question,
    xhr_sentence_question,
)
from cors_lab.widgets.topology import ProxyRoute, host_cookie_question
from cors_lab.widgets.trap_quiz import TrapQuiz
from cors_lab.widgets.two_tabs import two_tab_story
from cors_lab.widgets.workshop_board import WorkshopBoard

__all__ = [
    "ApiDoctor",
    "ProgressBoard",
    "progress_board",
    "TrapQuiz",
    "sequence_diagram",
    "SequenceDiagram",
    "Playground",
    "PolicyEditor",
    "OriginGrant",
    "ProxyRoute",
    "host_cookie_question",
    "WillItCors",
    "Predict",
    "PredictionSet",
    "Outcome",
    "ExerciseChecker",
    "Check",
    "credentials_exercise",
    "InputError",
    "exchanges_text",
    "DevToolsToggles",
    "AttackerConsole",
    "forged_transfer_question",
    "WorkshopBoard",
    "OriginInspector",
    "predict_same_origin",
    "DoctorBox",
    "two_tab_story",
    "PreflightPredictor", "preflight_quiz", "failing_header_question", "same_sentence_question",
    "CacheTimeline", "cache_prediction", "timeline_diagram",
    "PolicyQuiz", "cookie_question", "cookie_kept_question",
    "ResponseInspector",
    "ConsoleQuiz", "ArrivalQuiz", "BrowserOrPython",
    "ThreeForms", "firefox_words_question", "xhr_sentence_question", "axios_preflight_question",
    "which_browser_question",
    "OwnBrowserPanel", "OwnCall", "send_from_my_browser",
]
