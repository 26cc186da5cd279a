"""``workwell-server``: serve, migrate and administer the sync server."""

from __future__ import annotations

import argparse
import getpass
import ipaddress
import logging
import os
import sys
from pathlib import Path

import platformdirs
from sqlalchemy.orm import Session

from ..hardening import harden_process
from ..sync import wire
from . import admin, db

ENV_URL = "WORKWELL_SERVER_DATABASE_URL"


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("WorkWell Server", "NHS", roaming=False))


def database_url(args: argparse.Namespace) -> str:
    """--database-url, else $WORKWELL_SERVER_DATABASE_URL, else SQLite ``server.db`` in --data-dir."""
    if args.database_url:
        return args.database_url
    if os.environ.get(ENV_URL):
        return os.environ[ENV_URL]
    data_dir = Path(args.data_dir) if args.data_dir else default_data_dir()
    return f"sqlite:///{data_dir / 'server.db'}"


def read_password(confirm: bool = True) -> str:
    """One line from stdin, or (at a terminal) typed twice without echo."""
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if confirm and getpass.getpass("Password again: ") != first:
            raise admin.AdminError("The two passwords differ; nothing was changed.")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def _network(text: str) -> str:
    try:
        ipaddress.ip_network(text, strict=False)
    except ValueError as e:
        raise argparse.ArgumentTypeError(f"not an IP address or network: {text!r}") from e
    return text


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--database-url",
        help=f"SQLAlchemy URL (or ${ENV_URL}); "
        "e.g. postgresql+psycopg://user@host/db. Default: SQLite server.db in --data-dir",
    )
    common.add_argument("--data-dir", help=f"folder for the SQLite default (default: {default_data_dir()})")

    parser = argparse.ArgumentParser(prog="workwell-server", description="WorkWell sync server.")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", parents=[common], help="run the HTTP server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8443)
    serve.add_argument(
        "--trusted-proxy",
        action="append",
        default=[],
        metavar="IP_OR_CIDR",
        type=_network,
        help="a TLS-terminating proxy whose X-Forwarded-Proto is believed (repeatable)",
    )
    serve.add_argument("--ssl-certfile", help="serve HTTPS directly with this certificate (PEM)")
    serve.add_argument("--ssl-keyfile", help="... and this private key (PEM)")
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="worker processes (PostgreSQL only; they share the sign-in throttle)",
    )
    sub.add_parser("migrate", parents=[common], help="bring the database schema up to date")

    adm = sub.add_parser("admin", help="teams, users and devices")
    actions = adm.add_subparsers(dest="action", required=True)
    p = actions.add_parser("create-team", parents=[common])
    p.add_argument("name")
    p = actions.add_parser("create-user", parents=[common], help="password from stdin (one line) or prompted")
    p.add_argument("username")
    p.add_argument("--team", required=True)
    p.add_argument("--role", required=True, choices=["coach", "team_lead"])
    p.add_argument("--display-name", default="")
    p = actions.add_parser("reset-password", parents=[common], help="password from stdin or prompted")
    p.add_argument("username")
    p = actions.add_parser("revoke-device", parents=[common])
    p.add_argument("device_id")
    actions.add_parser("list-devices", parents=[common])
    p = actions.add_parser("move-client", parents=[common], help="give a client to a coach (any team)")
    p.add_argument("client_id")
    p.add_argument("--coach", required=True, metavar="USERNAME")
    p = actions.add_parser(
        "set-scope",
        parents=[common],
        help="what each laptop holds: caseload (own clients and shares; the default) or team",
    )
    p.add_argument("scope", choices=["caseload", "team"])
    for name, what in (
        ("share-client", "share a client with a colleague (cover during leave)"),
        ("unshare-client", "stop sharing a client"),
    ):
        p = actions.add_parser(name, parents=[common], help=what)
        p.add_argument("client_id")
        p.add_argument("--with", dest="with_user", required=True, metavar="USERNAME")
    return parser


