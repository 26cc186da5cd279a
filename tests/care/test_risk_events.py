"""A risk answer is never lost (issue #13, hazards HAZ-001 and HAZ-003): it is written as a
risk_event the moment it is given, and survives a changed answer, "Later", a cancelled
assessment, an auto-lock and a killed app. Only a recorded action closes the task."""

import json
import os
import signal
import subprocess
import sys
import textwrap

import pytest
from PySide6.QtWidgets import QDialog

from workwell_desktop.domain.assessments import Assessment, SafetyAction
from workwell_desktop.domain.risk import RiskEvent
from workwell_desktop.gui.assessments import AssessmentRunner, AssessmentsTab
from workwell_desktop.gui.database_handle import DatabaseHandle
from workwell_desktop.instruments import get_instrument
from workwell_desktop.services import safety
from workwell_desktop.store import ImmutableRecord, InvalidRecord, Store, replica

PASS = "correct horse battery staple"


def run_phq9(qtbot, track, source, client_id, item9):
    runner = AssessmentRunner(source, client_id, "phq9", "baseline")
    track(runner)
    runner.show()
    qtbot.waitExposed(runner)
    for value in (1, 1, 1, 1, 1, 1, 1, 1):
        runner.answer(value)
        runner.next_item()
    runner.answer(item9)
    return runner


def kinds(store, client_id):
    return [e.kind for e in store.for_client(RiskEvent, client_id)]


def test_the_answer_is_on_record_before_the_prompt_is_answered(qtbot, track, store, client):
    runner = run_phq9(qtbot, track, store, client.id, 3)
    qtbot.waitUntil(lambda: runner.safety_prompt is not None and runner.safety_prompt.isVisible())
    [event] = store.for_client(RiskEvent, client.id)
    assert (event.kind, event.instrument_id, event.item_id, event.item_number, event.answer) == (
        "answer",
        "phq9",
        "q9",
        9,
        3,
    )
    assert event.recorded_by == "Alex Coach" and event.recorded_at
    assert event.assessment_id == runner.assessment_id
    # Bound to the client the runner was opened for, whose name it shows (HAZ-008).
    assert event.client_id == client.id
    assert runner.accessibleName().endswith("for Jane Example")
    assert "Jane Example" in runner.windowTitle() or any(
        "With Jane Example" in label.text() for label in runner.findChildren(type(runner.risk_text))
    )
    # It is in the change log (so it syncs) and the audit trail, like any record.
    assert any(c["record_type"] == "risk_event" for c in store.changes())
    assert any(a["record_type"] == "risk_event" for a in store.audit_trail())


def test_later_then_answer_changed_to_0_then_saved_keeps_an_open_task(qtbot, track, store, client):
    # The path: item 9 = 3, "Later", item 9 changed to 0, save.
    runner = run_phq9(qtbot, track, store, client.id, 3)
    qtbot.waitUntil(lambda: runner.safety_prompt.isVisible())
    runner.safety_prompt.later_button.click()
    qtbot.waitUntil(lambda: not runner.safety_prompt.isVisible())
    runner.answer(0)
    assert runner.risk_banner.isVisible()  # still says a risk answer is on record
    runner.next_item()
    with qtbot.waitSignal(runner.saved):
        runner.save()
    [saved] = store.for_client(Assessment, client.id)
    assert saved.flags == () and saved.answers[8] == 0
    assert kinds(store, client.id) == ["answer", "later"]
    [task] = safety.client_safety_tasks(store, client.id)
    assert task.answer == 3 and task.chose_later and task.assessment_id == saved.id


def test_escape_on_the_prompt_counts_as_later(qtbot, track, store, client):
    runner = run_phq9(qtbot, track, store, client.id, 1)
    qtbot.waitUntil(lambda: runner.safety_prompt.isVisible())
    runner.safety_prompt.reject()
    assert kinds(store, client.id) == ["answer", "later"]


