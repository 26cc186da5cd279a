"""The keyboard does what a coach expects (issue #18): access keys, Enter, Escape, Tab and focus.

Every window and dialog is walked twice: once for access keys used twice among what is
visible (tab bars, buttons, tick boxes, labels with buddies, menu titles), once pressing
every access key to check it acts (the tab shows, the button is pressed, the focus moves
into the labelled field, the menu opens).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from gui_demo import COACH, PASSPHRASE, add_demo_caseload
from keyboard_support import AccessKey, access_keys, clashes
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QTabBar,
    QWidget,
)

from workwell_desktop.domain.letters import EmployerLetter
from workwell_desktop.domain.records import ConsentEvent, Discharge
from workwell_desktop.gui.about_dialog import AboutDialog
from workwell_desktop.gui.assessments.safety_prompt import SafetyPrompt
from workwell_desktop.gui.client_record import ASSESSMENTS, LETTERS, PLAN
from workwell_desktop.gui.letters import ExportLetterDialog
from workwell_desktop.gui.main_window import MainWindow
from workwell_desktop.gui.settings_dialog import SettingsDialog
from workwell_desktop.services.assessments import load_safety_guidance

ALT = Qt.KeyboardModifier.AltModifier
PRESSED: list[str] = []  # every key pressed, so a walk that presses nothing cannot pass


@pytest.fixture
def clients(window, store):
    clients = add_demo_caseload(store, 8)
    for n in (3, 0):  # active, and awaiting triage: both may have an employer letter
        store.add(
            ConsentEvent(
                client_id=clients[n].id,
                scope="share_employer",
                action="given",
                method="verbal",
                recorded_by=COACH,
                recorded_at="2026-11-20T10:00:00+00:00",
            )
        )
    store.add(
        Discharge(
            client_id=clients[4].id,
            discharged_on=date.today().isoformat(),
            reason="completed",
            work_outcome="stayed_in_work",
        )
    )
    window.refresh()
    return clients


def record_states(window, client_id) -> dict[str, Callable[[], QWidget]]:
    """The main window showing each part of a record (and each page of the plan)."""

    def show(tab: int, page: int | None = None) -> Callable[[], QWidget]:
        def put() -> QWidget:
            record = window.workspace.open_client(client_id)
            record.tabs.setCurrentIndex(tab)
            if page is not None:
                record.plan.tabs.setCurrentIndex(page)
            return window

        return put

    record = window.workspace.open_client(client_id)
    states = {f"record tab {record.tabs.tabText(i)}": show(i) for i in range(record.tabs.count())}
    states.update(
        {f"plan page {record.plan.tabs.tabText(j)}": show(PLAN, j) for j in range(record.plan.tabs.count())}
    )

    def caseload() -> QWidget:
        window.workspace.setCurrentWidget(window.workspace.caseload)
        return window

    def team_summary() -> QWidget:
        window.workspace.show_team_summary(True)  # what a team lead has as a second tab
        window.workspace.setCurrentWidget(window.workspace.summary)
        return window

    states["caseload"] = caseload
    states["team summary"] = team_summary
    return states


def dialog_states(window, data_dir, client_id, discharged_id) -> dict[str, Callable[[], QWidget]]:
    """Each dialog, made afresh (pressing its keys changes it)."""

    def record():
        return window.workspace.open_client(client_id)

    def discharged():
        return window.workspace.open_client(discharged_id)

    def export(consent_note: str | None):
        letter = EmployerLetter(client_id=client_id, reference="WW-L-0001")
        return _shown(ExportLetterDialog(letter, consent_note, window))

    def safety():
        prompt = SafetyPrompt(load_safety_guidance(), ["Risk answer: thoughts of self-harm."], COACH, window)
        return _shown(prompt)

    def letter():
        r = record()
        r.tabs.setCurrentIndex(LETTERS)
        return r.letters.open_builder()

    def runner():
        r = record()
        r.tabs.setCurrentIndex(ASSESSMENTS)
        return r.assessments.start_assessment()

    def session():
        from workwell_desktop.domain.records import ContactSession

        return window.handle.store.for_client(ContactSession, client_id)[0]

    return {
        "move a session": lambda: record().move_record(session()),
        "correct a session": lambda: record().correct_session(session()),
        "new client": window.workspace.new_client,
        "consent": lambda: record().record_consent(""),
        "session": lambda: record().new_session(),
        "fit note": lambda: record().add_fit_note(),
        "discharge": lambda: record().discharge(),
        "referral": lambda: record().add_referral(),
        "goal": lambda: record().plan.add_goal(),
        "action": lambda: record().plan.add_action(),
        "plan referral": lambda: record().plan.add_referral(),
        "tier and review": lambda: record().plan.change_settings(),
        "plan review": lambda: record().plan.record_review(),
        "progress note": lambda: record().plan.add_note(),
        "letter": letter,
        "export letter": lambda: export(None),
        "export letter without consent": lambda: export("Consent to share with the employer was withdrawn."),
        "undo discharge": lambda: discharged().undo_discharge(),
        "follow-up": lambda: discharged().record_follow_up("follow_up_3m"),
        "safety prompt": safety,
        "assessment": runner,
        "connect": window.connect_to_server,
        "conflicts": window.show_conflicts,
        "change passphrase": window.change_passphrase,
        "settings": lambda: _shown(SettingsDialog(window.settings, window, can_connect=True)),
        "about": lambda: _shown(AboutDialog(data_dir, window.handle, window)),
    }


def _shown(dialog: QDialog) -> QDialog:
    dialog.open()
    return dialog


def _activate(qtbot, widget: QWidget) -> None:
    top = widget.window()
    top.activateWindow()
    top.raise_()
    qtbot.waitUntil(top.isActiveWindow, timeout=2000)


def _close_others(keep: QWidget | None = None) -> None:
    while (popup := QApplication.activePopupWidget()) is not None:
        popup.close()
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QDialog) and widget.isVisible() and widget is not keep:
            widget.done(0)  # not reject(): nothing here should ask about losing typing


def test_no_window_uses_an_access_key_twice(qtbot, window, clients, data_dir):
    problems = {}
    for name, put in record_states(window, clients[3].id).items():
        if found := clashes(put()):
            problems[name] = found
    for name, make in dialog_states(window, data_dir, clients[3].id, clients[4].id).items():
        dialog = make()
        assert dialog is not None, name
        if found := clashes(dialog):
            problems[name] = found
        _close_others()
    assert problems == {}


def test_set_up_and_unlock_screens_use_each_access_key_once(qtbot, data_dir, tmp_path):
    fresh = MainWindow(tmp_path / "new")
    qtbot.addWidget(fresh)
    fresh.show()
    assert clashes(fresh) == {} and access_keys(fresh)
    locked = MainWindow(data_dir)
    qtbot.addWidget(locked)
    locked.show()
    assert clashes(locked) == {}


def _acted(qtbot, key: AccessKey, press: Callable[[], None]) -> str | None:
    """Press the key; None when it did what it says, else what went wrong."""
    owner = key.owner
    if isinstance(owner, QTabBar):
        press()
        return None if owner.currentIndex() == key.tab_index else "the tab did not show"
    if key.action is not None:
        press()
        menu = key.action.menu()
        return None if menu is not None and menu.isVisible() else "the menu did not open"
    if isinstance(owner, QAbstractButton):
        pressed = []
        owner.clicked.connect(lambda *_: pressed.append(True))
        press()
        qtbot.waitUntil(lambda: bool(pressed), timeout=1000) if not pressed else None
        return None if pressed else "the button was not pressed"
    assert isinstance(owner, QLabel)
    buddy = owner.buddy()
    press()
    focus = QApplication.focusWidget()
    inside = focus is not None and (focus is buddy or buddy.isAncestorOf(focus))
    return None if inside else f"focus went to {type(focus).__name__} {getattr(focus, 'text', str)()!r}"


def _live(key: AccessKey) -> bool:
    """A key the coach can use now: on an enabled widget (for a label, an enabled field)."""
    owner = key.owner
    if isinstance(owner, QLabel):
        return owner.buddy().isEnabled()
    return owner.isEnabled() and (key.action is None or key.action.isEnabled())


def _press_every_key(qtbot, put: Callable[[], QWidget], keep_open: bool) -> list[str]:
    failures = []
    window = put()
    live = [k for k in access_keys(window) if _live(k)]
    for key in live:
        _close_others(window if keep_open else None)
        window = put()
        _activate(qtbot, window)
        fresh = {(k.key, k.text): k for k in access_keys(window)}[(key.key, key.text)]
        if not _live(fresh):  # an earlier key disabled it (unticking a password): start afresh
            _close_others()
            window = put()
            _activate(qtbot, window)
            fresh = {(k.key, k.text): k for k in access_keys(window)}[(key.key, key.text)]
        target = QApplication.focusWidget() or window

        def press(target=target, letter=key.key):
            qtbot.keyClick(target, letter.lower(), ALT)

        if (problem := _acted(qtbot, fresh, press)) is not None:
            failures.append(f"{window.windowTitle()}: {fresh!r}: {problem}")
        PRESSED.append(fresh.key)
    _close_others()
    return failures


def test_every_access_key_in_the_main_window_acts(qtbot, window, clients, monkeypatch):
    monkeypatch.setattr(QDialog, "exec", lambda self: 0)  # a blocking dialog would stop the test
    failures, PRESSED[:] = [], []
    for put in record_states(window, clients[3].id).values():
        failures += _press_every_key(qtbot, put, keep_open=False)
    assert failures == []
    assert len(PRESSED) > 100 and {"P", "A", "R", "L", "M"} <= set(PRESSED)


def test_every_access_key_in_every_dialog_acts(qtbot, window, clients, data_dir, monkeypatch):
    monkeypatch.setattr(QDialog, "exec", lambda self: 0)
    failures, PRESSED[:] = [], []
    for make in dialog_states(window, data_dir, clients[3].id, clients[4].id).values():
        holder: list[QDialog] = []

        def put(make=make, holder=holder) -> QWidget:
            if not holder or not holder[0].isVisible():
                _close_others()
                holder[:] = [make()]
            return holder[0]

        failures += _press_every_key(qtbot, put, keep_open=True)
    assert failures == [], "\n".join(failures)
    assert len(PRESSED) > 100


def test_set_up_screen_access_keys_act(qtbot, tmp_path):
    fresh = MainWindow(tmp_path / "new")
    qtbot.addWidget(fresh)
    fresh.show()
    assert _press_every_key(qtbot, lambda: fresh, keep_open=False) == []


# ----- Tab order ---------------------------------------------------------------------
def tab_chain(qtbot, start: QWidget, limit: int = 80) -> list[QWidget]:
    """The widgets Tab visits from ``start`` until it comes back round."""
    start.setFocus(Qt.FocusReason.TabFocusReason)
    chain = [QApplication.focusWidget()]
    for _ in range(limit):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        widget = QApplication.focusWidget()
        if widget is chain[0]:
            return chain
        chain.append(widget)
    raise AssertionError(f"Tab never came back round: {[w.accessibleName() for w in chain]}")


def names(chain: list[QWidget]) -> list[str]:
    return [w.accessibleName() or f"<{type(w).__name__}>" for w in chain]


def check_chain(chain: list[QWidget], window: QWidget) -> None:
    """What every window's Tab order must be: named stops, in the window, no Lock, no scroll area."""
    assert [n for n in names(chain) if n.startswith("<")] == [], names(chain)
    assert all(w.window() is window.window() for w in chain)
    assert not any(isinstance(w, QScrollArea) for w in chain), names(chain)
    assert "Lock WorkWell" not in names(chain)
    assert len(set(chain)) == len(chain)


