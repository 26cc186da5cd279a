"""The Letters tab and the letter builder, driven as a coach would (pytest-qt, offscreen)."""

from datetime import date, timedelta

import pytest
from letters_support import RENDERS, flat, pdf_pages, record_consent
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog

from workwell_desktop.domain.letters import EmployerLetter
from workwell_desktop.gui import style
from workwell_desktop.gui.letters import ExportLetterDialog, LetterBuilderDialog, LettersTab
from workwell_desktop.services.letters import letter_pdf


@pytest.fixture(autouse=True)
def nhs_look(qapp):
    style.apply(qapp)


def save_render(widget, name: str) -> None:
    RENDERS.mkdir(exist_ok=True)
    QApplication.processEvents()
    widget.grab().save(str(RENDERS / f"letters-{name}.png"))


def fill_builder(qtbot, builder: LetterBuilderDialog) -> None:
    builder.recipient_name.setText("Jo Barker")
    builder.recipient_role.setText("Operations Manager")
    builder.employer_address.setPlainText("Unit 4, Kingstown Industrial Estate\nCarlisle\nCA3 0AA")
    builder.functional_effects.setPlainText("Sam tires quickly and finds long shifts on their feet hard.")
    builder.adjustments.choices["more_breaks"].box.click()
    builder.adjustments.choose("phased_return")
    builder.adjustments.choices["more_breaks"].wording.setPlainText("A short break every hour, sitting down.")
    builder.schedule.preset.setCurrentIndex(builder.schedule.preset.findData("4-week phased return"))
    qtbot.mouseClick(builder.schedule.use_preset, Qt.MouseButton.LeftButton)
    builder.schedule.rows[0].hours.setValue(3.5)
    builder.review_on.set_iso((date.today() + timedelta(days=56)).isoformat())


def test_prepare_is_disabled_with_the_reason_when_there_is_no_consent(qtbot, handle, store, client):
    tab = LettersTab(handle, client.id)
    qtbot.addWidget(tab)
    tab.resize(1000, 520)
    tab.show()
    assert not tab.prepare_button.isEnabled()
    assert tab.consent_notice.isVisible()
    assert "not been asked" in tab.consent_notice.text()
    assert "not been asked" in tab.prepare_button.accessibleDescription()
    assert tab.open_builder() is None
    save_render(tab, "tab-no-consent")
    record_consent(store, client.id, "given")
    tab.refresh()
    assert tab.prepare_button.isEnabled() and not tab.consent_notice.isVisible()
    record_consent(store, client.id, "withdrawn")
    tab.refresh()
    assert not tab.prepare_button.isEnabled() and "withdrew" in tab.consent_notice.text()


def test_issue_is_refused_until_the_client_has_agreed(qtbot, handle, store, consented):
    builder = LetterBuilderDialog(handle, consented.id)
    qtbot.addWidget(builder)
    builder.show()
    assert builder.issue_problems()
    fill_builder(qtbot, builder)
    assert builder.issue_problems()
    assert builder.errors().keys() == {"client_agreed"}
    assert "agree" in builder.summary.text()
    builder.agreed.setChecked(True)
    assert not builder.issue_problems()
    assert "Recorded by Alex Coach" in builder.agreed_note.text()
    # changing the letter after agreement clears it: the client agreed other words
    builder.functional_effects.setPlainText("Something new.")
    assert not builder.agreed.isChecked() and builder.issue_problems()
    assert "changed after the client agreed" in builder.agreed_note.text()


def test_condition_field_is_only_used_when_sharing_is_ticked(qtbot, handle, store, consented):
    builder = LetterBuilderDialog(handle, consented.id)
    qtbot.addWidget(builder)
    assert not builder.condition.isEnabled() and not builder.share_condition.isChecked()
    builder.share_condition.setChecked(True)
    builder.condition.setText("long COVID")
    assert builder.draft().disclosed_condition == "long COVID"
    builder.share_condition.setChecked(False)
    assert builder.draft().disclosed_condition == ""
    builder.update_preview()
    assert "long COVID" not in builder.preview.toPlainText()


