"""The programme's own figures and the one caseload definition they share with the list."""

import shutil
from datetime import date
from pathlib import Path

from summary_team import ALEX, BEA, add_client

from workwell_desktop.domain.assessments import Assessment
from workwell_desktop.domain.caseload import client_status
from workwell_desktop.domain.records import Client, Referral
from workwell_desktop.instruments import get_instrument
from workwell_desktop.instruments.derived import derive_assessment
from workwell_desktop.reports.figures import build_summary
from workwell_desktop.store import Store

W47 = "2026-W47"
FIXTURES = Path(__file__).parents[1] / "store" / "fixtures"


def test_the_main_health_barrier_is_a_choice_or_not_asked_yet():
    client = Client(
        given_name="A",
        family_name="B",
        date_of_birth="1980-01-01",
        nhs_number="9434765919",
        postcode="CA1 1AB",
        phone="07700900001",
    )
    assert "main_health_barrier" not in client.validate()  # not asked yet is allowed
    client.main_health_barrier = "mental_health"
    assert "main_health_barrier" not in client.validate()
    client.main_health_barrier = "back"
    assert "main health barrier" in client.validate()["main_health_barrier"]


def test_a_version_5_database_gains_the_field_empty(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "schema-v5", data)
    store = Store.open(data, "fixture passphrase for tests")
    try:
        assert {c.main_health_barrier for c in store.all(Client)} == {""}
    finally:
        store.close()


def test_declined_after_first_contact_is_declined_for_the_list_and_the_figures(team):
    cid = add_client(team, ALEX, "2026-11-16", "gp", "accepted", "2026-11-16", "2026-11-17")
    referral = team.for_client(Referral, cid)[0]
    team.update(
        Referral,
        referral.id,
        triage_outcome="declined",
        triaged_on="2026-11-25",
        decline_reason="declined_by_client",
    )
    referrals = team.for_client(Referral, cid)
    # The referral keeps only its latest decision, dated after W47: then it was undecided.
    assert client_status(referrals, [], as_of="2026-11-22") == "awaiting_triage"
    assert client_status(referrals, [], as_of="2026-11-29") == "declined"
    assert {e.client_id: e.status for e in team.caseload()}[cid] == "declined"
    week47 = build_summary(team, W47, today=date(2026, 12, 1))
    week48 = build_summary(team, "2026-W48", today=date(2026, 12, 1))
    assert week47.value(W47, "service", "active_caseload") == 6  # as before: not active, then
    assert week47.value(W47, "service", "waiting_for_first_contact") == 2  # and not waiting: contacted
    assert week48.value("2026-W48", "service", "active_caseload") == 6  # declined: never counted
    statuses = [e.status for e in team.caseload()]
    assert week48.value("2026-W48", "service", "active_caseload") == statuses.count("active")


def test_the_trend_uses_the_same_definitions_as_the_week(team):
    summary = build_summary(team, W47, today=date(2026, 11, 23))
    for scope in summary.scopes:
        week, values = summary.trend[scope][-1]
        assert week == W47 and len(summary.trend[scope]) == 13
        assert values == {m: summary.value(W47, scope, m) for m in summary.trend_measures()}
    assert [w for w, _ in summary.trend["service"]][0] == "2026-W35"


def test_work_status_age_and_barrier_of_the_starts(team):
    cid = add_client(team, ALEX, "2026-11-16", "gp", "accepted", "2026-11-16", "2026-11-20")
    team.update(
        Client, cid, main_health_barrier="musculoskeletal", date_of_birth="2001-11-21", work_status="in_work"
    )
    items = get_instrument("workwell_initial").items
    team.add(
        Assessment(
            client_id=cid,
            instrument_id="workwell_initial",
            instrument_version="1",
            timepoint="baseline",
            completed_on="2026-11-20",
            completed_by=ALEX,
            answers=tuple(4 if i.id == "work_status" else None for i in items),
        )
    )
    values = build_summary(team, W47, today=date(2026, 11, 23)).figures[(W47, "service")]
    assert values["starts"] == 5
    assert values["starts_work_status:out_of_work"] == 1  # the assessment, not the record's "in work"
    assert values["starts_age:16_24"] == 1  # 24 the day before the 25th birthday
    assert values["starts_health_barrier:musculoskeletal"] == 1
    for breakdown in ("starts_work_status", "starts_age", "starts_health_barrier"):
        assert sum(v for m, v in values.items() if m.startswith(f"{breakdown}:")) == values["starts"]