def test_tab_order_of_the_set_up_screen(qtbot, tmp_path):
    fresh = MainWindow(tmp_path / "new")
    qtbot.addWidget(fresh)
    fresh.show()
    _activate(qtbot, fresh)
    setup = fresh.setup_screen
    chain = tab_chain(qtbot, setup.name)
    check_chain(chain, fresh)
    assert names(chain) == [
        "Your name",
        "Work and health coach",
        "Passphrase",
        "Confirm passphrase",
        "Show passphrase",
        "Set up WorkWell",
    ]


def test_tab_order_of_the_unlock_screen(qtbot, data_dir, store):
    store.close()
    locked = MainWindow(data_dir)
    qtbot.addWidget(locked)
    locked.show()
    _activate(qtbot, locked)
    chain = tab_chain(qtbot, locked.unlock_screen.passphrase)
    assert names(chain) == ["Passphrase", "Unlock"]


def test_tab_order_of_the_caseload_and_a_record(qtbot, window, clients):
    _activate(qtbot, window)
    chain = tab_chain(qtbot, window.workspace.caseload.search)
    check_chain(chain, window)
    assert names(chain)[:1] == ["Find a client"]
    record = window.workspace.open_client(clients[3].id)
    chain = tab_chain(qtbot, record.session_button)
    check_chain(chain, window)
    # the record's own buttons, then its tabs, then the part of the record showing
    assert names(chain)[:4] == ["New session", "Record consent", "Discharge", "Parts of the record"]
    assert "Given name" in names(chain)
    for index in range(record.tabs.count()):
        record.tabs.setCurrentIndex(index)
        check_chain(tab_chain(qtbot, record.session_button), window)