def test_cancelling_the_assessment_keeps_the_risk_answer(qtbot, track, store, client):
    runner = run_phq9(qtbot, track, store, client.id, 2)
    qtbot.waitUntil(lambda: runner.safety_prompt.isVisible())
    runner.safety_prompt.later_button.click()
    runner.reject()  # Discard (the conftest answers the question)
    assert store.for_client(Assessment, client.id) == []
    assert len(safety.client_safety_tasks(store, client.id)) == 1


def test_recording_what_was_done_closes_it_and_the_save_adds_nothing_open(qtbot, track, store, client):
    runner = run_phq9(qtbot, track, store, client.id, 2)
    qtbot.waitUntil(lambda: runner.safety_prompt.isVisible())
    prompt = runner.safety_prompt
    prompt.checks["asked_immediate_risk"].setChecked(True)
    prompt.note.setPlainText("Asked; passive thoughts only; safety plan agreed.")
    prompt.record()
    assert kinds(store, client.id) == ["answer", "action"]
    assert safety.client_safety_tasks(store, client.id) == []
    runner.next_item()
    with qtbot.waitSignal(runner.saved):
        runner.save()
    assert safety.client_safety_tasks(store, client.id) == []
    [saved] = store.for_client(Assessment, client.id)
    assert saved.flags == ("self_harm_risk",) and saved.safety.note.startswith("Asked")


def test_a_lock_while_the_prompt_is_open_loses_nothing(qtbot, track, store, client, tmp_path):
    handle = DatabaseHandle()
    handle.open(store)
    runner = run_phq9(qtbot, track, handle, client.id, 3)
    qtbot.waitUntil(lambda: runner.safety_prompt.isVisible())
    data_dir = store.data_dir
    handle.close()  # the auto-lock: the key is dropped, the dialogs are hidden
    runner.safety_prompt.later_button.click()  # what is clicked after a lock cannot write: no crash
    reopened = Store.open(data_dir, PASS)
    try:
        assert [e.kind for e in reopened.for_client(RiskEvent, client.id)] == ["answer"]
        assert len(safety.client_safety_tasks(reopened, client.id)) == 1
    finally:
        reopened.close()


KILLED = textwrap.dedent("""
    import os, signal, sys
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    os.environ["WORKWELL_KEY_STORE"] = "file"
    from PySide6.QtWidgets import QApplication
    app = QApplication([])
    from workwell_desktop.gui.assessments import AssessmentRunner
    from workwell_desktop.store import Store
    store = Store.open(sys.argv[1], sys.argv[2])
    runner = AssessmentRunner(store, sys.argv[3], "phq9", "baseline")
    runner.show()
    for value in (1, 1, 1, 1, 1, 1, 1, 1):
        runner.answer(value)
        runner.next_item()
    runner.answer(2)          # the risk answer; the safety prompt opens
    os.kill(os.getpid(), signal.SIGKILL)   # the laptop dies with the prompt open
""")


def test_a_killed_app_loses_nothing(store, client, tmp_path):
    data_dir = store.data_dir
    store.close()
    done = subprocess.run(
        [sys.executable, "-c", KILLED, str(data_dir), PASS, client.id],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "WORKWELL_KEY_STORE": "file"},
    )
    assert done.returncode == -signal.SIGKILL, done.stderr[-2000:]
    reopened = Store.open(data_dir, PASS)
    try:
        [event] = reopened.for_client(RiskEvent, client.id)
        assert (event.kind, event.answer) == ("answer", 2)
        assert reopened.verify_audit() == []
    finally:
        reopened.close()