def test_full_flow_issue_then_listed_and_exported(qtbot, handle, store, consented, tmp_path, monkeypatch):
    tab = LettersTab(handle, consented.id)
    qtbot.addWidget(tab)
    tab.resize(1100, 560)
    tab.show()
    assert tab.empty.isVisible()
    builder = tab.open_builder()
    assert builder is not None
    fill_builder(qtbot, builder)
    builder.agreed.setChecked(True)
    builder.update_preview()
    assert "A short break every hour, sitting down." in builder.preview.toPlainText()
    builder.resize(1280, 900)
    save_render(builder, "builder")
    scroll = builder.adjustments.parentWidget()
    while scroll is not None and not hasattr(scroll, "ensureWidgetVisible"):
        scroll = scroll.parentWidget()
    for part, widget in (
        ("adjustments", builder.adjustments.choices["more_breaks"].wording),
        ("schedule", builder.schedule.add_button),
        ("agreement", builder.agreed),
    ):
        QApplication.processEvents()
        scroll.ensureWidgetVisible(widget, 50, 200)
        save_render(builder, f"builder-{part}")
    with qtbot.waitSignal(tab.letter_issued, timeout=5000):
        qtbot.mouseClick(builder.issue_button, Qt.MouseButton.LeftButton)
    assert builder.result() == QDialog.DialogCode.Accepted
    letters = store.for_client(EmployerLetter, consented.id)
    assert len(letters) == 1
    assert tab.model.rowCount() == 1
    assert tab.selected_letter().reference == letters[0].reference
    assert letters[0].reference in tab.status.text()
    text = flat(" ".join(pdf_pages(letter_pdf(store, letters[0]))))
    assert "A short break every hour, sitting down." in text
    assert "1 3 3.5 10.5" in text  # the edited first week of the schedule
    save_render(tab, "tab")

    # export: the warning dialog, then the file dialog, then the audited write
    dialog = ExportLetterDialog(letters[0], None)
    qtbot.addWidget(dialog)
    dialog.show()
    assert "not protected by WorkWell's encryption" in " ".join(
        w.text() for w in dialog.findChildren(type(tab.status))
    )
    # Protected by default: a password is needed. The button stays enabled; pressing it says why.
    assert dialog.export_button.isEnabled() and not dialog.fields.summary.isVisible()
    dialog.password.setText("short")
    dialog.export_button.click()
    assert dialog.result() != QDialog.DialogCode.Accepted and dialog.isVisible()
    summary = dialog.fields.summary
    assert summary.isVisible() and dialog.focusWidget() is summary
    assert [e.accessibleName() for e in summary.entries] == [
        "Choose a password of at least 8 characters, or untick password protection."
    ]
    summary.entries[0].activated.emit()  # the entry goes to its field
    assert dialog.focusWidget() is dialog.password
    dialog.password.setText("tea-and-biscuits")
    dialog.again.setText("tea-and-biscuits")
    assert dialog.problems() == {}
    save_render(dialog, "export")

    target = tmp_path / "sent.pdf"
    monkeypatch.setattr(ExportLetterDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    monkeypatch.setattr(ExportLetterDialog, "chosen_password", lambda self: "tea-and-biscuits")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    with qtbot.waitSignal(tab.letter_exported, timeout=5000):
        tab.export_selected()
    from io import BytesIO

    from pypdf import PdfReader

    reader = PdfReader(BytesIO(target.read_bytes()))
    assert reader.is_encrypted and reader.decrypt("tea-and-biscuits")
    assert any(a["action"] == "export-letter" for a in store.audit_trail())


def test_consent_withdrawn_while_the_builder_is_open(qtbot, handle, store, consented):
    builder = LetterBuilderDialog(handle, consented.id)
    qtbot.addWidget(builder)
    builder.show()
    fill_builder(qtbot, builder)
    builder.agreed.setChecked(True)
    assert not builder.issue_problems()
    record_consent(store, consented.id, "withdrawn")
    builder.issue()
    assert builder.result() != QDialog.DialogCode.Accepted
    assert builder.consent_banner.isVisible() and "withdrew" in builder.consent_banner.text()
    assert builder.issue_problems()
    assert store.for_client(EmployerLetter, consented.id) == []


def test_correct_and_reissue_supersedes(qtbot, handle, store, consented):
    tab = LettersTab(handle, consented.id)
    qtbot.addWidget(tab)
    first = tab.open_builder()
    fill_builder(qtbot, first)
    first.agreed.setChecked(True)
    first.issue()
    original = tab.selected_letter()
    builder = tab.open_builder(based_on=original)
    assert builder.recipient_name.text() == "Jo Barker" and not builder.agreed.isChecked()
    builder.recipient_name.setText("Kim Hale")
    builder.agreed.setChecked(True)
    builder.issue()
    assert tab.model.rowCount() == 2
    newest = tab.model.row_object(0)
    assert newest.supersedes == original.id
    assert tab.model.data(tab.model.index(1, 4)) == f"Superseded by {newest.reference}"


def test_every_input_has_an_accessible_name(qtbot, handle, store, consented):
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractSpinBox,
        QComboBox,
        QLineEdit,
        QPlainTextEdit,
        QWidget,
    )

    builder = LetterBuilderDialog(handle, consented.id)
    qtbot.addWidget(builder)
    builder.schedule.set_weeks([])
    builder.schedule.add_week()
    kinds = (QAbstractButton, QAbstractSpinBox, QComboBox, QLineEdit, QPlainTextEdit)
    unnamed = [
        w
        for w in builder.findChildren(QWidget)
        if isinstance(w, kinds)
        and not w.accessibleName()
        and not isinstance(w.parent(), QAbstractSpinBox | QComboBox)
    ]
    assert len(builder.findChildren(QAbstractButton)) > 20
    assert unnamed == []


