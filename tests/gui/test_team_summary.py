"""Team leads get the weekly summary as a tab; coaches do not; a lock removes it."""

from pathlib import Path

from workwell_desktop.gui.app import build_window
from workwell_desktop.store import Store, replica

PASSPHRASE = "correct horse battery staple"


def window_for(tmp_path, role, qtbot, account_role=None):
    """A laptop set up with ``role``, registered with a server account of ``account_role``."""
    store = Store.create(tmp_path / role, PASSPHRASE, "Lee Lead", coach_role=role)
    if account_role:
        replica.set_settings(store, sync_role=account_role, sync_username="lee.lead")
    store.close()
    window = build_window(tmp_path / role)
    window.open_store(Store.open(tmp_path / role, PASSPHRASE))
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    return window


def tab_titles(window):
    return [window.workspace.tabText(i) for i in range(window.workspace.count())]


def test_team_lead_sees_the_team_summary(tmp_path, qtbot, data_dir):
    window = window_for(tmp_path, "team_lead", qtbot, account_role="team_lead")
    assert tab_titles(window)[:2] == ["Caseload", "Team summary"]
    with qtbot.waitSignal(window.workspace.summary.refreshed, timeout=20_000):
        window.workspace.setCurrentIndex(1)
    Path("renders").mkdir(exist_ok=True)
    window.grab().save("renders/team-summary-tab.png")
    window.lock()
    assert "Team summary" not in tab_titles(window)  # no figures left in memory while locked
    window.handle.close()


def test_a_coach_does_not(tmp_path, qtbot, data_dir):
    window = window_for(tmp_path, "coach", qtbot)
    assert "Team summary" not in tab_titles(window)
    window.handle.close()


def test_typing_team_lead_at_set_up_is_not_enough(tmp_path, qtbot, data_dir):
    """Issue #14: the role comes from the server account, not from what was typed at set-up."""
    for account in (None, "coach"):
        window = window_for(tmp_path / (account or "none"), "team_lead", qtbot, account_role=account)
        assert "Team summary" not in tab_titles(window)
        window.handle.close()
