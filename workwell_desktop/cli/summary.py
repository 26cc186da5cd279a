"""``workwell-admin summary``: the team lead's weekly caseload summary, headless.

``workwell-admin [--data-dir DIR] summary --week 2026-W47 --audience team|publication
--format pdf|csv|xlsx --out FILE [--coach USERNAME]``
    ``--audience team``: the summary for the ISO week (Monday to Sunday,
    Europe/London), the rolling 4 and 13 weeks and the 13-week trend, per coach and
    for the whole service (or one coach with ``--coach``), every number shown, each
    coach's "data as of"; marked not for publication. ``--audience publication``:
    the commissioners' file: that week only, service level, disclosure controlled
    (``reports.publication``), no staff named. Coverage warnings are printed on
    standard error too. Warns that the file is not encrypted, and records the export
    (week, format, audience; no figures) in the audit trail. Exit 1 when the week is
    not a real ISO week, the coach is unknown, ``--coach`` is given for a
    publication, or FILE is a folder.
    Team leads only, by the server account this laptop is registered with (exit 1 and an
    audited refusal otherwise: see workwell_desktop.services.team_exports).
    Figure definitions: ``workwell_desktop/reports/definitions.py``.

Wire in with ``add_summary_command(sub)`` in ``cli.dispatch.build_parser()``; the handler takes
``(args, store)`` and the registered adapter opens and closes the store as the
other commands do.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..reports.definitions import AUDIENCES, FORMATS
from ..services.team_exports import LEAVES_THE_STORE_WARNING, TeamExportRefused, require_team_lead
from ..store import Store
from .commands import with_store

NOT_ENCRYPTED_WARNING = LEAVES_THE_STORE_WARNING


def _fail(message: str) -> int:
    print(f"workwell-admin: {message}", file=sys.stderr)
    return 1


def write_summary(args, store: Store) -> int:
    """Write the summary to ``args.out``; 1 for a wrong week, an unknown coach or a folder."""
    # Here, not at the top: cli.dispatch registers this command for every workwell-admin
    # run, sync included, and the figures and exporters are some 75 ms of imports (#15).
    from ..reports.coverage import load
    from ..reports.export import export_publication, export_summary
    from ..reports.figures import parse_week

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
        return _fail(
            f"{out} is a folder: give the file name to write, for example summary-{args.week}.{args.format}"
        )
    coach = args.coach.strip() if args.coach else None
    if coach is not None and args.audience == "publication":
        return _fail("a publication is for the whole service: leave out --coach")
    if coach is not None:
        coverage = load(store)
        recorded = store.rows("SELECT DISTINCT coach FROM client")
        coaches = {coverage.coach_key(row["coach"]) for row in recorded}
        coaches |= set(coverage.roster())
        if coverage.coach_key(coach) not in coaches:
            return _fail(
                "no coach of that name on this database. Coaches: "
                + (", ".join(sorted(coaches, key=str.casefold)) or "none")
            )
    if args.audience == "publication":
        report = export_publication(store, args.week, args.format, out)
        warnings = report.coverage
    else:
        report = export_summary(store, args.week, args.format, out, coach=coach)
        warnings = report.warnings()
    print(f"Warning: {out} is NOT encrypted. {NOT_ENCRYPTED_WARNING}", file=sys.stderr)
    if args.audience == "team":
        print(
            "Warning: this is the team file: every number is shown and staff are named. Do not publish "
            "it; use --audience publication for commissioners.",
            file=sys.stderr,
        )
    for warning in warnings:
        print(f"Coverage: {warning}", file=sys.stderr)
    print(f"Wrote the {args.week} {args.audience} summary ({args.format}) to {out}")
    return 0


def add_summary_command(subparsers) -> None:
    """Register ``summary`` on ``workwell-admin``'s subparsers."""
    p = subparsers.add_parser("summary", help="write the weekly caseload summary (PDF, CSV or XLSX)")
    p.add_argument("--week", required=True, metavar="YYYY-Www", help="the ISO week, e.g. 2026-W47")
    p.add_argument(
        "--audience",
        required=True,
        choices=list(AUDIENCES),
        help="team: every number, per coach (not for publication); publication: for "
        "commissioners, service level, small numbers protected",
    )
    p.add_argument("--format", required=True, choices=list(FORMATS))
    p.add_argument("--out", required=True, type=Path, metavar="FILE", help="the file to write")
    p.add_argument("--coach", default=None, metavar="USERNAME", help="team file: only this coach's clients")
    p.set_defaults(handler=with_store(write_summary))