def test_builder_names_the_exact_words_that_would_disclose(qtbot, handle, store, consented):
    """Issue #14: the guard only saw an exact copy of the condition field; the builder now
    shows every hit on the printed text and keeps Issue disabled."""
    tab = LettersTab(handle, consented.id)
    qtbot.addWidget(tab)
    builder = tab.open_builder()
    fill_builder(qtbot, builder)
    builder.functional_effects.setPlainText("Sam has severe depression; NHS number 943 476 5919.")
    builder.agreed.setChecked(True)
    builder.update_preview()
    message = builder.disclosure_banner.text()
    assert builder.disclosure_banner.isVisibleTo(builder)
    assert "\u201cdepression\u201d in how their health affects work" in message
    assert "\u201c943 476 5919\u201d" in message
    assert builder.issue_problems()
    builder.resize(1280, 900)
    save_render(builder, "builder-disclosure")
    builder.functional_effects.setPlainText("Sam tires quickly and finds long shifts on their feet hard.")
    builder.update_preview()
    assert not builder.disclosure_banner.isVisibleTo(builder)
    assert not builder.agreed.isChecked()  # the text changed: the client must agree it again
    builder.agreed.setChecked(True)
    builder.update_preview()
    assert not builder.issue_problems()


def test_export_after_withdrawal_asks_for_the_lawful_reason(qtbot, handle, store, consented, tmp_path):
    from letters_support import make_draft

    from workwell_desktop.services.letters import export_problem, issue_letter

    letter = issue_letter(store, consented.id, make_draft())
    record_consent(store, consented.id, "withdrawn")
    dialog = ExportLetterDialog(letter, export_problem(store, letter.id))
    qtbot.addWidget(dialog)
    dialog.protect.setChecked(False)
    assert list(dialog.problems()) == ["lawful_reason"]
    dialog.reason.set_code("subject_access")
    assert dialog.problems() == {}
    dialog.export_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.chosen_reason() == "subject_access"
    dialog.resize(640, 480)
    save_render(dialog, "export-after-withdrawal")
    tab = LettersTab(handle, consented.id)
    qtbot.addWidget(tab)
    tab.export_to(letter, tmp_path / "refused.pdf")  # no reason: refused, said why
    assert "withdrew" in tab.status.text() and not (tmp_path / "refused.pdf").exists()
    tab.export_to(letter, tmp_path / "copy.pdf", lawful_reason="subject_access")
    assert (tmp_path / "copy.pdf").exists() and "Exported" in tab.status.text()


def test_issuing_and_exporting_run_off_the_gui_thread_once(
    qtbot, handle, store, consented, tmp_path, threaded_tasks, monkeypatch
):
    """Rendering the PDF and pypdf's encryption take a moment: never on the GUI thread, and
    a second press while they run does nothing (issue #18)."""
    import threading

    from workwell_desktop.documents import letter as letter_module
    from workwell_desktop.gui.letters import letters_tab

    threads = []
    real_render, real_export = letter_module.render_letter, letters_tab.export_letter
    release = threading.Event()

    def render(*args, **kwargs):
        threads.append(("render", threading.get_ident()))
        release.wait(10)
        return real_render(*args, **kwargs)

    def export(*args, **kwargs):
        threads.append(("export", threading.get_ident()))
        return real_export(*args, **kwargs)

    monkeypatch.setattr("workwell_desktop.services.letters.render_letter", render)
    monkeypatch.setattr(letters_tab, "export_letter", export)
    tab = LettersTab(handle, consented.id)
    qtbot.addWidget(tab)
    builder = tab.open_builder()
    fill_builder(qtbot, builder)
    builder.agreed.setChecked(True)
    with qtbot.waitSignal(tab.letter_issued, timeout=20_000):
        builder.issue()
        qtbot.waitUntil(lambda: len(threads) == 1)
        assert not builder.issue_button.isEnabled()
        builder.issue()  # pressed again while issuing
        release.set()
    assert len(store.for_client(EmployerLetter, consented.id)) == 1
    with qtbot.waitSignal(tab.letter_exported, timeout=20_000):
        tab.export_to(tab.selected_letter(), tmp_path / "sent.pdf", "tea-and-biscuits")
    assert [what for what, _ in threads] == ["render", "export"]
    assert all(thread != threading.get_ident() for _, thread in threads)
    assert (tmp_path / "sent.pdf").exists() and "password-protected" in tab.status.text()


