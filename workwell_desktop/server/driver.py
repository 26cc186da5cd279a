"""The sync's hot-path statements, run on the database driver's own cursor.

Every sync runs about ten statements. Through SQLAlchemy each costs some 80 µs of CPU
beyond the driver's own work (its cache key, execution context and result object), and
its inserts of several rows go through psycopg's ``executemany``, whose pipeline polls a
writable socket until PostgreSQL answers: a busy wait (#15). Here SQLAlchemy still writes
the SQL, once per dialect, from the same Core statements; the driver runs it.

What SQLAlchemy would otherwise do for these statements is done here too:
- values are converted by their column types (SQLite keeps dates as text);
- a driver error goes through SQLAlchemy's own handling (``_run``): raised as its exception
  (a broken key is an ``IntegrityError``), the ``handle_error`` hooks run (db.py's among
  them), and on a cut connection the pool is recycled and the error says
  ``connection_invalidated``, the errors ``sync_service.retrying`` runs a sync again on;
- its cursor events fire (without an execution context: none is made).

Lists are passed whole (``listed``), and so are the columns a write sends to PostgreSQL
(``write``): one SQL text whatever their length, so PostgreSQL prepares it once (psycopg
prepares a statement after its fifth run).
Only PostgreSQL through psycopg and SQLite (3.33 or later: ``UPDATE ... FROM``) are served.
"""

from __future__ import annotations

import contextlib
import functools
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from sqlalchemy import Connection, Table
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql import ClauseElement, ColumnElement, Executable
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import BindParameter
from sqlalchemy.types import Boolean

from .models import Base

# The most values one SQLite statement carries (it allows 32,766). PostgreSQL's writes carry
# one array a column, whatever the number of rows (``write``).
MAX_VALUES = 30_000


class _Listed(ColumnElement[bool]):
    """``column IN`` the list bound as ``param``, with one SQL text for any length."""

    inherit_cache = True
    type = Boolean()
    # A condition in itself, as a comparison is: else SQLite, which has no boolean type, is
    # given ``... = 1``, and then cannot use the column's index (a scan of the whole table).
    _is_implicitly_boolean = True

    def __init__(self, column: ColumnElement | QueryableAttribute, param: BindParameter):
        self.column = column.expression if isinstance(column, QueryableAttribute) else column
        self.param = param

    def get_children(self, **_kw: Any) -> Sequence[ClauseElement]:
        return (self.column, self.param)


@compiles(_Listed, "postgresql")
def _listed_postgresql(element: _Listed, compiler, **kw) -> str:
    # psycopg sends a Python list as an array.
    return f"{compiler.process(element.column, **kw)} = ANY({compiler.process(element.param, **kw)})"


@compiles(_Listed, "sqlite")
def _listed_sqlite(element: _Listed, compiler, **kw) -> str:
    # SQLite has no arrays: the list is sent as JSON text (``_bind``).
    column, param = compiler.process(element.column, **kw), compiler.process(element.param, **kw)
    return f"{column} IN (SELECT value FROM json_each({param}))"


def listed(column: ColumnElement | QueryableAttribute, param: BindParameter) -> ColumnElement[bool]:
    """``column`` is one of the list passed as ``param`` (a bind parameter with no value)."""
    return _Listed(column, param)


class _Compiled:
    def __init__(self, statement: ClauseElement, dialect: Dialect):
        compiled = cast(SQLCompiler, statement.compile(dialect=dialect))
        self.sql = compiled.string
        # qmark (SQLite) takes a tuple in order; pyformat (psycopg) the mapping as given.
        self.order = tuple(compiled.positiontup or ()) if dialect.paramstyle == "qmark" else None
        self.binds = {
            name: processor
            for name, bind in compiled.binds.items()
            if (processor := _bind(bind.type, dialect)) is not None
        }
        # Values written into the statement itself (``key == "scope"``) are bound too.
        self.fixed = {
            name: bind.effective_value for name, bind in compiled.binds.items() if not bind.required
        }
        columns = getattr(statement, "selected_columns", ())
        processors = [c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns]
        self.results = processors if any(processors) else None

    def parameters(self, params: Mapping[str, Any]) -> Any:
        if self.fixed:  # the statement's own values always win
            params = {**params, **self.fixed}
        if self.binds:
            params = {k: (self.binds[k](v) if k in self.binds else v) for k, v in params.items()}
        return params if self.order is None else tuple(params[name] for name in self.order)


