"""Database engine, sessions and the schema check (Alembic, run from inside the package)."""

from __future__ import annotations

import time
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "alembic_version"


class SchemaNotCurrent(RuntimeError):
    """The database is not at the schema this server needs; ``workwell-server migrate`` fixes it."""


def make_engine(database_url: str) -> Engine:
    """An engine for PostgreSQL (production) or a SQLite file (demo, single-site trial).

    ``hide_parameters``: database errors must not copy change payloads into the logs.
    """
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, hide_parameters=True
        )
        _sqlite_write_locks(engine)
        return engine
    engine = create_engine(url, pool_size=20, max_overflow=10, hide_parameters=True)
    _ping_when_idle(engine)
    _server_gone_is_a_disconnect(engine)
    return engine


# A pooled connection idle longer than this is pinged before it is handed out (as
# pool_pre_ping does, but not on every checkout: a busy server reuses its connections within
# milliseconds, and a ping is a round trip, about 0.25 ms of server CPU per sync, #15). A
# connection cut while busy (PostgreSQL restarted or failed over) fails its statement; the
# pool is then recycled (SQLAlchemy's "optimistic" disconnect handling) and a sync is run
# again on a fresh connection (sync_service.retrying).
PING_AFTER_IDLE_SECONDS = 10.0


def _ping_when_idle(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(_dbapi_connection, record):
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkin")
    def _checkin(_dbapi_connection, record):
        if record is not None:
            record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_connection, record, _proxy):
        if time.monotonic() - record.info.get("idle_since", 0.0) < PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as e:  # any failure: the pool discards it and connects afresh
            raise DisconnectionError() from e


# PostgreSQL ending the session: admin_shutdown (a restart), crash_shutdown, cannot_connect_now.
# psycopg reports it before it has seen the socket close, so SQLAlchemy's psycopg dialect
# (which asks only whether the connection is closed or broken) does not call it a disconnect.
_SERVER_GONE = frozenset({"57P01", "57P02", "57P03"})


def _server_gone(error: BaseException) -> bool:
    return getattr(error, "sqlstate", None) in _SERVER_GONE


def _server_gone_is_a_disconnect(engine: Engine) -> None:
    """Count those errors as a cut connection where SQLAlchemy judges every database error
    (its handle_error event): the connection is invalidated at once, the pool recycled, and
    the error says ``connection_invalidated`` (``sync_service.retrying`` runs a sync again)."""

    @event.listens_for(engine, "handle_error")
    def _handle_error(context):
        if not context.is_disconnect and _server_gone(context.original_exception):
            context.is_disconnect = True


def _sqlite_write_locks(engine: Engine) -> None:
    # pysqlite's deferred BEGIN lets two writers each take a read lock and then
    # deadlock on upgrade; BEGIN IMMEDIATE serialises writers up front instead.
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def alembic_config(engine: Engine | None = None) -> Config:
    """Alembic configuration pointing at the package's migrations (no alembic.ini needed)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        # Passed as an object, not as sqlalchemy.url: configparser would choke on '%' in passwords.
        cfg.attributes["engine"] = engine
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head() or ""


def current_revision(engine: Engine) -> str | None:
    """The database's Alembic revision, None when it has no schema (read quietly: /health calls it)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table(VERSION_TABLE):
            return None
        return conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def migrate(engine: Engine) -> str:
    """Apply every pending migration; returns the revision the database is now at."""
    command.upgrade(alembic_config(engine), "head")
    return current_revision(engine) or ""


class UnsafeRole(RuntimeError):
    """The database role the server connects as has rights it must not have."""


def check_role(engine: Engine) -> None:
    """Refuse to serve as a PostgreSQL superuser or a role that bypasses row security.

    A sync server that can do anything to the cluster turns one bug into a breach of
    every database on it; serve as a role that owns nothing but this database's rows
    (docs/deployment.md, "Server data at rest"). SQLite has no roles: the file's own
    permissions are the control, checked at start-up by the same docs' steps.
    """
    if engine.dialect.name != "postgresql":
        return
    with engine.connect() as conn:
        row = conn.execute(
            text("SELECT current_user, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
        ).one()
    if row.rolsuper or row.rolbypassrls:
        what = "a superuser" if row.rolsuper else "allowed to bypass row security"
        raise UnsafeRole(
            f"The database role {row.current_user!r} is {what}. Serve as a least-privilege role "
            "(see docs/deployment.md, Server data at rest): run `workwell-server migrate` as the owner, "
            "then `serve` as a role with only SELECT, INSERT, UPDATE and DELETE on its tables."
        )


def check_schema(engine: Engine) -> str:
    """Raise ``SchemaNotCurrent`` unless the database is at the head revision; return it."""
    head = head_revision()
    current = current_revision(engine)
    if current != head:
        found = f"is at schema {current}" if current else "has no schema yet"
        raise SchemaNotCurrent(
            f"The server database {found}, but this version of the server needs schema {head}. "
            "Back up the database, then run `workwell-server migrate` with the same --database-url."
        )
    return head