def test_tab_order_of_every_dialog(qtbot, window, clients, data_dir):
    for name, make in dialog_states(window, data_dir, clients[3].id, clients[4].id).items():
        dialog = make()
        _activate(qtbot, dialog)
        start = dialog.focusWidget() or dialog.nextInFocusChain()
        chain = tab_chain(qtbot, start)
        check_chain(chain, dialog)
        primary = [b for b in dialog.findChildren(QAbstractButton) if b.property("primary") and b.isVisible()]
        assert all(b in chain for b in primary if b.isEnabled()), name
        _close_others()


def test_new_client_tab_order_follows_the_form(qtbot, window):
    dialog = window.workspace.new_client()
    _activate(qtbot, dialog)
    chain = names(tab_chain(qtbot, dialog.client_form.given_name))
    assert chain[:6] == [
        "Given name",
        "Family name",
        "Date of birth",
        "NHS number",
        "Postcode",
        "GP practice",
    ]
    assert chain[-2:] == ["Save client", "Cancel"]


# ----- Enter and Escape --------------------------------------------------------------
def test_enter_in_the_connect_password_box_tries_to_connect(qtbot, window):
    dialog = window.connect_to_server()
    _activate(qtbot, dialog)
    dialog.url.setText("https://workwell.example.nhs.uk")
    dialog.password.setFocus()
    qtbot.keyClicks(dialog.password, "secret")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.isVisible()  # not closed: Connect was pressed and says what is missing
    assert "username" in dialog.message.text()


