"""The desktop sync client against the real server over HTTP on loopback, on
PostgreSQL and SQLite: convergence, conflicts, interruptions at every step, team
scoping, revocation and reassignment."""

from __future__ import annotations

import httpx
import pytest
from server_helpers import PASSWORD
from sqlalchemy.orm import Session
from support.live_server import PASSPHRASE, add_client, everything

from workwell_desktop.domain.records import Client, ConsentEvent, ContactSession
from workwell_desktop.server import admin
from workwell_desktop.store import Store, replica
from workwell_desktop.sync import engine


def test_two_laptops_working_offline_converge(laptop):
    ann, bob = laptop("ann"), laptop("bob")
    first = add_client(ann)
    add_client(bob, "9990000018", given_name="Ffion")
    ann.add(
        ContactSession(
            client_id=first.id, held_on="2026-11-20", mode="phone", duration_minutes=30, note="first call"
        )
    )
    engine.sync(ann)
    engine.sync(bob)
    bob.update(Client, first.id, employer="Carlisle Bakery")
    bob.add(
        ConsentEvent(
            client_id=first.id,
            scope="share_employer",
            action="given",
            method="verbal",
            recorded_by="Bob Coach",
            recorded_at="2026-11-21T10:00:00+00:00",
        )
    )
    engine.sync(bob)
    engine.sync(ann)
    assert everything(ann) == everything(bob)
    assert ann.get(Client, first.id).employer == "Carlisle Bakery"
    assert ann.pending_change_count() == bob.pending_change_count() == 0


def test_an_empty_sync_is_one_request(laptop):
    ann = laptop("ann")
    add_client(ann)
    engine.sync(ann)
    assert engine.sync(ann).requests == 1


def test_same_field_conflict_is_shown_on_both_laptops(laptop):
    ann, bob = laptop("ann"), laptop("bob")
    client = add_client(ann)
    engine.sync(ann)
    engine.sync(bob)
    ann.update(Client, client.id, employer="Bakery")
    bob.update(Client, client.id, employer="Farm")
    engine.sync(ann)
    engine.sync(bob)
    engine.sync(ann)
    assert ann.get(Client, client.id).employer == bob.get(Client, client.id).employer
    [on_ann], [on_bob] = replica.open_conflicts(ann), replica.open_conflicts(bob)
    assert {on_ann.kept_value, on_ann.other_value} == {"Bakery", "Farm"}
    assert {on_bob.kept_value, on_bob.other_value} == {"Bakery", "Farm"}
    replica.resolve_conflict(bob, on_bob.id, keep_other=True)
    engine.sync(bob)
    engine.sync(ann)
    assert ann.get(Client, client.id).employer == bob.get(Client, client.id).employer
    assert replica.open_conflicts(ann) == replica.open_conflicts(bob) == []


class Faulty(httpx.HTTPTransport):
    """Fails one sync request: before it is sent, or after the server answered."""

    def __init__(self, when: str):
        super().__init__()
        self.when, self.failed = when, False

    def handle_request(self, request):
        if self.failed or not request.url.path.endswith("/sync"):
            return super().handle_request(request)
        self.failed = True
        if self.when == "before_send":
            raise httpx.ConnectError("network down")
        response = super().handle_request(request)
        response.read()
        raise httpx.ReadError("connection lost before the reply arrived")


@pytest.mark.parametrize("when", ["before_send", "after_send_before_ack"])
def test_an_interrupted_push_loses_and_duplicates_nothing(laptop, live, when):
    ann, bob = laptop("ann"), laptop("bob")
    for i, nhs in enumerate(("9434765919", "9990000018", "9990000026")):
        add_client(ann, nhs, given_name=f"Person{i}")
    with httpx.Client(transport=Faulty(when)) as http, pytest.raises(engine.Offline):
        engine.sync(ann, http=http)
    assert ann.pending_change_count() == 6  # nothing marked sent without an acknowledgement
    engine.sync(ann)  # the retry; a replayed batch is acknowledged and changes nothing
    assert ann.pending_change_count() == 0
    assert live.count("change") == 6
    engine.sync(bob)
    assert everything(bob) == everything(ann)


def test_an_interrupted_pull_page_is_applied_once_on_retry(laptop, monkeypatch):
    ann, bob = laptop("ann"), laptop("bob")
    for i, nhs in enumerate(("9434765919", "9990000018", "9990000026")):
        add_client(ann, nhs, given_name=f"Person{i}")
    engine.sync(ann)
    real, calls = replica._apply_one, []

    def dies_mid_page(cur, store, change):
        calls.append(change["change_id"])
        if len(calls) == 4:
            raise OSError("laptop lid closed")
        return real(cur, store, change)

    monkeypatch.setattr(replica, "_apply_one", dies_mid_page)
    with pytest.raises(OSError):
        engine.sync(bob)
    assert bob.caseload() == [] and replica.get_setting(bob, "sync_cursor") == ""
    monkeypatch.setattr(replica, "_apply_one", real)
    engine.sync(bob)
    assert everything(bob) == everything(ann)
    assert len(bob.rows("SELECT * FROM received_change")) == 6


