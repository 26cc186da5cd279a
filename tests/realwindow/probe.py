"""Open every screen and dialog in a real window at one text scale and report what a coach
could not read or reach (tests/realwindow/checks.py). Run in its own process, because the
text scale (QT_SCALE_FACTOR) is fixed when Qt starts, on $DISPLAY (Xvfb with a window
manager, started by test_real_window.py):

    python tests/realwindow/probe.py SCALE --shots DIR [--only NAME]

Prints one JSON object: {"screens": {name: [problem, ...]}, "screen": [w, h]} (logical pixels).
With --shots it saves the whole screen, window manager frame and all, as DIR/<name>.png.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "gui"), str(Path(__file__).parent)]


def _settle(app, widget=None, rounds: int = 6) -> None:
    """Let the window manager map and place the window and the layouts finish."""
    from PySide6.QtCore import QEvent, QThread
    from PySide6.QtTest import QTest

    if widget is not None and widget.isWindow():
        QTest.qWaitForWindowExposed(widget, 3000)
    for _ in range(rounds):
        app.processEvents()
        app.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # as the event loop would
        QThread.msleep(25)


class Probe:
    def __init__(self, app, shots: Path | None, only: str | None):
        self.app, self.shots, self.only = app, shots, only
        self.screens: dict[str, list[str]] = {}

    def wanted(self, name: str) -> bool:
        return self.only is None or self.only in name

    def check(self, name: str, window) -> None:
        from checks import window_problems

        if not self.wanted(name):
            return
        _settle(self.app, window)
        self.screens[name] = window_problems(window, name)
        if self.shots is not None:
            self.shots.mkdir(parents=True, exist_ok=True)
            screen = window.screen() or self.app.primaryScreen()
            screen.grabWindow(0).save(str(self.shots / f"{name}.png"))
            # And what scrolling shows: the largest scroll area scrolled to its end.
            from PySide6.QtWidgets import QScrollArea

            areas = [
                a
                for a in window.findChildren(QScrollArea)
                if a.isVisibleTo(window) and a.verticalScrollBar().maximum() > 0
            ]
            if areas:
                bar = max(areas, key=lambda a: a.height() * a.width()).verticalScrollBar()
                bar.setValue(bar.maximum())
                _settle(self.app, rounds=3)
                screen.grabWindow(0).save(str(self.shots / f"{name}-scrolled.png"))
                bar.setValue(0)
                _settle(self.app, rounds=2)

    def dropdown(self, name: str, window, combo) -> None:
        """Open ``combo``'s list in ``window``, check it and take its screenshot."""
        from checks import popup_problems

        if not self.wanted(name):
            return
        combo.showPopup()
        _settle(self.app, rounds=8)
        self.screens[name] = popup_problems(combo, name)
        if self.shots is not None:
            (window.screen() or self.app.primaryScreen()).grabWindow(0).save(str(self.shots / f"{name}.png"))
        combo.hidePopup()
        _settle(self.app, rounds=2)

    def dialog(self, name: str, dialog) -> None:
        """Check a dialog that was opened (not blocking), then close it without saving."""
        if dialog is None:
            self.screens[name] = [f"{name}: did not open"]
            return
        dialog.show()
        self.check(name, dialog)
        if hasattr(dialog, "_saved"):
            dialog._saved = True  # closing must not ask about what the probe typed
        dialog.done(0)
        _settle(self.app, rounds=2)