def _bind(type_, dialect: Dialect) -> Callable[[Any], Any] | None:
    processor = type_.dialect_impl(dialect).bind_processor(dialect)
    if dialect.name != "sqlite":
        return processor
    base = processor or (lambda v: v)
    # A list goes to SQLite as JSON text (``listed``); anything else as its type says.
    return lambda v: json.dumps(v) if isinstance(v, list) else base(v)


class Statement:
    """A Core statement run on the driver's cursor; compiled once per dialect."""

    def __init__(self, statement: Executable):
        self.statement = statement
        self._compiled: dict[str, _Compiled] = {}

    def _for(self, dialect: Dialect) -> _Compiled:
        found = self._compiled.get(dialect.name)
        if found is None:
            found = self._compiled[dialect.name] = _Compiled(self.statement, dialect)  # type: ignore[arg-type]
        return found

    def rows(self, connection: Connection, params: Mapping[str, Any]) -> list[tuple]:
        """Every row of the result, each a tuple of its columns' values."""
        compiled = self._for(connection.dialect)
        found = _run(connection, compiled.sql, compiled.parameters(params), fetch=True)
        if compiled.results is None:
            return found
        procs = compiled.results
        return [tuple(p(v) if p else v for p, v in zip(procs, row, strict=True)) for row in found]

    def run(self, connection: Connection, params: Mapping[str, Any]) -> int:
        """Run a statement that returns no rows; the number of rows it changed."""
        compiled = self._for(connection.dialect)
        return _run(connection, compiled.sql, compiled.parameters(params))


@dataclass(frozen=True)
class Rows:
    """Rows to write to ``model``'s table, each with the same keys (every column without a
    database default), each key a column of the table (else KeyError, before any SQL is
    written; names are quoted too). Inserted, or with ``key``: set where that column matches."""

    model: type[Base]
    rows: list[dict[str, Any]]
    key: str | None = None


