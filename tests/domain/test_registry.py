"""Record types register themselves; the registry knows every one, with no import cycle."""

import importlib
import pkgutil
import subprocess
import sys
from dataclasses import dataclass
from typing import ClassVar

import pytest

import workwell_desktop.domain as domain
from workwell_desktop.domain.records import Record
from workwell_desktop.domain.registry import RECORD_TYPES


def _record_classes():
    for info in pkgutil.iter_modules(domain.__path__):
        module = importlib.import_module(f"{domain.__name__}.{info.name}")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Record) and "record_type" in value.__dict__:
                yield value


def test_every_record_type_in_domain_is_in_the_registry():
    classes = set(_record_classes())
    assert classes and {cls.record_type for cls in classes} <= set(RECORD_TYPES)
    for cls in classes:
        assert RECORD_TYPES[cls.record_type] is cls


def test_the_registry_names_every_record_type_with_no_other_import():
    """A fresh interpreter that imports only the registry knows them all, and records.py
    on its own imports no record module (the cycle the bottom-of-file imports made)."""
    code = (
        "import sys; import workwell_desktop.domain.records; "
        "assert 'workwell_desktop.domain.letters' not in sys.modules, 'records imports letters'; "
        "from workwell_desktop.domain.registry import RECORD_TYPES; "
        "print(' '.join(sorted(RECORD_TYPES)))"
    )
    run = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    names = set(run.stdout.split())
    assert names == set(RECORD_TYPES)
    assert {"client", "assessment", "employer_letter", "plan_action", "risk_event"} <= names


def test_a_base_class_without_a_record_type_is_not_registered():
    from workwell_desktop.domain.plans import PlanEntry

    assert PlanEntry not in RECORD_TYPES.values()


def test_a_second_class_for_one_record_type_is_refused():
    with pytest.raises(TypeError, match="already"):

        @dataclass
        class AnotherClient(Record):
            record_type: ClassVar[str] = "client"

    assert RECORD_TYPES["client"].__module__ == "workwell_desktop.domain.records"
