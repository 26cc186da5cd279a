"""The tabs also work on the app's DatabaseHandle: saves go through it and are announced."""

from PySide6.QtCore import Qt

from workwell_desktop.gui.assessments import AssessmentsTab
from workwell_desktop.gui.database_handle import DatabaseHandle
from workwell_desktop.gui.plan import PlanTab


def test_saves_through_the_handle_are_announced(qtbot, track, store, client):
    handle = DatabaseHandle()
    handle.open(store)
    announced = []
    handle.saved.connect(announced.append)
    tab = AssessmentsTab(handle, client.id)
    qtbot.addWidget(tab)
    tab.measure.set_code("work_ability")
    runner = tab.start_assessment()
    track(runner)
    qtbot.keyClick(runner.focusWidget() or runner, Qt.Key.Key_4)
    runner.next_item()
    runner.save()
    assert announced == [client.id]
    tab.reload()  # the client record reloads every tab when the handle announces a save
    assert tab.model.rowCount() == 1

    plan = PlanTab(handle, client.id)
    qtbot.addWidget(plan)
    dialog = plan.add_goal()
    qtbot.keyClicks(dialog.text, "Keep my job")
    dialog.save()
    assert announced == [client.id, client.id]
    plan.reload()
    assert plan.goal_model.rowCount() == 1
