"""The SummaryView widget: week picker, table per scope, coverage, the team and publication
exports off the GUI thread."""

import csv
import io
from datetime import date

from openpyxl import load_workbook
from summary_team import ALEX, RENDERS
from support.store import handle_on

from workwell_desktop.gui.reports import SummaryView

TODAY = date(2026, 11, 23)


def cell_texts(view, column):
    return {
        view.table.item(r, 0).text().strip(): view.table.item(r, column).text()
        for r in range(view.table.rowCount())
    }


def test_the_table_shows_the_chosen_week_and_scope(qtbot, team):
    view = SummaryView(handle_on(team), today=TODAY)
    qtbot.addWidget(view)
    view.resize(900, 700)
    with qtbot.waitSignal(view.refreshed, timeout=20000):  # worked out off the GUI thread
        view.show()
    qtbot.waitExposed(view)
    assert view.week == "2026-W47"  # the last complete week
    assert view.scope_box.currentText() == "Whole service"
    assert [view.scope_box.itemText(i) for i in range(view.scope_box.count())] == [
        "Whole service",
        ALEX,
        "Bea Lead",
    ]
    rows = cell_texts(view, 1)
    assert rows["Referrals received"] == "5"
    assert rows["Referrals: GP / primary care"] == "2"  # the team view hides nothing
    assert rows["Active caseload (at end)"] == "6"
    assert "no sync coverage" in view.coverage.text()  # this laptop never synced: said, not hidden
    tip = next(
        view.table.item(r, 0).toolTip()
        for r in range(view.table.rowCount())
        if view.table.item(r, 0).text() == "Active caseload (at end)"
    )
    assert "caseload list" in tip  # each row's definition, from reports.definitions
    view.scope_box.setCurrentIndex(view.scope_box.findData(ALEX))
    assert cell_texts(view, 1)["Referrals received"] == "4"
    assert cell_texts(view, 3)["Referrals received"] == "6"
    with qtbot.waitSignal(view.refreshed, timeout=20000):
        view.week_box.setCurrentIndex(view.week_box.findData("2026-W43"))
    assert cell_texts(view, 1)["First contacts"] == "1"
    assert view.scope_box.currentData() == ALEX  # the scope is kept
    RENDERS.mkdir(exist_ok=True)
    view.grab().save(str(RENDERS / "summary-view.png"))


def test_exports_run_in_the_background(qtbot, team, tmp_path, threaded_tasks):
    view = SummaryView(handle_on(team), today=TODAY)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.refreshed, timeout=20000):
        view.refresh()
    for audience in ("team", "publication"):
        for fmt in ("csv", "xlsx", "pdf"):
            out = tmp_path / f"{audience}.{fmt}"
            with qtbot.waitSignal(view.exported, timeout=20000) as done:
                view.export_to(fmt, out, audience)
                assert not view.buttons[("team", "pdf")].isEnabled()  # no second export meanwhile
            path, message = done.args
            assert path == str(out) and (
                "publication" in message if audience == "publication" else "not for publication" in message
            )
            assert view.buttons[("team", "pdf")].isEnabled() and view.progress.isHidden()
    team_rows = list(csv.DictReader(io.StringIO((tmp_path / "team.csv").read_text(encoding="utf-8"))))
    assert team_rows[1]["measure"] == "audience" and team_rows[1]["value"].startswith("team")
    published = list(csv.DictReader(io.StringIO((tmp_path / "publication.csv").read_text(encoding="utf-8"))))
    assert {r["scope"] for r in published} == {"service"}
    about = load_workbook(tmp_path / "publication.xlsx")["About"]
    assert about["B2"].value == "North Cumbria WorkWell Service"
    assert (tmp_path / "team.pdf").read_bytes().startswith(b"%PDF")
    assert team.is_open  # the worker closed only its own connection


def test_an_export_that_cannot_be_written_says_so(qtbot, team, tmp_path):
    view = SummaryView(handle_on(team), today=TODAY)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.refreshed, timeout=20000):
        view.refresh()
    with qtbot.waitSignal(view.exported, timeout=20000) as done:
        view.export_to("csv", tmp_path / "missing-folder" / "s.csv")
    assert done.args[0] == "" and "Could not save" in done.args[1]
