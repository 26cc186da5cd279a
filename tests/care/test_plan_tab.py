"""The Plan tab: tables, overdue highlighting, dialogs that save new versions, History, renders."""

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from workwell_desktop.domain.plans import PlanAction, PlanGoal, PlanReferral
from workwell_desktop.domain.records import ConsentEvent
from workwell_desktop.gui.plan import PlanTab
from workwell_desktop.gui.style import ERROR_RED
from workwell_desktop.services import plans

TODAY = date(2026, 11, 23)


def a_plan(store, client):
    plans.save_settings(store, client.id, support_tier="targeted", next_review_on="2026-11-16")
    goal = plans.add_entry(
        store,
        PlanGoal(client_id=client.id, text="Get back to my job at the depot without my back seizing up"),
    )
    plans.add_entry(store, PlanGoal(client_id=client.id, text="Sleep through most nights"))
    call = plans.add_entry(
        store,
        PlanAction(
            client_id=client.id,
            text="Ask the manager about a phased return",
            goal_id=goal.item_id,
            due_on="2026-11-13",
        ),
    )
    plans.add_entry(
        store,
        PlanAction(
            client_id=client.id,
            text="Self-refer to MSK physiotherapy",
            goal_id=goal.item_id,
            owner="client",
            due_on="2026-11-30",
        ),
    )
    plans.add_entry(
        store,
        PlanAction(
            client_id=client.id, text="Send the adjustments letter draft", owner="coach", due_on="2026-11-27"
        ),
    )
    plans.change_entry(store, call, due_on="2026-11-20")
    directory = plans.load_directory()
    physio = directory.in_area("physiotherapy")[0]
    plans.add_entry(
        store,
        PlanReferral(
            client_id=client.id,
            support_area="physiotherapy",
            service_name=physio.name,
            service_contact=physio.contact,
            kind="signposting",
            status="made",
            made_on="2026-11-16",
        ),
    )
    plans.add_note(store, client.id, "Met at Brampton hub. Back pain worse on long shifts.", "2026-11-16")


def test_plan_tab_shows_the_plan_with_overdue_highlighted_and_renders(qtbot, handle, store, client, render):
    a_plan(store, client)
    tab = PlanTab(handle, client.id, today=TODAY)
    qtbot.addWidget(tab)
    assert "Targeted" in tab.tier_label.text() and "16 Nov 2026 (overdue)" in tab.review_label.text()
    assert tab.goal_model.rowCount() == 2 and tab.action_model.rowCount() == 3
    first = tab.action_model.row_object(0).current
    assert first.text.startswith("Ask the manager") and first.due_on == "2026-11-20"
    due = tab.action_model.index(0, 3)
    assert tab.action_model.data(due) == "20 Nov 2026 (overdue)"
    assert tab.action_model.data(due, Qt.ItemDataRole.ForegroundRole) == QColor(ERROR_RED)
    assert tab.action_model.data(tab.action_model.index(0, 1)).startswith("Get back to my job")
    assert tab.overdue_label.text() == "1 overdue action."
    assert tab.referral_model.rowCount() == 1 and tab.note_model.rowCount() == 1
    assert tab.tabs.tabText(3) == "Histor&y (9)"
    render(tab, "plan-tab", 1000, 720)
    tab.tabs.setCurrentIndex(3)
    changed = [
        tab.history_model.data(tab.history_model.index(r, 4)) for r in range(tab.history_model.rowCount())
    ]
    assert "Due: 13 Nov 2026 \u2192 20 Nov 2026" in changed
    render(tab, "plan-history", 1000, 560)
    tab.tabs.setCurrentIndex(1)
    render(tab, "plan-referrals", 1000, 480)


