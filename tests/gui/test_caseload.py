"""The caseload list: type-ahead search over name, NHS number and postcode; Enter opens."""

from gui_demo import add_demo_caseload, demo_client, synthetic_nhs_number
from PySide6.QtCore import Qt

from workwell_desktop.gui.caseload_model import NEXT_REVIEW, CaseloadModel, matches, search_key
from workwell_desktop.store.caseload import CaseloadEntry


def names(model):
    return [model.entry(r).full_name for r in range(model.rowCount())]


def test_search_by_nhs_number_with_or_without_spaces_postcode_and_name(qtbot, window, store):
    add_demo_caseload(store, 20)
    store.add(
        demo_client(
            40, given_name="Wren", family_name="Ashdown", nhs_number="9434765919", postcode="LA23 1LJ"
        )
    )
    window.refresh()
    panel = window.workspace.caseload
    model = panel.model
    assert model.rowCount() == 21 and panel.count.text() == "21 clients"

    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert panel.search.hasFocus()
    qtbot.keyClicks(panel.search, "943 476")
    assert names(model) == ["Wren Ashdown"]
    assert panel.count.text() == "1 of 21 clients match"
    panel.search.clear()
    qtbot.keyClicks(panel.search, "943476")
    assert names(model) == ["Wren Ashdown"]

    panel.search.clear()
    qtbot.keyClicks(panel.search, "la231lj")  # postcode: any case, spaces optional
    assert names(model) == ["Wren Ashdown"]
    panel.search.clear()
    qtbot.keyClicks(panel.search, "ca2 4")
    expected = sorted(e.full_name for e in store.caseload() if e.postcode.startswith("CA2 4"))
    assert sorted(names(model)) == expected and expected

    panel.search.clear()
    qtbot.keyClicks(panel.search, "ashdown wr")
    assert names(model) == ["Wren Ashdown"]
    panel.search.clear()
    qtbot.keyClicks(panel.search, "w ashd")  # an initial and the start of the family name
    assert names(model) == ["Wren Ashdown"]
    panel.search.clear()
    qtbot.keyClicks(panel.search, "no such person")
    assert model.rowCount() == 0 and "No client matches" in panel.count.text()


def test_enter_in_search_opens_the_record_and_down_moves_to_the_list(qtbot, window, store):
    add_demo_caseload(store, 5)
    window.refresh()
    panel = window.workspace.caseload
    panel.focus_search()
    qtbot.keyClicks(panel.search, synthetic_nhs_number(2)[:9])
    assert panel.model.rowCount() == 1
    qtbot.keyClick(panel.search, Qt.Key.Key_Return)
    record = window.workspace.current_record()
    assert record is not None and record.client_id == panel.model.entry(0).client_id

    window.workspace.setCurrentWidget(panel)
    panel.search.clear()
    panel.focus_search()
    qtbot.keyClick(panel.search, Qt.Key.Key_Down)
    assert panel.table.hasFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_Down)
    qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    assert window.workspace.current_record().client_id == panel.model.entry(1).client_id
    assert window.workspace.count() == 3  # caseload + two records


def test_double_click_opens_and_ctrl_w_closes(qtbot, window, store):
    add_demo_caseload(store, 3)
    window.refresh()
    table = window.workspace.caseload.table
    rect = table.visualRect(table.model().index(0, 0))
    # A real double-click is press, release, then the double-click event.
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.workspace.current_record() is not None
    qtbot.keyClick(window, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    assert window.workspace.count() == 1


def test_sorting_by_a_column_keeps_empty_dates_last(qtbot, window, store):
    add_demo_caseload(store, 12)
    window.refresh()
    model = window.workspace.caseload.model
    model.sort(NEXT_REVIEW, Qt.SortOrder.AscendingOrder)
    reviews = [model.entry(r).next_review_on for r in range(model.rowCount())]
    filled = [r for r in reviews if r]
    assert reviews == filled + [""] * (len(reviews) - len(filled)) and filled == sorted(filled)


def test_search_stays_a_simple_scan_at_five_thousand_clients(qtbot):
    entries = [
        CaseloadEntry(
            f"id{n}",
            f"Given{n}",
            f"Family{n}",
            f"999{n:07d}",
            f"CA{n % 99} 1AB",
            "1980-01-01",
            "active",
            "",
            "",
            "Alex",
        )
        for n in range(5000)
    ]
    model = CaseloadModel()
    model.load(entries)
    model.set_query("999 000 49")
    assert model.rowCount() == 100
    model.set_query("family4999")
    assert model.rowCount() == 1
    key = search_key(entries[0])
    assert matches(key, "given0 family0") and matches(key, "g family0") and matches(key, "ca0 1ab")
    assert not matches(key, "999 49")  # digits typed with spaces are one number, not two words