def _serve(args: argparse.Namespace, engine) -> int:
    import uvicorn

    from .app import LOG_FORMAT, create_app

    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    # proxy_headers off: RequireTLS alone decides which forwarded headers to believe.
    options = dict(
        host=args.host,
        port=args.port,
        proxy_headers=False,
        access_log=False,
        ssl_certfile=args.ssl_certfile,
        ssl_keyfile=args.ssl_keyfile,
        log_level="info",
        timeout_keep_alive=wire.KEEP_ALIVE_SECONDS,
    )
    if args.workers > 1:
        if engine.dialect.name == "sqlite":
            raise admin.AdminError("Several workers need PostgreSQL; SQLite serves with one.")
        os.environ["WORKWELL_SERVER_DATABASE_URL"] = engine.url.render_as_string(hide_password=False)
        os.environ["WORKWELL_SERVER_TRUSTED_PROXIES"] = ",".join(args.trusted_proxy)
        engine.dispose()
        uvicorn.run(
            "workwell_desktop.server.app:app_from_environment", factory=True, workers=args.workers, **options
        )
    else:
        uvicorn.run(create_app(engine, trusted_proxies=args.trusted_proxy), **options)
    return 0


def _admin(args: argparse.Namespace, session: Session) -> int:
    if args.action == "create-team":
        team = admin.create_team(session, args.name)
        print(f"Created team {team.name!r}.")
    elif args.action == "create-user":
        user = admin.create_user(
            session, args.username, args.team, args.role, read_password(), args.display_name
        )
        print(f"Created {user.role} {user.username!r} in team {args.team!r}.")
    elif args.action == "reset-password":
        admin.reset_password(session, args.username, read_password())
        print(f"Password changed for {args.username!r}. Their registered devices keep working.")
    elif args.action == "revoke-device":
        if admin.revoke_device(session, args.device_id):
            print(f"Device {args.device_id} revoked: it will wipe its local data at its next sync.")
        else:
            print(f"Device {args.device_id} was already revoked.")
    elif args.action == "list-devices":
        print("device_id\tname\tuser\tteam\tregistered\tlast_seen\tstatus")
        for d in admin.list_devices(session):
            seen = d.last_seen_at.isoformat(timespec="minutes") if d.last_seen_at else "never"
            print(
                f"{d.device_id}\t{d.name}\t{d.username}\t{d.team}\t{d.created_at.isoformat(timespec='minutes')}"
                f"\t{seen}\t{'revoked' if d.revoked_at else 'active'}"
            )
    elif args.action == "set-scope":
        changed = admin.set_scope(session, args.scope)
        print(f"Scope is now {args.scope!r}; {changed} client(s) sent to or dropped from laptops.")
    elif args.action in ("share-client", "unshare-client"):
        stop = args.action == "unshare-client"
        changed = admin.share_client(session, args.client_id, args.with_user, stop=stop)
        verb = "no longer shared with" if stop else "shared with"
        print(
            f"Client {args.client_id} {verb} {args.with_user!r}"
            f"{'' if changed else ' (no change to their laptops)'}."
        )
    elif args.action == "move-client":
        old, new = admin.move_client(session, args.client_id, args.coach)
        where = f"moved from team {old!r} to {new!r}" if old != new else f"stays in team {new!r}"
        print(f"Client {args.client_id} now has coach {args.coach!r}; {where}.")
    return 0


def main(argv: list[str] | None = None) -> int:
    harden_process()  # umask 077 (server.db, logs) and no core dumps holding passwords
    args = _parser().parse_args(argv)
    engine = db.make_engine(database_url(args))
    try:
        if args.command == "migrate":
            print(f"Database schema is at {db.migrate(engine)} (head).")
            return 0
        db.check_schema(engine)
        if args.command == "serve":
            db.check_role(engine)
            return _serve(args, engine)
        with Session(engine) as session:
            return _admin(args, session)
    except (db.SchemaNotCurrent, db.UnsafeRole, admin.AdminError) as e:
        print(f"workwell-server: {e}", file=sys.stderr)
        return 2
    except Exception as e:  # e.g. the database is unreachable: one clear line, no traceback
        if isinstance(e, KeyboardInterrupt):
            raise
        first_line = (str(e).splitlines() or [""])[0]
        print(f"workwell-server: {type(e).__name__}: {first_line}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