def test_enter_on_a_focused_button_presses_it(qtbot, tmp_path):
    fresh = MainWindow(tmp_path / "new")
    qtbot.addWidget(fresh)
    fresh.show()
    _activate(qtbot, fresh)
    setup = fresh.setup_screen
    setup.name.setText("Alex Coach")
    setup.passphrase.setText("granite lantern meadow")
    setup.confirm.setText("granite lantern meadow")
    setup.create_button.setFocus()
    qtbot.keyClick(setup.create_button, Qt.Key.Key_Return)
    assert setup.store is not None and setup.currentIndex() == 1
    opened = []
    setup.finished.connect(opened.append)
    assert QApplication.focusWidget() is setup.continue_button
    qtbot.keyClick(setup.continue_button, Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)
    assert opened == [setup.store]
    assert fresh.stack.currentWidget() is fresh.workspace
    fresh.handle.close()


def test_enter_saves_a_record_dialog_but_not_from_a_note_or_cancel(qtbot, window, clients, message_boxes):
    record = window.workspace.open_client(clients[3].id)
    dialog = record.new_session()
    _activate(qtbot, dialog)
    dialog.note.setFocus()
    qtbot.keyClicks(dialog.note, "First line")
    qtbot.keyClick(dialog.note, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.note, "second line")
    assert dialog.isVisible() and dialog.note.toPlainText() == "First line\nsecond line"
    dialog.cancel_button.setFocus()
    qtbot.keyClick(dialog.cancel_button, Qt.Key.Key_Return)  # Cancel, asking first (typing)
    assert message_boxes.asked and message_boxes.asked[-1].startswith("Discard")
    assert not dialog.isVisible()


def test_escape_asks_only_when_typing_would_be_lost(qtbot, window, clients, message_boxes):
    record = window.workspace.open_client(clients[3].id)
    dialog = record.add_fit_note()
    _activate(qtbot, dialog)
    qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and message_boxes.asked == []
    dialog = record.add_fit_note()
    _activate(qtbot, dialog)
    qtbot.keyClicks(dialog.functional_effects, "Cannot lift")
    message_boxes.answer = message_boxes.answer.Cancel
    qtbot.keyClick(dialog.functional_effects, Qt.Key.Key_Escape)
    assert dialog.isVisible() and len(message_boxes.asked) == 1  # asked, and kept on Cancel
    dialog.done(0)


