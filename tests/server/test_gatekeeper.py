"""The server is the gatekeeper: nothing a device pushes is stored unless the same domain
rules the laptop uses accept it, and it names only records it may touch."""

from __future__ import annotations

import time
import uuid

from server_helpers import make_change
from sqlalchemy.orm import Session

from workwell_desktop.domain.clock import MAX_AHEAD_MS, format_stamp
from workwell_desktop.server.models import Client, User


def reasons(reply) -> dict[str, str]:
    return {r["change_id"]: r["reason"] for r in reply["rejected"]}


def team_a_client(two_teams):
    """Ann's client with a referral and an employer-sharing consent refused, synced to bob."""
    ann, bob = two_teams.device("ann"), two_teams.device("bob")
    client_id = uuid.uuid4().hex
    referral = ann.change(client_id, "referral")
    consent = ann.change(client_id, "consent_event", action="refused")
    reply = ann.sync([ann.change(client_id, given_name="Ada"), referral, consent])
    assert len(reply["accepted"]) == 3, reply
    bob.pull_all()
    return ann, bob, client_id, referral


def test_another_team_cannot_write_into_a_teams_records(two_teams):
    """The forgery from issue 12: a team B device builds a decoy client whose history names
    team A's records, with a far-future clock, then names a team A coach."""
    ann, bob, a_client, a_referral = team_a_client(two_teams)
    cat = two_teams.device("cat")
    decoy = uuid.uuid4().hex
    future = format_stamp(int(time.time() * 1000) + 86_400_000, 0, "cat")
    forged_consent = cat.change(decoy, "consent_event", action="given", scope="share_employer")
    forged_consent["payload"]["client_id"] = a_client  # the consent names team A's client
    forged_triage = cat.change(
        decoy,
        "referral",
        record_id=a_referral["record_id"],
        op="update",
        triage_outcome="declined",
        decline_reason="not_eligible",
    )
    forged_create = cat.change(decoy, "referral", record_id=a_referral["record_id"])
    far_future = {**cat.change(decoy, "contact_session"), "hlc": future}
    handover = cat.change(decoy, "client", op="update", coach="ann")
    reply = cat.sync(
        [
            cat.change(decoy, given_name="Decoy"),
            forged_consent,
            forged_triage,
            forged_create,
            far_future,
            handover,
        ]
    )
    why = reasons(reply)
    assert len(reply["accepted"]) == 1  # only the decoy client itself, in team B
    assert "client_id" in why[forged_consent["change_id"]]
    assert "another record or client" in why[forged_triage["change_id"]]
    assert "another record or client" in why[forged_create["change_id"]]
    assert "ahead of the server's clock" in why[far_future["change_id"]]
    assert "team lead" in why[handover["change_id"]]
    # Team A saw none of it: a new team A laptop restores exactly ann's three changes.
    assert bob.pull_all() == []
    restored = two_teams.device("lee").pull_all()
    assert [c["device_id"] for c in restored] == [ann.id] * 3
    assert {c["client_id"] for c in restored} == {a_client}
    with Session(two_teams.engine) as s:
        assert s.get(Client, decoy).team_id != s.get(Client, a_client).team_id


def test_every_record_type_meets_the_laptops_rules(two_teams):
    ann = two_teams.device("ann")
    client_id = uuid.uuid4().hex
    assert ann.sync([ann.change(client_id)])["accepted"]
    bad = {
        "bad NHS number": ann.change(uuid.uuid4().hex, nhs_number="1234567890"),
        "route": ann.change(client_id, "referral", route="carrier pigeon"),
        "session too long": ann.change(client_id, "contact_session", duration_minutes=9999),
        "consent scope": ann.change(client_id, "consent_event", scope="everything"),
        "plan note text": ann.change(client_id, "plan_note", text=""),
        "wrong type": ann.change(uuid.uuid4().hex, given_name=5),
        "bool as text": ann.change(uuid.uuid4().hex, interpreter_needed="yes"),
        "unknown field": ann.change(client_id, "referral", colour="red"),
        "unknown type": make_change(client_id, "horoscope", payload={"sign": "leo"}, device_id=ann.id),
        "empty create": make_change(client_id, "referral", payload={}, device_id=ann.id),
        "no client_id": make_change(
            client_id, "referral", device_id=ann.id, payload={"route": "gp", "received_on": "2025-01-01"}
        ),
    }
    reply = ann.sync(list(bad.values()))
    why = reasons(reply)
    assert reply["accepted"] == []
    assert set(why) == {c["change_id"] for c in bad.values()}
    assert "nhs_number" in why[bad["bad NHS number"]["change_id"]]
    assert "route" in why[bad["route"]["change_id"]]
    assert "duration_minutes" in why[bad["session too long"]["change_id"]]
    assert "given_name: must be str" in why[bad["wrong type"]["change_id"]]
    assert "colour" in why[bad["unknown field"]["change_id"]]
    assert "unknown record type" in why[bad["unknown type"]["change_id"]]
    assert "client_id" in why[bad["no client_id"]["change_id"]]