def write(connection: Connection, *batches: Rows) -> None:
    """Every batch's rows.

    On PostgreSQL all the batches go in one statement, one round trip: each batch but the
    last is a data-modifying WITH, and the foreign keys are checked when the whole statement
    ends. Each batch's rows go as one JSON array, read as rows by PostgreSQL
    (``json_to_recordset``), so the SQL text is the same whatever the number of rows:
    psycopg parses it once and PostgreSQL plans it once. A VALUES list's text (and its plan)
    changed with every count of rows, psycopg parsed again any statement of over 50 values,
    and adapting each value cost more CPU than json.dumps writing them all (#15). On SQLite
    each batch's rows go in one VALUES list, a few when past ``MAX_VALUES`` values."""
    batches = tuple(b for b in batches if b.rows)
    if not batches:
        return
    dialect = connection.dialect
    planned = [(batch.rows, _Shape.of(batch)) for batch in batches]
    if dialect.name == "postgresql":
        sql = _together(dialect, tuple(shape for _, shape in planned))
        _run(connection, sql, [shape.json_of(rows) for rows, shape in planned])
        return
    for rows, shape in planned:
        per_statement = max(1, MAX_VALUES // shape.width)
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            _run(connection, shape.sql(dialect, len(chunk)), shape.values(dialect, chunk))


@dataclass(frozen=True)
class _Shape:
    table: Table
    columns: tuple[str, ...]
    key: str | None

    @staticmethod
    def of(batch: Rows) -> _Shape:
        return _Shape(cast(Table, batch.model.__table__), tuple(batch.rows[0]), batch.key)

    @property
    def width(self) -> int:
        return len(self.columns)

    def check(self, rows: list[dict[str, Any]]) -> None:
        """Every row has exactly the first row's keys, the columns the statement names."""
        names = set(self.columns)
        if any(row.keys() != names for row in rows):
            raise ValueError(f"rows for {self.table.name} differ in their keys")

    def values(self, dialect: Dialect, rows: list[dict[str, Any]]) -> list[Any]:
        """SQLite: the rows' values in column order, each as the column's type binds it."""
        self.check(rows)
        convert = _converters(dialect, self.table, self.columns)
        if convert is None:  # no column needs converting
            return [row[name] for row in rows for name in self.columns]
        return [
            conv(row[name]) if conv else row[name]
            for row in rows
            for name, conv in zip(self.columns, convert, strict=True)
        ]

    def json_of(self, rows: list[dict[str, Any]]) -> str:
        """The rows as a JSON array of objects (PostgreSQL's ``json_to_recordset``): dates as
        ISO 8601, which PostgreSQL reads back exactly; ASCII, so text that UTF-8 cannot hold
        (a lone surrogate) is refused by PostgreSQL as any bad value is, not by the encoder."""
        self.check(rows)
        return json.dumps(rows, default=_iso, separators=(",", ":"))

    def sql(self, dialect: Dialect, count: int) -> str:
        return _statement(dialect, self.table, self.columns, self.key, count)


@functools.lru_cache(maxsize=256)
def _converters(
    dialect: Dialect, table: Table, columns: tuple[str, ...]
) -> tuple[Callable[[Any], Any] | None, ...] | None:
    """Each column's value conversion, None when no column needs one."""
    convert = tuple(_bind(table.c[name].type, dialect) for name in columns)
    return convert if any(convert) else None


@functools.lru_cache(maxsize=256)
def _together(dialect: Dialect, shapes: tuple[_Shape, ...]) -> str:
    parts = [_from_json(dialect, shape.table, shape.columns, shape.key) for shape in shapes]
    if len(parts) == 1:
        return parts[0]
    clauses = ", ".join(f"w{i} AS ({part})" for i, part in enumerate(parts[:-1]))
    return f"WITH {clauses} {parts[-1]}"


def _placeholder(dialect: Dialect) -> str:
    if dialect.paramstyle == "qmark":
        return "?"
    if dialect.paramstyle in ("format", "pyformat"):
        return "%s"
    raise NotImplementedError(f"driver statements do not know paramstyle {dialect.paramstyle}")


def _values(dialect: Dialect, width: int, count: int) -> str:
    row = "(" + ", ".join([_placeholder(dialect)] * width) + ")"
    return ", ".join([row] * count)


def _iso(value: Any) -> str:
    if isinstance(value, date):  # a datetime too
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not written by the driver")


def _from_json(dialect: Dialect, table: Table, columns: tuple[str, ...], key: str | None) -> str:
    """PostgreSQL: the rows from one JSON array, each object's values read as their columns'
    types (so a column all NULL is still typed)."""
    quote, typed = dialect.identifier_preparer.quote, dialect.type_compiler_instance.process
    name = quote(table.name)
    names = ", ".join(quote(c) for c in columns)
    types = ", ".join(f"{quote(c)} {typed(table.c[c].type)}" for c in columns)
    rows = f"json_to_recordset({_placeholder(dialect)}) AS v ({types})"
    if key is None:
        selected = ", ".join(f"v.{quote(c)}" for c in columns)
        return f"INSERT INTO {name} ({names}) SELECT {selected} FROM {rows}"
    return _update_from(dialect, table, columns, key, rows)


def _update_from(dialect: Dialect, table: Table, columns: tuple[str, ...], key: str, rows: str) -> str:
    """Set each row named by ``key`` to the values of its row ``v`` in ``rows``."""
    quote = dialect.identifier_preparer.quote
    name = quote(table.name)
    sets = ", ".join(f"{quote(c)} = v.{quote(c)}" for c in columns if c != key)
    return f"UPDATE {name} SET {sets} FROM {rows} WHERE {name}.{quote(key)} = v.{quote(key)}"


@functools.lru_cache(maxsize=512)
def _statement(dialect: Dialect, table: Table, columns: tuple[str, ...], key: str | None, count: int) -> str:
    quote = dialect.identifier_preparer.quote
    name = quote(table.name)
    names = ", ".join(quote(c) for c in columns)
    values = _values(dialect, len(columns), count)
    if key is None:
        return f"INSERT INTO {name} ({names}) VALUES {values}"
    # No column list on a FROM alias in SQLite: the VALUES list is named first.
    return f"WITH v ({names}) AS (VALUES {values}) " + _update_from(dialect, table, columns, key, "v")


def _run(connection: Connection, sql: str, params: Any, fetch: bool = False) -> Any:
    """Run ``sql`` on the driver's cursor in the connection's transaction: its rows when
    ``fetch``, else the number of rows it changed."""
    dbapi_connection = connection.connection.dbapi_connection
    cur = dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        connection.dispatch.before_cursor_execute(connection, cur, sql, params, None, False)
        cur.execute(sql, params)
        connection.dispatch.after_cursor_execute(connection, cur, sql, params, None, False)
        return cur.fetchall() if fetch else cur.rowcount
    except connection.dialect.loaded_dbapi.Error as e:
        # SQLAlchemy's own handling, as for any statement it runs itself (it raises).
        connection._handle_dbapi_exception(e, sql, params, cur, None)
        raise  # not reached
    finally:
        with contextlib.suppress(Exception):
            cur.close()