# ----- the keyboard (issue #18) --------------------------------------------------------
def active_builder(qtbot, handle, client_id) -> LetterBuilderDialog:
    builder = LetterBuilderDialog(handle, client_id)
    qtbot.addWidget(builder)
    builder.show()
    builder.activateWindow()
    qtbot.waitUntil(builder.isActiveWindow)
    return builder


def test_enter_after_ticking_the_agreement_issues_the_letter(qtbot, handle, store, consented):
    builder = active_builder(qtbot, handle, consented.id)
    fill_builder(qtbot, builder)
    builder.schedule.use_preset.setFocus()
    qtbot.keyClick(builder.schedule.use_preset, Qt.Key.Key_Return)  # Enter on a button presses it
    builder.agreed.setFocus()
    qtbot.keyClick(builder.agreed, Qt.Key.Key_Space)
    assert builder.agreed.isChecked()
    with qtbot.waitSignal(builder.issued, timeout=5000):
        qtbot.keyClick(builder.agreed, Qt.Key.Key_Return)  # not the preset button again
    qtbot.waitUntil(lambda: builder.result() == QDialog.DialogCode.Accepted)
    assert len(store.for_client(EmployerLetter, consented.id)) == 1


def test_enter_in_a_box_of_several_lines_is_a_new_line_and_ctrl_enter_issues(qtbot, handle, store, consented):
    builder = active_builder(qtbot, handle, consented.id)
    fill_builder(qtbot, builder)
    builder.employer_address.setFocus()
    builder.employer_address.moveCursor(builder.employer_address.textCursor().MoveOperation.End)
    qtbot.keyClick(builder.employer_address, Qt.Key.Key_Return)
    assert builder.employer_address.toPlainText().endswith("\n") and builder.isVisible()
    builder.agreed.setChecked(True)
    builder.employer_address.setFocus()
    with qtbot.waitSignal(builder.issued, timeout=5000):
        qtbot.keyClick(builder.employer_address, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def test_issue_with_problems_shows_the_error_summary_and_issues_nothing(qtbot, handle, store, consented):
    builder = active_builder(qtbot, handle, consented.id)
    assert builder.issue_button.isEnabled()
    qtbot.mouseClick(builder.issue_button, Qt.MouseButton.LeftButton)
    summary = builder.error_summary
    assert summary.isVisible() and summary.hasFocus() and builder.isVisible()
    assert store.for_client(EmployerLetter, consented.id) == []
    agreement = [e for e in summary.entries if "agree" in e.accessibleName()]
    assert agreement
    qtbot.keyClick(agreement[0], Qt.Key.Key_Return)
    assert builder.agreed.hasFocus()


def titles(message_boxes) -> list[str]:
    return [asked.split(": ", 1)[0] for asked in message_boxes.asked]


def test_a_client_awaiting_triage_is_asked_about_before_issuing(
    qtbot, handle, store, consented, message_boxes
):
    from PySide6.QtWidgets import QMessageBox

    from workwell_desktop.domain.records import Referral

    store.add(
        Referral(client_id=consented.id, route="self", received_on=date.today().isoformat(), referrer="Self")
    )
    message_boxes.answer = QMessageBox.StandardButton.Cancel
    builder = active_builder(qtbot, handle, consented.id)
    fill_builder(qtbot, builder)
    builder.agreed.setChecked(True)
    builder.issue()
    assert titles(message_boxes) == ["Issue a letter before triage?"] and builder.isVisible()
    assert store.for_client(EmployerLetter, consented.id) == []
    message_boxes.answer = QMessageBox.StandardButton.Yes
    with qtbot.waitSignal(builder.issued, timeout=5000):
        builder.issue()


def test_escape_asks_before_losing_a_changed_letter(qtbot, handle, store, consented, message_boxes):
    from PySide6.QtWidgets import QMessageBox

    message_boxes.answer = QMessageBox.StandardButton.Cancel
    builder = active_builder(qtbot, handle, consented.id)
    qtbot.keyClicks(builder.recipient_name, "Jo Barker")
    qtbot.keyClick(builder.recipient_name, Qt.Key.Key_Escape)
    assert titles(message_boxes) == ["Discard this letter?"] and builder.isVisible()
    fresh = active_builder(qtbot, handle, consented.id)
    qtbot.keyClick(fresh.recipient_name, Qt.Key.Key_Escape)  # nothing changed: closes, no question
    assert not fresh.isVisible() and len(message_boxes.asked) == 1
