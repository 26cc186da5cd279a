"""The server refuses to serve as a PostgreSQL superuser; a least-privilege role serves."""

from __future__ import annotations

import io
import secrets

import pytest
from sqlalchemy.engine import make_url

from workwell_desktop.server import db
from workwell_desktop.server.cli import main


def test_serve_refuses_a_superuser_role(pg_migrated_url, monkeypatch, capsys):
    # The tests connect as a superuser (they create databases): exactly what serve must refuse.
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["serve", "--database-url", pg_migrated_url, "--port", "1"]) == 2
    err = capsys.readouterr().err
    assert "superuser" in err and "least-privilege" in err


def test_a_least_privilege_role_passes_the_check(pg_migrated_url, postgres):
    role = f"ww_app_{secrets.token_hex(4)}"
    url = make_url(pg_migrated_url)
    owner = db.make_engine(pg_migrated_url)
    try:
        with owner.begin() as conn:
            conn.exec_driver_sql(f'CREATE ROLE "{role}" LOGIN')
            conn.exec_driver_sql(
                f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{role}"'
            )
        app_engine = db.make_engine(url.set(username=role).render_as_string(hide_password=False))
        try:
            db.check_role(app_engine)  # no exception
        finally:
            app_engine.dispose()
        with owner.begin() as conn:
            conn.exec_driver_sql(f'ALTER ROLE "{role}" BYPASSRLS')
        app_engine = db.make_engine(url.set(username=role).render_as_string(hide_password=False))
        try:
            with pytest.raises(db.UnsafeRole, match="bypass row security"):
                db.check_role(app_engine)
        finally:
            app_engine.dispose()
    finally:
        with owner.begin() as conn:
            conn.exec_driver_sql(f'REVOKE ALL ON ALL TABLES IN SCHEMA public FROM "{role}"')
            conn.exec_driver_sql(f'DROP ROLE "{role}"')
        owner.dispose()


def test_sqlite_has_no_roles_to_check(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'server.db'}")
    try:
        db.check_role(engine)
    finally:
        engine.dispose()
