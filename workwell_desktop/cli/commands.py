"""What each ``workwell-admin`` command does, and how the passphrase is asked for.

Each command imports what only it uses at the top of its handler (as the letter and sync
commands do), so a command does not pay for another's modules at start: ``workwell-admin
sync`` loads no demo data, CSV import, PDF or spreadsheet library, and ``init`` no sync
client (tests/cli/test_cli_start_imports.py).
"""

from __future__ import annotations

import getpass
import logging
import logging.handlers
import os
import sys
import time
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from .. import logs
from ..store import NotInitialised, Store, is_initialised
from ..store.keys import require_strong

log = logging.getLogger(__name__)

PASSPHRASE_ENV = "WORKWELL_PASSPHRASE"
COACH_NAME_ENV = "WORKWELL_COACH_NAME"


class CommandError(Exception):
    """A problem the person can act on; ``exit_code`` is what the command returns."""

    def __init__(self, message: str, exit_code: int = 2):
        super().__init__(message)
        self.exit_code = exit_code


def read_passphrase(confirm: bool = False) -> str:
    """From WORKWELL_PASSPHRASE, else a prompt (a terminal), else one line of stdin (a script)."""
    passphrase = os.environ.get(PASSPHRASE_ENV)
    if passphrase:
        return passphrase
    stdin = sys.stdin
    if stdin is not None and stdin.isatty():
        passphrase = getpass.getpass("Passphrase: ")
        if confirm and getpass.getpass("Type the passphrase again: ") != passphrase:
            raise CommandError("The two passphrases are not the same. Nothing has been set up; try again.")
    else:
        passphrase = (stdin.readline() if stdin is not None else "").rstrip("\r\n")
    if not passphrase:
        raise CommandError(f"No passphrase was given: set {PASSPHRASE_ENV}, or type it when asked.")
    return passphrase


def configure_logging(data_dir: Path) -> None:
    """Log to this data folder's log (a test may run several data folders in one process)."""
    wanted = os.path.abspath(data_dir / "logs" / "workwell.log")
    root = logging.getLogger("workwell_desktop")
    for handler in list(root.handlers):
        if isinstance(handler, logging.handlers.RotatingFileHandler) and handler.baseFilename != wanted:
            root.removeHandler(handler)
            handler.close()
    logs.configure(data_dir)


def unlock(data_dir: Path) -> Store:
    """The unlocked store; says so before asking for a passphrase when there is none."""
    _require_initialised(data_dir)
    return Store.open(data_dir, read_passphrase())


def start_unlock(data_dir: Path) -> Future[Store]:
    """``unlock``, with the passphrase read here and the store opened on a thread of its own:
    its ``result()`` is the store, or raises what ``Store.open`` raised. A caller that stops
    before taking the result passes the future to ``close_when_open``.

    ``sync`` imports its engine meanwhile: the Argon2id key unwrap (about 130 ms) runs in
    argon2-cffi's C code without the GIL, so the imports go on during it (#15;
    bench/bench_start.py). The thread is not a daemon: an exit waits for the open to end,
    rather than cutting it off in a migration."""
    _require_initialised(data_dir)
    passphrase = read_passphrase()  # here: a prompt belongs to the main thread
    pool = ThreadPoolExecutor(1, thread_name_prefix="unlock")
    opening = pool.submit(Store.open, data_dir, passphrase)
    pool.shutdown(wait=False)  # no more work for it; its thread ends with the unlock
    return opening


def close_when_open(opening: Future[Store]) -> None:
    """Close the store ``start_unlock`` is opening as soon as it is open (now, if it is): the
    command stopped before using it, and its key must not stay in memory."""
    opening.add_done_callback(lambda done: done.exception() is None and done.result().close())


def _require_initialised(data_dir: Path) -> None:
    if not is_initialised(data_dir):
        raise NotInitialised(
            f"There is no WorkWell database in {data_dir}. Set one up first with: workwell-admin init"
        )