def test_another_team_sees_nothing(laptop):
    ann, cat = laptop("ann"), laptop("cat")
    add_client(ann)
    engine.sync(ann)
    report = engine.sync(cat)
    assert report.pulled == 0 and cat.caseload() == []


def test_a_revoked_laptop_wipes_itself(laptop, live):
    ann = laptop("ann")
    add_client(ann)
    engine.sync(ann)
    device_id = replica.get_setting(ann, "server_device_id")
    with Session(live.engine) as session:
        assert admin.revoke_device(session, device_id)
    data_dir = ann.data_dir
    assert (data_dir / "connect-hint.json").exists()  # sync.early_connect's
    with pytest.raises(engine.DeviceRevoked, match="revoked"):
        engine.sync(ann)
    assert not (data_dir / "workwell.db").exists() and not (data_dir / "key.json").exists()
    assert not (data_dir / "workwell.json").exists() and not (data_dir / "connect-hint.json").exists()


def test_reassignment_removes_the_client_from_the_old_team(laptop, live):
    ann, cat = laptop("ann"), laptop("cat")
    moving = add_client(ann)
    staying = add_client(ann, "9990000018", given_name="Stays")
    ann.add(ContactSession(client_id=moving.id, held_on="2026-11-20", mode="phone", duration_minutes=30))
    engine.sync(ann)
    with Session(live.engine) as session:
        admin.move_client(session, moving.id, "cat")
    engine.sync(ann)
    engine.sync(cat)
    assert [e.client_id for e in ann.caseload()] == [staying.id]
    assert ann.for_client(ContactSession, moving.id) == []
    assert [e.client_id for e in cat.caseload()] == [moving.id]
    assert len(cat.for_client(ContactSession, moving.id)) == 1
    assert cat.get(Client, moving.id).coach == "cat"


def test_coach_connects_syncs_and_resolves_a_conflict_in_the_app(laptop, live, qtbot, tmp_path, monkeypatch):
    from pathlib import Path

    from workwell_desktop.gui.app import build_window
    from workwell_desktop.gui.sync_dialogs import RegisterDialog

    monkeypatch.setenv("WORKWELL_KEY_STORE", "file")
    data = tmp_path / "gui"
    store = Store.create(data, PASSPHRASE, "Ann Coach")
    client = add_client(store)
    store.close()
    window = build_window(data)
    window.open_store(Store.open(data, PASSPHRASE))
    qtbot.addWidget(window)
    window.resize(1100, 700)
    window.show()
    assert "Not connected" in window.status_area.sync.text()

    dialog: RegisterDialog = window.connect_to_server()
    dialog.url.setText(live.base_url)
    qtbot.keyClicks(dialog.username, "ann")
    qtbot.keyClicks(dialog.password, PASSWORD)
    with qtbot.waitSignal(window.sync.finished, timeout=20_000):
        dialog.connect_button.click()  # registering starts the first sync at once
    assert window.sync.state == "up_to_date"
    assert "Up to date" in window.status_area.sync.text()
    assert "0 changes waiting" in window.status_area.sync.text()
    # The laptop took the account's name ("Ann", not "Ann Coach" typed at set-up) and
    # re-stamped the client made before registering with the username (store.identity).
    assert window.header.coach.text().startswith("Ann") and "Ann Coach" not in window.header.coach.text()
    assert window.handle.store.get(Client, client.id).coach == "ann"

    # Bob changes the same detail on his laptop while Ann changes it here
    bob = laptop("bob")
    engine.sync(bob)
    bob.update(Client, client.id, employer="Farm")
    engine.sync(bob)
    window.handle.update(Client, client.id, employer="Bakery")
    with qtbot.waitSignal(window.sync.finished, timeout=20_000):
        window.sync_now()
    assert "1 conflict to resolve" in window.status_area.sync.text()
    conflicts = window.show_conflicts()
    assert conflicts.table.rowCount() == 1
    Path("renders").mkdir(exist_ok=True)
    conflicts.grab().save("renders/sync-conflicts.png")
    window.grab().save("renders/sync-status.png")
    kept = window.handle.store.get(Client, client.id).employer
    conflicts.other.click()
    assert conflicts.table.rowCount() == 0
    assert window.handle.store.get(Client, client.id).employer != kept
    with qtbot.waitSignal(window.sync.finished, timeout=20_000):
        window.sync_now()
    engine.sync(bob)
    assert bob.get(Client, client.id).employer == window.handle.store.get(Client, client.id).employer
    assert replica.open_conflicts(bob) == []
    window.handle.close()
