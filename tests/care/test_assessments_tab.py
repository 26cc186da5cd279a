"""The Assessments tab: list, change since baseline with charts, follow-ups, corrections."""

from datetime import date

from PySide6.QtCore import Qt

from workwell_desktop.domain.assessments import Assessment, SafetyAction
from workwell_desktop.domain.records import Discharge, Referral
from workwell_desktop.gui.assessments import AssessmentsTab, TrendChart
from workwell_desktop.services.assessments import record_assessment

SAFE = SafetyAction(
    ("asked_immediate_risk", "informed_team_lead"),
    "Asked; safe; team lead told.",
    "Alex Coach",
    "2026-09-07T10:00:00+00:00",
)


def history(store, client):
    for instrument, answers, timepoint, on in (
        ("phq9", [2, 2, 2, 2, 2, 2, 2, 2, 2], "baseline", "2026-06-01"),
        ("phq9", [1, 2, 1, 1, 2, 1, 1, 1, 0], "review", "2026-07-06"),
        ("phq9", [1, 1, 1, 1, 1, 1, 1, 2, 0], "discharge", "2026-08-24"),
        ("gad7", [2, 2, 2, 2, 2, 2, 2], "baseline", "2026-06-01"),
        ("gad7", [1, 1, 1, 2, 1, 1, 1], "discharge", "2026-08-24"),
        ("swemwbs", [2, 2, 3, 2, 2, 2, 2], "baseline", "2026-06-01"),
        ("swemwbs", [3, 3, 3, 4, 3, 3, 4], "discharge", "2026-08-24"),
        ("ons4", [3, 4, 5, 8], "baseline", "2026-06-01"),
        ("ons4", [6, 6, 7, 4], "discharge", "2026-08-24"),
    ):
        record_assessment(
            store,
            client.id,
            instrument,
            answers,
            timepoint=timepoint,
            completed_on=on,
            safety_action=SAFE if instrument == "phq9" and answers[8] else None,
        )
    # The client fixture's referral is dated after these measures: the discharge names
    # it as the episode it ends (domain.episodes), as the app now records.
    [referral] = store.for_client(Referral, client.id)
    store.add(
        Discharge(
            client_id=client.id,
            discharged_on="2026-08-24",
            reason="completed",
            work_outcome="stayed_in_work",
            referral_id=referral.id,
        )
    )


def test_tab_shows_change_since_baseline_follow_ups_and_renders(qtbot, handle, store, client, render):
    history(store, client)
    tab = AssessmentsTab(handle, client.id, today=date(2026, 11, 23))
    qtbot.addWidget(tab)
    summaries = [card.summary.text() for card in tab.findChildren(type(tab.trend_grid.itemAt(0).widget()))]
    assert "PHQ-9: 18 \u2192 9 (\u22129) since baseline" in summaries
    assert any(s.startswith("ONS4 anxiety: 8 \u2192 4") for s in summaries)
    charts = tab.findChildren(TrendChart)
    assert len(charts) == len(summaries) == 7  # PHQ-9, GAD-7, SWEMWBS and the four ONS4 questions
    phq9 = next(c for c in charts if c.trend.key == "phq9")
    assert "Baseline 1 Jun 2026: 18" in phq9.accessibleDescription()
    assert tab.model.rowCount() == 9
    assert tab.model.data(tab.model.index(0, 0)) == "24 Aug 2026"  # newest first
    labels = tab.follow_up_labels
    follow_texts = [labels.itemAt(i).widget().text() for i in range(labels.count())]
    assert "Follow-up (3 months): due 24 Nov 2026 \u2013 Due now" in follow_texts
    assert "Follow-up (6 months): due 24 Feb 2027 \u2013 Not due yet" in follow_texts
    assert tab.timepoint.code() == "follow_up_3m"  # the due follow-up is suggested
    tab.table.setCurrentIndex(tab.model.index(tab.model.rowCount() - 1, 0))
    assert "After the risk answer" in tab.detail.text() or tab.detail.isVisible()
    render(tab, "assess-tab", 1000, 1150)


def test_a_new_client_tab_suggests_baseline(qtbot, handle, store, client):
    tab = AssessmentsTab(handle, client.id)
    qtbot.addWidget(tab)
    assert tab.timepoint.code() == "baseline"
    assert tab.no_trends.isVisibleTo(tab) and not tab.follow_up_card.isVisibleTo(tab)
    assert not tab.correct_button.isEnabled()
    for widget in (tab.measure, tab.timepoint, tab.start_button, tab.table, tab.correct_button):
        assert widget.accessibleName()


def test_start_run_and_save_from_the_tab_updates_the_list(qtbot, track, handle, store, client):
    tab = AssessmentsTab(handle, client.id)
    qtbot.addWidget(tab)
    tab.measure.set_code("work_ability")
    runner = tab.start_assessment()
    track(runner)
    qtbot.waitExposed(runner)
    qtbot.keyClick(runner.focusWidget() or runner, Qt.Key.Key_7)
    qtbot.keyClick(runner.focusWidget() or runner, Qt.Key.Key_Return)
    with qtbot.waitSignal(tab.saved):
        qtbot.keyClick(runner.focusWidget() or runner, Qt.Key.Key_Return)
    assert tab.model.rowCount() == 1 and tab.model.row_object(0).total == 7


def test_correcting_from_the_tab_needs_a_reason(qtbot, track, handle, store, client):
    first = record_assessment(
        store, client.id, "gad7", [1] * 7, timepoint="baseline", completed_on="2026-11-02"
    )
    tab = AssessmentsTab(handle, client.id)
    qtbot.addWidget(tab)
    tab.table.setCurrentIndex(tab.model.index(0, 0))
    runner = tab.correct_selected()
    track(runner)
    assert runner.answers == [1] * 7
    runner.show_item(6)
    qtbot.keyClick(runner.focusWidget() or runner, Qt.Key.Key_3)
    runner.next_item()
    runner.save()
    assert "Say why" in runner.reason_message.text()
    runner.reason.setPlainText("Item 7 was keyed wrongly.")
    with qtbot.waitSignal(tab.saved):
        runner.save()
    assert len(store.for_client(Assessment, client.id)) == 2
    assert tab.model.rowCount() == 1
    shown = tab.model.row_object(0)
    assert shown.supersedes == first.id and shown.total == 9
    assert tab.model.data(tab.model.index(0, 6)) == "Alex Coach (corrected)"