def test_updates_need_a_record_the_server_holds_and_stay_valid(two_teams):
    ann, bob = two_teams.device("ann"), two_teams.device("bob")
    client_id = uuid.uuid4().hex
    session = ann.change(client_id, "contact_session")
    assert len(ann.sync([ann.change(client_id), session])["accepted"]) == 2
    unseen = ann.change(client_id, "referral", op="update", triage_outcome="accepted")
    unseen_no_client = {**unseen, "change_id": uuid.uuid4().hex, "payload": {"route": "gp"}}
    edit_fact = ann.change(
        client_id, "contact_session", record_id=session["record_id"], op="update", note="changed"
    )
    no_phone = ann.change(client_id, op="update", phone="")  # preferred contact is phone
    fine = ann.change(client_id, op="update", employer="Carlisle Bakery")
    reply = ann.sync([unseen, unseen_no_client, edit_fact, no_phone, fine])
    why = reasons(reply)
    assert reply["accepted"] == [fine["change_id"]]
    assert "does not exist" in why[unseen["change_id"]]
    assert "does not exist" in why[unseen_no_client["change_id"]]
    assert "cannot be edited" in why[edit_fact["change_id"]]
    assert "phone" in why[no_phone["change_id"]]
    assert [c["change_id"] for c in bob.pull_all()][-1] == fine["change_id"]


def test_child_records_need_their_client_and_references_stay_within_it(two_teams):
    ann = two_teams.device("ann")
    mine, other = uuid.uuid4().hex, uuid.uuid4().hex
    other_session = ann.change(other, "contact_session")
    assert (
        len(
            ann.sync([ann.change(mine), ann.change(other, nhs_number="9990000026"), other_session])[
                "accepted"
            ]
        )
        == 3
    )
    orphan = ann.change(uuid.uuid4().hex, "contact_session")
    crossing = ann.change(mine, "contact_session", supersedes=other_session["record_id"])
    reply = ann.sync([orphan, crossing])
    why = reasons(reply)
    assert reply["accepted"] == []
    assert "client record must be sent first" in why[orphan["change_id"]]
    assert "supersedes" in why[crossing["change_id"]]


def test_who_and_which_device_come_from_the_token(two_teams):
    ann, bob = two_teams.device("ann"), two_teams.device("bob")
    spoof = {**ann.change(uuid.uuid4().hex), "device_id": bob.id, "actor": "Dr Someone Else"}
    assert ann.sync([spoof])["accepted"] == [spoof["change_id"]]
    [got] = bob.pull_all(own=True)
    assert (got["device_id"], got["actor"]) == (ann.id, "Ann")


