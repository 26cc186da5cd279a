"""Server fixtures: every test runs on PostgreSQL and on SQLite.

PostgreSQL: one fresh database per test session (``ww_test_<random>``), migrated once,
emptied between tests, dropped at the end. Maintenance URL from
``WORKWELL_TEST_POSTGRES_URL``. If PostgreSQL is unreachable the PostgreSQL variants
are skipped, or fail when ``CI`` is set.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import psycopg
import pytest
from argon2 import PasswordHasher
from server_helpers import Server
from sqlalchemy import text
from sqlalchemy.engine import make_url

from workwell_desktop.server import auth, db

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TABLES = (
    "feed",
    "record",
    "client_share",
    "server_setting",
    "change",
    "client",
    "device",
    "app_user",
    "team",
    "signin_throttle",
)


def _libpq(url) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


class Postgres:
    """A reachable PostgreSQL server where the tests may create and drop databases."""

    def __init__(self, maintenance_url: str):
        self.url = make_url(maintenance_url)
        self.created: list[str] = []

    def admin_connection(self) -> psycopg.Connection:
        return psycopg.connect(_libpq(self.url), autocommit=True, connect_timeout=3)

    def create_database(self) -> str:
        name = f"ww_test_{secrets.token_hex(6)}"
        with self.admin_connection() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        self.created.append(name)
        return self.url.set(database=name).render_as_string(hide_password=False)

    def drop_database(self, url: str) -> None:
        name = make_url(url).database
        with self.admin_connection() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.created.remove(name)


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    pg = Postgres(os.environ.get("WORKWELL_TEST_POSTGRES_URL", PG_DEFAULT))
    try:
        pg.admin_connection().close()
    except psycopg.Error as e:
        reason = (
            f"PostgreSQL at {pg.url.render_as_string(hide_password=True)} is unreachable "
            f"({type(e).__name__}); set WORKWELL_TEST_POSTGRES_URL to a server where the tests "
            "may create databases"
        )
        if os.environ.get("CI"):
            pytest.fail(f"{reason}. CI is set, so the PostgreSQL tests must run.", pytrace=False)
        pytest.skip(reason)
    yield pg
    for name in list(pg.created):
        pg.drop_database(pg.url.set(database=name).render_as_string(hide_password=False))


@pytest.fixture(scope="session")
def pg_migrated_url(postgres) -> str:
    url = postgres.create_database()
    engine = db.make_engine(url)
    db.migrate(engine)
    engine.dispose()
    return url


@pytest.fixture(params=["postgresql", "sqlite"])
def backend(request) -> str:
    return request.param


@pytest.fixture
def empty_database_url(backend, request, tmp_path) -> Iterator[str]:
    """A database with no schema at all."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'server.db'}"
        return
    pg = request.getfixturevalue("postgres")
    url = pg.create_database()
    yield url
    pg.drop_database(url)


@pytest.fixture
def database_url(backend, request, tmp_path) -> str:
    """A migrated, empty database."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'server.db'}"
        engine = db.make_engine(url)
        db.migrate(engine)
        engine.dispose()
        return url
    url = request.getfixturevalue("pg_migrated_url")
    engine = db.make_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return url


@pytest.fixture(autouse=True)
def quick_password_hashing(monkeypatch):
    # Still Argon2id, just cheap: tests create many users.
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def server(database_url) -> Iterator[Server]:
    s = Server(database_url)
    yield s
    s.close()


@pytest.fixture
def two_teams(server):
    """Team A with coaches ann and bob and lead lee; team B with coach cat."""
    server.team("A")
    server.team("B")
    for name, team, role in (
        ("ann", "A", "coach"),
        ("bob", "A", "coach"),
        ("lee", "A", "team_lead"),
        ("cat", "B", "coach"),
    ):
        server.user(name, team, role)
    return server
