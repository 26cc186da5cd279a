"""A stored score is never trusted (issue #13, hazard HAZ-002): every assessment saved on
this laptop, and every one applied from sync, has its total, raw score, band and flags
worked out again from its answers by instruments.derived.derive_assessment.

Saving here refuses a disagreement; applying from sync re-scores and audits it."""

import json

import pytest

from workwell_desktop.domain.assessments import Assessment, SafetyAction
from workwell_desktop.domain.records import Client, Referral
from workwell_desktop.domain.risk import RiskEvent, open_safety_tasks
from workwell_desktop.instruments import score
from workwell_desktop.instruments.derived import derive_assessment
from workwell_desktop.services import assessments as service
from workwell_desktop.store import InvalidRecord, Store, replica

ACTION = SafetyAction(
    ("asked_immediate_risk",),
    "Asked; no plans; safety plan agreed.",
    "Alex Coach",
    "2026-11-20T10:00:00+00:00",
)


@pytest.fixture
def two_devices(tmp_path, monkeypatch, passphrase):
    monkeypatch.setenv("WORKWELL_KEY_STORE", "file")
    a = Store.create(tmp_path / "a", passphrase, "Alex Coach")
    b = Store.create(tmp_path / "b", passphrase, "Sam Coach")
    yield a, b
    a.close()
    b.close()


def new_client(store):
    c = Client(
        given_name="Wren",
        family_name="Ashdown",
        date_of_birth="1975-06-01",
        nhs_number="9434765919",
        postcode="CA2 4HH",
        phone="07700900001",
    )
    store.add_together([c, Referral(client_id=c.id, route="gp", received_on="2026-11-01")])
    return c


def phq9(client_id, answers, **stored):
    return Assessment(
        client_id=client_id,
        instrument_id="phq9",
        instrument_version="1.0",
        timepoint="baseline",
        completed_on="2026-11-20",
        completed_by="Alex Coach",
        answers=tuple(answers),
        **stored,
    )


def test_the_issues_mis_scored_phq9_is_refused_on_save(store):
    # All nine answers at 3 stored as total 3, "Minimal", no flag: the store once took it.
    c = new_client(store)
    record = phq9(c.id, [3] * 9, total=3, raw=3, band="Minimal", flags=(), safety_action=ACTION.to_json())
    with pytest.raises(InvalidRecord) as refused:
        store.add(record)
    assert {"total", "raw", "band", "flags"} <= set(refused.value.errors)
    assert "27" in refused.value.errors["total"]
    assert store.for_client(Assessment, c.id) == []


@pytest.mark.parametrize(
    "field,wrong",
    [
        ("total", 5),
        ("raw", 5),
        ("band", "Severe"),
        ("flags", ()),
        ("flags", ("self_harm_risk", "other")),
    ],
)
def test_any_one_derived_value_that_disagrees_is_refused(store, field, wrong):
    c = new_client(store)
    answers = [1, 1, 1, 1, 1, 1, 1, 1, 1]
    right = score("phq9", answers)
    stored = dict(
        total=right.total,
        raw=right.raw,
        band=right.band,
        flags=right.flag_ids,
        safety_action=ACTION.to_json(),
    )
    stored[field] = wrong
    with pytest.raises(InvalidRecord) as refused:
        store.add(phq9(c.id, answers, **stored))
    assert field in refused.value.errors


@pytest.mark.parametrize(
    "instrument_id,answers",
    [
        ("gad7", [3] * 7),
        ("wsas", [8] * 5),
        ("swemwbs", [5] * 7),
        ("ons4", [10, 10, 10, 0]),
        ("work_ability", [7]),
    ],
)
def test_every_scored_measure_is_checked(store, instrument_id, answers):
    c = new_client(store)
    record = Assessment(
        client_id=c.id,
        instrument_id=instrument_id,
        instrument_version="1.0",
        timepoint="baseline",
        completed_on="2026-11-20",
        completed_by="Alex Coach",
        answers=tuple(answers),
        total=0,
        raw=0,
        band="Low",
    )
    with pytest.raises(InvalidRecord):
        store.add(record)
    store.add(derive_assessment(record).record)  # the same answers, scored from the answers: saved


def test_the_initial_assessments_risk_flag_cannot_be_left_off(store):
    from workwell_desktop.instruments import get_instrument

    c = new_client(store)
    initial = get_instrument("workwell_initial")
    answers = [None] * len(initial.items)
    answers[[i.id for i in initial.items].index("wellbeing_risk")] = 1
    record = Assessment(
        client_id=c.id,
        instrument_id="workwell_initial",
        instrument_version="1.0",
        timepoint="baseline",
        completed_on="2026-11-20",
        completed_by="Alex Coach",
        answers=tuple(answers),
        flags=(),
    )
    with pytest.raises(InvalidRecord) as refused:
        store.add(record)
    assert "flags" in refused.value.errors


def test_answers_that_cannot_be_scored_are_refused(store):
    c = new_client(store)
    with pytest.raises(InvalidRecord) as refused:
        store.add(phq9(c.id, [4] * 9, total=36, raw=36, band="Severe"))
    assert "out of range" in refused.value.errors["answers"]


def test_the_service_saves_exactly_what_derive_gives(store):
    c = new_client(store)
    saved = service.record_assessment(
        store, c.id, "phq9", [2, 2, 2, 1, 2, 2, 2, 2, 1], timepoint="baseline", safety_action=ACTION
    )
    assert derive_assessment(saved).discrepancies == ()
    assert (saved.total, saved.band, saved.flags) == (16, "Moderately severe", ("self_harm_risk",))