def test_the_initial_assessment_risk_question_opens_the_same_prompt(qtbot, track, handle, store, client):
    initial = get_instrument("workwell_initial")
    runner = AssessmentRunner(handle, client.id, "workwell_initial", "baseline")
    track(runner)
    runner.show()
    position = [i.id for i in initial.items].index("wellbeing_risk")
    runner.show_item(position)
    assert "better off dead" in runner.question.text()
    runner.answer(9)  # "Prefers not to say" cannot rule risk out
    qtbot.waitUntil(lambda: runner.safety_prompt is not None and runner.safety_prompt.isVisible())
    [event] = store.for_client(RiskEvent, client.id)
    assert (event.instrument_id, event.item_id, event.answer) == ("workwell_initial", "wellbeing_risk", 9)
    runner.safety_prompt.later_button.click()
    runner.show_item(len(initial.items) - 1)
    runner.next_item()  # the result page
    runner.save()
    assert store.for_client(Assessment, client.id) == []  # not without what was done
    assert "record what you did" in runner.save_message.text().lower()


def test_only_a_recorded_action_closes_a_task(store, client):
    phq9 = get_instrument("phq9")
    [answer] = safety.record_risk_answer(store, client.id, phq9, "q9", 1, "a1")
    safety.record_later(store, client.id, [answer.id], "a1")
    safety.record_later(store, client.id, [answer.id], "a1")
    assert len(safety.client_safety_tasks(store, client.id)) == 1
    with pytest.raises(InvalidRecord) as refused:
        safety.record_safety_action(
            store, client.id, [answer.id], SafetyAction(("asked_immediate_risk",), "")
        )
    assert "safety_note" in refused.value.errors
    safety.record_safety_action(
        store, client.id, [answer.id], SafetyAction(("asked_immediate_risk",), "Asked; safe; GP today.")
    )
    assert safety.client_safety_tasks(store, client.id) == []


def test_a_risk_answer_of_0_writes_nothing(store, client):
    assert safety.record_risk_answer(store, client.id, get_instrument("phq9"), "q9", 0, "a1") == []
    assert store.for_client(RiskEvent, client.id) == []


def test_risk_events_are_immutable(store, client):
    [answer] = safety.record_risk_answer(store, client.id, get_instrument("phq9"), "q9", 3, "a1")
    with pytest.raises(ImmutableRecord):
        store.update(RiskEvent, answer.id, answer=0)


def test_risk_events_sync_and_the_task_is_open_on_the_other_laptop(store, client, tmp_path):
    other = Store.create(tmp_path / "other", PASS, "Sam Coach")
    try:
        [answer] = safety.record_risk_answer(store, client.id, get_instrument("phq9"), "q9", 2, "a1")
        safety.record_later(store, client.id, [answer.id], "a1")
        changes = replica.unsent_changes(store, 1000)
        replica.apply_remote(other, changes, "1")
        assert [t.answer for t in safety.client_safety_tasks(other, client.id)] == [2]
        # The action recorded there closes it here too.
        safety.record_safety_action(
            other, client.id, [answer.id], SafetyAction(("informed_team_lead",), "Told the team lead.")
        )
        back = [c for c in replica.unsent_changes(other, 1000) if c["record_type"] == "risk_event"]
        replica.apply_remote(store, back, "2")
        assert safety.client_safety_tasks(store, client.id) == []
    finally:
        other.close()


def test_a_saved_flagged_assessment_always_has_its_risk_events(store, client):
    # Saved by another route than the runner (CLI, a script): the events are added with it.
    from workwell_desktop.services import assessments as service

    action = SafetyAction(
        ("asked_immediate_risk",), "Asked about the thoughts.", "Alex Coach", "2026-11-20T10:00:00+00:00"
    )
    saved = service.record_assessment(
        store, client.id, "phq9", [0] * 8 + [1], timepoint="baseline", safety_action=action
    )
    events = store.for_client(RiskEvent, client.id)
    assert [e.kind for e in events] == ["answer", "action"]
    assert events[0].assessment_id == saved.id and events[1].closes == (events[0].id,)
    assert json.loads(saved.safety_action)["note"] == "Asked about the thoughts."