def test_clock_stamps_are_bounded_and_well_formed(two_teams):
    ann = two_teams.device("ann")
    now = int(time.time() * 1000)
    slightly_fast = {**ann.change(uuid.uuid4().hex), "hlc": format_stamp(now + MAX_AHEAD_MS // 2, 0, "a")}
    far = {**ann.change(uuid.uuid4().hex, nhs_number="9990000026"), "hlc": "999999999999999-000000-a"}
    long_counter = {**ann.change(uuid.uuid4().hex, nhs_number="9990000034"), "hlc": f"{now:015d}-1000000-a"}
    bad_base = {**ann.change(uuid.uuid4().hex, nhs_number="9990000042"), "base": {"x": "yesterday"}}
    reply = ann.sync([slightly_fast, far, long_counter, bad_base])
    why = reasons(reply)
    assert reply["accepted"] == [slightly_fast["change_id"]]
    assert "ahead" in why[far["change_id"]]
    assert "invalid hlc" in why[long_counter["change_id"]]
    assert "invalid base" in why[bad_base["change_id"]]


def test_a_client_changes_coach_only_by_a_team_lead_within_the_team(two_teams):
    ann, bob, client_id, _ = team_a_client(two_teams)
    lee = two_teams.device("lee")
    by_coach = ann.change(client_id, op="update", coach="bob")
    assert "team lead" in reasons(ann.sync([by_coach]))[by_coach["change_id"]]
    to_other_team = lee.change(client_id, op="update", coach="cat")
    assert "coach of your team" in reasons(lee.sync([to_other_team]))[to_other_team["change_id"]]
    handover = lee.change(client_id, op="update", coach="Bob")  # a display name is fine
    assert lee.sync([handover])["accepted"] == [handover["change_id"]]
    with Session(two_teams.engine) as s:
        client = s.get(Client, client_id)
        assert s.get(User, client.coach_user_id).username == "bob"
        assert s.get(User, client.coach_user_id).team_id == s.scalar(
            __import__("sqlalchemy").select(User.team_id).where(User.username == "ann")
        )
    assert two_teams.device("cat").pull_all() == []


def test_a_record_id_is_never_reused(two_teams):
    ann = two_teams.device("ann")
    first, second = uuid.uuid4().hex, uuid.uuid4().hex
    session = ann.change(first, "contact_session")
    ann.sync([ann.change(first), ann.change(second, nhs_number="9990000026"), session])
    again = make_change(first, "contact_session", record_id=session["record_id"], device_id=ann.id, note="2")
    elsewhere = make_change(second, "contact_session", record_id=session["record_id"], device_id=ann.id)
    as_client = make_change(session["record_id"], device_id=ann.id, nhs_number="9990000034")
    why = reasons(ann.sync([again, elsewhere, as_client]))
    assert "already exists" in why[again["change_id"]]
    assert "another record or client" in why[elsewhere["change_id"]]
    assert "another record or client" in why[as_client["change_id"]]


def test_a_coach_may_relabel_only_their_own_client_with_their_own_account(two_teams):
    # Registering a laptop stamps its clients with the account's username (store.identity):
    # that relabel moves nothing, so the server takes it from the client's own coach only.
    ann, bob, client_id, _ = team_a_client(two_teams)
    relabel = ann.change(client_id, op="update", coach="ann")
    assert ann.sync([relabel])["accepted"] == [relabel["change_id"]]
    taken = bob.change(client_id, op="update", coach="bob")  # bob's own name, ann's client
    assert "team lead" in reasons(bob.sync([taken]))[taken["change_id"]]
    with Session(two_teams.engine) as s:
        assert s.get(User, s.get(Client, client_id).coach_user_id).username == "ann"


def test_a_change_id_another_change_already_has_is_refused_not_acknowledged(two_teams):
    """Review of #15 (a create is named by its record's id): a known id was acknowledged as a
    replay whatever it carried, so a change stored under that id by any device of any team
    made a later, different change look sent while the server never stored it."""
    ann, bob, cat = two_teams.device("ann"), two_teams.device("bob"), two_teams.device("cat")
    future = uuid.uuid4().hex
    squatter = make_change(uuid.uuid4().hex, device_id=cat.id)
    squatter["change_id"] = future
    assert cat.sync([squatter])["accepted"] == [future]
    create = make_change(future, device_id=ann.id)
    create["change_id"] = future
    reply = ann.sync([create])
    assert reply["accepted"] == []
    assert [r["reason"] for r in reply["rejected"]] == [
        "change_id already names another change on the server"
    ]
    # The same change sent again (an acknowledgement lost on the way) is still a replay.
    again = make_change(uuid.uuid4().hex, device_id=ann.id)
    assert ann.sync([again])["accepted"] == [again["change_id"]]
    assert ann.sync([again])["accepted"] == [again["change_id"]]
    assert sum(c["change_id"] == again["change_id"] for c in bob.pull_all()) == 1
