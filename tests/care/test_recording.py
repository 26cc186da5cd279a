"""Recording assessments: exact scores saved, refusals, immutability, corrections,
follow-ups after discharge and change since baseline."""

from datetime import date

import pytest

from workwell_desktop.domain.assessments import (
    Assessment,
    SafetyAction,
    add_months,
    follow_ups,
    timepoint_label,
)
from workwell_desktop.domain.records import Discharge, Referral
from workwell_desktop.domain.registry import RECORD_TYPES
from workwell_desktop.instruments import get_instrument, list_instruments, score
from workwell_desktop.services.assessments import (
    assessment_overview,
    build_assessment,
    correct_assessment,
    load_safety_guidance,
    record_assessment,
)
from workwell_desktop.store import ImmutableRecord, InvalidRecord

SAFE = SafetyAction(
    ("asked_immediate_risk",),
    "Asked; no plans or intent; crisis lines given.",
    "Alex Coach",
    "2026-11-02T10:00:00+00:00",
)


def record(store, client, instrument_id, answers, timepoint="baseline", on="2026-11-02", **kw):
    return record_assessment(
        store, client.id, instrument_id, answers, timepoint=timepoint, completed_on=on, **kw
    )


@pytest.mark.parametrize("instrument", [i for i in list_instruments() if i.scored], ids=lambda i: i.id)
def test_every_scored_measure_is_saved_with_exactly_what_scoring_gave(store, client, instrument):
    answers = [item.values[len(item.values) // 2] for item in instrument.items]
    expected = score(instrument.id, answers)
    saved = record(store, client, instrument.id, answers, safety_action=SAFE if expected.flags else None)
    again = store.get(Assessment, saved.id)
    assert again == saved
    assert (again.total, again.raw, again.band, again.flags) == (
        expected.total,
        expected.raw,
        expected.band or "",
        expected.flag_ids,
    )
    assert type(again.total) is type(expected.total)  # 19.25 stays a real, 18 an integer
    assert again.answers == tuple(answers)
    assert again.instrument_version == instrument.version
    assert again.completed_by == "Alex Coach"


def test_phq9_total_band_and_risk_flag(store, client):
    saved = record(store, client, "phq9", [3, 3, 2, 2, 2, 2, 2, 1, 1], safety_action=SAFE)
    assert (saved.total, saved.band, saved.flags) == (18, "Moderately severe", ("self_harm_risk",))
    assert saved.safety == SAFE


def test_a_risk_answer_is_refused_without_the_safety_record(store, client):
    with pytest.raises(InvalidRecord) as refused:
        record(store, client, "phq9", [0, 0, 0, 0, 0, 0, 0, 0, 2])
    assert "safety_action" in refused.value.errors
    with pytest.raises(InvalidRecord) as refused:  # a tick without a note is not enough
        record(
            store,
            client,
            "phq9",
            [0, 0, 0, 0, 0, 0, 0, 0, 2],
            safety_action=SafetyAction(("called_999",), "", "Alex Coach", "x"),
        )
    assert "note" in refused.value.errors["safety_action"]
    assert store.for_client(Assessment, client.id) == []


@pytest.mark.parametrize(
    "answers, words",
    [
        ([1, 1, 1, 1, 1, 1, 1, 1], "needs 9 answers"),
        ([1, 1, None, 1, 1, 1, 1, 1, 0], "item 3 is unanswered"),
        ([1, 1, 1, 1, 1, 1, 1, 1, 4], "out of range"),
        ([None] * 9, "unanswered"),
    ],
)
def test_missing_or_wrong_answers_are_refused_with_the_scoring_message(store, client, answers, words):
    with pytest.raises(InvalidRecord) as refused:
        record(store, client, "phq9", answers)
    assert words in refused.value.errors["answers"]
    assert store.for_client(Assessment, client.id) == []


def test_other_fields_are_checked_too(store, client):
    with pytest.raises(InvalidRecord) as refused:
        record(store, client, "gad7", [1] * 7, timepoint="someday", on="2099-01-01")
    assert set(refused.value.errors) >= {"timepoint", "completed_on"}
    with pytest.raises(InvalidRecord) as refused:
        record(store, client, "no_such_measure", [1])
    assert "unknown instrument" in refused.value.errors["instrument_id"]


def test_the_initial_assessment_keeps_words_and_choices_unscored(store, client):
    instrument = get_instrument("workwell_initial")
    answers = [None] * len(instrument.items)
    answers[[i.id for i in instrument.items].index("work_status")] = 2
    saved = record(
        store,
        client,
        "workwell_initial",
        answers,
        responses={"goals": "Back to full hours by spring", "what_matters": "  "},
    )
    again = store.get(Assessment, saved.id)
    assert again.response_texts == {"goals": "Back to full hours by spring"}
    assert (again.total, again.raw, again.band, again.flags) == (None, None, "", ())
    with pytest.raises(InvalidRecord):  # a written answer to a choice question
        record(store, client, "workwell_initial", answers, responses={"work_status": "x"})
    with pytest.raises(InvalidRecord):  # nothing answered at all
        record(store, client, "workwell_initial", [None] * len(instrument.items))


def test_a_completed_assessment_cannot_be_edited(store, client):
    saved = record(store, client, "gad7", [1, 1, 1, 1, 1, 1, 1])
    with pytest.raises(ImmutableRecord):
        store.update(Assessment, saved.id, total=0)
    assert not Assessment.mutable and RECORD_TYPES["assessment"] is Assessment


def test_a_correction_supersedes_with_a_required_reason(store, client):
    original = record(store, client, "gad7", [1, 1, 1, 1, 1, 1, 1])
    with pytest.raises(InvalidRecord) as refused:
        correct_assessment(store, original.id, [1, 1, 1, 1, 1, 1, 3], reason="  ")
    assert "correction_reason" in refused.value.errors
    corrected = correct_assessment(
        store, original.id, [1, 1, 1, 1, 1, 1, 3], reason="Item 7 was keyed as 1; the client said 3."
    )
    assert corrected.supersedes == original.id and corrected.total == 9
    assert corrected.timepoint == original.timepoint and corrected.completed_on == original.completed_on
    assert store.get(Assessment, original.id) == original  # the original is kept as it was
    overview = assessment_overview(store, client.id)
    assert [a.id for a in overview.assessments] == [corrected.id]
    assert len(overview.every_version) == 2
    with pytest.raises(InvalidRecord) as refused:  # correct the latest version, not the replaced one
        correct_assessment(store, original.id, [0] * 7, reason="again")
    assert "already been corrected" in refused.value.errors["supersedes"]
    kinds = [c["op"] for c in store.changes() if c["record_type"] == "assessment"]
    assert kinds == ["create", "create"]  # both travel to the server as facts


def test_a_correction_keeps_the_safety_record(store, client):
    original = record(store, client, "phq9", [1, 1, 1, 1, 1, 1, 1, 1, 1], safety_action=SAFE)
    corrected = correct_assessment(store, original.id, [1, 1, 1, 1, 1, 1, 1, 2, 1], reason="Item 8 typo")
    assert corrected.safety == SAFE and corrected.flags == ("self_harm_risk",)


def test_follow_ups_are_due_3_and_6_months_after_discharge(store, client):
    # The fixture's referral is dated later: the discharge names the episode it ends.
    [referral] = store.for_client(Referral, client.id)
    store.add(
        Discharge(
            client_id=client.id,
            discharged_on="2026-05-31",
            reason="completed",
            work_outcome="stayed_in_work",
            referral_id=referral.id,
        )
    )
    overview = assessment_overview(store, client.id, today=date(2026, 11, 23))
    assert [(f.timepoint, f.due_on, f.status) for f in overview.follow_ups] == [
        ("follow_up_3m", "2026-08-31", "overdue"),
        ("follow_up_6m", "2026-11-30", "due"),
    ]
    record(store, client, "phq9", [0] * 9, timepoint="follow_up_3m", on="2026-11-20")
    overview = assessment_overview(store, client.id, today=date(2026, 11, 23))
    assert [f.status for f in overview.follow_ups] == ["done", "due"]
    assert overview.follow_ups[0].done_on == "2026-11-20"


def test_follow_up_dates_and_statuses():
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)
    due = follow_ups("2026-11-15", [], today=date(2026, 11, 23))
    assert [(f.due_on, f.status) for f in due] == [("2027-02-15", "upcoming"), ("2027-05-15", "upcoming")]
    assert follow_ups("", [], today=date(2026, 11, 23)) == []
    assert timepoint_label("follow_up_6m") == "Follow-up (6 months)"
    assert timepoint_label("follow_up_12m") == "Follow-up (12 months)"


def test_no_follow_ups_before_discharge(store, client):
    assert assessment_overview(store, client.id).follow_ups == ()


def test_change_since_baseline_per_measure(store, client):
    record(store, client, "phq9", [2, 2, 2, 2, 2, 2, 2, 2, 2], on="2026-09-07", safety_action=SAFE)
    record(store, client, "phq9", [1, 2, 1, 1, 2, 1, 1, 1, 0], timepoint="review", on="2026-10-12")
    record(store, client, "phq9", [1, 1, 1, 1, 1, 1, 1, 2, 0], timepoint="discharge", on="2026-11-16")
    record(store, client, "swemwbs", [2, 2, 2, 2, 2, 2, 2], on="2026-09-07")
    record(store, client, "swemwbs", [3, 3, 3, 3, 3, 3, 4], timepoint="review", on="2026-10-12")
    record(store, client, "ons4", [3, 4, 5, 8], on="2026-09-07")
    record(store, client, "ons4", [6, 6, 7, 4], timepoint="review", on="2026-10-12")
    record(store, client, "gad7", [1] * 7, timepoint="review", on="2026-10-12")
    trends = {t.key: t for t in assessment_overview(store, client.id).trends}
    assert trends["phq9"].summary() == "PHQ-9: 18 \u2192 9 (\u22129) since baseline"
    assert [p.value for p in trends["phq9"].points] == [18, 10, 9]
    swemwbs = [score("swemwbs", [2] * 7).total, score("swemwbs", [3] * 6 + [4]).total]
    assert trends["swemwbs"].change == round(swemwbs[1] - swemwbs[0], 2)
    assert trends["ons4:life_satisfaction"].summary() == (
        "ONS4 life satisfaction: 3 \u2192 6 (+3) since baseline"
    )
    assert trends["ons4:anxiety"].summary() == "ONS4 anxiety: 8 \u2192 4 (\u22124) since baseline"
    assert trends["gad7"].summary() == "GAD-7: 7 at review; no baseline to compare with"
    assert (trends["phq9"].lowest, trends["phq9"].highest) == (0, 27)


def test_a_corrected_baseline_counts_in_the_change(store, client):
    base = record(store, client, "gad7", [3] * 7, on="2026-09-07")
    record(store, client, "gad7", [1] * 7, timepoint="review", on="2026-10-12")
    correct_assessment(store, base.id, [2] * 7, reason="Entered the wrong sheet")
    trend = {t.key: t for t in assessment_overview(store, client.id).trends}["gad7"]
    assert trend.summary() == "GAD-7: 14 \u2192 7 (\u22127) since baseline"


def test_build_does_not_save(store, client):
    built, result = build_assessment(
        client.id,
        "wsas",
        [1, 2, 3, 4, 5],
        timepoint="review",
        completed_on="2026-11-02",
        completed_by="Alex Coach",
    )
    assert built.total == result.total == 15
    assert store.for_client(Assessment, client.id) == []


def test_measure_ranges_come_from_the_definitions():
    assert get_instrument("phq9").score_range() == (0, 27)
    assert get_instrument("wsas").score_range() == (0, 40)
    assert get_instrument("ons4").score_range() == (0, 10)
    assert get_instrument("work_ability").score_range() == (0, 10)
    low, high = get_instrument("swemwbs").score_range()
    assert low == score("swemwbs", [1] * 7).total and high == score("swemwbs", [5] * 7).total


def test_the_services_safety_wording_loads_and_is_checked(tmp_path):
    guidance = load_safety_guidance()
    ids = [a.id for a in guidance.actions]
    assert {
        "asked_immediate_risk",
        "called_999",
        "shared_crisis_lines",
        "followed_risk_procedure",
        "informed_team_lead",
    } <= set(ids)
    numbers = " ".join(line.number for line in guidance.crisis_lines)
    assert "999" in numbers and "116 123" in numbers and "111" in numbers
    broken = tmp_path / "safety.json"
    broken.write_text('{"actions": [{"id": "a"}]}')
    with pytest.raises(ValueError, match="label"):
        load_safety_guidance(broken)