def with_store(handler):
    """Adapt a ``(args, store)`` handler to the ``(args, data_dir)`` one the dispatcher
    calls: unlock, run, close."""

    def run(args, data_dir: Path) -> int:
        store = unlock(data_dir)
        try:
            return handler(args, store)
        finally:
            store.close()

    run.__doc__ = handler.__doc__
    return run


def init(args, data_dir: Path) -> int:
    if is_initialised(data_dir):
        raise CommandError(f"{data_dir} already holds a WorkWell database. Nothing has been changed.", 1)
    coach = args.coach_name or os.environ.get(COACH_NAME_ENV, "")
    if not coach and sys.stdin is not None and sys.stdin.isatty():
        coach = input("Your name (recorded against your work): ")
    coach = coach.strip() or "Coach"
    passphrase = read_passphrase(confirm=True)
    require_strong(passphrase)  # before anything is written to the folder
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    configure_logging(data_dir)
    store = Store.create(data_dir, passphrase, coach, coach_role=args.role)
    try:
        print(f"Set up an encrypted WorkWell database in {data_dir} for {store.coach_name} ({args.role}).")
        print(f"The database key is kept in {store.key_store.description}.")
        if store.key_store.kind == "file":
            print("Keep the passphrase safe: without it the database cannot be opened.")
    finally:
        store.close()
    log.info("init: database created")
    return 0


def demo_data(args, data_dir: Path) -> int:
    from ..domain.caseload import CLIENT_STATUSES
    from .demo import add_demo_caseload

    store = unlock(data_dir)
    try:
        real = store.rows("SELECT count(*) AS n FROM client WHERE nhs_number NOT LIKE '999%'")[0]["n"]
        if real:
            raise CommandError(
                "This database holds clients who are not demo people. Demo data goes only into a "
                "training or demonstration database: use another --data-dir.",
                1,
            )
        taken = {row["nhs_number"] for row in store.rows("SELECT nhs_number FROM client")}
        taken_before = set(taken)
        started = time.perf_counter()
        counts = add_demo_caseload(store, args.clients, args.seed, history=args.history, taken=taken)
        seconds = time.perf_counter() - started
        store.record_event("demo-data", f"clients={args.clients}" + (",history" if args.history else ""))
        statuses = Counter(entry.status for entry in store.caseload() if entry.nhs_number not in taken_before)
    finally:
        store.close()
    print(f"Added {counts['client']} synthetic clients (NHS numbers from the 999 range) in {seconds:.1f} s:")
    for record_type, label in (
        ("referral", "referrals"),
        ("consent_event", "consent events"),
        ("contact_session", "sessions"),
        ("fit_note", "fit notes"),
        ("discharge", "discharges"),
        ("assessment", "assessments"),
        ("plan_goal", "plan goals"),
        ("plan_action", "plan actions"),
        ("employer_letter", "employer letters"),
    ):
        if record_type not in counts and label not in ("referrals", "discharges"):
            continue
        print(f"  {counts[record_type]:>7} {label}")
    print(
        "Status: "
        + ", ".join(
            f"{CLIENT_STATUSES[code].lower()} {statuses[code]}" for code in CLIENT_STATUSES if statuses[code]
        )
    )
    log.info("demo-data: %d clients, %d records", counts["client"], sum(counts.values()))
    return 0


def import_csv(args, data_dir: Path) -> int:
    from .imports import UnusableFile, import_referrals, read_referral_csv

    try:
        rows, warnings = read_referral_csv(Path(args.file))
    except UnusableFile as exc:
        raise CommandError(str(exc), 2) from None
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    store = unlock(data_dir)
    try:
        result = import_referrals(
            store, rows, lambda row, column, reason: print(f"row {row}: {column}: {reason}", file=sys.stderr)
        )
        store.record_event(
            "import-referrals",
            f"rows={result.rows},imported={result.imported},rejected={result.rejected_rows}",
        )
    finally:
        store.close()
    print(f"Imported {result.imported} referrals; rejected {result.rejected_rows} rows")
    log.info(
        "import-referrals: rows=%d imported=%d rejected=%d",
        result.rows,
        result.imported,
        result.rejected_rows,
    )
    if result.rejected_rows:
        print(
            "Correct the rows listed above and import only those rows again "
            "(rows already imported would be rejected as already on the caseload).",
            file=sys.stderr,
        )
        return 1
    return 0


