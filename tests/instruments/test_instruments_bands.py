"""Every shipped instrument scored at the extremes and on both sides of every band boundary."""

from __future__ import annotations

import pytest

from workwell_desktop.instruments import score


def answers_for(total: int, items: int, low: int, high: int) -> list[int]:
    """Answers (each low..high) adding up to ``total``: fill from the first item."""
    assert items * low <= total <= items * high
    answers, left = [], total - items * low
    for _ in range(items):
        step = min(high - low, left)
        answers.append(low + step)
        left -= step
    assert sum(answers) == total
    return answers


# (total, band) on both sides of each boundary, plus the extremes.
PHQ9 = [
    (0, "Minimal"),
    (4, "Minimal"),
    (5, "Mild"),
    (9, "Mild"),
    (10, "Moderate"),
    (14, "Moderate"),
    (15, "Moderately severe"),
    (19, "Moderately severe"),
    (20, "Severe"),
    (27, "Severe"),
]
GAD7 = [
    (0, "Minimal"),
    (4, "Minimal"),
    (5, "Mild"),
    (9, "Mild"),
    (10, "Moderate"),
    (14, "Moderate"),
    (15, "Severe"),
    (21, "Severe"),
]
WSAS = [
    (0, "Subclinical"),
    (9, "Subclinical"),
    (10, "Significant functional impairment"),
    (20, "Significant functional impairment"),
    (21, "Moderately severe or worse"),
    (40, "Moderately severe or worse"),
]


@pytest.mark.parametrize(("total", "band"), PHQ9)
def test_phq9_band_boundaries(total, band):
    # Item 9 is filled last, so only totals above 24 put a non-zero answer there.
    result = score("phq9", answers_for(total, 9, 0, 3))
    assert (result.total, result.raw, result.band) == (total, total, band)
    assert result.prorated is False
    assert result.missing_items == ()


@pytest.mark.parametrize(("total", "band"), GAD7)
def test_gad7_band_boundaries(total, band):
    result = score("gad7", answers_for(total, 7, 0, 3))
    assert (result.total, result.raw, result.band, result.flags) == (total, total, band, ())


@pytest.mark.parametrize(("total", "band"), WSAS)
def test_wsas_band_boundaries(total, band):
    result = score("wsas", answers_for(total, 5, 0, 8))
    assert (result.total, result.raw, result.band, result.flags) == (total, total, band, ())


def test_wsas_band_descriptions_use_the_published_wording():
    assert score("wsas", [0] * 5).band_description == (
        "Scores below 10 appear to be associated with subclinical populations."
    )
    assert score("wsas", [2] * 5).band_description == (
        "Scores between 10 and 20 are associated with significant functional impairment "
        "but less severe clinical symptomatology."
    )
    assert score("wsas", [8] * 5).band_description == (
        "A WSAS score above 20 appears to suggest moderately severe or worse psychopathology."
    )


def test_sum_does_not_depend_on_which_items_carry_the_score():
    assert score("phq9", [3, 3, 3, 1, 0, 0, 0, 0, 0]).total == 10
    assert score("phq9", [0, 0, 0, 0, 1, 3, 3, 3, 0]).total == 10
    assert score("gad7", [0, 1, 2, 3, 2, 1, 0]).total == 9


@pytest.mark.parametrize(
    ("instrument_id", "items", "low", "high", "band_low", "band_high"),
    [
        ("phq9", 9, 0, 3, "Minimal", "Severe"),
        ("gad7", 7, 0, 3, "Minimal", "Severe"),
        ("wsas", 5, 0, 8, "Subclinical", "Moderately severe or worse"),
    ],
)
def test_sum_extremes(instrument_id, items, low, high, band_low, band_high):
    lowest = score(instrument_id, [low] * items)
    highest = score(instrument_id, [high] * items)
    assert (lowest.total, lowest.band) == (items * low, band_low)
    assert (highest.total, highest.band) == (items * high, band_high)


WORK_ABILITY = {
    0: "Poor",
    1: "Poor",
    2: "Poor",
    3: "Poor",
    4: "Poor",
    5: "Poor",
    6: "Moderate",
    7: "Moderate",
    8: "Good",
    9: "Good",
    10: "Excellent",
}


@pytest.mark.parametrize(("answer", "band"), sorted(WORK_ABILITY.items()))
def test_work_ability_every_answer(answer, band):
    result = score("work_ability", [answer])
    assert (result.total, result.raw, result.band) == (answer, answer, band)


ONS_POSITIVE = ["Low"] * 5 + ["Medium"] * 2 + ["High"] * 2 + ["Very high"] * 2  # 0..10
ONS_ANXIETY = ["Very low"] * 2 + ["Low"] * 2 + ["Medium"] * 2 + ["High"] * 5  # 0..10


@pytest.mark.parametrize("value", range(11))
def test_ons4_every_value_of_every_item(value):
    result = score("ons4", [value] * 4)
    assert result.total is None
    assert result.raw is None
    assert result.flags == ()
    assert list(result.subscales) == ["life_satisfaction", "worthwhile", "happiness", "anxiety"]
    for item_id in ("life_satisfaction", "worthwhile", "happiness"):
        assert result.subscales[item_id].score == value
        assert result.subscales[item_id].band == ONS_POSITIVE[value]
    assert result.subscales["anxiety"].score == value
    assert result.subscales["anxiety"].band == ONS_ANXIETY[value]


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        # boundaries of the positive items: 4|5, 6|7, 8|9
        ([4, 5, 6, 1], ("Low", "Medium", "Medium", "Very low")),
        ([7, 8, 9, 2], ("High", "High", "Very high", "Low")),
        # boundaries of anxiety: 1|2, 3|4, 5|6
        ([10, 0, 3, 3], ("Very high", "Low", "Low", "Low")),
        ([9, 9, 9, 4], ("Very high", "Very high", "Very high", "Medium")),
        ([5, 5, 5, 5], ("Medium", "Medium", "Medium", "Medium")),
        ([6, 6, 6, 6], ("Medium", "Medium", "Medium", "High")),
    ],
)
def test_ons4_items_are_banded_separately(answers, expected):
    result = score("ons4", answers)
    bands = tuple(s.band for s in result.subscales.values())
    assert bands == expected
    assert result.band == (
        f"Life satisfaction: {expected[0]}; Worthwhile: {expected[1]}; "
        f"Happiness: {expected[2]}; Anxiety: {expected[3]}"
    )
    assert tuple(s.score for s in result.subscales.values()) == tuple(answers)
    assert [s.label for s in result.subscales.values()] == [
        "Life satisfaction",
        "Worthwhile",
        "Happiness",
        "Anxiety",
    ]


@pytest.mark.parametrize(
    ("raw", "metric", "band"),
    [
        (7, 7.00, "Probable depression"),
        (19, 17.98, "Probable depression"),
        (20, 18.59, "Possible depression"),
        (23, 20.73, "Possible depression"),
        (24, 21.54, "Average mental wellbeing"),
        (30, 27.03, "Average mental wellbeing"),
        (31, 28.13, "High mental wellbeing"),
        (35, 35.00, "High mental wellbeing"),
    ],
)
def test_swemwbs_band_boundaries(raw, metric, band):
    result = score("swemwbs", answers_for(raw, 7, 1, 5))
    assert (result.raw, result.total, result.band) == (raw, metric, band)
    assert result.flags == ()
