"""Lesson 09's attacker console, through its Python API: steal, fix, steal again; escaping; lifecycle."""
from __future__ import annotations

from cors_lab import CorsPolicy, serve
from cors_lab.course import ATTACKS
from cors_lab.course.teaching import ATTACKER, FRONTEND
from cors_lab.server.apps import api_app
from cors_lab.widgets import AttackerConsole


def servers():
    api = serve(api_app(), port=None, name="api")
    helper = serve(api_app(CorsPolicy(reflect_origin=True, allow_credentials=True)), port=None,
                   name="attacker-redirector")
    return api, helper


def test_each_attack_steals_until_the_fix_and_the_frontend_keeps_working():
    api, helper = servers()
    console = AttackerConsole(api, redirector=helper)
    for key in ATTACKS:
        console.load(key)
        assert api.policy == ATTACKS[key].policy
        assert console.steal().startswith("STOLEN: the attacker's page read alice's private data")
        assert repr(console) == f"AttackerConsole({ATTACKS[key].title}: stolen)"
        console.fix([FRONTEND])
        assert api.policy == CorsPolicy(allow_origins=[FRONTEND], allow_credentials=True)
        text = console.steal()
        assert text.startswith("SAFE: the attacker's page read nothing") and "frontend still reads" in text


def test_a_fix_that_breaks_the_frontend_is_called_out():
    api, helper = servers()
    console = AttackerConsole(api, redirector=helper)
    console.fix([FRONTEND], allow_credentials=False)
    assert "frontend cannot read alice's data either" in console.steal()
    assert repr(console) == "AttackerConsole(reflected Origin, with credentials: safe, frontend broken)"


def test_a_hostile_origin_in_the_fix_field_is_refused_in_one_escaped_sentence():
    api, helper = servers()
    console = AttackerConsole(api, redirector=helper)
    hostile = "http://<b>evil</b>"
    console.fix(hostile)
    assert console.refusal and "<b>evil</b>" not in console.output.value
    assert api.policy == ATTACKS["reflect"].policy  # nothing applied


def test_after_stop_it_says_rerun_and_after_a_rerun_it_rebinds_with_the_hole_loaded():
    api, helper = servers()
    console = AttackerConsole(api, redirector=helper)
    api.stop()
    assert "re-run" in console.steal()
    new = serve(api_app(), port=None, name="api")
    assert console.steal().startswith("STOLEN") and console.server is new
    assert new.policy == ATTACKS["reflect"].policy


def test_a_forged_transfer_question_is_answered_by_the_banks_books_and_names_the_cell_once_it_stopped():
    from cors_lab import serve
    from cors_lab.course import bank_app, bank_policy
    from cors_lab.widgets import forged_transfer_question

    bank = serve(bank_app(bank_policy()), name="bank-question")
    same_site = forged_transfer_question(bank, "Moved?", "A simple POST goes out at once.")
    other_site = ATTACKER.replace("localhost", "127.0.0.1")  # the attacker's port on another host: another site
    cross_site = forged_transfer_question(bank, "Moved?", "No cookie cross-site.", attacker=other_site,
                                          samesite="None")
    assert same_site.predict("the money moved").startswith("Right: the money moved.")
    assert cross_site.predict("the money moved").startswith("Not quite: you said the money moved, it is the money "
                                                            "stayed.")
    bank.stop()
    assert "is stopped" in same_site.predict("the money moved") and "Traceback" not in same_site.output.value
