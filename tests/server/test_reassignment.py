"""A client moving to another team: the old team drops it, the new one gets its history."""

from __future__ import annotations

import io
import uuid

from sqlalchemy.orm import Session

from workwell_desktop.server import admin, sync_service
from workwell_desktop.server.cli import main


def history_of(two_teams, client_id):
    ann, bob = two_teams.device("ann"), two_teams.device("bob")
    changes = [
        ann.change(client_id, given_name="Morgan"),
        ann.change(client_id, "referral", route="gp"),
        bob.change(client_id, "contact_session", duration_minutes=45),
    ]
    ann.sync(changes[:2])
    bob.sync(changes[2:])
    return ann, bob, changes


def assert_moved(client_id, changes, a_devices, cat, extra: int):
    """Team A devices pulled a drop; cat pulled ``changes`` in order, then ``extra`` more."""
    for device in a_devices:
        got = device.pull_all()
        assert [c["op"] for c in got if c["client_id"] == client_id][-1:] == ["drop"]
        drop = got[-1]
        assert (drop["record_type"], drop["record_id"], drop["payload"]) == ("client", client_id, {})
        assert device.pull_all() == []
    got = cat.pull_all()
    ids = [c["change_id"] for c in got]
    assert ids[: len(changes)] == [c["change_id"] for c in changes]  # the whole history, old as it is
    assert len(ids) == len(set(ids)) == len(changes) + extra  # and nothing twice
    assert "drop" not in {c["op"] for c in got}


def test_admin_move_client(two_teams, monkeypatch, capsys):
    cat = two_teams.device("cat")
    cat.pull_all()  # cat's cursor is already past every earlier change
    client_id = uuid.uuid4().hex
    ann, bob, changes = history_of(two_teams, client_id)
    lee = two_teams.device("lee")
    lee.pull_all()
    ann.pull_all()
    bob.pull_all()
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["admin", "move-client", client_id, "--coach", "cat", "--database-url", two_teams.url]) == 0
    assert "moved from team 'A' to 'B'" in capsys.readouterr().out
    assert_moved(client_id, changes, [ann, bob, lee], cat, extra=1)  # + the server's coach note
    note = [c for c in cat.sync(cursor="")["changes"] if c["payload"] == {"coach": "cat"}]
    assert len(note) == 1 and note[0]["op"] == "update"
    assert note[0]["hlc"] > max(c["hlc"] for c in changes)

    # From now on: team A may not write, and does not read; team B does both.
    reply = ann.sync([ann.change(client_id, "referral")])
    assert reply["accepted"] == [] and "another team" in reply["rejected"][0]["reason"]
    later = cat.change(client_id, "contact_session", duration_minutes=20)
    assert cat.sync([later])["accepted"] == [later["change_id"]]
    assert ann.pull_all() == [] and lee.pull_all() == []
    assert two_teams.device("cat").pull_all()[-1] == cat.relayed(later)  # a new team B laptop restores it all

    assert main(["admin", "move-client", "nope", "--coach", "cat", "--database-url", two_teams.url]) == 2


def test_a_pushed_coach_field_never_moves_a_client(two_teams):
    cat = two_teams.device("cat")
    client_id = uuid.uuid4().hex
    ann, bob, changes = history_of(two_teams, client_id)
    handover = ann.change(client_id, "client", op="update", coach="cat")
    reply = ann.sync([handover])
    assert reply["accepted"] == [] and "team lead" in reply["rejected"][0]["reason"]
    assert cat.pull_all() == []


