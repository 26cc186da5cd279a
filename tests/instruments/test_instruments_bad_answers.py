"""Missing and malformed answers are refused with a message that says what is wrong."""

from __future__ import annotations

import re
from fractions import Fraction

import pytest

from workwell_desktop.instruments import score

FULL = {
    "phq9": [1] * 9,
    "gad7": [1] * 7,
    "wsas": [1] * 5,
    "ons4": [5] * 4,
    "swemwbs": [3] * 7,
    "work_ability": [5],
}
NAMES = {
    "phq9": "PHQ-9",
    "gad7": "GAD-7",
    "wsas": "WSAS",
    "ons4": "ONS4",
    "swemwbs": "SWEMWBS",
    "work_ability": "Work ability",
}
RANGES = {
    "phq9": (0, 3),
    "gad7": (0, 3),
    "wsas": (0, 8),
    "ons4": (0, 10),
    "swemwbs": (1, 5),
    "work_ability": (0, 10),
}
SCORED = sorted(FULL)


def refused(instrument_id, answers) -> str:
    with pytest.raises(ValueError) as caught:
        score(instrument_id, answers)
    return str(caught.value)


def test_the_example_message_from_the_brief():
    assert refused("phq9", [0, 0, 4, 0, 0, 0, 0, 0, 0]) == "PHQ-9 item 3: 4 is out of range 0-3"


@pytest.mark.parametrize("instrument_id", SCORED)
def test_one_answer_too_few_or_too_many(instrument_id):
    answers = FULL[instrument_id]
    n = len(answers)
    for wrong in (answers[:-1], answers + [answers[0]], []):
        assert refused(instrument_id, wrong) == (
            f"{NAMES[instrument_id]} has {n} items, so it needs {n} answers "
            f"(None for an unanswered item); got {len(wrong)}"
        )


@pytest.mark.parametrize("instrument_id", SCORED)
def test_out_of_range_just_below_and_just_above(instrument_id):
    low, high = RANGES[instrument_id]
    name = NAMES[instrument_id]
    for bad in (low - 1, high + 1):
        answers = list(FULL[instrument_id])
        answers[-1] = bad
        number = len(answers)
        assert refused(instrument_id, answers) == (
            f"{name} item {number}: {bad} is out of range {low}-{high}"
        )


def test_every_bad_answer_is_reported_at_once():
    assert refused("wsas", [9, 0, 0, 0, -1]) == (
        "WSAS item 1: 9 is out of range 0-8; WSAS item 5: -1 is out of range 0-8"
    )


@pytest.mark.parametrize(
    ("bad", "type_name"),
    [
        (True, "bool"),
        (False, "bool"),
        (1.0, "float"),
        (2.5, "float"),
        (Fraction(1, 1), "Fraction"),
        ("1", "str"),
        ([1], "list"),
    ],
)
def test_non_integer_answers_are_refused(bad, type_name):
    answers = [0] * 9
    answers[1] = bad
    assert refused("phq9", answers) == (
        f"PHQ-9 item 2: {bad!r} is not a whole-number answer (got {type_name})"
    )


@pytest.mark.parametrize("instrument_id", SCORED)
def test_bool_is_not_taken_as_one_or_zero(instrument_id):
    answers = list(FULL[instrument_id])
    answers[0] = True
    assert "is not a whole-number answer (got bool)" in refused(instrument_id, answers)


@pytest.mark.parametrize("instrument_id", SCORED)
def test_a_missing_answer_is_never_counted_as_zero(instrument_id):
    answers = list(FULL[instrument_id])
    answers[0] = None
    message = refused(instrument_id, answers)
    assert message.startswith(f"{NAMES[instrument_id]}: item 1 is unanswered; ")
    # PHQ-9 and GAD-7 have a published prorating rule that ships switched off (strict by default).
    assert (
        "every item must be answered (the published scoring allows no missing items)" in message
        or "prorating a score with missing items is not switched on for this service" in message
    )


def test_all_missing_item_numbers_are_named():
    assert refused("gad7", [None, 1, None, 1, 1, 1, None]) == (
        "GAD-7: items 1, 3, 7 are unanswered; every item must be answered "
        "(prorating a score with missing items is not switched on for this service)"
    )


def test_missing_risk_item_is_called_out():
    assert refused("phq9", [0] * 8 + [None]) == (
        "PHQ-9: item 9 is unanswered; every item must be answered (prorating a score with "
        "missing items is not switched on for this service); item 9 is a risk question "
        "(self_harm_risk) and must always be answered"
    )


def test_every_answer_missing():
    message = refused("swemwbs", [None] * 7)
    assert message.startswith("SWEMWBS: items 1, 2, 3, 4, 5, 6, 7 are unanswered; ")


@pytest.mark.parametrize("bad", ["unknown", "PHQ9", "", None, 9, ("phq9",)])
def test_unknown_instrument_id(bad):
    message = refused(bad, [0] * 9)
    assert message.startswith(f"unknown instrument id {bad!r}; known instruments: ")
    assert message.endswith("gad7, ons4, phq9, swemwbs, work_ability, workwell_initial, wsas")


@pytest.mark.parametrize("bad", ["000000000", b"\x00" * 9, 12, None, {i: 0 for i in range(9)}])
def test_answers_must_be_a_list(bad):
    message = refused("phq9", bad)
    assert re.fullmatch(
        r"PHQ-9: answers must be a list with one entry per item \(None for unanswered\), "
        r"not \w+",
        message,
    )


def test_a_tuple_is_accepted_as_well_as_a_list():
    assert score("phq9", tuple([1] * 9)).total == 9


def test_integer_like_types_are_accepted_and_stored_as_int():
    class Three(int):
        pass

    result = score("gad7", [Three(3)] + [0] * 6)
    assert result.total == 3
    assert type(result.answers[0]) is int


def test_unscored_instrument_refuses_to_score():
    assert refused("workwell_initial", []) == (
        "WorkWell initial assessment (workwell_initial) is unscored: its answers are "
        "recorded as they are given, not scored"
    )
