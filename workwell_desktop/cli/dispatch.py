"""The ``workwell-admin`` parser and dispatcher: what ``cli.main`` runs once it has started a
sync's early connection. Exit codes and commands: the package docstring."""

from __future__ import annotations

import argparse
import logging
import os
import sqlite3
import sys
from pathlib import Path

import sqlcipher3

from ..domain.vocabulary import COACH_ROLES
from ..paths import default_data_dir
from ..store import StoreError
from ..sync.early_connect import EarlyConnection
from . import commands
from .letters import add_letter_commands
from .summary import add_summary_command
from .sync import add_sync_commands

log = logging.getLogger(__name__)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workwell-admin",
        description="Headless jobs on the encrypted WorkWell database. The passphrase comes from "
        "WORKWELL_PASSPHRASE, a prompt, or one line of standard input.",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="the data folder (default: WORKWELL_DATA_DIR or the per-user data folder)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("init", help="set up the encrypted database")
    p.add_argument("--coach-name", help="your name, recorded against your work")
    p.add_argument("--role", choices=list(COACH_ROLES), default="coach")
    p.set_defaults(handler=commands.init)

    p = sub.add_parser("demo-data", help="add synthetic people for training and demonstrations")
    p.add_argument("--clients", type=_positive, required=True, metavar="N")
    p.add_argument("--seed", type=int, default=None, metavar="S", help="the same seed gives the same people")
    p.add_argument(
        "--history",
        action="store_true",
        help="a year of work per client: sessions, assessments, a plan, a fit note, a letter",
    )
    p.set_defaults(handler=commands.demo_data)

    p = sub.add_parser("import-referrals", help="import referrals from a CSV file")
    p.add_argument("file", metavar="FILE.csv")
    p.set_defaults(handler=commands.import_csv)

    p = sub.add_parser("caseload", help="write the caseload to standard output")
    p.add_argument("--format", choices=["csv"], default="csv")
    p.set_defaults(handler=commands.caseload)

    p = sub.add_parser("verify-audit", help="check the audit trail has not been tampered with")
    p.set_defaults(handler=commands.verify_audit)
    add_letter_commands(sub)
    add_sync_commands(sub)
    add_summary_command(sub)
    return parser


def _fail(message: str, code: int) -> int:
    print(f"workwell-admin: {message}", file=sys.stderr)
    return code


def run(argv: list[str], early: EarlyConnection | None) -> int:
    """Run one command; returns the exit code (see the package docstring)."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error already explained by argparse
        return exc.code if isinstance(exc.code, int) else 2
    args.early_connection = early  # the sync handler's (cli.sync)
    data_dir = Path(args.data_dir) if args.data_dir else default_data_dir()
    # Without a handler, logging's last resort would print warnings over our messages.
    package_log = logging.getLogger("workwell_desktop")
    if not any(isinstance(h, logging.NullHandler) for h in package_log.handlers):
        package_log.addHandler(logging.NullHandler())
    if data_dir.is_dir() and args.command != "init":
        commands.configure_logging(data_dir)
    try:
        return args.handler(args, data_dir)
    except commands.CommandError as exc:
        return _fail(str(exc), exc.exit_code)
    except StoreError as exc:
        log.warning("%s: %s", args.command, type(exc).__name__)
        return _fail(str(exc), 2)
    except (sqlite3.Error, sqlcipher3.Error) as exc:
        log.error("%s: database error %s", args.command, type(exc).__name__)
        return _fail(
            f"the database could not be read or written ({exc}). Nothing more has been "
            "changed; if this happens again, contact service IT.",
            2,
        )
    except BrokenPipeError:  # the reader went away (e.g. piped into head): not a fault
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except OSError as exc:
        return _fail(f"{exc.strerror or exc}: {exc.filename or data_dir}", 2)
    except Exception as exc:  # a bug: keep the traceback for IT, out of the person's way
        log.exception("%s: unexpected %s", args.command, type(exc).__name__)
        return _fail(
            f"something unexpected went wrong ({type(exc).__name__}). Details for service IT "
            f"are in {data_dir / 'logs'}.",
            2,
        )
