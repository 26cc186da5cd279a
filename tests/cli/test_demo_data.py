"""demo-data: synthetic, valid, varied and repeatable."""

import re
from collections import Counter
from datetime import date

import nhs_number

from workwell_desktop.cli import main
from workwell_desktop.cli.demo import demo_clients
from workwell_desktop.domain.records import Client, ConsentEvent, ContactSession, Discharge, FitNote
from workwell_desktop.domain.validation import age_on, check_postcode, parse_date
from workwell_desktop.services.letters import letter_pdf
from workwell_desktop.store import Store


def test_demo_data_adds_synthetic_clients_and_prints_counts(initialised, open_store):
    result = initialised("demo-data", "--clients", "50", "--seed", "7")
    assert result.code == 0, result.err
    assert "Added 50 synthetic clients" in result.out
    for label in ("referrals", "consent events", "sessions", "fit notes", "discharges"):
        assert re.search(rf"\d+ {label}", result.out)
    store = open_store()
    clients = store.all(Client)
    assert len(clients) == 50
    numbers = [c.nhs_number for c in clients]
    assert len(set(numbers)) == 50
    assert all(n.startswith("999") and len(n) == 10 and nhs_number.is_valid(n) for n in numbers)
    assert all(
        check_postcode(c.postcode) is None and re.match(r"CA([1-9]|1\d|2[0-8]) ", c.postcode) for c in clients
    )
    assert all(c.phone == "" or c.phone.startswith("07700900") for c in clients)
    assert all(c.email == "" or re.search(r"@example\.(com|org)$", c.email) for c in clients)
    today = date.today()
    assert all(18 <= age_on(parse_date(c.date_of_birth), today) <= 66 for c in clients)
    assert len(store.caseload()) == 50
    assert store.verify_audit() == []
    assert store.audit_trail()[-1]["action"] == "demo-data"
    store.close()


def test_same_seed_same_people(admin, tmp_path, passphrase, capsys):
    people = []
    for name in ("one", "two"):
        folder = tmp_path / name
        assert main(["--data-dir", str(folder), "init", "--coach-name", "Alex Coach"]) == 0
        assert main(["--data-dir", str(folder), "demo-data", "--clients", "20", "--seed", "42"]) == 0
        capsys.readouterr()
        store = Store.open(folder, passphrase)
        people.append(
            sorted(
                (c.nhs_number, c.given_name, c.family_name, c.date_of_birth, c.postcode)
                for c in store.all(Client)
            )
        )
        store.close()
    assert people[0] == people[1]


def _without_ids(batches):
    return [[{k: v for k, v in vars(r).items() if k not in ("id", "client_id")} for r in b] for b in batches]


def test_generator_is_deterministic_and_every_record_is_valid():
    today = date(2026, 11, 23)
    first = list(demo_clients(1500, seed=3, coach="Alex Coach", today=today))
    again = list(demo_clients(1500, seed=3, coach="Alex Coach", today=today))
    assert _without_ids(first) == _without_ids(again)
    assert not {r.id for b in first for r in b} & {r.id for b in again for r in b}  # ids never seeded
    assert _without_ids(first) != _without_ids(demo_clients(1500, seed=4, coach="Alex Coach", today=today))
    for batch in first:
        for record in batch:
            assert record.validate(today) == {}, (type(record).__name__, record.validate(today))
        client, referral = batch[0], batch[1]
        assert all(getattr(r, "client_id", client.id) == client.id for r in batch)
        assert 0 <= (today - parse_date(referral.received_on)).days <= 120
    records = [r for batch in first for r in batch]
    outcomes = Counter(batch[1].triage_outcome for batch in first)
    # most accepted, some declined, some still waiting for triage
    assert outcomes["accepted"] > outcomes["declined"] > 0 and outcomes["pending"] > 0
    assert {b[1].decline_reason for b in first if b[1].triage_outcome == "declined"} >= {
        "out_of_area",
        "complex_needs",
    }
    assert len({b[1].route for b in first}) == 7
    consent = Counter((r.scope, r.action) for r in records if isinstance(r, ConsentEvent))
    assert consent[("participation", "given")] > 0 and consent[("share_employer", "given")] > 0
    assert consent[("participation", "withdrawn")] + consent[("share_employer", "withdrawn")] > 0
    sessions = [r for r in records if isinstance(r, ContactSession)]
    assert {s.mode for s in sessions} == {"in_person", "phone", "video"}
    assert any(isinstance(r, FitNote) for r in records)
    discharges = [r for r in records if isinstance(r, Discharge)]
    assert {d.reason for d in discharges} >= {"completed", "disengaged"}
    assert {d.work_outcome for d in discharges} >= {"stayed_in_work", "returned_to_work", "new_work"}
    assert sum(1 for b in first if b[0].next_review_on) > 0
    assert len({(b[0].given_name, b[0].family_name) for b in first}) > 500  # names mixed freely


def test_refuses_a_database_with_real_clients(initialised, csv_file, open_store):
    path = csv_file(
        "real.csv",
        [["Pat", "Example", "943 476 5919", "1980-01-01", "CA1 1AB", "gp", date.today().isoformat()]],
    )
    assert initialised("import-referrals", str(path)).code == 0
    result = initialised("demo-data", "--clients", "5")
    assert result.code == 1 and "not demo people" in result.err
    store = open_store()
    assert len(store.all(Client)) == 1
    store.close()


def test_adding_more_demo_people_never_repeats_an_nhs_number(initialised, open_store):
    assert initialised("demo-data", "--clients", "30", "--seed", "1").code == 0
    assert initialised("demo-data", "--clients", "30", "--seed", "1").code == 0
    store = open_store()
    numbers = [c.nhs_number for c in store.all(Client)]
    store.close()
    assert len(numbers) == len(set(numbers)) == 60


def test_history_gives_each_client_a_year_of_work(initialised, open_store):
    from workwell_desktop.domain.assessments import Assessment
    from workwell_desktop.domain.letters import EmployerLetter
    from workwell_desktop.domain.plans import PlanAction, PlanGoal, PlanSettings

    result = initialised("demo-data", "--clients", "6", "--seed", "5", "--history")
    assert result.code == 0, result.err
    assert "6 employer letters" in result.out
    store = open_store()
    for client in store.all(Client):

        def of(cls, client_id=client.id):
            return store.for_client(cls, client_id)

        assert 2 <= len(of(ConsentEvent)) <= 4
        sessions = of(ContactSession)
        assert 6 <= len(sessions) <= 11
        assert all(200 <= len(s.note) <= 400 for s in sessions)
        assert 2 <= len(of(Assessment)) <= 4
        assert len(of(PlanSettings)) == 1 and len(of(PlanGoal)) == 2 and of(PlanAction)
        assert len(of(FitNote)) == 1
        (letter,) = of(EmployerLetter)
        assert letter_pdf(store, letter).startswith(b"%PDF-")
    assert store.verify_audit() == []
    store.close()
