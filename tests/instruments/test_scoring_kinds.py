"""Scoring kinds live in one place (instruments/kinds.py): the loader, the scorer, the range
and what the coach reads all come from the instrument's kind, so a new kind is one subclass."""

from __future__ import annotations

import copy

import pytest
from test_instruments_service_defined import FOUR_ITEM

from workwell_desktop.instruments import get_instrument, parse_instrument, score_answers
from workwell_desktop.instruments.kinds import Summed
from workwell_desktop.instruments.model import SCORING_KINDS


def test_every_kind_a_shipped_definition_names_is_registered():
    for instrument_id in ("phq9", "gad7", "wsas", "swemwbs", "ons4", "work_ability", "workwell_initial"):
        assert get_instrument(instrument_id).kind is SCORING_KINDS[get_instrument(instrument_id).scoring.kind]


@pytest.mark.parametrize(
    ("instrument_id", "answers", "headline"),
    [
        ("phq9", [1, 1, 2, 0, 1, 0, 0, 1, 1], "PHQ-9 score 7 out of 27"),
        ("work_ability", [6], "score 6 out of 10"),
        ("swemwbs", [3] * 7, "metric score"),
        ("ons4", [7, 8, 6, 2], "each question on its own"),
    ],
)
def test_the_instrument_says_how_its_result_reads(instrument_id, answers, headline):
    instrument = get_instrument(instrument_id)
    line, bands = instrument.describe(score_answers(instrument, answers))
    assert headline in line and bands


def test_a_new_kind_is_one_subclass(request):
    request.addfinalizer(lambda: SCORING_KINDS.pop("sum_doubled", None))

    class SumDoubled(Summed):  # defining it registers it
        name = "sum_doubled"

        def reported(self, rule, raw):
            return raw * 2

        def score_range(self, instrument):
            low, high = super().score_range(instrument)
            return low * 2, high * 2

    definition = copy.deepcopy(FOUR_ITEM)
    definition["scoring"] = {"kind": "sum_doubled", "bands": [{"min": 0, "max": 24, "label": "Any"}]}
    instrument = parse_instrument(definition)
    result = score_answers(instrument, [1, 2, 3, 0])
    assert (result.raw, result.total, result.band) == (6, 12, "Any")
    assert instrument.score_range() == (0, 24)
    assert instrument.describe(result)[0] == "Stress-4 score 12 out of 24"
    assert instrument.risk_messages("give_up", 3) == ["Check in today."]
    assert instrument.risk_messages("give_up", 2) == []
