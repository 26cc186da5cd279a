"""The same person entered on two laptops: both records stay editable, both laptops flag
them as a possible duplicate, and a coach merges them (both histories kept, merge synced)."""

from __future__ import annotations

import uuid

from support.live_server import add_client

from workwell_desktop.domain.records import Client, ContactSession
from workwell_desktop.sync import engine


def test_two_laptops_enter_the_same_person(laptop):  # noqa: F811
    ann, bob = laptop("ann"), laptop("bob")
    on_ann = add_client(ann, given_name="Wren")
    on_bob = add_client(bob, given_name="Wren")  # same NHS number, entered offline on bob's laptop
    for store, client in ((ann, on_ann), (bob, on_bob)):
        store.add(
            ContactSession(
                client_id=client.id,
                held_on="2026-11-20",
                mode="phone",
                duration_minutes=30,
                note=f"seen by {store.coach_name}",
            )
        )
    for store in (ann, bob, ann):
        engine.sync(store)
    for store in (ann, bob):
        [group] = store.possible_duplicates()
        assert {c.id for c in group} == {on_ann.id, on_bob.id}
        # Both stay editable: no "already has this NHS number".
        store.update(Client, on_ann.id, employer=f"Edited on {store.coach_name}")
        store.update(Client, on_bob.id, gp_practice="Fellview")
    for store in (ann, bob, ann):
        engine.sync(store)
    assert ann.get(Client, on_bob.id).gp_practice == "Fellview"

    ann.merge_clients(on_ann.id, on_bob.id)
    for store in (ann, bob):
        engine.sync(store)
        assert store.possible_duplicates() == []
        assert [e.client_id for e in store.caseload()] == [on_ann.id]  # one person on the caseload
        notes = {s.note for s in store.for_client(ContactSession, on_ann.id)}
        assert notes == {f"seen by {ann.coach_name}", f"seen by {bob.coach_name}"}  # both, under one client
        assert store.get(Client, on_bob.id).merged_into == on_ann.id  # nothing deleted


def test_a_merge_cannot_reach_another_team(two_teams):
    ann, cat = two_teams.device("ann"), two_teams.device("cat")
    mine, theirs = uuid.uuid4().hex, uuid.uuid4().hex
    ann.sync([ann.change(mine)])
    cat.sync([cat.change(theirs)])
    reply = ann.sync([ann.change(mine, op="update", merged_into=theirs)])
    assert reply["accepted"] == [] and "same team" in reply["rejected"][0]["reason"]
    # Nor join two different people of one team (it would show one's history under the other).
    other = uuid.uuid4().hex
    ann.sync([ann.change(other, nhs_number="9990000026")])
    reply = ann.sync([ann.change(mine, op="update", merged_into=other)])
    assert reply["accepted"] == [] and "same NHS number" in reply["rejected"][0]["reason"]


def test_two_opposite_merges_never_both_land(two_teams):
    """A into B on one laptop and B into A on another, both offline: both were accepted, and
    every laptop then hid both clients (risk markers and all). The second is refused, in
    separate pushes and within one batch, and so is merging into a client merged itself."""
    ann, bob = two_teams.device("ann"), two_teams.device("bob")
    a, b, c, d = (uuid.uuid4().hex for _ in range(4))
    same = {"nhs_number": "9990000018"}
    assert len(ann.sync([ann.change(x, **same) for x in (a, b, c, d)])["accepted"]) == 4
    assert ann.sync([ann.change(a, op="update", merged_into=b)])["accepted"]
    reply = bob.sync([bob.change(b, op="update", merged_into=a)])
    assert reply["accepted"] == [] and "merged itself" in reply["rejected"][0]["reason"]
    reply = bob.sync([bob.change(c, op="update", merged_into=a)])  # into a merged client
    assert reply["accepted"] == [] and "merged itself" in reply["rejected"][0]["reason"]
    both = [bob.change(c, op="update", merged_into=d), bob.change(d, op="update", merged_into=c)]
    reply = bob.sync(both)
    assert reply["accepted"] == [both[0]["change_id"]]
    assert "merged itself" in reply["rejected"][0]["reason"]


def test_a_coach_sees_and_merges_a_possible_duplicate_in_the_app(
    laptop,
    live,
    qtbot,
    tmp_path,  # noqa: F811
    monkeypatch,
):
    from pathlib import Path

    from server_helpers import PASSWORD
    from support.live_server import PASSPHRASE

    from workwell_desktop.gui.app import build_window
    from workwell_desktop.store import Store

    monkeypatch.setenv("WORKWELL_KEY_STORE", "file")
    data = tmp_path / "gui"
    store = Store.create(data, PASSPHRASE, "Ann Coach")
    mine = add_client(store, given_name="Wren")
    engine.register(store, live.base_url, "ann", PASSWORD, "ann's laptop")
    store.close()
    bob = laptop("bob")
    theirs = add_client(bob, given_name="Wren", family_name="Ashdown-Lee")
    engine.sync(bob)
    window = build_window(data)
    window.open_store(Store.open(data, PASSPHRASE))
    qtbot.addWidget(window)
    window.resize(1100, 700)
    window.show()
    qtbot.waitUntil(lambda: window.sync.state == "up_to_date", timeout=20_000)
    window.refresh_status()
    assert "1 possible duplicate" in window.status_area.sync.text()
    dialog = window.show_conflicts()
    assert dialog.duplicates.rowCount() == 1 and dialog.merge.isEnabled()
    Path("renders").mkdir(exist_ok=True)
    dialog.grab().save("renders/sync-duplicates.png")
    dialog.merge.click()
    assert dialog.duplicates.rowCount() == 0
    assert window.handle.store.get(Client, theirs.id).merged_into == mine.id
    with qtbot.waitSignal(window.sync.finished, timeout=20_000):
        window.sync_now()
    engine.sync(bob)
    assert [e.client_id for e in bob.caseload()] == [mine.id] and bob.possible_duplicates() == []
    window.handle.close()
