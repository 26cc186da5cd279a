"""Render every screen offscreen into renders/ (gitignored) so a person can look at them.

Each test also asserts the PNG exists and is not blank. Look at them after any change
to a screen: clipped text, cramped layouts and unreadable colours show up here.
"""

from pathlib import Path

import pytest
from gui_demo import add_demo_caseload
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QWidget

from workwell_desktop.domain.records import ContactSession, FitNote
from workwell_desktop.gui.client_record import CONSENT, DETAILS, FIT_NOTES, REFERRAL, SESSIONS
from workwell_desktop.gui.main_window import MainWindow

RENDERS = Path(__file__).resolve().parents[2] / "renders"


def render(qtbot, widget: QWidget, name: str) -> Path:
    RENDERS.mkdir(exist_ok=True)
    path = RENDERS / f"{name}.png"
    qtbot.wait(1)  # let pending layout and paint events run
    assert widget.grab().save(str(path))
    image = QImage(str(path))
    assert path.stat().st_size > 4000 and image.width() > 300 and image.height() > 200
    # Not a flat fill: some pixels differ from the top-left one.
    corner = image.pixel(0, 0)
    assert any(
        image.pixel(x, y) != corner for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)
    )
    return path


@pytest.fixture
def caseload_window(window, store):
    clients = add_demo_caseload(store, 20)
    window.refresh()
    return window, clients


def test_render_setup_screen(qtbot, data_dir):
    win = MainWindow(data_dir)
    qtbot.addWidget(win)
    win.resize(1100, 760)
    win.show()
    setup = win.setup_screen
    qtbot.keyClicks(setup.name, "Alex Coach")
    qtbot.keyClicks(setup.passphrase, "short")
    setup.passphrase.clearFocus()
    qtbot.keyClicks(setup.confirm, "shirt")
    render(qtbot, win, "01-setup")
    setup.passphrase.setText("granite lantern meadow")
    setup.confirm.setText("granite lantern meadow")
    setup.create()
    render(qtbot, win, "02-setup-done")
    win.handle.close()
    setup.store.close()


def test_render_unlock_with_error(qtbot, data_dir, store):
    store.close()
    win = MainWindow(data_dir)
    qtbot.addWidget(win)
    win.resize(1100, 700)
    win.show()
    qtbot.keyClicks(win.unlock_screen.passphrase, "not my passphrase")
    win.unlock_screen.unlock()
    render(qtbot, win, "03-unlock-error")


def test_render_main_window_and_search(qtbot, caseload_window):
    win, _ = caseload_window
    render(qtbot, win, "04-caseload")
    qtbot.keyClicks(win.workspace.caseload.search, "CA2")
    render(qtbot, win, "05-caseload-search")


def test_render_client_record_tabs(qtbot, caseload_window, store):
    win, clients = caseload_window
    client = clients[3]  # active, with a session and consent
    store.add(
        FitNote(
            client_id=client.id,
            issued_on="2026-11-01",
            valid_from="2026-11-01",
            valid_to="2026-11-29",
            status="may_be_fit",
            options=("phased_return", "altered_hours"),
            functional_effects="Low back pain: cannot lift or sit for long periods.",
        )
    )
    store.add(
        ContactSession(
            client_id=client.id,
            held_on="2026-11-20",
            mode="phone",
            duration_minutes=20,
            note="Follow-up call about the phased return plan.",
            recorded_by="Alex Coach",
        )
    )
    record = win.workspace.open_client(client.id)
    for index, name in (
        (DETAILS, "details"),
        (REFERRAL, "referral"),
        (CONSENT, "consent"),
        (FIT_NOTES, "fit-notes"),
        (SESSIONS, "sessions"),
    ):
        record.tabs.setCurrentIndex(index)
        render(qtbot, win, f"06-record-{index + 1}-{name}")
    waiting = win.workspace.open_client(clients[0].id)  # awaiting triage, no consent
    waiting.tabs.setCurrentIndex(REFERRAL)
    waiting.referral.outcome.buttons["declined"].click()
    render(qtbot, win, "07-record-triage-declining")


def test_render_new_client_dialog_with_errors(qtbot, window):
    dialog = window.workspace.new_client()
    form = dialog.client_form
    qtbot.keyClicks(form.given_name, "Morwenna")
    form.given_name.clear()
    qtbot.keyClicks(form.nhs_number, "943 476 5918")
    qtbot.keyClicks(form.date_of_birth.edit, "01/01/2090")
    qtbot.keyClicks(form.postcode, "CA1 XYZ")
    qtbot.keyClicks(form.email, "morwenna@")
    dialog.save()  # refused: shows every message
    render(qtbot, dialog, "08-new-client-errors")
    dialog._saved = True
    dialog.reject()


def test_render_record_dialogs(qtbot, caseload_window):
    win, clients = caseload_window
    record = win.workspace.open_client(clients[3].id)
    consent = record.record_consent("share_service")
    render(qtbot, consent, "09-consent-dialog")
    consent._saved = True
    consent.reject()
    session = record.new_session()
    session.venue.setFocus()
    session.note.setFocus()
    render(qtbot, session, "10-session-dialog")
    session.reject()
    fit_note = record.add_fit_note()
    fit_note.status.buttons["may_be_fit"].click()
    render(qtbot, fit_note, "11-fit-note-dialog")
    fit_note._saved = True
    fit_note.reject()
    discharge = record.discharge()
    render(qtbot, discharge, "12-discharge-dialog")
    discharge.reject()


def test_render_about(qtbot, window, data_dir):
    from workwell_desktop.gui.about_dialog import AboutDialog

    about = AboutDialog(data_dir, window.handle, window)
    about.show()
    render(qtbot, about, "14-about")


def test_render_locked(qtbot, caseload_window):
    win, _ = caseload_window
    win.lock(idle=True)
    render(qtbot, win, "13-locked")
