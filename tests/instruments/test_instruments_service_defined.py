"""A service adds its own instrument as a file; broken files are reported by name."""

from __future__ import annotations

import copy
import json

import pytest

import workwell_desktop.instruments.registry as registry_module
from workwell_desktop.instruments import (
    InstrumentDefinitionError,
    get_instrument,
    load_instrument_file,
    load_instruments,
    parse_instrument,
    score,
    use_instruments,
)

FOUR_ITEM = {
    "schema": 1,
    "id": "service_stress",
    "short_name": "Stress-4",
    "title": "Service stress check",
    "version": "2024.1",
    "instructions": "In the last week, how often...",
    "options": [
        {"value": 0, "label": "Never"},
        {"value": 1, "label": "Sometimes"},
        {"value": 2, "label": "Often"},
        {"value": 3, "label": "Always"},
    ],
    "items": [
        {"id": "tense", "text": "Felt tense"},
        {"id": "overwhelmed", "text": "Felt overwhelmed"},
        {"id": "sleep", "text": "Slept badly"},
        {"id": "give_up", "text": "Felt like giving up"},
    ],
    "scoring": {
        "kind": "sum",
        "bands": [
            {"min": 0, "max": 5, "label": "Low"},
            {"min": 6, "max": 12, "label": "High"},
        ],
    },
    "missing": {"max_missing": 0},
    "flags": [{"id": "hopeless", "item": "give_up", "condition": "==3", "message": "Check in today."}],
    "licence": "Written by the service.",
    "source": "Local service, 2024.",
}


def write(folder, data, name=None):
    name = name or f"{data['id']}.json"
    path = folder / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


@pytest.fixture
def service_dir(tmp_path):
    folder = tmp_path / "service_instruments"
    folder.mkdir()
    write(folder, FOUR_ITEM)
    (folder / "README.txt").write_text("not a definition", encoding="utf-8")
    return folder


def test_loading_a_service_instrument_alongside_the_shipped_ones(service_dir):
    registry = load_instruments(extra_dirs=[service_dir])
    assert "service_stress" in registry and "phq9" in registry
    assert len(registry) == 8
    instrument = registry.get("service_stress")
    assert instrument.path == service_dir / "service_stress.json"
    assert [item.label for item in instrument.items] == ["Item 1", "Item 2", "Item 3", "Item 4"]
    result = registry.score("service_stress", [1, 2, 2, 1])
    assert (result.total, result.raw, result.band, result.flags) == (6, 6, "High", ())
    flagged = registry.score("service_stress", [0, 0, 0, 3])
    assert (flagged.total, flagged.band, flagged.flag_ids) == (3, "Low", ("hopeless",))
    assert flagged.flags[0].message == "Check in today."


def test_a_single_folder_path_is_accepted(service_dir):
    assert "service_stress" in load_instruments(extra_dirs=service_dir)
    assert load_instruments(service_dir, include_shipped=False).ids() == ("service_stress",)


def test_use_instruments_switches_the_module_level_functions(service_dir, monkeypatch):
    monkeypatch.setattr(registry_module, "_default", None)
    with pytest.raises(ValueError, match="unknown instrument id 'service_stress'"):
        score("service_stress", [0, 0, 0, 0])
    use_instruments([service_dir])
    assert score("service_stress", [3, 3, 3, 3]).band == "High"
    assert get_instrument("service_stress").title == "Service stress check"
    assert score("phq9", [0] * 9).band == "Minimal"


def test_a_broken_service_file_leaves_the_current_instruments_in_use(tmp_path, monkeypatch):
    monkeypatch.setattr(registry_module, "_default", None)
    before = registry_module.default_registry()
    write(tmp_path, "{ not json", name="broken.json")
    with pytest.raises(InstrumentDefinitionError, match="broken.json"):
        use_instruments([tmp_path])
    assert registry_module.default_registry() is before


def test_an_id_clash_with_a_shipped_instrument_is_refused(tmp_path):
    clash = copy.deepcopy(FOUR_ITEM)
    clash["id"] = "phq9"
    write(tmp_path, clash)
    with pytest.raises(InstrumentDefinitionError) as caught:
        load_instruments([tmp_path])
    message = str(caught.value)
    assert message.startswith(str(tmp_path / "phq9.json"))
    assert "instrument id 'phq9' is already defined by " in message
    assert message.endswith("resources/instruments/phq9.json")


def test_a_missing_folder_is_reported(tmp_path):
    with pytest.raises(InstrumentDefinitionError) as caught:
        load_instruments([tmp_path / "nowhere"])
    assert str(caught.value) == f"{tmp_path / 'nowhere'}: folder of instrument definitions not found"


# ---------------------------------------------------------------- prorating as data

PRORATED = {
    **FOUR_ITEM,
    "id": "service_six",
    "short_name": "Six",
    "items": [{"id": f"q{n}", "text": f"Question {n}"} for n in range(1, 7)],
    "scoring": {"kind": "sum", "bands": [{"min": 0, "max": 18, "label": "Any"}]},
    "missing": {"max_missing": 2, "method": "prorate", "rounding": "half_up"},
    "flags": [{"id": "q6_high", "item": "q6", "condition": ">=2", "message": "Ask about q6."}],
}


