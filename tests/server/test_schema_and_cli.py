"""Migrations, the schema check, and the admin commands."""

from __future__ import annotations

import io

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from server_helpers import PASSWORD, Api, Server
from sqlalchemy.orm import Session

from workwell_desktop.server import db
from workwell_desktop.server.cli import main
from workwell_desktop.server.models import Base


def run_cli(monkeypatch, capsys, *argv: str, stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_migrate_then_health(empty_database_url, monkeypatch, capsys):
    code, out, _ = run_cli(monkeypatch, capsys, "migrate", "--database-url", empty_database_url)
    assert code == 0 and db.head_revision() in out
    # Migrating again is a no-op.
    assert run_cli(monkeypatch, capsys, "migrate", "--database-url", empty_database_url)[0] == 0
    server = Server(empty_database_url)
    try:
        r = server.api.get("/health")
        assert r.status_code == 200
        assert r.json() == {"status": "ok", "schema": db.head_revision()}
        # Health needs neither a token nor TLS (load balancers probe it).
        remote = Api(server.app, peer=("10.1.2.3", 1234))
        assert remote.get("/health").status_code == 200
        remote.close()
    finally:
        server.close()


def test_serve_refuses_unmigrated_database(empty_database_url, monkeypatch, capsys):
    engine = db.make_engine(empty_database_url)
    try:
        with pytest.raises(db.SchemaNotCurrent, match="workwell-server migrate"):
            db.check_schema(engine)
        db.migrate(engine)
        assert db.check_schema(engine) == db.head_revision()
    finally:
        engine.dispose()


def test_serve_command_exits_with_message_before_listening(empty_database_url, monkeypatch, capsys):
    code, _, err = run_cli(monkeypatch, capsys, "serve", "--database-url", empty_database_url, "--port", "1")
    assert code == 2
    assert "has no schema yet" in err and "workwell-server migrate" in err


def test_environment_variable_names_the_database(empty_database_url, monkeypatch, capsys):
    monkeypatch.setenv("WORKWELL_SERVER_DATABASE_URL", empty_database_url)
    assert run_cli(monkeypatch, capsys, "migrate")[0] == 0
    assert run_cli(monkeypatch, capsys, "admin", "create-team", "Env Team")[0] == 0


def test_migration_matches_models(database_url):
    engine = db.make_engine(database_url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diff == []
    finally:
        engine.dispose()


def test_create_team_and_user_then_register(database_url, monkeypatch, capsys):
    url = ["--database-url", database_url]
    assert run_cli(monkeypatch, capsys, "admin", "create-team", "Carlisle", *url)[0] == 0
    code, _, err = run_cli(monkeypatch, capsys, "admin", "create-team", "Carlisle", *url)
    assert code == 2 and "already exists" in err
    code, out, _ = run_cli(
        monkeypatch,
        capsys,
        "admin",
        "create-user",
        "jo",
        "--team",
        "Carlisle",
        "--role",
        "team_lead",
        "--display-name",
        "Jo Lead",
        *url,
        stdin=PASSWORD + "\n",
    )
    assert code == 0 and "team_lead" in out
    code, _, err = run_cli(
        monkeypatch,
        capsys,
        "admin",
        "create-user",
        "kim",
        "--team",
        "Carlisle",
        "--role",
        "coach",
        *url,
        stdin="short\n",
    )
    assert code == 2 and "at least 12 characters" in err
    code, _, err = run_cli(
        monkeypatch,
        capsys,
        "admin",
        "create-user",
        "kim",
        "--team",
        "Nowhere",
        "--role",
        "coach",
        *url,
        stdin=PASSWORD + "\n",
    )
    assert code == 2 and "No team called 'Nowhere'" in err

    server = Server(database_url)
    try:
        r = server.register("jo")
        assert r.status_code == 201
        body = r.json()
        assert (body["username"], body["display_name"], body["role"], body["team"]) == (
            "jo",
            "Jo Lead",
            "team_lead",
            "Carlisle",
        )
        assert len(body["token"]) >= 40
        # Only the token's SHA-256 is stored.
        with Session(server.engine) as s:
            from workwell_desktop.server.models import Device

            stored = s.get(Device, body["device_id"])
            assert stored.token_hash != body["token"] and len(stored.token_hash) == 64

        code, out, _ = run_cli(monkeypatch, capsys, "admin", "list-devices", *url)
        assert body["device_id"] in out and "active" in out and body["token"] not in out
        code, out, _ = run_cli(monkeypatch, capsys, "admin", "revoke-device", body["device_id"], *url)
        assert code == 0 and "revoked" in out
        code, out, _ = run_cli(monkeypatch, capsys, "admin", "list-devices", *url)
        assert "revoked" in out
        r = server.api.post("/api/v1/sync", json={}, headers={"Authorization": f"Bearer {body['token']}"})
        assert r.status_code == 410 and r.json() == {"detail": "device_revoked"}
        assert run_cli(monkeypatch, capsys, "admin", "revoke-device", "nope", *url)[0] == 2

        code, _, _ = run_cli(
            monkeypatch, capsys, "admin", "reset-password", "jo", *url, stdin="another long password\n"
        )
        assert code == 0
        assert server.register("jo").status_code == 401
        assert server.register("jo", "another long password").status_code == 201
    finally:
        server.close()


def test_register_good_and_bad_passwords(two_teams):
    server = two_teams
    assert server.register("ann").status_code == 201
    wrong = server.register("ann", "wrong password!!")
    unknown = server.register("nobody", "wrong password!!")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()  # no hint whether the user exists


def test_register_is_throttled_after_repeated_failures(two_teams):
    server = two_teams
    for _ in range(5):
        assert server.register("bob", "not the password").status_code == 401
    r = server.register("bob")  # even the right password waits now
    assert r.status_code == 429 and "Retry-After" in r.headers
    assert server.register("ann").status_code == 201  # other users are unaffected