def _populate(store, today: date):
    """The demo caseload plus one client with everything on every tab: the consent banner
    (no consent to take part yet), an overdue action, three goals, a referral from the
    directory, notes, a fit note, sessions, a scored assessment and an open safety task."""
    from gui_demo import add_demo_caseload

    from workwell_desktop.domain.plans import PlanAction, PlanGoal, PlanReferral
    from workwell_desktop.domain.records import Client, ConsentEvent, ContactSession, FitNote, Referral
    from workwell_desktop.services import plans

    clients = add_demo_caseload(store, 20, today)
    person = Client(
        given_name="Morwenna",
        family_name="Penhallow-Trevithick",
        date_of_birth="1984-06-02",
        nhs_number="9990000018",
        postcode="CA3 8QE",
        phone="07700900123",
        employer="Carlisle Foods Ltd",
        work_status="in_work_off_sick",
        interpreter_needed=True,
        preferred_language="Cornish",
    )
    day = lambda n: (today + timedelta(days=n)).isoformat()  # noqa: E731
    store.add_together(
        [
            person,
            Referral(
                client_id=person.id,
                route="gp",
                received_on=day(-40),
                triage_outcome="accepted",
                triaged_on=day(-39),
                first_contact_on=day(-35),
                referrer="Dr A Example, Brampton GP",
            ),
        ]
    )
    plans.save_settings(store, person.id, support_tier="targeted", next_review_on=day(-3))
    goal = plans.add_entry(
        store,
        PlanGoal(client_id=person.id, text="Get back to my job at the depot without my back seizing up"),
    )
    plans.add_entry(store, PlanGoal(client_id=person.id, text="Sleep through most nights"))
    plans.add_entry(store, PlanGoal(client_id=person.id, text="Walk the dog every morning again"))
    plans.add_entry(
        store,
        PlanAction(
            client_id=person.id,
            text="Ask the manager about a phased return",
            goal_id=goal.item_id,
            due_on=day(-10),
        ),
    )
    plans.add_entry(
        store,
        PlanAction(
            client_id=person.id,
            text="Self-refer to MSK physiotherapy",
            goal_id=goal.item_id,
            owner="client",
            due_on=day(7),
        ),
    )
    plans.add_entry(
        store,
        PlanAction(
            client_id=person.id, text="Send the adjustments letter draft", owner="coach", due_on=day(4)
        ),
    )
    directory = plans.load_directory()
    physio = directory.in_area("physiotherapy")[0]
    plans.add_entry(
        store,
        PlanReferral(
            client_id=person.id,
            support_area="physiotherapy",
            service_name=physio.name,
            service_contact=physio.contact,
            kind="signposting",
            status="planned",
        ),
    )
    plans.add_note(
        store,
        person.id,
        "Met at Brampton hub. Back pain worse on long shifts; wants to "
        "try a phased return before the end of the month.",
        day(-20),
    )
    store.add(
        FitNote(
            client_id=person.id,
            issued_on=day(-30),
            valid_from=day(-30),
            valid_to=day(-2),
            status="may_be_fit",
            options=("phased_return", "altered_hours"),
            functional_effects="Low back pain: cannot lift or sit for long periods.",
        )
    )
    store.add(
        ContactSession(
            client_id=person.id,
            held_on=day(-35),
            mode="in_person",
            venue="Brampton GP",
            duration_minutes=50,
            note="First meeting: sleep, and a phased return.",
            recorded_by=store.coach_name,
        )
    )
    # A letter needs consent to take part and to share with the employer: another client.
    letter_client = clients[3]
    store.add(
        ConsentEvent(
            client_id=letter_client.id,
            scope="share_employer",
            action="given",
            method="verbal",
            recorded_by=store.coach_name,
            recorded_at=f"{day(-5)}T10:00:00+00:00",
        )
    )
    discharged = next(c for n, c in enumerate(clients) if n % 5 == 4 and n % 2)
    return store.get(Client, person.id), letter_client, discharged


