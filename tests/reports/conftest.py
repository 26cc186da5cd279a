"""Fixtures for the team lead summaries: a store holding the synthetic team."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from summary_team import PASSPHRASE, build_team  # noqa: E402

from workwell_desktop.store import Store, replica  # noqa: E402


@pytest.fixture
def team(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKWELL_KEY_STORE", "file")
    store = Store.create(tmp_path / "d", PASSPHRASE, "Alex Coach")
    store.ids = build_team(store)
    # Registered with a team lead's server account: team exports need it (team_exports).
    replica.set_settings(store, sync_role="team_lead", sync_username="lee.lead")
    yield store
    store.close()
