"""``workwell-admin summary``: the team lead's weekly caseload summary, headless.

``workwell-admin [--data-dir DIR] summary --week 2026-W47 --format pdf|csv|xlsx --out FILE
[--no-suppression] [--coach NAME]``
    Work out the summary for the ISO week (Monday to Sunday, Europe/London) and the
    rolling 4 and 13 weeks to it, per coach and for the whole service (or for one
    coach with ``--coach``), and write it to FILE. Small-number suppression is on
    unless ``--no-suppression`` is given (an internal copy; the file says which).
    Team leads only, by the server account this laptop is registered with (exit 1 and an
    audited refusal otherwise: see workwell_desktop.team_exports). Warns on standard error
    that the file leaves the encrypted store, and records the export (week, format,
    suppression; no figures) in the audit trail. Exit 1 when the week is not a real ISO
    week, the coach has no clients, or FILE is a folder.
    Figure definitions: ``workwell_desktop/reports/figures.py``.

Wire in with ``add_summary_command(sub)`` in ``build_parser()``; the handler takes
``(args, store)`` and the registered adapter opens and closes the store as the
other commands do.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..reports.export import FORMATS, export_summary
from ..reports.figures import UNASSIGNED, parse_week
from ..store import Store
from ..team_exports import LEAVES_THE_STORE_WARNING, TeamExportRefused, require_team_lead
from .commands import with_store

NOT_ENCRYPTED_WARNING = LEAVES_THE_STORE_WARNING


def _fail(message: str) -> int:
    print(f"workwell-admin: {message}", file=sys.stderr)
    return 1


def write_summary(args, store: Store) -> int:
    """Write the summary to ``args.out``; 1 for a wrong week, an unknown coach or a folder."""
    try:
        require_team_lead(store, "summary")
    except TeamExportRefused as refused:
        return _fail(f"not exported: {refused}")
    try:
        parse_week(args.week)
    except ValueError as exc:
        return _fail(str(exc))
    out = Path(args.out)
    if out.is_dir():
        return _fail(f"{out} is a folder: give the file name to write, for example "
                     f"summary-{args.week}.{args.format}")
    coach = args.coach.strip() if args.coach else None
    if coach is not None:
        coaches = {(row["coach"] or "").strip() or UNASSIGNED
                   for row in store.rows("SELECT DISTINCT coach FROM client")}
        if coach not in coaches:
            return _fail("no client on this database has that coach. Coaches: "
                         + (", ".join(sorted(coaches, key=str.casefold)) or "none"))
    export_summary(store, args.week, args.format, out, suppression=not args.no_suppression, coach=coach)
    print(f"Warning: {out} is NOT encrypted. {NOT_ENCRYPTED_WARNING}", file=sys.stderr)
    if args.no_suppression:
        print("Warning: small-number suppression is OFF: this copy is for use inside the team only.",
              file=sys.stderr)
    print(f"Wrote the {args.week} summary ({args.format}, suppression "
          f"{'off' if args.no_suppression else 'on'}) to {out}")
    return 0


def add_summary_command(subparsers) -> None:
    """Register ``summary`` on ``workwell-admin``'s subparsers."""
    p = subparsers.add_parser("summary", help="write the weekly caseload summary (PDF, CSV or XLSX)")
    p.add_argument("--week", required=True, metavar="YYYY-Www", help="the ISO week, e.g. 2026-W47")
    p.add_argument("--format", required=True, choices=list(FORMATS))
    p.add_argument("--out", required=True, type=Path, metavar="FILE", help="the file to write")
    p.add_argument("--no-suppression", action="store_true",
                   help="show counts of 1 to 4 (an internal copy for the team only)")
    p.add_argument("--coach", default=None, metavar="NAME", help="only this coach's clients")
    p.set_defaults(handler=with_store(write_summary))