def test_add_and_change_through_the_dialogs_keeps_history(qtbot, handle, store, client):
    tab = PlanTab(handle, client.id, today=TODAY)
    qtbot.addWidget(tab)
    dialog = tab.add_goal()
    assert dialog.current_errors()  # a goal needs words
    qtbot.keyClicks(dialog.text, "Feel confident talking to my manager")
    dialog.save()
    assert tab.goal_model.rowCount() == 1

    dialog = tab.add_action()
    qtbot.keyClicks(dialog.text, "Practise the conversation")
    dialog.goal.setCurrentIndex(1)
    dialog.owner.set_code("other")
    assert dialog.fields.fields["owner_name"].cell.isVisibleTo(dialog)
    dialog.due_on.edit.setText("31/02/2026")
    dialog.fields.touch_all()
    errors = dialog.refresh()
    assert set(errors) >= {"owner_name", "due_on"}
    assert dialog.fields.fields["due_on"].message.text().startswith("Enter")  # message by the field
    qtbot.keyClicks(dialog.owner_name, "Occupational health nurse")
    dialog.due_on.edit.setText("01/12/2026")
    dialog.save()
    [item] = tab.view.actions
    assert item.current.owner_text() == "Occupational health nurse"
    assert item.current.goal_id == tab.view.goals[0].item_id

    tab.action_table.setCurrentIndex(tab.action_model.index(0, 0))
    tab.mark_done()
    assert tab.view.actions[0].current.status == "done"
    assert len(tab.view.actions[0].versions) == 2
    assert tab.history_model.data(tab.history_model.index(0, 4)) == "Status: Open \u2192 Done"


def test_referral_from_the_directory_filtered_by_area(qtbot, handle, store, client, render):
    tab = PlanTab(handle, client.id, today=TODAY)
    qtbot.addWidget(tab)
    dialog = tab.add_referral()
    dialog.area.set_code("money_benefits_housing")
    names = [dialog.service.itemText(i) for i in range(1, dialog.service.count())]
    expected = [s.name for s in tab.directory.in_area("money_benefits_housing")]
    assert len(names) == len(expected) and all(n.startswith(e) for n, e in zip(names, expected, strict=True))
    dialog.service.setCurrentIndex(1)
    dialog.service.activated.emit(1)
    assert dialog.service_name.text() == expected[0] and "01632" in dialog.contact.text()
    dialog.kind.set_code("referral")
    dialog.status.set_code("made")
    dialog.refresh()
    assert dialog.current_errors()  # made: needs the date
    dialog.made_on.set_iso("2026-11-20")
    dialog.refresh()
    # A referral made shares the client's details with the service: consent first (issue #14).
    assert dialog.current_errors()
    assert "not been asked" in dialog.current_errors()["status"]
    for scope, service_name in (("participation", ""), ("share_service", expected[0])):
        store.add(
            ConsentEvent(
                client_id=client.id,
                scope=scope,
                service_name=service_name,
                action="given",
                method="verbal",
                recorded_by="Alex",
                recorded_at="2026-11-19T10:00:00+00:00",
            )
        )
    dialog.refresh()
    assert not dialog.current_errors()
    render(dialog, "plan-referral-dialog", height=900)
    dialog.save()
    [item] = tab.view.referrals
    assert (item.current.service_name, item.current.kind, item.current.made_on) == (
        expected[0],
        "referral",
        "2026-11-20",
    )


def test_review_and_note_dialogs(qtbot, handle, store, client):
    tab = PlanTab(handle, client.id, today=TODAY)
    qtbot.addWidget(tab)
    dialog = tab.record_review()
    dialog.next_review.set_iso("2026-12-21")
    dialog.tier.set_code("universal")
    dialog.refresh()
    assert dialog.current_errors()  # the review note is required
    qtbot.keyClicks(dialog.note, "Goals on track; light touch from now.")
    dialog.save()
    assert tab.view.settings.support_tier == "universal" and tab.view.next_review_on == "2026-12-21"
    assert tab.note_model.rowCount() == 1

    tab.note_table.setCurrentIndex(tab.note_model.index(0, 0))
    dialog = tab.correct_note()
    dialog.text.setPlainText("Goals on track; light touch from January.")
    dialog.refresh()
    assert dialog.current_errors()  # a correction needs its reason
    dialog.reason.setPlainText("Wrong month")
    dialog.save()
    assert tab.note_model.rowCount() == 1
    assert tab.note_model.data(tab.note_model.index(0, 1)) == "Plan review (corrected)"


def test_every_control_has_an_accessible_name(qtbot, handle, store, client):
    from PySide6.QtWidgets import QPushButton, QTableView, QTabWidget

    tab = PlanTab(handle, client.id, today=TODAY)
    qtbot.addWidget(tab)
    controls = tab.findChildren(QPushButton) + tab.findChildren(QTableView) + tab.findChildren(QTabWidget)
    assert len(controls) > 15
    for widget in controls:
        assert widget.accessibleName(), widget
