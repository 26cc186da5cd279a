"""SWEMWBS raw-to-metric conversion checked against an independent copy of the published table.

The literal below is typed from Warwick Medical School's SWEMWBS conversion table
(raw total 7-35 -> metric score), not read from the definition file.
"""

from __future__ import annotations

import pytest

from workwell_desktop.instruments import get_instrument, score

PUBLISHED_CONVERSION = {
    7: 7.00,
    8: 9.51,
    9: 11.25,
    10: 12.40,
    11: 13.33,
    12: 14.08,
    13: 14.75,
    14: 15.32,
    15: 15.84,
    16: 16.36,
    17: 16.88,
    18: 17.43,
    19: 17.98,
    20: 18.59,
    21: 19.25,
    22: 19.98,
    23: 20.73,
    24: 21.54,
    25: 22.35,
    26: 23.21,
    27: 24.11,
    28: 25.03,
    29: 26.02,
    30: 27.03,
    31: 28.13,
    32: 29.31,
    33: 30.70,
    34: 32.55,
    35: 35.00,
}


def _answers(raw: int) -> list[int]:
    # Spread the raw total across the seven items, each 1-5.
    base, extra = divmod(raw, 7)
    return [base + 1 if i < extra else base for i in range(7)]


def test_the_literal_covers_every_raw_total():
    assert sorted(PUBLISHED_CONVERSION) == list(range(7, 36))


@pytest.mark.parametrize(("raw", "metric"), sorted(PUBLISHED_CONVERSION.items()))
def test_every_raw_total_converts_to_the_published_metric_score(raw, metric):
    answers = _answers(raw)
    assert sum(answers) == raw and all(1 <= a <= 5 for a in answers)
    result = score("swemwbs", answers)
    assert result.raw == raw
    assert result.total == metric


def test_definition_table_equals_the_published_table():
    assert dict(get_instrument("swemwbs").scoring.table) == PUBLISHED_CONVERSION


def test_metric_score_depends_only_on_the_raw_total():
    spiky = score("swemwbs", [5, 5, 1, 1, 1, 1, 1])
    even = score("swemwbs", [3, 3, 3, 2, 2, 1, 1])
    assert (spiky.raw, spiky.total) == (even.raw, even.total) == (15, 15.84)


def test_extremes():
    lowest, highest = score("swemwbs", [1] * 7), score("swemwbs", [5] * 7)
    assert (lowest.raw, lowest.total, lowest.band) == (7, 7.00, "Probable depression")
    assert (highest.raw, highest.total, highest.band) == (35, 35.00, "High mental wellbeing")
