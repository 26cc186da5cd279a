"""The tabs work on the app's DatabaseHandle (the RecordStore): saves go through it and are
announced, and a tab on its own reloads itself after its save."""

from PySide6.QtCore import Qt

from workwell_desktop.gui.assessments import AssessmentsTab
from workwell_desktop.gui.plan import PlanTab


def test_saves_through_the_handle_are_announced(qtbot, track, handle, client):
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
    assert tab.model.rowCount() == 1

    plan = PlanTab(handle, client.id)
    qtbot.addWidget(plan)
    dialog = plan.add_goal()
    qtbot.keyClicks(dialog.text, "Keep my job")
    dialog.save()
    assert announced == [client.id, client.id]
    assert plan.goal_model.rowCount() == 1
