"""A team summary a commissioner can rely on, end to end: four coaches' laptops and a team
lead's sync through the real server, and the lead's week 2026-W47 (16-22 Nov) is
counted by hand below.

- ann set up her laptop as "Ann C." and recorded A1 before registering: after
  registering, A1 is stamped with her username, like everything after it. A2 was
  first contacted and then declined by the client: not active (the caseload list's
  definition). A3 is hers until the server moves it to cara (``move-client``
  writes the username).
- bob synced on Friday 20 Nov and then recorded B2, which is not on the server: his
  figures may be incomplete and the summary says so.
- cara moved laptops: C1a was recorded on her old laptop, which IT revoked after she
  moved; her new laptop (set up as "Cara") added a session and C2a.
- dan has an account but never synced a laptop.

Hand count, week 2026-W47, whole service (lee's laptop holds A1, A2, A3, B1, C1a, C2a):
referrals 3 (A1 gp, A2 self, C2a gp); triage accepted 1 (A1), declined 1 (A2, client
did not want support); first contacts 3 (A1 wait 2 days, A2 2, C1a 7: median 2,
90th percentile 7); starts 3 by work status at first appointment: out of work 1 (A1,
from the record), in work 1 (A2), off sick 1 (C1a, from her initial assessment); by
age: 35-49 (A1, 36), 16-24 (A2, 23), 65 and over (C1a, 66); by main health barrier:
mental health (A1), not recorded (A2), musculoskeletal (C1a); waiting for first
contact 1 (C2a, 4 days); active at the end 4 (A1, A3, B1, C1a; not A2); sessions 3
(A3 phone, C1a in person and video). Follow-ups: A4 (discharged 14 Aug) reached at 3
months on 17 Nov, in work, recorded as stayed in work and corrected to returned to work:
one follow-up, as corrected. A5 withdrew from WorkWell on 20 May but agreed to be
contacted: reached at 6 months on 20 Nov, in work but off sick, returned to work.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from server_helpers import PASSWORD
from sqlalchemy.orm import Session
from support.live_server import serving
from support.report_clients import PASSPHRASE, client, session

from workwell_desktop.domain.assessments import Assessment
from workwell_desktop.domain.records import ConsentEvent, Referral
from workwell_desktop.instruments import get_instrument
from workwell_desktop.reports.export import measures_in, render
from workwell_desktop.reports.figures import build_summary
from workwell_desktop.reports.publication import publication
from workwell_desktop.server import admin
from workwell_desktop.server import coverage as server_coverage
from workwell_desktop.server.models import Device
from workwell_desktop.services import journey
from workwell_desktop.store import Store
from workwell_desktop.sync import engine

W47 = "2026-W47"
TODAY = date(2026, 12, 1)


@pytest.fixture
def team(server):
    server.team("A")
    for name, shown, role in (
        ("ann", "Ann Coach", "coach"),
        ("bob", "Bob Coach", "coach"),
        ("cara", "Cara Coach", "coach"),
        ("dan", "Dan Coach", "coach"),
        ("lee", "Lee Lead", "team_lead"),
    ):
        with Session(server.engine) as s:
            admin.create_user(s, name, "A", role, PASSWORD, shown)
    with serving(server.app) as base_url:
        server.base_url = base_url
        yield server


def initial_assessment(store, cid, day, work_answer):
    items = get_instrument("workwell_initial").items
    answers = tuple(work_answer if item.id == "work_status" else None for item in items)
    store.add(
        Assessment(
            client_id=cid,
            instrument_id="workwell_initial",
            instrument_version="1",
            timepoint="baseline",
            completed_on=day,
            completed_by="Cara Coach",
            answers=answers,
        )
    )


def synced_at(monkeypatch, moment: datetime):
    monkeypatch.setattr(server_coverage, "utcnow", lambda: moment)


@pytest.fixture
def scenario(team, tmp_path, monkeypatch):
    monkeypatch.setenv("WORKWELL_KEY_STORE", "file")
    opened = []

    def laptop(name, typed):
        store = Store.create(tmp_path / f"{name}-{len(opened)}", PASSPHRASE, typed)
        opened.append(store)
        return store

    url = team.base_url
    ann = laptop("ann", "Ann C.")
    ids = {
        "A1": client(
            ann,
            "gp",
            "2026-11-16",
            dob="1990-05-01",
            work="out_of_work",
            barrier="mental_health",
            outcome="accepted",
            triaged="2026-11-16",
            first="2026-11-18",
        )
    }
    engine.register(ann, url, "ann", PASSWORD, "ann laptop")
    ids["A2"] = client(
        ann,
        "self",
        "2026-11-17",
        dob="2003-01-15",
        outcome="accepted",
        triaged="2026-11-17",
        first="2026-11-19",
    )
    ann.update(
        Referral,
        ann.for_client(Referral, ids["A2"])[0].id,
        triage_outcome="declined",
        triaged_on="2026-11-20",
        decline_reason="declined_by_client",
    )
    ids["A3"] = client(
        ann, "employer", "2026-11-02", outcome="accepted", triaged="2026-11-03", first="2026-11-05"
    )
    session(ann, ids["A3"], "2026-11-17", "phone")
    ids["A4"] = client(ann, "gp", "2026-07-01", outcome="accepted", triaged="2026-07-01", first="2026-07-03")
    journey.discharge(
        ann,
        ids["A4"],
        discharged_on="2026-08-14",
        reason="completed",
        work_outcome="returned_to_work",
        today=TODAY,
    )
    typed = journey.record_follow_up(
        ann,
        ids["A4"],
        timepoint="follow_up_3m",
        contacted_on="2026-11-17",
        contact_result="reached",
        work_status="in_work",
        work_outcome="stayed_in_work",
        today=TODAY,
    )
    journey.correct(
        ann, typed, "They had been off work: they went back in October", work_outcome="returned_to_work"
    )
    ids["A5"] = client(
        ann, "self", "2026-05-01", outcome="accepted", triaged="2026-05-01", first="2026-05-04"
    )
    journey.withdraw(
        ann,
        ConsentEvent(
            client_id=ids["A5"],
            scope="participation",
            action="withdrawn",
            method="verbal",
            recorded_by="ann",
            recorded_at="2026-05-20T10:00:00+00:00",
        ),
        follow_up_agreed=True,
        today=TODAY,
    )
    journey.record_follow_up(
        ann,
        ids["A5"],
        timepoint="follow_up_6m",
        contacted_on="2026-11-20",
        contact_result="reached",
        work_status="in_work_off_sick",
        work_outcome="returned_to_work",
        today=TODAY,
    )
    engine.sync(ann)

    bob = laptop("bob", "Bob Coach")
    engine.register(bob, url, "bob", PASSWORD, "bob laptop")
    ids["B1"] = client(bob, "gp", "2026-11-10", outcome="accepted", triaged="2026-11-10", first="2026-11-12")
    synced_at(monkeypatch, datetime(2026, 11, 20, 12, 0, tzinfo=UTC))
    engine.sync(bob)
    monkeypatch.undo()
    monkeypatch.setenv("WORKWELL_KEY_STORE", "file")
    ids["B2"] = client(bob, "gp", "2026-11-21", outcome="accepted", triaged="2026-11-21", first="2026-11-21")

    old = laptop("cara", "Cara")
    engine.register(old, url, "cara", PASSWORD, "cara old laptop")
    ids["C1a"] = client(
        old,
        "vcse",
        "2026-11-09",
        dob="1960-03-03",
        barrier="musculoskeletal",
        outcome="accepted",
        triaged="2026-11-09",
        first="2026-11-16",
    )
    session(old, ids["C1a"], "2026-11-16", "in_person")
    engine.sync(old)
    new = laptop("cara", "Cara")
    engine.register(new, url, "cara", PASSWORD, "cara new laptop")
    engine.sync(new)
    with Session(team.engine) as s:
        old_id = s.query(Device.id).filter(Device.name == "cara old laptop").scalar()
        admin.revoke_device(s, old_id)
        s.commit()
    initial_assessment(new, ids["C1a"], "2026-11-16", 2)  # employed and off sick
    session(new, ids["C1a"], "2026-11-20", "video")
    ids["C2a"] = client(new, "gp", "2026-11-18")
    engine.sync(new)
    with Session(team.engine) as s:
        admin.move_client(s, ids["A3"], "cara")
        s.commit()

    lee = laptop("lee", "Lee")
    engine.register(lee, url, "lee", PASSWORD, "lee laptop")
    engine.sync(lee)
    yield lee, ids, new
    for store in opened:
        store.close()


def service(summary, measure):
    return summary.value(W47, "service", measure)


def test_the_hand_counted_week(scenario):
    lee, ids, cara = scenario
    summary = build_summary(lee, W47, today=TODAY)
    # One scope per coach account, by username, in display-name order; dan is listed too.
    assert summary.scopes == ["ann", "bob", "cara", "dan", "service"]
    assert [summary.scope_name(s) for s in summary.scopes] == [
        "Ann Coach",
        "Bob Coach",
        "Cara Coach",
        "Dan Coach",
        "Whole service",
    ]
    expected = {
        "referrals_received": 3,
        "referrals_received:gp": 2,
        "referrals_received:self": 1,
        "triage_accepted": 1,
        "triage_declined": 1,
        "triage_declined:declined_by_client": 1,
        "first_contacts": 3,
        "starts": 3,
        "median_days_to_first_contact": 2,
        "p90_days_to_first_contact": 7,
        "starts_work_status:out_of_work": 1,
        "starts_work_status:in_work": 1,
        "starts_work_status:off_sick": 1,
        "starts_age:35_49": 1,
        "starts_age:16_24": 1,
        "starts_age:65_plus": 1,
        "starts_health_barrier:mental_health": 1,
        "starts_health_barrier:not_recorded": 1,
        "starts_health_barrier:musculoskeletal": 1,
        "waiting_for_first_contact": 1,
        "longest_wait_days": 4,
        "active_caseload": 4,
        "sessions": 3,
        "sessions:phone": 1,
        "sessions:in_person": 1,
        "sessions:video": 1,
        "assessments_completed": 1,
        "assessments_completed:workwell_initial": 1,
        # A4's 3-month follow-up, corrected: once, as corrected.
        "follow_ups_3m": 1,
        "follow_ups_3m:reached": 1,
        "follow_up_work_status_3m:in_work": 1,
        "follow_up_work_outcome_3m:returned_to_work": 1,
        # A5 withdrew but agreed to be contacted: followed up, and counted.
        "follow_ups_6m": 1,
        "follow_ups_6m:reached": 1,
        "follow_up_work_status_6m:in_work_off_sick": 1,
        "follow_up_work_outcome_6m:returned_to_work": 1,
    }
    got = {m: v for m, v in summary.figures[(W47, "service")].items() if v not in (0, None)}
    assert got == expected
    per_coach = {
        s: (
            summary.value(W47, s, "referrals_received"),
            summary.value(W47, s, "active_caseload"),
            summary.value(W47, s, "sessions"),
        )
        for s in summary.scopes
    }
    assert per_coach == {
        "ann": (2, 1, 0),
        "bob": (0, 1, 0),
        "cara": (1, 2, 3),
        "dan": (0, 0, 0),
        "service": (3, 4, 3),
    }
    assert summary.value(W47, "ann", "follow_ups_3m") == summary.value(W47, "ann", "follow_ups_6m") == 1
    assert summary.value(W47, "cara", "follow_ups_3m") == 0
    # 13 weeks (24 Aug to 22 Nov): the same two; A4's discharge (14 Aug) is before them.
    assert summary.value("2026-W35/2026-W47", "service", "follow_ups_3m") == 1
    assert summary.value("2026-W35/2026-W47", "service", "discharges") == 0
    # The publication: both are 1 to 7, so hidden, and nothing pins them.
    published = publication(summary).values
    assert published["follow_ups_3m"] == published["follow_up_work_outcome_6m:returned_to_work"] == "*"
    assert published["follow_up_work_outcome_6m:not_in_work"] == 0
    # The declined-after-contact client is declined on the caseload list too: one definition.
    statuses = {e.client_id: e.status for e in lee.caseload()}
    assert statuses[ids["A2"]] == "declined" and ids["B2"] not in statuses


def test_identity_is_the_account(scenario):
    lee, ids, cara = scenario
    coaches = {row["id"]: row["coach"] for row in lee.rows("SELECT id, coach FROM client")}
    assert coaches == {
        ids["A1"]: "ann",
        ids["A2"]: "ann",
        ids["A3"]: "cara",
        ids["A4"]: "ann",
        ids["A5"]: "ann",
        ids["B1"]: "bob",
        ids["C1a"]: "cara",
        ids["C2a"]: "cara",
    }
    assert cara.coach_name == "Cara Coach" and lee.coach_role == "team_lead"


def test_every_summary_says_how_current_each_coach_is(scenario, tmp_path):
    lee, _ids, _cara = scenario
    summary = build_summary(lee, W47, today=TODAY)
    warnings = summary.warnings()
    assert len(warnings) == 2
    assert warnings[0].startswith(
        "Bob Coach: not synced since the period ended; data as of Fri 20 Nov 2026 12:00"
    )
    assert warnings[1].startswith("Dan Coach: no laptop has ever synced")
    as_of = dict((s, a) for s, a, _w in summary.as_of_rows())
    assert as_of["bob"] == "2026-11-20T12:00+00:00" and as_of["dan"] == "not known"
    assert as_of["ann"] != "not known" and as_of["cara"] != "not known"  # the revoked laptop no longer counts
    csv_text = render(summary, "csv").decode()
    assert "bob,data_as_of,2026-11-20T12:00+00:00" in csv_text and "Bob Coach: not synced" in csv_text
    pdf = render(summary, "pdf")
    from io import BytesIO

    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    assert "Bob Coach: not synced since the period ended" in text and "Dan Coach" in text
    # The publication names nobody but still says the data may be incomplete.
    report = publication(summary)
    published = render(report, "csv").decode()
    assert "2 of 4 coaches had not synced since the week ended" in published
    assert not re.search(r"\b(ann|bob|cara|dan|lee)\b|Coach\b|Lead\b", published, re.IGNORECASE)
    assert "service" in {row[1] for row in report.rows()} and {row[1] for row in report.rows()} == {"service"}
    assert set(measures_in(report)) >= {"coverage", "disclosure_control", "service_name"}


def test_only_team_leads_get_coverage_and_only_on_the_last_page(server):
    server.team("A")
    server.team("B")
    for name, team, role in (("ann", "A", "coach"), ("lee", "A", "team_lead"), ("cat", "B", "coach")):
        server.user(name, team, role)
    ann, lee, cat = server.device("ann"), server.device("lee"), server.device("cat")
    cat.sync()
    change = ann.change("c1", given_name="Ada")
    reply = server.api.post(
        "/api/v1/sync", json={"cursor": "", "changes": [change], "waiting": 7}, headers=ann.auth
    ).json()
    assert "coverage" not in reply  # a coach's laptop is not told about colleagues
    second = ann.change("c2", given_name="Bo")
    ann.sync([second])
    first_page = lee.sync(page_size=1)
    assert first_page["more"] and "coverage" not in first_page
    last = lee.sync(cursor=first_page["cursor"])
    members = {m["username"]: m for m in last["coverage"]}
    assert set(members) == {"ann", "lee"}  # their own team only
    [laptop] = members["ann"]["devices"]
    assert laptop["device_id"] == ann.id and laptop["last_sync_at"] and laptop["waiting"] is None
    with Session(server.engine) as s:
        admin.revoke_device(s, ann.id)
        s.commit()
    again = lee.sync()
    assert {m["username"]: m["devices"] for m in again["coverage"]}["ann"] == []  # revoked: gone
    bad = server.api.post("/api/v1/sync", json={"cursor": "", "waiting": -1}, headers=lee.auth)
    assert bad.status_code == 422