def run(scale: float, shots: Path | None, only: str | None) -> dict:
    os.environ["QT_SCALE_FACTOR"] = str(scale)
    os.environ.setdefault("WORKWELL_KEY_STORE", "file")
    scratch = Path(tempfile.mkdtemp(prefix="realwindow-"))
    os.environ["WORKWELL_SETTINGS_FILE"] = str(scratch / "settings.json")
    os.environ["WORKWELL_POLICY_FILE"] = str(scratch / "policy.json")
    from PySide6.QtWidgets import QApplication, QMessageBox

    app = QApplication([sys.argv[0], "-platform", "xcb"])
    for name in ("question", "warning", "information", "critical"):  # nothing may block the probe
        setattr(QMessageBox, name, staticmethod(lambda *a, **k: QMessageBox.StandardButton.Discard))
    from gui_demo import PASSPHRASE

    from workwell_desktop.gui.app import build_window, prepare_application, show_main_window
    from workwell_desktop.store import Store, keys

    keys.CURRENT_KDF = keys.Argon2idParams(1, keys.ARGON2_MEMORY_KIB_RANGE[0], 1)  # as the test-suite does
    prepare_application(app)
    probe = Probe(app, shots, only)
    today = date.today()

    # Set-up: a data folder with nothing in it yet.
    first = build_window(scratch / "empty")
    show_main_window(first)
    probe.check("01-setup", first)
    first.close()

    data = scratch / "data"
    store = Store.create(data, PASSPHRASE, "Alex Coach")
    person, letter_client, discharged = _populate(store, today)
    store.close()
    window = build_window(data)
    show_main_window(window)
    probe.check("02-unlock", window)
    window.unlock_screen.passphrase.setText(PASSPHRASE)
    window.unlock_screen.unlock()  # opens the store on a worker thread
    for _ in range(400):
        if window.handle.is_open:
            break
        _settle(app, rounds=1)
    assert window.handle.is_open, "did not unlock"
    _settle(app, window)
    probe.check("03-caseload", window)

    workspace = window.workspace
    record = workspace.open_client(person.id)
    _settle(app, window)
    for index in range(record.tabs.count()):
        record.tabs.setCurrentIndex(index)
        tab = record.tabs.tabText(index).replace("&", "").split()[0].lower()
        probe.check(f"04-record-{index + 1}-{tab}", window)
        if record.tabs.widget(index) is record.plan:
            for sub in range(1, record.plan.tabs.count()):
                record.plan.tabs.setCurrentIndex(sub)
                part = record.plan.tabs.tabText(sub).replace("&", "").split()[0].lower()
                probe.check(f"04-record-{index + 1}-plan-{part}", window)
            record.plan.tabs.setCurrentIndex(0)

    record.tabs.setCurrentIndex(0)
    probe.dialog("05-new-client", workspace.new_client())
    probe.dialog("05-session", record.new_session())
    probe.dialog("05-consent", record.record_consent(""))
    probe.dialog("05-fit-note", record.add_fit_note())
    probe.dialog("05-referral", record.add_referral())
    discharge = record.discharge()
    probe.dialog("05-discharge", discharge)
    # Drop-down lists: a long one (the discharge reasons) and the Details tab's work status.
    from PySide6.QtWidgets import QComboBox

    discharge = record.discharge()
    discharge.show()
    _settle(app, discharge)
    probe.dropdown("05-discharge-reasons-list", discharge, discharge.findChildren(QComboBox)[0])
    discharge.done(0)
    probe.dropdown("05-work-status-list", window, record.details.form.work_status)
    plan = record.plan
    plan.goal_table.selectRow(0)
    plan.action_table.selectRow(0)
    probe.dialog("06-plan-goal", plan.add_goal())
    probe.dialog("06-plan-action", plan.change_action())
    probe.dialog("06-plan-referral", plan.add_referral())
    probe.dialog("06-plan-tier", plan.change_settings())
    probe.dialog("06-plan-review", plan.record_review())
    probe.dialog("06-plan-note", plan.add_note())

    # The assessment runner, the safety prompt a risk answer opens, and the result page.
    record.tabs.setCurrentIndex(record.tabs.indexOf(record.assessments))
    runner = record.assessments.start_assessment("phq9")
    if runner is None:
        runner = record.assessments.runner
    if probe.wanted("07-assessment"):
        runner.show()
        probe.check("07-assessment-question", runner)
        for value in (2, 2, 2, 1, 2, 2, 2, 2):
            runner.answer(value)
            runner.next_item()
        runner.answer(3)  # item 9: the safety prompt opens
        _settle(app, runner.safety_prompt)
        probe.check("07-assessment-safety-prompt", runner.safety_prompt)
        runner.safety_prompt.later_button.click()  # leaves an open safety task
        _settle(app)
        runner.next_item()
        probe.check("07-assessment-result", runner)
        # Not saved (that needs an action recorded): the risk answer saved when it was given
        # leaves an open safety task on the Assessments tab and the risk marker.
        runner.done(0)
        _settle(app)
        record.reload()
        probe.check("07-assessment-tab-with-task", window)
    else:
        runner.done(0)

    # A client who may have a letter.
    letters_record = workspace.open_client(letter_client.id)
    letters_record.tabs.setCurrentIndex(letters_record.tabs.indexOf(letters_record.letters))
    probe.check("08-letters-tab", window)
    probe.dialog("08-letter-builder", letters_record.letters.open_builder())

    # A discharged client: the discharge card and its dialogs.
    ended = workspace.open_client(discharged.id)
    _settle(app, window)
    probe.check("09-discharged-record", window)
    probe.dialog("09-correct-discharge", ended.correct_discharge())
    probe.dialog("09-undo-discharge", ended.undo_discharge())
    probe.dialog("09-follow-up", ended.record_follow_up("3_months"))
    sessions = ended.sessions.corrections
    if getattr(sessions, "records", None):
        probe.dialog("09-move-session", ended.move_record(sessions.records[0]))

    # The WorkWell menu's dialogs.
    from workwell_desktop.gui.about_dialog import AboutDialog
    from workwell_desktop.gui.settings_dialog import SettingsDialog

    probe.dialog("10-connect", window.connect_to_server())
    probe.dialog("10-conflicts", window.show_conflicts())
    settings = SettingsDialog(window.settings, window)
    probe.dialog("10-settings", settings)
    probe.dialog("10-change-passphrase", window.change_passphrase())
    probe.dialog("10-about", AboutDialog(window.data_dir, window.handle, window))

    workspace.show_team_summary(True)
    workspace.setCurrentWidget(workspace.summary)
    _settle(app, window, rounds=20)
    probe.check("11-team-summary", window)
    workspace.show_team_summary(False)

    window.lock(idle=True)
    probe.check("12-locked", window)
    window.close()
    area = app.primaryScreen().availableGeometry()
    return {"screens": probe.screens, "screen": [area.width(), area.height()]}


if __name__ == "__main__":
    arguments = sys.argv[1:]
    shots = only = None
    if "--shots" in arguments:
        at = arguments.index("--shots")
        shots = Path(arguments[at + 1])
        del arguments[at : at + 2]
    if "--only" in arguments:
        at = arguments.index("--only")
        only = arguments[at + 1]
        del arguments[at : at + 2]
    print(json.dumps(run(float(arguments[0]), shots, only)))