def _forge_payload(changes, record_type, **fields):
    for change in changes:
        if change["record_type"] == record_type:
            change["payload"].update(fields)
    return changes


def test_a_mis_scored_assessment_from_sync_is_rescored_and_audited(two_devices):
    a, b = two_devices
    c = new_client(a)
    service.record_assessment(a, c.id, "phq9", [3] * 9, timepoint="baseline", safety_action=ACTION)
    changes = replica.unsent_changes(a, 1000)
    # Tampered in transit (or by an old laptop): the answers say 27, the record says 3.
    _forge_payload(changes, "assessment", total=3, raw=3, band="Minimal", flags=json.dumps([]))
    replica.apply_remote(b, changes, "1")
    [arrived] = b.all(Assessment)
    assert (arrived.total, arrived.band, arrived.flags) == (27, "Severe", ("self_harm_risk",))
    rescored = [e for e in b.audit_trail() if e["action"] == "rescored"]
    assert len(rescored) == 1 and rescored[0]["record_id"] == arrived.id
    assert "27" not in (rescored[0]["detail"] or "")  # the audit names fields, never values
    assert b.verify_audit() == []


def test_a_risk_flag_stripped_in_transit_comes_back_as_an_open_safety_task(two_devices):
    a, b = two_devices
    c = new_client(a)
    a.add(derive_assessment(phq9(c.id, [0, 0, 0, 0, 0, 0, 0, 0, 0])).record)
    changes = replica.unsent_changes(a, 1000)
    # Answers changed to a risk answer with no flag and no safety record.
    _forge_payload(changes, "assessment", answers=json.dumps([0, 0, 0, 0, 0, 0, 0, 0, 2]))
    replica.apply_remote(b, changes, "1")
    [arrived] = b.all(Assessment)
    assert arrived.flags == ("self_harm_risk",)
    [task] = open_safety_tasks(b.all(RiskEvent), b.all(Assessment))
    assert task.from_assessment and task.assessment_id == arrived.id


def test_unscorable_answers_from_sync_are_refused_not_stored(two_devices):
    a, b = two_devices
    c = new_client(a)
    a.add(derive_assessment(phq9(c.id, [1] * 8 + [0])).record)
    changes = replica.unsent_changes(a, 1000)
    _forge_payload(changes, "assessment", answers=json.dumps([9] * 9))
    replica.apply_remote(b, changes, "1")
    assert b.all(Assessment) == []  # never stored with a made-up score
    [kept] = replica.quarantined_changes(b)  # kept for IT with its reason; the page goes on
    assert kept["record_type"] == "assessment" and "InvalidRecord" in kept["reason"]
    assert [client.id for client in b.all(Client)] == [c.id]


def test_an_assessment_kept_for_later_is_rescored_when_replayed(two_devices):
    # The other entry point into the apply path: a change kept from a newer version.
    a, b = two_devices
    c = new_client(a)
    a.add(derive_assessment(phq9(c.id, [3] * 9, safety_action=ACTION.to_json())).record)
    changes = _forge_payload(replica.unsent_changes(a, 1000), "assessment", total=0, band="Minimal")
    replica.apply_remote(b, [ch for ch in changes if ch["record_type"] != "assessment"], "1")
    [deferred] = [ch for ch in changes if ch["record_type"] == "assessment"]
    with b._write() as cur:
        cur.execute(
            "INSERT INTO deferred_change (change_id, record_type, body) VALUES (?, ?, ?)",
            (deferred["change_id"], "assessment", json.dumps(deferred)),
        )
    assert replica.replay_deferred(b) == 1
    [arrived] = b.all(Assessment)
    assert (arrived.total, arrived.band) == (27, "Severe")


# ----- prorating: published limit, switched off by default, never item 9 -------------


def test_prorating_is_off_by_default(store):
    c = new_client(store)
    with pytest.raises(InvalidRecord) as refused:
        service.record_assessment(store, c.id, "phq9", [1, 1, None, 1, 1, 1, 1, 1, 0], timepoint="baseline")
    assert "not switched on for this service" in refused.value.errors["answers"]


def test_prorating_when_switched_on_is_within_the_published_limit_and_shown(tmp_path):
    from workwell_desktop.gui.assessments.tab import score_text
    from workwell_desktop.instruments import get_instrument

    phq = get_instrument("phq9")
    assert (phq.missing.max_missing, phq.missing.enabled) == (2, False)
    assert get_instrument("gad7").missing.max_missing == 1
    prorated = score("phq9", [2, 2, None, 2, 2, 2, None, 2, 0], use_published_prorating=True)
    assert (prorated.total, prorated.prorated, prorated.missing_items) == (15, True, (3, 7))
    with pytest.raises(ValueError, match="at most 2 may be missing"):
        score("phq9", [2, None, None, None, 2, 2, 2, 2, 0], use_published_prorating=True)
    with pytest.raises(ValueError, match="item 9 is a risk question"):
        score("phq9", [2, 2, 2, 2, 2, 2, 2, 2, None], use_published_prorating=True)
    # A prorated record made where prorating is on scores the same here, and says so.
    record = derive_assessment(phq9("c", [2, 2, None, 2, 2, 2, None, 2, 0])).record
    assert record.total == 15  # 12 from 7 answered items, x 9 / 7 = 15.4, rounded half up
    assert score_text(record) == "15 (prorated)"
    assert service.missing_items_of(record) == (3, 7)
    assert "items 3, 7 not answered" in service.prorated_text((3, 7))
