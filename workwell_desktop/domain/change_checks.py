"""The rules a change made on another device must pass before it is stored or applied.

One implementation, used by the sync server (the gatekeeper) and again by every
laptop before it applies what the server relays (Rules of trust in
shared/ARCHITECTURE.md): a change is turned back into its record with the record
class's own ``validate()``, so a pushed change meets exactly the rules a coach's
form does.

Payloads travel in row form (see store.rows): booleans as 0/1 and lists as JSON
text; plain JSON lists and booleans are accepted too. Plain Python, no I/O.
"""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import date, timedelta
from functools import cache
from typing import Any

from . import json_text
from .records import Client, Record
from .registry import RECORD_TYPES

Errors = dict[str, str]

# Fields that name other records of the same client: a change may only point at
# records it is allowed to see (checked by the caller, who knows which exist).
REFERENCE_FIELDS = ("supersedes", "item_id", "goal_id", "also_supersedes")


def references(payload: dict[str, Any], record_type: str = "") -> list[tuple[str, str]]:
    """(field, record id) for every other record a payload names. A record type whose
    field of one of these names holds something else (a risk event's ``item_id`` is a
    question) declares its own ``reference_fields``."""
    found = []
    for name in getattr(RECORD_TYPES.get(record_type), "reference_fields", REFERENCE_FIELDS):
        value = payload.get(name)
        if isinstance(value, str) and value.startswith("["):
            try:
                value = json_text.loads(value)
            except ValueError:
                pass  # not a list: the text itself names the record, and is checked as that
        for target in value if isinstance(value, list) else [value]:
            if isinstance(target, str) and target:
                found.append((name, target))
    return found


def record_class(record_type: str) -> type[Record] | None:
    return RECORD_TYPES.get(record_type)


def _type_name(f) -> str:
    return f.type if isinstance(f.type, str) else getattr(f.type, "__name__", str(f.type))


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_list(value: Any, item_type: str) -> str | None:
    if isinstance(value, str):
        try:
            value = json_text.loads(value or "[]")
        except ValueError:
            return "must be a list"
    if not isinstance(value, list):
        return "must be a list"
    allowed_none = "None" in item_type
    for item in value:
        if item is None and allowed_none:
            continue
        if item_type.startswith("int") and not _is_int(item):
            return "must be a list of whole numbers"
        if item_type.startswith("str") and not isinstance(item, str):
            return "must be a list of text"
    return None


def _field_types(cls: type[Record]) -> dict[str, str]:
    """Each field's annotation as text, once per record class (every change is checked)."""
    return _FIELD_TYPES.get(cls) or _FIELD_TYPES.setdefault(cls, {f.name: _type_name(f) for f in fields(cls)})


# A plain dict, not functools.cache: mypy takes a dataclass's class object for unhashable.
_FIELD_TYPES: dict[type, dict[str, str]] = {}


@cache
def _options(type_name: str) -> tuple[str, ...]:
    if type_name.startswith("tuple"):
        return (type_name,)
    return tuple(t.strip() for t in type_name.split("|"))


def _check_type(value: Any, type_name: str) -> str | None:
    """None when ``value`` (in row or JSON form) fits the field's annotation."""
    options = _options(type_name)
    if value is None:
        return None if "None" in options else "must not be empty (null)"
    for option in options:
        if option == "str" and isinstance(value, str):
            return None
        if option == "bool" and (isinstance(value, bool) or value in (0, 1)) and not isinstance(value, float):
            return None
        if option == "int" and _is_int(value):
            return None
        if option == "float" and isinstance(value, float | int) and not isinstance(value, bool):
            return None
        if option.startswith("tuple["):
            return _check_list(value, option[len("tuple[") :].split(",")[0])
    return f"must be {' or '.join(o for o in options if o != 'None')}"


def _row_value(value: Any, type_name: str) -> Any:
    """The stored (row) form, which ``store.rows.from_row`` turns back into the field value."""
    if type_name.startswith("tuple") and isinstance(value, list):
        return json.dumps(value)
    if type_name == "bool":
        return int(value)
    return value


def check_payload(cls: type[Record], payload: dict[str, Any]) -> tuple[dict[str, Any], Errors]:
    """The payload in row form, and per-field problems with its shape (unknown field, wrong type)."""
    types = _field_types(cls)
    row, errors = {}, {}
    for name, value in payload.items():
        if name == "id":
            errors["id"] = "a record's id is the change's record_id, never a field"
        elif name not in types:
            errors[name] = f"is not a field of {cls.record_type}"
        elif problem := _check_type(value, types[name]):
            errors[name] = problem
        else:
            row[name] = _row_value(value, types[name])
    return row, errors


def build_record(cls: type[Record], record_id: str, row: dict[str, Any]) -> Record:
    """The record a row describes (fields it lacks take their defaults)."""
    types = _field_types(cls)
    values: dict[str, Any] = {"id": record_id}
    for name, value in row.items():
        if name not in types or name == "id":
            continue
        type_name = types[name]
        if type_name == "bool":
            value = bool(value)
        elif type_name.startswith("tuple"):
            value = tuple(json_text.loads(value or "[]")) if isinstance(value, str) else tuple(value)
        values[name] = value
    return cls(**values)


def check_change(
    record_type: str,
    op: str,
    record_id: str,
    client_id: str,
    payload: dict[str, Any],
    current: dict[str, Any] | None,
    today: date | None = None,
) -> Errors:
    """Everything wrong with one change, as ``{field or "change": message}``; empty when it may be kept.

    ``current`` is the record as the checker holds it (row form), None when it holds
    none. ``today`` is the checker's date; one day of slack is allowed for a device in
    a time zone ahead of it.
    """
    cls = record_class(record_type)
    if cls is None:
        return {"change": f"unknown record type {record_type!r}"}
    if op not in ("create", "update"):
        return {"change": f"unknown operation {op!r}"}
    row, errors = check_payload(cls, payload)
    if errors:
        return errors
    if cls is not Client and "client_id" in row and row["client_id"] != client_id:
        return {"client_id": "the payload's client_id is not the change's client_id"}
    if op == "create":
        if current is not None:
            return {"change": "this record already exists: a create cannot replace it"}
        if cls is not Client and row.get("client_id") != client_id:
            return {"client_id": "a new record must name its client (payload client_id)"}
        merged = row
    else:
        if not cls.mutable:
            return {"change": f"a {record_type.replace('_', ' ')} cannot be edited once made"}
        if current is None:
            return {"change": "update of a record that does not exist here"}
        if not row:
            return {"change": "an update must change at least one field"}
        merged = {**current, **row}
    record = build_record(cls, record_id, merged)
    horizon = (today or date.today()) + timedelta(days=1)
    try:
        return record.validate(horizon)
    except (TypeError, ValueError, AttributeError, KeyError) as exc:  # hostile shapes a form never makes
        return {"change": f"the record could not be checked ({type(exc).__name__})"}


def summary(errors: Errors) -> str:
    """One line naming each failing field (the messages name no values)."""
    return "; ".join(f"{name}: {message}" for name, message in sorted(errors.items()))[:500]
