"""The runner driven from the keyboard, the safety prompt at the risk answer, and renders."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from workwell_desktop.domain.assessments import Assessment
from workwell_desktop.gui.assessments import AssessmentRunner, SafetyPrompt
from workwell_desktop.instruments import score

PHQ9 = [2, 2, 2, 1, 2, 2, 2, 2, 1]  # item 9 answered 1: a risk answer


def press(qtbot, runner, key, modifier=Qt.KeyboardModifier.NoModifier):
    """A key as the person presses it: it goes to whatever has focus in the runner."""
    target = runner.focusWidget() or runner
    qtbot.keyClick(target, key, modifier)


def digit_key(value: int):
    return getattr(Qt.Key, f"Key_{value}")


@pytest.fixture
def runner(qtbot, track, handle, store, client):
    dialog = AssessmentRunner(handle, client.id, "phq9", "baseline")
    track(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_phq9_through_the_keyboard_with_the_safety_prompt_at_item_9(qtbot, runner, store, client, render):
    assert runner.progress_label.text() == "Item 1 of 9"
    for number, value in enumerate(PHQ9[:8], 1):
        assert runner.progress_label.text() == f"Item {number} of 9"
        press(qtbot, runner, digit_key(value))
        assert runner.answers[number - 1] == value
        assert runner.safety_prompt is None  # no risk answer yet
        press(qtbot, runner, Qt.Key.Key_Return)
    assert runner.progress_label.text() == "Item 9 of 9"

    # The prompt opens the moment the risk answer is given, before Enter.
    press(qtbot, runner, digit_key(PHQ9[8]))
    qtbot.waitUntil(lambda: runner.safety_prompt is not None and runner.safety_prompt.isVisible())
    prompt = runner.safety_prompt
    assert "better off dead" in prompt.flag_labels[0].text()  # the instrument's own safety text
    assert runner.progress_label.text() == "Item 9 of 9"  # still on the question: not at the end
    render(prompt, "assess-safety-prompt")

    # "Later": the runner still goes to the result, but saving is refused.
    prompt.later_button.click()
    qtbot.waitUntil(lambda: not prompt.isVisible())
    assert runner.risk_banner.isVisible()
    press(qtbot, runner, Qt.Key.Key_Return)
    assert runner.stack.currentIndex() == 1  # the result page
    expected = score("phq9", PHQ9)
    assert runner.score_label.text() == f"PHQ-9 score {expected.total} out of 27"
    runner.save_button.click()
    assert store.for_client(Assessment, client.id) == []
    assert "record what you did" in runner.save_message.text()
    # Saving without the record opens the prompt again.
    qtbot.waitUntil(lambda: runner.safety_prompt.isVisible())
    prompt = runner.safety_prompt

    # Refused until a tick and a note are given; the messages sit by the fields.
    prompt.record_button.click()
    assert prompt.isVisible()
    assert prompt.actions_message.isVisible() and prompt.note_message.isVisible()
    prompt.checks["asked_immediate_risk"].setChecked(True)
    prompt.checks["shared_crisis_lines"].setChecked(True)
    prompt.note.setPlainText(
        "Asked about the thoughts; no plans or intent. Agreed to call Samaritans "
        "if they return; team lead told."
    )
    prompt.record_button.click()
    qtbot.waitUntil(lambda: not prompt.isVisible())
    render(runner, "assess-runner-results")

    with qtbot.waitSignal(runner.saved) as saved:
        press(qtbot, runner, Qt.Key.Key_Return)  # Enter on the result page saves
    record = saved.args[0]
    assert record.total == expected.total and record.band == expected.band
    assert record.flags == ("self_harm_risk",)
    assert record.safety.actions == ("asked_immediate_risk", "shared_crisis_lines")
    assert store.for_client(Assessment, client.id) == [record]


def test_back_keys_and_the_midway_render(qtbot, runner, render):
    for value in (1, 2, 3):
        press(qtbot, runner, digit_key(value))
        press(qtbot, runner, Qt.Key.Key_Return)
    assert runner.progress_label.text() == "Item 4 of 9"
    press(qtbot, runner, Qt.Key.Key_Backspace)
    assert runner.progress_label.text() == "Item 3 of 9"
    assert runner.option_buttons[3].isChecked()  # the earlier answer is still there
    press(qtbot, runner, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert runner.progress_label.text() == "Item 2 of 9"
    runner.back_button.click()
    assert runner.progress_label.text() == "Item 1 of 9"
    for _ in range(2):
        press(qtbot, runner, Qt.Key.Key_Return)
    render(runner, "assess-runner-midway")


def test_enter_without_an_answer_stays_and_says_why(qtbot, runner):
    press(qtbot, runner, Qt.Key.Key_Return)
    assert runner.progress_label.text() == "Item 1 of 9"
    assert "Choose an answer" in runner.item_message.text()
    press(qtbot, runner, Qt.Key.Key_7)
    assert runner.answers[0] is None
    assert "7 is not an answer" in runner.item_message.text()


def test_swemwbs_keys_1_to_5_and_metric_score_with_raw(qtbot, track, handle, store, client):
    runner = AssessmentRunner(handle, client.id, "swemwbs", "baseline")
    track(runner)
    runner.show()
    answers = [3, 4, 2, 3, 5, 1, 3]
    for value in answers:
        press(qtbot, runner, digit_key(value))
        press(qtbot, runner, Qt.Key.Key_Return)
    expected = score("swemwbs", answers)
    assert runner.score_label.text() == f"SWEMWBS metric score {expected.total:g} (raw score {expected.raw})"
    with qtbot.waitSignal(runner.saved) as saved:
        runner.save_button.click()
    assert saved.args[0].total == expected.total and saved.args[0].raw == expected.raw


def test_ons4_ten_is_typed_1_then_0_and_each_item_is_banded(qtbot, track, handle, store, client, render):
    runner = AssessmentRunner(handle, client.id, "ons4", "review")
    track(runner)
    runner.show()
    for keys in ((Qt.Key.Key_1, Qt.Key.Key_0), (Qt.Key.Key_7,), (Qt.Key.Key_6,), (Qt.Key.Key_2,)):
        for key in keys:
            press(qtbot, runner, key)
        press(qtbot, runner, Qt.Key.Key_Return)
    assert runner.answers == [10, 7, 6, 2]
    runner.previous_item()
    render(runner, "assess-runner-ons4")
    runner.next_item()
    expected = score("ons4", [10, 7, 6, 2])
    for subscale in expected.subscales.values():
        line = f"{subscale.label}: {subscale.score} out of 10 \u2013 {subscale.band}"
        assert line in runner.band_label.text()
    with qtbot.waitSignal(runner.saved) as saved:
        runner.save_button.click()
    assert saved.args[0].band == expected.band and saved.args[0].total is None


def test_initial_assessment_writes_free_text_per_section(qtbot, track, handle, store, client, render):
    runner = AssessmentRunner(handle, client.id, "workwell_initial", "baseline")
    track(runner)
    runner.show()
    assert runner.section_label.text().startswith("Health and how it affects work (part 1 of 5)")
    qtbot.keyClicks(runner.text_answer, "Low back pain since March")
    render(runner, "assess-runner-initial")
    press(qtbot, runner, Qt.Key.Key_Return)  # Enter moves on from a written answer
    assert runner.progress_label.text() == "Item 2 of 28"
    press(qtbot, runner, Qt.Key.Key_Return)  # written answers may be left empty
    press(qtbot, runner, Qt.Key.Key_2)  # treatment: waiting
    assert runner.answers[2] == 2
    while runner.stack.currentIndex() == 0:
        if runner.current_item().id == "wellbeing_risk" and runner.answers[runner.index] is None:
            press(qtbot, runner, Qt.Key.Key_0)  # the risk question must be answered: "No"
        press(qtbot, runner, Qt.Key.Key_Return)
    assert "Health conditions: Low back pain since March" in runner.answers_label.text()
    with qtbot.waitSignal(runner.saved) as saved:
        runner.save_button.click()
    record = saved.args[0]
    assert record.response_texts == {"health_conditions": "Low back pain since March"}
    assert record.answers[2] == 2 and record.total is None


def test_closing_with_answers_asks_first(qtbot, runner, message_boxes):
    message_boxes.answer = QMessageBox.StandardButton.Cancel
    press(qtbot, runner, Qt.Key.Key_1)
    runner.reject()
    assert message_boxes.asked and runner.isVisible()
    message_boxes.answer = QMessageBox.StandardButton.Discard
    runner.reject()
    assert not runner.isVisible()


def test_safety_prompt_lists_the_services_actions(qtbot, store):
    from workwell_desktop.services.assessments import load_safety_guidance

    guidance = load_safety_guidance()
    prompt = SafetyPrompt(guidance, ["Risk answer: test."], "Alex Coach")
    qtbot.addWidget(prompt)
    assert [c.id for c in guidance.actions] == list(prompt.checks)
    assert all(box.accessibleName() for box in prompt.checks.values())
    assert prompt.note.accessibleName()