@pytest.fixture
def six(tmp_path):
    write(tmp_path, PRORATED)
    return load_instruments([tmp_path], include_shipped=False)


@pytest.mark.parametrize(
    ("answers", "total", "why"),
    [
        ([1, 1, 1, 0, None, 0], 4, "3 x 6 / 5 = 3.6 -> 4"),
        ([1, 1, 1, None, None, 0], 5, "3 x 6 / 4 = 4.5 -> 5 (half up, not to even)"),
        ([1, 0, 0, None, None, 0], 2, "1 x 6 / 4 = 1.5 -> 2"),
        ([1, 0, 0, 0, None, 0], 1, "1 x 6 / 5 = 1.2 -> 1"),
        ([2, 2, 2, 2, 2, 2], 12, "complete: no prorating"),
    ],
)
def test_prorating_follows_the_definition_exactly(six, answers, total, why):
    result = six.score("service_six", answers)
    assert result.total == result.raw == total, why
    missing = tuple(i + 1 for i, a in enumerate(answers) if a is None)
    assert result.missing_items == missing
    assert result.prorated is bool(missing)
    assert result.answers == tuple(answers)


def test_a_risk_item_is_never_prorated(six):
    with pytest.raises(ValueError) as caught:
        six.score("service_six", [1, 1, 1, 0, None, None])
    assert str(caught.value) == (
        "Six: items 5, 6 are unanswered; item 6 is a risk question (q6_high) and must always be answered"
    )


def test_more_missing_than_the_rule_allows_is_refused(six):
    with pytest.raises(ValueError) as caught:
        six.score("service_six", [None, None, None, 1, 1, 1])
    assert str(caught.value) == (
        "Six: items 1, 2, 3 are unanswered; at most 2 may be missing for a prorated score"
    )


def test_prorated_lookup_uses_the_rounded_raw_total(tmp_path):
    lookup = copy.deepcopy(PRORATED)
    lookup["id"] = "service_lookup"
    lookup["items"] = lookup["items"][:3]
    lookup["flags"] = []
    lookup["missing"] = {"max_missing": 1, "method": "prorate", "rounding": "half_up"}
    lookup["scoring"] = {
        "kind": "sum_then_lookup",
        "table": {str(raw): raw * 10 + 0.5 for raw in range(10)},
        "bands": [{"min": 0, "max": 50, "label": "Lower"}, {"min": 50.5, "max": 90.5, "label": "Upper"}],
    }
    write(tmp_path, lookup)
    registry = load_instruments([tmp_path], include_shipped=False)
    result = registry.score("service_lookup", [3, None, 2])  # 5 x 3 / 2 = 7.5 -> 8
    assert (result.raw, result.total, result.band, result.prorated) == (8, 80.5, "Upper", True)


# ---------------------------------------------------------------- malformed definitions


def broken(mutate):
    data = copy.deepcopy(FOUR_ITEM)
    mutate(data)
    return data


def _set(path, value):
    def mutate(data):
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return mutate


def _delete(*path):
    def mutate(data):
        target = data
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return mutate


MALFORMED = [
    (_delete("items"), "the file: missing required key 'items'"),
    (_set(["scorng"], {}), "the file: unknown key(s) 'scorng'; allowed: schema, id,"),
    (_set(["schema"], 2), "schema: this version of WorkWell reads schema 1"),
    (_set(["id"], "Service Stress"), "id: 'Service Stress' is not a valid id"),
    (_delete("licence"), "the file: missing required key 'licence'"),
    (_set(["title"], "  "), "title: must not be empty"),
    (_set(["items"], []), "items: must not be empty"),
    (_set(["items", 1, "id"], "tense"), "items[1] (item 2).id: item 'tense' is defined twice"),
    (_delete("items", 2, "text"), "items[2] (item 3): missing required key 'text'"),
    (
        _set(["options", 1, "value"], True),
        "options[1].value: must be a whole number, not true/false True",
    ),
    (_set(["options", 2, "value"], 1), "options[2].value: 1 is listed twice"),
    (_set(["options", 0, "label"], 0), "options[0].label: must be text, not a whole number"),
    (
        _set(["items", 0, "response"], "text"),
        "scoring: a sum instrument needs every item answered from options; free-text item(s) 1",
    ),
    (
        _set(["items", 0], {"id": "tense", "text": "x", "response": "text", "options": []}),
        "items[0] (item 1): a free-text item has no options",
    ),
    (_set(["items", 0, "response"], "slider"), "items[0] (item 1).response: must be one of"),
    (_set(["items", 0, "section"], "health"), "items[0] (item 1).section: no section with id"),
    (_set(["scoring", "kind"], "average"), "scoring.kind: must be one of sum, sum_then_lookup,"),
    (
        _set(["scoring", "bands", 1, "min"], 7),
        "scoring.bands: no band for possible score(s) 6",
    ),
    (
        _set(["scoring", "bands", 1, "min"], 5),
        "scoring.bands[1]: min 5 overlaps or comes before the band before it (0-5)",
    ),
    (_set(["scoring", "bands", 0, "max"], -1), "scoring.bands[0]: min 0 is above max -1"),
    (
        _set(["scoring", "bands", 1, "max"], 11),
        "scoring.bands: no band for possible score(s) 12",
    ),
    (_set(["scoring", "bands", 0, "label"], ""), "scoring.bands[0].label: must not be empty"),
    (
        _set(["scoring", "kind"], "single_item"),
        "scoring: a single_item instrument has exactly 1 item, not 4",
    ),
    (
        _set(["scoring"], {"kind": "sum_then_lookup", "table": {str(n): n for n in range(12)}}),
        "scoring.table: no converted score for raw score(s) 12",
    ),
    (
        _set(["scoring"], {"kind": "sum_then_lookup", "table": {str(n): n for n in range(14)}}),
        "scoring.table: raw score 13 cannot occur (raw scores run 0-12)",
    ),
    (_set(["scoring"], {"kind": "per_item_bands", "band_sets": {"a": []}}), "needs a band_set"),
    (_delete("missing"), "missing: required for a scored instrument"),
    (
        _set(["missing"], {"max_missing": 1}),
        'missing.method: must be "prorate" when max_missing is above 0',
    ),
    (
        _set(["missing"], {"max_missing": 1, "method": "prorate"}),
        'missing.rounding: must be "half_up"',
    ),
    (_set(["missing"], {"max_missing": 4}), "missing.max_missing: must be 0-3, not 4"),
    (_set(["flags", 0, "item"], "q9"), "flags[0].item: no item with id 'q9'"),
    (
        _set(["flags", 0, "condition"], "at least 1"),
        "flags[0].condition: 'at least 1' is not a comparison such as \">=1\"",
    ),
    (
        _set(["flags", 0, "condition"], ">=4"),
        "flags[0].condition: '>=4' can never be met by item 'give_up'",
    ),
    (_delete("flags", 0, "message"), "flags[0]: missing required key 'message'"),
]


