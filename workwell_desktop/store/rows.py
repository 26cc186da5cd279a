"""Mapping records to table rows and back (tables are named after record types)."""

from __future__ import annotations

import json
from dataclasses import fields

from ..domain import json_text
from ..domain.records import AnyRecord, Record


def to_row(record: Record) -> dict:
    row = {}
    for f in fields(record):
        value = getattr(record, f.name)
        if isinstance(value, bool):
            value = int(value)
        elif isinstance(value, tuple | list):
            value = json.dumps(list(value))
        row[f.name] = value
    return row


def from_row(cls: type[AnyRecord], row: dict) -> AnyRecord:
    values = {}
    for f in fields(cls):
        if f.name not in row:
            continue
        value = row[f.name]
        # Annotations are strings under ``from __future__ import annotations``.
        type_name = f.type if isinstance(f.type, str) else getattr(f.type, "__name__", str(f.type))
        if type_name == "bool":
            value = bool(value)
        elif type_name.startswith("tuple"):
            value = tuple(json_text.loads(value or "[]"))
        values[f.name] = value
    return cls(**values)


def wire_value(value):
    """A value as it travels in the change log (JSON-friendly)."""
    if isinstance(value, tuple):
        return list(value)
    return value
