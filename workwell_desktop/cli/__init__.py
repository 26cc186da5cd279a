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
130 stopped by Ctrl-C ("stopped."; nothing half-written: an unlock under way ends first).
"""

from __future__ import annotations

import gc
import signal
import sys
from pathlib import Path
from typing import NoReturn

from ..hardening import harden_process


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns the exit code (see the module docstring). Ctrl-C leaves as
    KeyboardInterrupt, answered by ``run``, the one place that answers it.

    For ``sync``, the TCP connection to the server starts opening first, before the imports
    and the unlock (``sync.early_connect``): over a slow link it is a whole round trip."""
    harden_process()  # umask 077 and no core dumps before anything is read or written
    words = sys.argv[1:] if argv is None else list(argv)
    data_dir = _sync_data_dir(words)
    early = None
    if data_dir is not None:
        from ..sync import early_connect

        early = early_connect.start(data_dir)
    try:
        from .dispatch import run

        return run(words, early)
    finally:
        if early is not None:
            early.close()


def run() -> NoReturn:
    """The process's entry point (``workwell-admin``, ``python -m``, the bundle): ``main``,
    then exit. Frozen first, the garbage collector does not walk every object the imported
    libraries made while the interpreter shuts down; for a sync that was 50-150 ms of each
    run (bench/bench_start.py). The store is closed and the logs flushed by then, and the
    system takes the memory back. Tests call ``main``: they go on after it.

    Ctrl-C is answered with "stopped." and exit 130 wherever it lands, in the imports too.
    Only the first one stops the command (``_stop_once``): the process then only waits for
    an unlock still opening the store (``commands.start_unlock``: not a daemon, so a
    migration is never cut off), and a second Ctrl-C there printed a traceback from the
    interpreter's shutdown, or cut off the stopping itself."""
    signal.signal(signal.SIGINT, _stop_once)
    try:
        code = main()
    except KeyboardInterrupt:
        print("workwell-admin: stopped.", file=sys.stderr)
        code = 130
    gc.freeze()
    sys.exit(code)


def _stop_once(_signum, _frame) -> None:
    """Ctrl-C: stop the command (KeyboardInterrupt, as Python's own handler), and from now on
    ignore Ctrl-C while the process stops."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise KeyboardInterrupt


def _sync_data_dir(words: list[str]) -> Path | None:
    """The data folder of a ``sync`` command line, read before the parser is built (building
    it imports every command); None for other commands. A misreading only loses the head
    start: the parser still decides, and the connection is checked where it is used."""
    folder, at = None, 0
    while at < len(words) and words[at].startswith("--data-dir"):
        word = words[at]
        if word == "--data-dir" and at + 1 < len(words):
            folder, at = words[at + 1], at + 2
        elif word.startswith("--data-dir="):
            folder, at = word.partition("=")[2], at + 1
        else:
            return None
    if words[at : at + 1] != ["sync"]:
        return None
    if folder:
        return Path(folder)
    from ..paths import default_data_dir

    return default_data_dir()