@pytest.mark.parametrize(("mutate", "expected"), MALFORMED)
def test_malformed_definition_gives_a_clear_error(tmp_path, mutate, expected):
    path = write(tmp_path, broken(mutate), name="service_stress.json")
    with pytest.raises(InstrumentDefinitionError) as caught:
        load_instruments([tmp_path], include_shipped=False)
    error = caught.value
    assert isinstance(error, ValueError)
    assert error.file == path.name
    assert str(error).startswith("service_stress.json: ")
    assert expected in error.problem, error.problem


def test_invalid_json_names_the_line(tmp_path):
    path = write(tmp_path, '{\n  "schema": 1,\n  "id": "x",,\n}', name="x.json")
    with pytest.raises(InstrumentDefinitionError) as caught:
        load_instrument_file(path)
    assert str(caught.value).startswith("x.json: not valid JSON: line 3 column")


def test_file_name_must_match_the_id(tmp_path):
    path = write(tmp_path, FOUR_ITEM, name="stress.json")
    with pytest.raises(InstrumentDefinitionError) as caught:
        load_instrument_file(path)
    assert str(caught.value) == (
        "stress.json: id: 'service_stress' does not match the file name; name the file service_stress.json"
    )


def test_a_definition_can_be_checked_without_a_file():
    assert parse_instrument(FOUR_ITEM).id == "service_stress"
    with pytest.raises(ValueError, match=r"^scoring.bands\[0\]: min 0 is above max -1$"):
        parse_instrument(broken(_set(["scoring", "bands", 0, "max"], -1)))


def test_flags_rise_on_an_unscored_instrument_without_a_score():
    # The initial assessment's risk question: a flag, no score (issue #13).
    data = broken(_set(["scoring"], {"kind": "none"}))
    data.pop("missing", None)
    instrument = parse_instrument(data)
    assert not instrument.scored and instrument.flags
    from workwell_desktop.instruments import InstrumentRegistry

    registry = InstrumentRegistry([instrument])
    rule = instrument.flags[0]
    position = [i.id for i in instrument.items].index(rule.item)
    answers = [None] * len(instrument.items)
    assert registry.raised_flags(instrument.id, answers) == ()
    answers[position] = max(instrument.items[position].values)
    assert [f.id for f in registry.raised_flags(instrument.id, answers)] == [rule.id]


def test_shipped_files_all_pass_the_checks():
    for instrument in load_instruments():
        assert load_instrument_file(instrument.path) == instrument


def test_a_repeated_key_is_not_silently_dropped(tmp_path):
    text = json.dumps(FOUR_ITEM).replace('"version": "2024.1"', '"version": "1", "version": "2"')
    path = write(tmp_path, text, name="service_stress.json")
    with pytest.raises(InstrumentDefinitionError) as caught:
        load_instrument_file(path)
    assert str(caught.value) == ("service_stress.json: key 'version' appears twice in the same object")


def test_a_raw_score_listed_twice_in_a_table_is_refused():
    data = broken(_set(["scoring"], {"kind": "sum_then_lookup", "table": {"7": 1, "07": 2}}))
    with pytest.raises(ValueError, match="scoring.table: raw score 7 is listed twice"):
        parse_instrument(data)
