"""PHQ-9 item 9: any non-zero answer raises the self-harm risk flag, whatever the total."""

from __future__ import annotations

import pytest

from workwell_desktop.instruments import Flag, score


def test_item_9_answered_zero_raises_no_flag():
    for answers in ([0] * 9, [3] * 8 + [0]):
        result = score("phq9", answers)
        assert result.flags == ()
        assert result.flag_ids == ()
        assert result.has_risk_flag is False


@pytest.mark.parametrize("item9", [1, 2, 3])
def test_any_non_zero_item_9_raises_the_flag_even_when_the_total_is_minimal(item9):
    result = score("phq9", [0] * 8 + [item9])
    assert result.total == item9
    assert result.band == "Minimal"
    assert result.flag_ids == ("self_harm_risk",)
    assert result.has_risk_flag is True
    (flag,) = result.flags
    assert isinstance(flag, Flag)
    assert (flag.id, flag.item_id, flag.item_number, flag.answer) == (
        "self_harm_risk",
        "q9",
        9,
        item9,
    )
    assert "better off dead or of hurting themselves" in flag.message
    assert "999" in flag.message
    assert "116 123" in flag.message


@pytest.mark.parametrize("item9", [1, 2, 3])
def test_flag_rises_in_every_band(item9):
    for first_eight, band in (
        ([0] * 8, "Minimal"),  # total 1-3
        ([1] * 4 + [0] * 4, "Mild"),  # total 5-7
        ([2] * 5 + [0] * 3, "Moderate"),  # total 11-13
        ([2] * 8, "Moderately severe"),  # total 17-19
        ([3] * 8, "Severe"),  # total 25-27
    ):
        result = score("phq9", first_eight + [item9])
        assert result.total == sum(first_eight) + item9
        assert result.band == band
        assert result.flag_ids == ("self_harm_risk",)


def test_a_high_total_without_item_9_raises_no_flag():
    result = score("phq9", [3] * 8 + [0])
    assert (result.total, result.band, result.flags) == (24, "Severe", ())


@pytest.mark.parametrize("instrument_id", ["gad7", "wsas", "ons4", "swemwbs", "work_ability"])
def test_other_instruments_raise_no_flags_even_at_their_worst(instrument_id):
    worst = {
        "gad7": [3] * 7,
        "wsas": [8] * 5,
        "ons4": [0, 0, 0, 10],
        "swemwbs": [1] * 7,
        "work_ability": [0],
    }[instrument_id]
    assert score(instrument_id, worst).flags == ()