def test_the_tab_shows_the_open_task_and_records_what_was_done(qtbot, track, handle, store, client):
    [answer] = safety.record_risk_answer(store, client.id, get_instrument("phq9"), "q9", 3, "a1")
    safety.record_later(store, client.id, [answer.id], "a1")
    tab = AssessmentsTab(handle, client.id)
    qtbot.addWidget(tab)
    tab.show()
    assert tab.safety_card.isVisibleTo(tab) and len(tab.task_buttons) == 1
    prompt = tab.record_safety_task(tab.tasks[0])
    track(prompt)
    assert prompt.later_button.text() == "&Close"
    prompt.checks["asked_immediate_risk"].setChecked(True)
    prompt.note.setPlainText("Phoned back; safe; crisis team number given.")
    prompt.record()
    assert prompt.result() == QDialog.DialogCode.Accepted
    assert safety.client_safety_tasks(store, client.id) == []
    assert not tab.safety_card.isVisibleTo(tab)


def test_a_broken_safety_file_still_opens_the_prompt_with_the_national_lines(
    qtbot, track, store, client, monkeypatch, tmp_path
):
    from workwell_desktop.services import assessments as service

    broken = tmp_path / "safety_actions.json"
    broken.write_text("{ not json", encoding="utf-8")
    monkeypatch.setattr(service, "safety_guidance_path", lambda: broken)
    runner = run_phq9(qtbot, track, store, client.id, 2)
    qtbot.waitUntil(lambda: runner.safety_prompt is not None and runner.safety_prompt.isVisible())
    texts = " ".join(label.text() for label in runner.safety_prompt.findChildren(type(runner.risk_text)))
    assert "could not be read" in texts and "116 123" in texts and "999" in texts
    assert kinds(store, client.id) == ["answer"]


def test_an_action_for_another_client_closes_nothing(store, client):
    from workwell_desktop.domain.records import Client, Referral

    other = Client(
        given_name="Sol",
        family_name="Brook",
        date_of_birth="1990-01-01",
        nhs_number="9990000026",
        postcode="CA1 1AA",
        phone="07700900124",
    )
    store.add_together([other, Referral(client_id=other.id, route="gp", received_on="2026-09-01")])
    [answer] = safety.record_risk_answer(store, client.id, get_instrument("phq9"), "q9", 2, "a1")
    safety.record_safety_action(store, other.id, [answer.id], SafetyAction(("asked_immediate_risk",), "x"))
    assert len(safety.client_safety_tasks(store, client.id)) == 1


def test_the_initial_assessment_risk_question_cannot_be_skipped(qtbot, track, handle, store, client):
    initial = get_instrument("workwell_initial")
    runner = AssessmentRunner(handle, client.id, "workwell_initial", "baseline")
    track(runner)
    runner.show()
    position = [i.id for i in initial.items].index("wellbeing_risk")
    runner.show_item(position)
    assert "can be left unanswered" not in runner.key_hint.text()
    runner.next_item()
    assert runner.index == position and "Choose an answer" in runner.item_message.text()
    runner.show_item(position + 1)  # an ordinary question of the same measure stays optional
    if runner.current_item().response != "text":
        assert "can be left unanswered" in runner.key_hint.text()


def test_a_correction_keeps_the_original_risk_answers_and_adds_none(store, client):
    from workwell_desktop.services import assessments as service

    action = SafetyAction(
        ("asked_immediate_risk",), "Asked about the thoughts.", "Alex Coach", "2026-11-20T10:00:00+00:00"
    )
    original = service.record_assessment(
        store, client.id, "phq9", [0] * 8 + [1], timepoint="baseline", safety_action=action
    )
    before = store.for_client(RiskEvent, client.id)
    service.correct_assessment(store, original.id, [1] * 8 + [1], "item 1 was typed wrong")
    assert store.for_client(RiskEvent, client.id) == before
    assert safety.client_safety_tasks(store, client.id) == []
