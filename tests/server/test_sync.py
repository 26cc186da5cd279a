"""Push and pull through POST /api/v1/sync: storage once, paging, scoping, tokens."""

from __future__ import annotations

import uuid

from server_helpers import make_change


def test_round_trip_between_two_devices_of_a_team(two_teams):
    ann, bob = two_teams.device("ann"), two_teams.device("bob")
    client_id = uuid.uuid4().hex
    client = ann.change(client_id, given_name="Rhiannon")
    referral = ann.change(client_id, "referral", route="gp")
    reply = ann.sync([client, referral])
    assert reply["accepted"] == [client["change_id"], referral["change_id"]]
    assert reply["rejected"] == [] and reply["changes"] == []  # not echoed in the same request
    # From a later request they do come back (a restored laptop needs them), named as the server saw them.
    assert ann.sync(cursor="")["changes"] == [ann.relayed(client), ann.relayed(referral)]

    got = bob.pull_all()
    assert got == [ann.relayed(client), ann.relayed(referral)]  # every field as pushed, in push order
    # Bob answers; Ann receives only Bob's change.
    note = bob.change(client_id, "contact_session", duration_minutes=30)
    assert bob.sync([note])["accepted"] == [note["change_id"]]
    assert ann.pull_all() == [bob.relayed(note)]
    assert ann.pull_all() == [] and bob.pull_all() == []


def test_a_replayed_push_changes_nothing(two_teams):
    ann, bob = two_teams.device("ann"), two_teams.device("bob")
    batch = [ann.change(uuid.uuid4().hex) for _ in range(3)]
    first = ann.sync(batch)
    bob.pull_all()
    rows = (two_teams.count("change"), two_teams.count("feed"))
    again = ann.sync(batch)  # e.g. the acknowledgement was lost on the way back
    assert again["accepted"] == first["accepted"] and again["rejected"] == []
    assert (two_teams.count("change"), two_teams.count("feed")) == rows
    assert bob.pull_all() == []
    # Replayed by another device of the team, or twice in one batch: still stored once.
    assert bob.sync(batch + batch)["accepted"] == first["accepted"]
    assert (two_teams.count("change"), two_teams.count("feed")) == rows


def test_one_bad_change_is_rejected_and_the_rest_accepted(two_teams):
    ann, cat = two_teams.device("ann"), two_teams.device("cat")
    other_team_client = uuid.uuid4().hex
    cat.sync([cat.change(other_team_client)])
    mine = uuid.uuid4().hex
    good = [ann.change(mine), ann.change(mine, "referral")]
    bad_type = ann.change(mine, "Referral; DROP TABLE")
    foreign = ann.change(other_team_client, "referral")
    huge = ann.change(mine, "plan", note="x" * 1_000_001)
    drop = {**ann.change(mine), "op": "drop"}
    not_own = ann.change(mine, "client", record_id=uuid.uuid4().hex)
    wrong_shape = {**ann.change(mine), "payload": ["not", "an", "object"]}
    nul = ann.change(mine, "referral", record_id="abc\x00def")
    reply = ann.sync([good[0], bad_type, foreign, huge, drop, not_own, wrong_shape, nul, good[1]])
    assert reply["accepted"] == [g["change_id"] for g in good]
    reasons = {r["change_id"]: r["reason"] for r in reply["rejected"]}
    assert "record_type" in reasons[bad_type["change_id"]]
    assert "another team" in reasons[foreign["change_id"]]
    assert "payload too large" in reasons[huge["change_id"]]
    assert "server only" in reasons[drop["change_id"]]
    assert "own record_id" in reasons[not_own["change_id"]]
    assert "payload" in reasons[wrong_shape["change_id"]]
    assert "NUL" in reasons[nul["change_id"]]
    assert len(reasons) == 7
    # The other team never sees the attempt.
    assert cat.pull_all() == []


def test_paging(two_teams):
    ann, bob = two_teams.device("ann"), two_teams.device("bob")
    client_id = uuid.uuid4().hex
    pushed = [ann.change(client_id)]
    pushed += [ann.change(client_id, "contact_session", note=str(i)) for i in range(4)]
    assert len(ann.sync(pushed)["accepted"]) == 5
    pages, cursors = [], [""]
    while True:
        reply = bob.sync(cursor=cursors[-1], page_size=2)
        pages.append([c["change_id"] for c in reply["changes"]])
        cursors.append(reply["cursor"])
        if not reply["more"]:
            break
    assert [len(p) for p in pages] == [2, 2, 1]
    assert sum(pages, []) == [c["change_id"] for c in pushed]
    assert len(set(cursors)) == len(cursors)  # the cursor advances every page
    # Repeating a page (its cursor was not stored) gives the same page.
    assert [c["change_id"] for c in bob.sync(cursor=cursors[1], page_size=2)["changes"]] == pages[1]
    assert bob.sync(cursor=cursors[-1])["changes"] == []


def test_own_changes_come_back_so_a_restored_laptop_gets_them(two_teams):
    ann = two_teams.device("ann")
    pushed = [ann.change(uuid.uuid4().hex) for _ in range(5)]
    ann.sync(pushed)
    # A laptop restored from a backup taken before this push restarts from its old cursor.
    assert [c["change_id"] for c in ann.pull_all(own=True)] == [c["change_id"] for c in pushed]
    assert ann.pull_all(own=True) == []
    # A second laptop of the same coach receives them too.
    assert len(two_teams.device("ann").pull_all(own=True)) == 5