def test_alt_letter_types_nothing_in_a_text_box(qtbot, window, clients):
    dialog = window.workspace.open_client(clients[3].id).new_session()
    _activate(qtbot, dialog)
    for box in (dialog.note, dialog.venue):
        box.setFocus()
        qtbot.keyClick(box, "t", ALT)
        text = box.toPlainText() if isinstance(box, QPlainTextEdit) else box.text()
        assert "t" not in text
    dialog.done(0)


# ----- Focus -----------------------------------------------------------------------
def test_lock_is_not_a_tab_stop_and_ctrl_l_still_locks(qtbot, window):
    assert window.header.lock_button.focusPolicy() == Qt.FocusPolicy.NoFocus
    _activate(qtbot, window)
    qtbot.keyClick(window, "l", Qt.KeyboardModifier.ControlModifier)
    assert window.is_locked


def test_focus_after_unlock_is_where_the_coach_was(qtbot, window, clients, data_dir):
    record = window.workspace.open_client(clients[3].id)
    _activate(qtbot, window)
    record.details.form.email.setFocus()
    window.header.lock_button.click()  # a click: Lock takes no focus
    assert window.is_locked
    qtbot.keyClicks(window.unlock_screen.passphrase, PASSPHRASE)
    qtbot.keyClick(window.unlock_screen.passphrase, Qt.Key.Key_Return)
    assert not window.is_locked
    assert QApplication.focusWidget() is window.workspace.open_client(clients[3].id).details.form.email


def test_shortcuts_that_show_a_tab_put_the_focus_in_it(qtbot, window, clients):
    record = window.workspace.open_client(clients[3].id)
    _activate(qtbot, window)
    record.session_button.setFocus()
    qtbot.keyClick(window, "p", Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert record.tabs.currentIndex() == PLAN
    assert record.plan.isAncestorOf(QApplication.focusWidget())
    qtbot.keyClick(window, "a", Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    runner = [d for d in window.findChildren(QDialog) if d.isVisible()][0]
    runner.done(0)
    assert record.tabs.currentIndex() == ASSESSMENTS
    _activate(qtbot, window)
    assert record.assessments.isAncestorOf(QApplication.focusWidget())


def test_focus_returns_to_the_button_after_its_dialog_closes(qtbot, window, clients):
    record = window.workspace.open_client(clients[3].id)
    _activate(qtbot, window)
    record.consent_button.setFocus()
    qtbot.keyClick(record.consent_button, Qt.Key.Key_Return)
    dialog = [d for d in window.findChildren(QDialog) if d.isVisible()][0]
    _activate(qtbot, dialog)
    qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_Escape)
    _activate(qtbot, window)
    assert QApplication.focusWidget() is record.consent_button


def test_escape_in_connect_and_settings_asks_only_when_typing_would_be_lost(qtbot, window, message_boxes):
    message_boxes.answer = message_boxes.answer.Cancel
    dialog = window.connect_to_server()
    _activate(qtbot, dialog)
    qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and message_boxes.asked == []
    dialog = window.connect_to_server()
    _activate(qtbot, dialog)
    qtbot.keyClicks(dialog.username, "alex.coach")
    qtbot.keyClick(dialog.username, Qt.Key.Key_Escape)
    assert dialog.isVisible() and len(message_boxes.asked) == 1  # asked, and kept on Cancel
    dialog.done(0)

    settings = _shown(SettingsDialog(window.settings, window, can_connect=True))
    _activate(qtbot, settings)
    qtbot.keyClick(settings.focusWidget() or settings, Qt.Key.Key_Escape)
    assert not settings.isVisible() and len(message_boxes.asked) == 1
    settings = _shown(SettingsDialog(window.settings, window, can_connect=True))
    _activate(qtbot, settings)
    minutes = settings.editors["idle_lock_minutes"]
    minutes.setValue(minutes.value() - 1)
    qtbot.keyClick(minutes, Qt.Key.Key_Escape)
    assert settings.isVisible() and len(message_boxes.asked) == 2
    message_boxes.answer = message_boxes.answer.Discard
    qtbot.keyClick(minutes, Qt.Key.Key_Escape)
    assert not settings.isVisible() and window.settings.idle_lock_minutes() == minutes.value() + 1
