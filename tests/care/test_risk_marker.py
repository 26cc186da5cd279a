"""Risk stays in sight (issue #13, hazard HAZ-004): a marker on the caseload row and the
client header while a safety task is open or a risk answer is recent, a filter for
clients with open safety tasks, and the count per coach in the team summary."""

from datetime import date, timedelta

from PySide6.QtCore import Qt

from workwell_desktop.domain.assessments import SafetyAction
from workwell_desktop.domain.records import Client, Referral
from workwell_desktop.domain.risk import RISK_MARKER_DAYS
from workwell_desktop.gui import caseload_model as cm
from workwell_desktop.gui.caseload_panel import CaseloadPanel
from workwell_desktop.gui.client_record import ClientRecord
from workwell_desktop.gui.database_handle import DatabaseHandle
from workwell_desktop.instruments import get_instrument
from workwell_desktop.reports.figures import build_summary
from workwell_desktop.services import safety

ACTION = SafetyAction(("asked_immediate_risk",), "Asked; safe; plan agreed.")


def other_client(store, coach=""):
    person = Client(
        given_name="Sol",
        family_name="Brook",
        date_of_birth="1990-01-01",
        nhs_number="9990000026",
        postcode="CA1 1AA",
        phone="07700900124",
        coach=coach,
    )
    store.add_together([person, Referral(client_id=person.id, route="gp", received_on="2026-09-01")])
    return person


def give_risk_answer(store, client_id, later=True):
    [answer] = safety.record_risk_answer(store, client_id, get_instrument("phq9"), "q9", 2, "a1")
    if later:
        safety.record_later(store, client_id, [answer.id], "a1")
    return answer


def entry_of(store, client_id, today=None):
    from workwell_desktop.store.caseload import caseload

    return next(e for e in caseload(store, today) if e.client_id == client_id)


def test_the_marker_appears_with_the_task_and_clears_after_action_and_time(store, client):
    assert not entry_of(store, client.id).risk_marked
    answer = give_risk_answer(store, client.id)
    entry = entry_of(store, client.id)
    assert entry.open_safety_tasks == 1 and entry.risk_marked
    safety.record_safety_action(store, client.id, [answer.id], ACTION)
    entry = entry_of(store, client.id)
    assert entry.open_safety_tasks == 0 and entry.risk_marked  # still recent
    later = date.today() + timedelta(days=RISK_MARKER_DAYS + 1)
    assert not entry_of(store, client.id, later).risk_marked  # the recent flag has aged out


def test_an_open_task_keeps_the_marker_however_old(store, client):
    give_risk_answer(store, client.id)
    assert entry_of(store, client.id, date.today() + timedelta(days=400)).open_safety_tasks == 1


def test_the_caseload_row_shows_it_in_words_icon_and_colour(qtbot, store, client):
    give_risk_answer(store, client.id)
    other_client(store)
    from workwell_desktop.gui.style import ERROR_RED

    panel = CaseloadPanel()
    qtbot.addWidget(panel)
    panel.load(store.caseload())
    row = panel.model.row_of(client.id)
    name = panel.model.index(row, cm.NAME)
    assert "open safety task" in panel.model.data(name, Qt.ItemDataRole.ToolTipRole)
    assert "open safety task" in panel.model.data(name, Qt.ItemDataRole.AccessibleTextRole)
    assert panel.model.data(name, Qt.ItemDataRole.DecorationRole) is not None
    assert panel.model.data(name, Qt.ItemDataRole.ForegroundRole).name().lower() == ERROR_RED.lower()
    assert panel.model.data(name, Qt.ItemDataRole.DisplayRole) == "Example, Jane"  # name unchanged
    unmarked = panel.model.index(1 - row, cm.NAME)
    assert panel.model.data(unmarked, Qt.ItemDataRole.DecorationRole) is None


def test_the_filter_shows_only_clients_with_open_safety_tasks(qtbot, store, client):
    sol = other_client(store)
    give_risk_answer(store, client.id)
    panel = CaseloadPanel()
    qtbot.addWidget(panel)
    panel.load(store.caseload())
    assert panel.model.rowCount() == 2
    panel.safety_filter.setChecked(True)
    assert panel.model.rowCount() == 1 and panel.model.entry(0).client_id == client.id
    assert "with open safety tasks" in panel.count.text()
    assert panel.model.row_of(sol.id) == -1
    panel.safety_filter.setChecked(False)
    assert panel.model.rowCount() == 2


def test_the_record_header_shows_the_marker_and_it_clears(qtbot, store, client):
    handle = DatabaseHandle()
    handle.open(store)
    record = ClientRecord(handle, client.id)
    qtbot.addWidget(record)
    assert not record.risk_marker.isVisibleTo(record)
    answer = give_risk_answer(handle, client.id)  # through the handle: the record reloads itself
    assert record.risk_marker.isVisibleTo(record)
    assert "1 open safety task" in record.risk_marker.text()
    safety.record_safety_action(handle, client.id, [answer.id], ACTION)
    assert "open safety task" not in record.risk_marker.text()
    assert "Risk answer on" in record.risk_marker.text()


def test_the_team_summary_counts_open_safety_tasks_per_coach(store, client):
    # ``client`` belongs to Alex Coach (the store's coach); Sol to Bea.
    sol = other_client(store, coach="Bea Lead")
    give_risk_answer(store, client.id)
    give_risk_answer(store, client.id, later=False)
    closed = give_risk_answer(store, sol.id)
    safety.record_safety_action(store, sol.id, [closed.id], ACTION)
    week = date.today().isocalendar()
    summary = build_summary(store, f"{week.year}-W{week.week:02d}")
    period = summary.periods[0].name
    assert summary.figures[(period, "Alex Coach")]["open_safety_tasks"] == 2
    assert summary.figures[(period, "Bea Lead")]["open_safety_tasks"] == 0
    assert summary.figures[(period, "service")]["open_safety_tasks"] == 2