def test_moved_away_and_back_returns_with_its_whole_history(two_teams):
    cat = two_teams.device("cat")
    client_id = uuid.uuid4().hex
    ann, bob, changes = history_of(two_teams, client_id)
    bob.pull_all()
    ann.pull_all()
    with Session(two_teams.engine) as s:
        assert admin.move_client(s, client_id, "cat") == ("A", "B")
    later = cat.change(client_id, "contact_session", duration_minutes=20)
    assert cat.sync([later])["accepted"] == [later["change_id"]]
    assert [c["op"] for c in ann.pull_all()][-1:] == ["drop"]
    with Session(two_teams.engine) as s:
        assert admin.move_client(s, client_id, "bob") == ("B", "A")
    assert cat.pull_all()[-1]["op"] == "drop"
    # Ann (whose laptop dropped it) gets the whole history back: her own changes, the
    # server's coach notes and team B's session, in order and once each.
    got = [c for c in ann.pull_all(own=True) if c["client_id"] == client_id]
    ids = [c["change_id"] for c in got]
    assert ids[:3] == [c["change_id"] for c in changes]
    assert later["change_id"] in ids and len(ids) == len(set(ids))
    assert [c["payload"] for c in got if c["device_id"] == "server"] == [{"coach": "cat"}, {"coach": "bob"}]


def test_a_team_lead_changes_the_coach_within_the_team(two_teams):
    client_id = uuid.uuid4().hex
    ann, bob, _ = history_of(two_teams, client_id)
    lee = two_teams.device("lee")
    bob.pull_all()
    assert lee.sync([lee.change(client_id, op="update", coach="bob")])["accepted"]
    assert [(c["op"], c["payload"]) for c in bob.pull_all()] == [("update", {"coach": "bob"})]
    from workwell_desktop.server.models import Client, User

    with Session(two_teams.engine) as s:
        client = s.get(Client, client_id)
        assert s.get(User, client.coach_user_id).username == "bob"


def test_admin_move_within_team(two_teams):
    client_id = uuid.uuid4().hex
    ann, bob, _ = history_of(two_teams, client_id)
    bob.pull_all()
    with Session(two_teams.engine) as s:
        assert admin.move_client(s, client_id, "bob") == ("A", "A")
    assert [c["payload"] for c in bob.pull_all()] == [{"coach": "bob"}]


def test_a_device_cannot_claim_an_old_cursor_to_write_to_a_client_that_left_its_team(two_teams):
    """Offline work on a client moved away is forwarded only when the device had not been
    sent the move. That was judged by the cursor the device sent, so a laptop (or a device
    registered for the purpose) sending "" could write to any client that ever left its team."""
    from server_helpers import make_change

    ann = two_teams.device("ann")
    client = uuid.uuid4().hex
    assert ann.sync([ann.change(client)])["accepted"]
    ann.cursor = ann.sync()["cursor"]
    with Session(two_teams.engine) as s:
        admin.move_client(s, client, "cat")  # to team B
        s.commit()
    # Offline work made before the move reached ann's laptop is still forwarded.
    offline = make_change(client, "contact_session", device_id=ann.id)
    reply = ann.sync([offline])
    assert reply["forwarded"] == [offline["change_id"]]
    ann.cursor = reply["cursor"]  # the page with the move has now been sent
    for cursor in ("", "0"):
        late = make_change(client, "contact_session", device_id=ann.id)
        reply = ann.sync([late], cursor=cursor)
        assert reply["accepted"] == [] and "another team" in reply["rejected"][0]["reason"]
    # A device registered afterwards has never been sent anything: nothing is forwarded for it.
    fresh = two_teams.device("bob")
    reply = fresh.sync([make_change(client, "contact_session", device_id=fresh.id)], cursor="")
    assert reply["accepted"] == [] and "another team" in reply["rejected"][0]["reason"]


def test_re_reading_from_the_start_does_not_lower_what_the_device_was_sent(two_teams):
    """The served cursor was overwritten by each sync's page: a device that had been sent
    the move could ask for cursor "" with one change a page, lower it below the move and
    then write into the client that left its team as "offline work"."""
    from server_helpers import make_change

    ann = two_teams.device("ann")
    client = uuid.uuid4().hex
    stays = uuid.uuid4().hex
    assert ann.sync([ann.change(stays), ann.change(client)])["accepted"]
    ann.pull_all()
    with Session(two_teams.engine) as s:
        admin.move_client(s, client, "cat")  # to team B
        s.commit()
    ann.pull_all()  # the move has been sent
    assert ann.sync(cursor="", page_size=1)["more"]  # re-reading from the start, a page of one
    late = make_change(client, "contact_session", device_id=ann.id)
    reply = ann.sync([late], cursor="")
    assert reply["forwarded"] == [] and reply["accepted"] == []
    assert "another team" in reply["rejected"][0]["reason"]


