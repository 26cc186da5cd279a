"""``workwell-admin``: headless jobs on a coach's encrypted WorkWell database.

Used by service IT, scripts and the tests. Also runs as ``python -m workwell_desktop.cli``.

Commands
--------
``--data-dir DIR`` goes before the command; without it the folder is
``WORKWELL_DATA_DIR`` or the per-user data folder.

``workwell-admin [--data-dir DIR] init [--coach-name NAME] [--role coach|team_lead]``
    Set up the encrypted database and say where its key is kept (the system
    credential store, or a passphrase-protected key file where there is none;
    ``WORKWELL_KEY_STORE=keyring|file`` forces one). The coach's name comes from
    ``--coach-name``, else ``WORKWELL_COACH_NAME``, else a prompt, else "Coach".
``workwell-admin [--data-dir DIR] demo-data --clients N [--seed S] [--history]``
    Add N invented people for training and demonstrations: NHS numbers from the
    999 synthetic range, North Cumbria postcodes, 07700 900xxx phone numbers,
    referrals over the last 120 days with triage, consent, sessions, fit notes and
    discharges; ``--history`` gives each a year of work instead (sessions with notes,
    assessments, a plan, a fit note and an issued employer letter, as a real caseload
    holds). The same seed gives the same people (on the same day). Refuses a
    database that holds anyone whose NHS number is outside the 999 range.
``workwell-admin [--data-dir DIR] import-referrals FILE.csv``
    One client and one referral (awaiting triage) per row; see "Referral CSV".
``workwell-admin [--data-dir DIR] caseload [--format csv]``
    The caseload to standard output as UTF-8 CSV with the columns nhs_number,
    given_name, family_name, date_of_birth, postcode, status, next_review_on,
    last_contact_on, coach. ``status`` is one of no_referral, awaiting_triage,
    declined, awaiting_first_contact, active, discharged. A cell that a spreadsheet
    would run as a formula (starting =, +, -, @) is written with a leading '.
    Team leads only (the role of the server account this laptop is registered
    with); people who withdrew or refused taking part are left out. Warns on
    standard error that the output leaves the encrypted store. Every export, and
    every refusal, is recorded in the audit trail (the row count only).
``workwell-admin [--data-dir DIR] verify-audit``
    Check the audit trail's keyed chain (an edited entry, a deleted entry and
    entries removed from the end), every record against the entry that last
    described it (added, changed or deleted outside the app), and, for a
    registered laptop, the chain against the head anchored at the server (a chain
    rewritten or cut short since the last sync). Each problem is reported.

Passphrase
----------
From ``WORKWELL_PASSPHRASE``; if that is not set, asked for on the terminal
(twice for ``init``) or, when standard input is not a terminal, read as one line
from standard input. It is never echoed, logged or written anywhere.

Referral CSV
------------
UTF-8 (a byte-order mark is fine; save from Excel as "CSV UTF-8"), comma
separated, a header row first. Column names are matched ignoring case, and spaces
count as underscores ("Given name" is given_name). Unknown columns are ignored
with a warning; blank rows are skipped.

Required: ``given_name, family_name, nhs_number, date_of_birth, postcode,
referral_route, referral_date``.
Optional: ``phone, email, preferred_contact, preferred_language,
interpreter_needed, gp_practice, employer, work_status, referrer``.

- Dates: ``YYYY-MM-DD`` or the UK ``DD/MM/YYYY``. The client must be 16 to 110;
  the referral date cannot be in the future.
- ``nhs_number``: 10 digits, spaces allowed, valid Modulus 11 check digit.
- ``postcode``: a UK postcode, any case and spacing.
- ``referral_route``: a code or its name, in any case: gp (GP / primary care),
  self (Self-referral), employer, jobcentre (Jobcentre Plus), vcse (Voluntary and
  community organisation), occupational_health, other_health (Other health
  professional).
- ``preferred_contact``: phone, sms, email or letter (or its name). When the
  column is absent or blank it is phone if the row has a phone number, else email
  if it has an email address, else **letter**, so that a row with a postcode
  only is still valid. A phone (or sms) preference needs a phone number, and an
  email preference an email address.
- ``preferred_language`` defaults to English; ``interpreter_needed`` is yes/no
  (also y/n, true/false, 1/0; blank is no).
- ``work_status``: in_work (the default), in_work_off_sick, out_of_work,
  self_employed, or its name.

A row is rejected, with nothing of it saved, when any value is wrong, or when its
NHS number is on an earlier row of the file or already on the caseload. Each
problem is reported on standard error as ``row N: <column>: <reason>``, where N is
the line of the file the row starts on (the header is row 1). Messages never
repeat the values. The good rows are imported; a summary ``Imported X referrals;
rejected Y rows`` goes to standard output and into the audit trail as counts.
A sample file is ``resources/samples/referrals-example.csv``.

Exit codes
----------
0   done (for import-referrals: every row imported; for verify-audit: intact).
1   import-referrals rejected at least one row; verify-audit found the trail
    tampered with; init found a database already there; demo-data refused a
    database with real clients; caseload or summary refused (not a team lead's
    laptop); export-letter refused (consent not current, no lawful reason).
2   could not be done: the database is not set up, the passphrase is wrong or
    too weak, the key is missing or damaged, the database cannot be read, the
    CSV file is missing, is not UTF-8 CSV or lacks required columns (they are
    named), or the command line is wrong. The message says what to do; there is
    never a traceback. Unexpected faults are recorded in the data folder's log.
"""

from __future__ import annotations

import argparse
import logging
import os
import sqlite3
import sys
from pathlib import Path

import sqlcipher3

from ..domain.vocabulary import COACH_ROLES
from ..hardening import harden_process
from ..paths import default_data_dir
from ..store import StoreError
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


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns the exit code (see the module docstring)."""
    harden_process()  # umask 077 and no core dumps before anything is read or written
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error already explained by argparse
        return exc.code if isinstance(exc.code, int) else 2
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
    except KeyboardInterrupt:
        return _fail("stopped.", 130)
    except Exception as exc:  # a bug: keep the traceback for IT, out of the person's way
        log.exception("%s: unexpected %s", args.command, type(exc).__name__)
        return _fail(
            f"something unexpected went wrong ({type(exc).__name__}). Details for service IT "
            f"are in {data_dir / 'logs'}.",
            2,
        )
