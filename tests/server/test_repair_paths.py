"""Repair paths lose no work: a restored backup converges, a copied data folder knows it is
a copy, a client moved away and back returns whole, offline work on a moved client is
passed to its new team."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy.orm import Session
from support.live_server import PASSPHRASE, add_client, everything

from workwell_desktop.domain.records import Client, ContactSession
from workwell_desktop.server import admin
from workwell_desktop.store import Store, replica
from workwell_desktop.sync import engine


def session_for(store, client, note):
    return store.add(
        ContactSession(
            client_id=client.id, held_on="2026-11-20", mode="phone", duration_minutes=30, note=note
        )
    )


def test_a_laptop_restored_from_a_backup_gets_back_its_own_acknowledged_work(laptop):  # noqa: F811
    ann, bob = laptop("ann"), laptop("bob")
    client = add_client(ann)
    engine.sync(ann)
    folder = ann.data_dir
    ann.close()
    backup = folder.parent / "ann-backup"
    shutil.copytree(folder, backup)
    ann = Store.open(folder, PASSPHRASE)
    try:
        note = session_for(ann, client, "after the backup")
        ann.update(Client, client.id, employer="Carlisle Bakery")
        engine.sync(ann)
        assert ann.pending_change_count() == 0  # acknowledged: only the server has it now
    finally:
        ann.close()
    shutil.rmtree(folder)
    shutil.copytree(backup, folder)  # the laptop is restored from last week's backup
    restored = Store.open(folder, PASSPHRASE)
    try:
        engine.sync(restored)
        engine.sync(bob)
        assert restored.get(ContactSession, note.id).note == "after the backup"
        assert restored.get(Client, client.id).employer == "Carlisle Bakery"
        assert everything(restored) == everything(bob)
        assert restored.pending_change_count() == 0
    finally:
        restored.close()


def test_a_copied_data_folder_knows_it_is_a_copy_and_asks_to_be_registered_again(laptop, live):  # noqa: F811
    from server_helpers import PASSWORD

    ann, bob = laptop("ann"), laptop("bob")
    client = add_client(ann)
    engine.sync(ann)
    ann.close()
    copy_dir = ann.data_dir.parent / "ann-copy"
    shutil.copytree(ann.data_dir, copy_dir)
    ann = Store.open(ann.data_dir, PASSPHRASE)  # the original, where it always was
    copy = Store.open(copy_dir, PASSPHRASE)
    try:
        made_on_copy = session_for(copy, client, "typed on the copy")
        with pytest.raises(engine.CopiedDataFolder, match="copied from another laptop or folder"):
            engine.sync(copy)
        assert copy.pending_change_count() == 1  # nothing lost, nothing sent as the original
        session_for(ann, client, "typed on the original")
        engine.sync(ann)  # the original carries on as before
        old_identity = copy.device_id
        engine.register(copy, live.base_url, "ann", PASSWORD, "second laptop")
        assert copy.device_id != old_identity == ann.device_id  # its own clock from now on
        engine.sync(copy)
        engine.sync(ann)
        engine.sync(bob)
        assert bob.get(ContactSession, made_on_copy.id).note == "typed on the copy"
        assert everything(copy) == everything(ann) == everything(bob)
    finally:
        ann.close()
        copy.close()


def test_a_client_moved_away_and_back_returns_with_its_whole_record(laptop, live):  # noqa: F811
    ann, cat = laptop("ann"), laptop("cat")
    client = add_client(ann)
    own = session_for(ann, client, "ann's own session")
    ann.update(Client, client.id, employer="Eden Farm")
    engine.sync(ann)
    before = everything(ann)
    with Session(live.engine) as s:
        admin.move_client(s, client.id, "cat")
    engine.sync(ann)
    assert ann.all(Client) == []
    engine.sync(cat)
    theirs = session_for(cat, cat.get(Client, client.id), "team B's session")
    engine.sync(cat)
    with Session(live.engine) as s:
        admin.move_client(s, client.id, "bob")
    engine.sync(ann)
    back = everything(ann)
    assert ann.get(ContactSession, own.id).note == "ann's own session"
    assert ann.get(ContactSession, theirs.id).note == "team B's session"
    assert ann.get(Client, client.id).employer == "Eden Farm"
    assert ann.get(Client, client.id).coach == "bob"
    assert {r["id"] for r in back["referral"]} == {r["id"] for r in before["referral"]}
    assert replica.quarantined_changes(ann) == [] and replica.open_conflicts(ann) == []


def test_offline_work_on_a_client_moved_to_another_team_is_forwarded_and_the_coach_told(laptop, live):  # noqa: F811
    from workwell_desktop.gui.sync_controller import SyncController

    ann, bob, cat = laptop("ann"), laptop("bob"), laptop("cat")
    client = add_client(ann)
    engine.sync(ann)
    engine.sync(bob)
    with Session(live.engine) as s:
        admin.move_client(s, client.id, "cat")  # IT moves the client while ann is offline
    offline = session_for(ann, client, "seen in the GP room, offline")
    ann.update(Client, client.id, employer="Eden Farm")
    engine.sync(bob)  # bob's laptop has seen the move...
    late = session_for(ann, client, "never")  # (ann's laptop, still before the move)
    report = engine.sync(ann)
    assert report.forwarded == 3 and report.rejected == 0 and ann.pending_change_count() == 0
    assert ann.all(Client) == []  # then the move reaches ann's laptop
    engine.sync(cat)
    assert cat.get(ContactSession, offline.id).note == "seen in the GP room, offline"
    assert cat.get(ContactSession, late.id).note == "never"
    assert cat.get(Client, client.id).employer == "Eden Farm"
    words = SyncController.describe(type("C", (), {"state": "up_to_date", "message": ""})(), ann)
    assert "3 changes made offline went to the client's new team" in words
    # ...so a laptop that has seen the move may not write to the client any more.
    from server_helpers import make_change

    assert bob.all(Client) == []
    sneaky = make_change(client.id, "contact_session", device_id="bob")
    with Session(live.engine) as s:
        from workwell_desktop.server import auth, sync_service

        token = replica.get_setting(bob, "sync_token")
        device = auth.identify(s, token)
        result = sync_service.push(s, device, [sneaky], cursor=replica.get_setting(bob, "sync_cursor"))
    assert result.accepted == [] and "another team" in result.rejected[0].reason


def test_moving_a_client_between_coaches_of_a_team_raises_no_conflict(laptop, live):  # noqa: F811
    ann, bob = laptop("ann"), laptop("bob")
    client = add_client(ann)
    engine.sync(ann)
    engine.sync(bob)
    with Session(live.engine) as s:
        admin.move_client(s, client.id, "bob")
    for store in (ann, bob):
        engine.sync(store)
        assert store.get(Client, client.id).coach == "bob"
        assert replica.open_conflicts(store) == []