def test_ons4_questions_count_in_the_outcome_change(team):
    cid = team.ids["A6"]
    answers = {"baseline": (3, 4, 5, 8), "review": (6, 4, 7, 5)}  # satisfaction, worthwhile, happy, anxious
    for timepoint, day in (("baseline", "2026-10-20"), ("review", "2026-11-18")):
        team.add(
            derive_assessment(
                Assessment(
                    client_id=cid,
                    instrument_id="ons4",
                    instrument_version="1",
                    timepoint=timepoint,
                    completed_on=day,
                    completed_by=ALEX,
                    answers=answers[timepoint],
                )
            ).record
        )
    values = build_summary(team, W47, today=date(2026, 11, 23)).figures[(W47, "service")]
    assert values["mean_change:ons4_life_satisfaction"] == 3
    assert values["improved:ons4_life_satisfaction"] == 1
    assert values["mean_change:ons4_worthwhile"] == 0 and values["improved:ons4_worthwhile"] == 0
    assert values["mean_change:ons4_anxiety"] == -3 and values["percent_improved:ons4_anxiety"] == 100


def test_corrections_moves_and_undos_count_as_the_record_stands(team):
    """A moved session counts once (where it went), a corrected consent entry once, and an
    undone discharge not at all (it was recorded in error); the client is active again from
    the undo, as on the caseload list."""
    from workwell_desktop.domain.records import ConsentEvent, ContactSession
    from workwell_desktop.services import journey

    today = date(2026, 11, 23)
    before = build_summary(team, W47, today=today).figures[(W47, "service")]
    ids = team.ids
    [held] = [s for s in team.for_client(ContactSession, ids["A6"]) if s.held_on == "2026-11-16"]
    journey.move(team, held, ids["B1"], "Entered on the wrong client")
    [withdrawal] = [e for e in team.for_client(ConsentEvent, ids["B2"]) if e.scope == "share_employer"]
    journey.correct(team, withdrawal, "It was in writing", method="written")
    journey.undo_discharge(team, ids["A4"], "Discharged the wrong client", today)
    after = build_summary(team, W47, today=today)
    values = after.figures[(W47, "service")]
    assert (before["sessions"], values["sessions"]) == (4, 4)
    assert values["sessions:in_person"] == before["sessions:in_person"]
    assert (after.value(W47, ALEX, "sessions"), after.value(W47, BEA, "sessions")) == (2, 2)  # B1 is Bea's
    assert values["consent_withdrawals"] == before["consent_withdrawals"]
    assert before["discharges"] == 1 and values["discharges"] == 0
    # The undo is dated now (after W47): at W47's end A4 was still discharged, as the list's
    # status at that day says; from the undo on, A4 is active, on the list and in the figures.
    assert values["active_caseload"] == before["active_caseload"]
    now = build_summary(team, "2026-W49", today=date(2026, 12, 6))
    statuses = [e.status for e in team.caseload()]
    assert now.value("2026-W49", "service", "active_caseload") == statuses.count("active")
    assert {e.client_id: e.status for e in team.caseload()}[ids["A4"]] == "active"


def test_a_merged_duplicate_is_one_client_and_its_sessions_still_count(team):
    """The same person entered on two laptops and merged: the caseload list shows one client,
    so the figures count one; the session held under the duplicate was still held."""
    from summary_team import session

    kept = add_client(team, ALEX, "2026-11-16", "gp", "accepted", "2026-11-16", "2026-11-17")
    duplicate = add_client(team, BEA, "2026-11-16", "gp", "accepted", "2026-11-16", "2026-11-18")
    before = build_summary(team, W47, today=date(2026, 12, 1))
    session(team, kept, "2026-11-18")
    session(team, duplicate, "2026-11-19")
    # Two laptops entered the person; sync brings the second in (the store refuses to make
    # a duplicate itself, so the test writes the number as sync would have left it).
    with team.connection:
        team.connection.execute(
            "UPDATE client SET nhs_number = ? WHERE id = ?", (team.get(Client, kept).nhs_number, duplicate)
        )
    team.merge_clients(kept, duplicate)
    after = build_summary(team, W47, today=date(2026, 12, 1))
    statuses = [e.status for e in team.caseload()]
    assert after.value(W47, "service", "active_caseload") == statuses.count("active")
    assert (
        after.value(W47, "service", "active_caseload") == before.value(W47, "service", "active_caseload") - 1
    )
    assert (
        after.value(W47, "service", "referrals_received")
        == before.value(W47, "service", "referrals_received") - 1
    )
    assert after.value(W47, "service", "sessions") == before.value(W47, "service", "sessions") + 2