def test_a_replay_after_its_client_moved_away_is_acknowledged_and_stores_nothing(two_teams):
    """The acknowledgement was lost, then the client moved to another team and the laptop
    was sent the move: replayed, the batch is acknowledged again (else the laptop would keep
    sending it for ever), stores nothing and forwards nothing; new work beside it is stored.
    The push reads a replay's client and records too (sync_service._HELD), and must not
    judge the replay by them."""
    ann = two_teams.device("ann")
    client = uuid.uuid4().hex
    batch = [ann.change(client), ann.change(client, "referral", route="gp")]
    first = ann.sync(batch)
    assert len(first["accepted"]) == 2
    moved_to_cat_and_pulled(two_teams, ann, client)
    changes = two_teams.count("change")
    new = ann.change(uuid.uuid4().hex)
    reply = ann.sync([*batch, new])
    assert reply["accepted"] == [*first["accepted"], new["change_id"]]
    assert reply["rejected"] == [] and reply["forwarded"] == []
    assert two_teams.count("change") == changes + 1


class _LockReadStaleOnce:
    """The push's team lock, its first run locking the device's own team only: as when a
    client's move committed while the push waited for the lock (READ COMMITTED). The
    push must see it in what it reads under the lock (``_ClientMoved``) and run again."""

    def __init__(self, real):
        self.real, self.calls = real, 0

    def rows(self, core, params):
        self.calls += 1
        return self.real.rows(core, {**params, "ids": []} if self.calls == 1 else params)


def moved_to_cat_and_pulled(two_teams, ann, client):
    with Session(two_teams.engine) as s:
        admin.move_client(s, client, "cat")  # to team B
        s.commit()
    ann.cursor = ann.sync()["cursor"]  # the drop has reached the laptop


def test_a_replay_whose_client_moved_during_the_lock_is_run_again_and_acknowledged(two_teams, monkeypatch):
    ann = two_teams.device("ann")
    client = uuid.uuid4().hex
    batch = [ann.change(client), ann.change(client, "referral", route="gp")]
    assert len(ann.sync(batch)["accepted"]) == 2
    moved_to_cat_and_pulled(two_teams, ann, client)
    stale = _LockReadStaleOnce(sync_service._LOCK_TEAMS_OF)
    monkeypatch.setattr(sync_service, "_LOCK_TEAMS_OF", stale)
    changes = two_teams.count("change")
    new = ann.change(uuid.uuid4().hex)
    reply = ann.sync([*batch, new])
    assert stale.calls == 2  # run again: the replay's client is in a team it had not locked
    assert reply["accepted"] == [c["change_id"] for c in (*batch, new)] and reply["rejected"] == []
    assert two_teams.count("change") == changes + 1


def test_a_new_change_whose_client_moved_during_the_lock_is_refused_after_running_again(
    two_teams, monkeypatch
):
    ann = two_teams.device("ann")
    client = uuid.uuid4().hex
    assert ann.sync([ann.change(client)])["accepted"]
    moved_to_cat_and_pulled(two_teams, ann, client)
    stale = _LockReadStaleOnce(sync_service._LOCK_TEAMS_OF)
    monkeypatch.setattr(sync_service, "_LOCK_TEAMS_OF", stale)
    reply = ann.sync([ann.change(client, "referral", route="gp")])
    assert stale.calls == 2
    assert reply["accepted"] == [] and "another team" in reply["rejected"][0]["reason"]
