"""The shipped definitions: what a GUI runner, a report and the server read from them."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import pytest

from workwell_desktop.instruments import (
    ScoreResult,
    get_instrument,
    list_instruments,
    load_instruments,
    score,
)
from workwell_desktop.paths import resource_path

SHIPPED = ["gad7", "ons4", "phq9", "swemwbs", "work_ability", "workwell_initial", "wsas"]
REPO = Path(__file__).resolve().parents[2]


def test_shipped_instruments_are_listed_by_id():
    assert [i.id for i in list_instruments()] == SHIPPED


def test_shipped_files_are_found_in_a_source_checkout():
    assert resource_path() == REPO / "workwell_desktop" / "resources"  # package data, as in a wheel
    assert sorted(p.stem for p in resource_path("instruments").glob("*.json")) == SHIPPED


def test_resources_are_found_inside_a_frozen_bundle(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resource_path() == tmp_path / "resources"
    assert resource_path("instruments") == tmp_path / "resources" / "instruments"


def test_a_frozen_bundle_loads_its_bundled_copy(monkeypatch, tmp_path):
    bundled = tmp_path / "resources" / "instruments"
    bundled.mkdir(parents=True)
    source = REPO / "workwell_desktop" / "resources" / "instruments" / "gad7.json"
    (bundled / "gad7.json").write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert load_instruments().ids() == ("gad7",)


@pytest.mark.parametrize(
    ("instrument_id", "count", "values", "first_label", "last_label"),
    [
        ("phq9", 9, (0, 1, 2, 3), "Not at all", "Nearly every day"),
        ("gad7", 7, (0, 1, 2, 3), "Not at all", "Nearly every day"),
        ("wsas", 5, tuple(range(9)), "Not at all", "Very severely"),
        ("ons4", 4, tuple(range(11)), "0 - Not at all", "10 - Completely"),
        ("swemwbs", 7, (1, 2, 3, 4, 5), "None of the time", "All of the time"),
        (
            "work_ability",
            1,
            tuple(range(11)),
            "0 - Completely unable to work",
            "10 - Work ability at its best",
        ),
    ],
)
def test_items_carry_text_and_options_for_a_runner(instrument_id, count, values, first_label, last_label):
    instrument = get_instrument(instrument_id)
    assert instrument.scored
    assert len(instrument.items) == count
    assert [item.number for item in instrument.items] == list(range(1, count + 1))
    first = instrument.items[0]
    assert first.text.strip() and first.response == "options"
    assert first.values == values
    assert (first.options[0].label, first.options[-1].label) == (first_label, last_label)
    assert instrument.licence.strip() and instrument.source.strip() and instrument.notes


def test_published_wording_spot_checks():
    phq9 = get_instrument("phq9")
    assert phq9.instructions == (
        "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
    )
    assert phq9.items[8].text == (
        "Thoughts that you would be better off dead or of hurting yourself in some way"
    )
    assert [o.label for o in phq9.items[0].options] == [
        "Not at all",
        "Several days",
        "More than half the days",
        "Nearly every day",
    ]
    assert get_instrument("gad7").items[1].text == "Not being able to stop or control worrying"
    assert get_instrument("ons4").items[0].text == ("Overall, how satisfied are you with your life nowadays?")
    assert get_instrument("ons4").item("anxiety").options[-1].label == "10 - Completely anxious"
    assert get_instrument("swemwbs").items[6].text == ("I've been able to make up my own mind about things")
    assert (
        get_instrument("wsas")
        .item("work")
        .text.startswith("Because of my [problem] my ability to work is impaired.")
    )
    assert [o.label for o in get_instrument("wsas").items[0].options if o.value % 2 == 0] == [
        "Not at all",
        "Slightly",
        "Definitely",
        "Markedly",
        "Very severely",
    ]


def test_licence_notes():
    assert "No permission is required to reproduce" in get_instrument("phq9").licence
    assert "No permission is required to reproduce" in get_instrument("gad7").licence
    swemwbs = get_instrument("swemwbs").licence
    assert "must register" in swemwbs and "Warwick" in swemwbs
    assert "all rights reserved" in swemwbs
    assert "Open Government Licence" in get_instrument("ons4").licence
    assert "Mundt" in get_instrument("wsas").source
    assert "Finnish Institute of Occupational Health" in get_instrument("work_ability").licence


def test_workwell_initial_assessment_is_sectioned_and_unscored():
    initial = get_instrument("workwell_initial")
    assert not initial.scored
    assert [s.id for s in initial.sections] == ["health", "work", "wellbeing", "social", "goals"]
    for section in initial.sections:
        assert initial.items_in_section(section.id), section.id
    assert all(item.section for item in initial.items)
    kinds = {item.response for item in initial.items}
    assert kinds == {"text", "options"}
    social = " ".join(i.text.lower() for i in initial.items_in_section("social"))
    for topic in ("money", "benefits", "housing", "care", "appointments", "online"):
        assert topic in social, topic
    assert initial.item("fit_note").option_label(1) == "Yes: not fit for work"
    assert initial.item("goals").options == ()


def test_results_are_immutable():
    result = score("ons4", [7, 7, 7, 7])
    assert isinstance(result, ScoreResult)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.total = 3  # type: ignore[misc]
    with pytest.raises(TypeError):
        result.subscales["anxiety"] = None  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.subscales["anxiety"].band = "Low"  # type: ignore[misc]
    assert isinstance(result.answers, tuple) and isinstance(result.flags, tuple)


def test_definitions_are_immutable():
    phq9 = get_instrument("phq9")
    with pytest.raises(dataclasses.FrozenInstanceError):
        phq9.title = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        get_instrument("swemwbs").scoring.table[7] = 0.0  # type: ignore[index]


def test_results_carry_identity_and_answers():
    result = score("gad7", [0, 1, 2, 3, 0, 1, 2])
    assert result.instrument_id == "gad7"
    assert result.instrument_version == get_instrument("gad7").version
    assert result.answers == (0, 1, 2, 3, 0, 1, 2)
    assert result.subscales == {}
    assert result == score("gad7", [0, 1, 2, 3, 0, 1, 2])


def test_package_docstring_example():
    result = score("phq9", [1, 1, 2, 0, 1, 0, 0, 1, 1])
    assert (result.total, result.band, result.flag_ids) == (7, "Mild", ("self_harm_risk",))