def caseload(args, data_dir: Path) -> int:
    from ..domain.consent import participation_ended
    from ..domain.records import ConsentEvent
    from ..services.team_exports import LEAVES_THE_STORE_WARNING, TeamExportRefused, require_team_lead
    from ..store import merges
    from .exports import write_caseload_csv

    store = unlock(data_dir)
    try:
        try:
            require_team_lead(store, "caseload")
        except TeamExportRefused as refused:
            raise CommandError(f"not exported: {refused}", 1) from None
        # People who withdrew (or refused) taking part leave nothing more, named, in a team
        # file: judged on the whole person's consent (a withdrawal recorded under a merged
        # duplicate counts for the client it is shown as).
        shown_as = merges.shown_as(store.connection)
        events: dict[str, list] = {}
        for event in store.all(ConsentEvent):
            events.setdefault(shown_as.get(event.client_id, event.client_id), []).append(event)
        left_out = {cid for cid, evs in events.items() if participation_ended(evs)}
        entries = [e for e in store.caseload() if e.client_id not in left_out]
        # Audited before anything leaves the database: no export goes unrecorded.
        store.record_event("export-caseload", f"rows={len(entries)},left_out={len(left_out)}")
    finally:
        store.close()
    print(
        f"Warning: the caseload on standard output is NOT encrypted. {LEAVES_THE_STORE_WARNING}",
        file=sys.stderr,
    )
    if left_out:
        who = (
            "person who withdrew or refused consent to take part is"
            if len(left_out) == 1
            else "people who withdrew or refused consent to take part are"
        )
        print(f"{len(left_out)} {who} left out.", file=sys.stderr)
    out = sys.stdout
    encoding = (getattr(out, "encoding", "") or "").lower().replace("-", "")
    if encoding != "utf8" and hasattr(out, "reconfigure"):
        out.reconfigure(encoding="utf-8")  # names in any alphabet, whatever the console's code page
    write_caseload_csv(entries, out)
    out.flush()
    log.info("export-caseload: rows=%d", len(entries))
    return 0


def verify_audit(args, data_dir: Path) -> int:
    """Check the chain, every record against its latest entry, and the server's anchor."""
    from ..sync import engine

    store = unlock(data_dir)
    try:
        anchors, source = [], ""
        if engine.is_registered(store):
            anchors, source = engine.fetch_audit_anchors(store)
        problems = store.verify_audit(*((a.seq, a.hash) for a in anchors))
        anchor = anchors[-1] if anchors else None
        entries = store.rows("SELECT count(*) AS n FROM audit")[0]["n"]
        registered = engine.is_registered(store)
    finally:
        store.close()
    log.info("verify-audit: %d entries, %d problems", entries, len(problems))
    if anchor is not None:
        where = (
            "the server"
            if source == "server"
            else "the copy kept at the last sync (the server could not be reached)"
        )
        print(f"Compared with the anchor held by {where}: entry {anchor.seq}, anchored {anchor.anchored_at}.")
        if len(anchors) > 1:
            print(f"And with the {len(anchors) - 1} earlier anchor(s) it has held.")
    elif registered:
        print("The server holds no anchor for this laptop yet (it is set at the next sync).")
    else:
        print(
            "This laptop is not registered with a server: its chain head could not be compared with "
            "an anchor kept elsewhere."
        )
    if not problems:
        print(f"Audit trail intact: {entries} entries")
        return 0
    print(f"Audit trail has been tampered with: {len(problems)} problem(s) in {entries} entries")
    for problem in problems:
        print(f"  - {problem}")
    return 1