def test_team_scoping(two_teams):
    ann, bob, lee, cat = (two_teams.device(n) for n in ("ann", "bob", "lee", "cat"))
    amir, bill, bethan = (uuid.uuid4().hex for _ in range(3))
    ann.sync([ann.change(amir, given_name="Amir", nhs_number="9990000026")])
    bob.sync([bob.change(bill, given_name="Bill")])
    cat.sync([cat.change(bethan, given_name="Bethan")])

    def clients(device):
        return {c["client_id"] for c in device.pull_all()}

    assert clients(cat) == set()  # team B sees nothing of team A
    assert clients(ann) == {bill} and clients(bob) == {amir}  # colleagues see each other's clients
    assert clients(lee) == {amir, bill}  # the team lead sees the whole team, not team B
    # Nor can team A write into team B's client.
    reply = ann.sync([ann.change(bethan, "referral")])
    assert reply["accepted"] == [] and "another team" in reply["rejected"][0]["reason"]
    assert clients(cat) == set()


def test_tokens(two_teams):
    api = two_teams.api
    for headers in (
        {},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer not-a-token"},
        {"Authorization": "Basic YWxleDpwdw=="},
        {"Authorization": "Bearer " + "x" * 5000},
    ):
        r = api.post("/api/v1/sync", json={}, headers=headers)
        assert r.status_code == 401, headers
    ann = two_teams.device("ann")
    ann.sync()
    from sqlalchemy.orm import Session

    from workwell_desktop.server import admin

    with Session(two_teams.engine) as s:
        assert admin.revoke_device(s, ann.id)
    r = api.post("/api/v1/sync", json={"changes": [ann.change(uuid.uuid4().hex)]}, headers=ann.auth)
    assert r.status_code == 410 and r.json() == {"detail": "device_revoked"}
    assert two_teams.count("change") == 0


def test_server_fields_are_kept_exactly(two_teams):
    ann, bob = two_teams.device("ann"), two_teams.device("bob")
    change = make_change(
        uuid.uuid4().hex,
        device_id=ann.id,
        given_name="Siân 🙂",
        family_name="Ó Briain",
        employer='Café \u00e9 \\ "quoted"',
        interpreter_needed=1,
    )
    assert ann.sync([change])["accepted"] == [change["change_id"]]
    assert bob.pull_all() == [ann.relayed(change)]


def test_the_envelope_keeps_an_awkward_name_exactly(two_teams):
    """The page writes each change's envelope itself (sync_service.pull): a coach's name with
    quotes, a backslash or letters beyond ASCII must reach the other laptops unchanged."""
    from server_helpers import PASSWORD
    from sqlalchemy.orm import Session

    from workwell_desktop.server import admin

    name = 'Siân "Sian" O\'Brien \\ 🙂'
    with Session(two_teams.engine) as s:
        admin.create_user(s, "sian", "A", "coach", PASSWORD, name)
    sian, bob = two_teams.device("sian"), two_teams.device("bob")
    change = sian.change(uuid.uuid4().hex)
    assert sian.sync([change])["accepted"] == [change["change_id"]]
    (got,) = bob.pull_all()
    assert got == {**change, "device_id": sian.id, "actor": name}


def test_a_page_with_one_awkward_name_keeps_every_envelope_exactly(two_teams):
    """A page whose envelopes are all plain ASCII is only quoted, not escaped (#15); one
    awkward name on the page takes the whole page back to escaping, and both read back."""
    from server_helpers import PASSWORD
    from sqlalchemy.orm import Session

    from workwell_desktop.server import admin

    name = "Zoë\x7f Hart"
    with Session(two_teams.engine) as s:
        admin.create_user(s, "zoe", "A", "coach", PASSWORD, name)
    zoe, ann, bob = two_teams.device("zoe"), two_teams.device("ann"), two_teams.device("bob")
    plain = ann.change(uuid.uuid4().hex)
    awkward = zoe.change(uuid.uuid4().hex)
    assert ann.sync([plain])["accepted"] and zoe.sync([awkward])["accepted"]
    assert bob.pull_all() == [ann.relayed(plain), {**awkward, "device_id": zoe.id, "actor": name}]


def test_a_plain_envelope_is_written_as_json_dumps_writes_it():
    import json
    import string

    from workwell_desktop.server.sync_service import _ENVELOPE, _wire_changes

    printable = "".join(c for c in string.printable if c.isprintable() and c not in '"\\')
    for awkward in ("", '"', "\\", "\x7f", "\x1f", "\n", "é", "🙂", "\u2028"):
        fields = [f"{name}:{printable}{awkward}" for name in _ENVELOPE]
        (text,) = _wire_changes([(*fields, '{"a":1}', "{}")])
        expected = {**dict(zip(_ENVELOPE, fields, strict=True)), "payload": {"a": 1}, "base": {}}
        assert json.loads(text) == expected
        assert text == json.dumps(expected, separators=(",", ":"))
