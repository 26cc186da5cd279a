"""``workwell-admin letters`` and ``export-letter``: a client's issued employer letters, headless.

``workwell-admin [--data-dir DIR] letters --client NHS_NUMBER``
    The client's issued letters, newest first, as tab-separated lines with a header:
    id, reference, issued_on, employer. Exit 1 when no client has that NHS number.
``workwell-admin [--data-dir DIR] export-letter --id ID --out FILE.pdf [--lawful-reason CODE]``
    Write one issued letter's PDF (exactly as issued) to FILE.pdf, warn on standard
    error that the file is not encrypted, and record the export (and its basis) in the
    audit trail. Refused (exit 1, nothing written) while the client's participation or
    consent to share with their employer is not current, unless ``--lawful-reason``
    names one of domain.consent.LAWFUL_REASONS (``subject_access``: the client's own
    copy), which is audited with it. Exit 1 when there is no letter with that id.

Wire in with ``add_letter_commands(sub)`` in ``cli.dispatch.build_parser()``; each handler takes
``(args, store)`` and the registered adapter opens and closes the store as the other
commands do.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..domain.consent import LAWFUL_REASONS
from ..domain.letters import ConsentRequired, EmployerLetter, LetterNotReady
from ..domain.validation import check_nhs_number
from ..store import RecordNotFound, Store
from .commands import with_store


def _fail(message: str) -> int:
    print(f"workwell-admin: {message}", file=sys.stderr)
    return 1


def _cell(text: str) -> str:
    return " ".join(str(text).split())  # a tab or line break in a name would break the columns


def list_letters(args, store: Store) -> int:
    """Print the client's issued letters; 1 when the NHS number is not on the caseload."""
    problem = check_nhs_number(args.client)
    if problem:
        return _fail(problem)
    client = store.client_by_nhs_number(args.client)
    if client is None:
        # The number is not repeated back: it may have been typed from someone else's record.
        return _fail("no client on this caseload has that NHS number.")
    from ..services.letters import letters_for  # reportlab: only for the letter commands

    letters = letters_for(store, client.id)
    print("id\treference\tissued_on\temployer")
    for letter in letters:
        print("\t".join(_cell(v) for v in (letter.id, letter.reference, letter.issued_on, letter.employer)))
    if not letters:
        print("No employer letters have been issued for this client.", file=sys.stderr)
    return 0


def export_one_letter(args, store: Store) -> int:
    """Write one letter's PDF to ``args.out``; 1 when the id is unknown."""
    from ..services.letters import NOT_ENCRYPTED_WARNING, LetterNotVerified, export_letter

    try:
        letter = store.get(EmployerLetter, args.id)
    except RecordNotFound:
        return _fail(
            f"there is no employer letter with id {args.id}. List a client's letters with: "
            "workwell-admin letters --client NHS_NUMBER"
        )
    out = Path(args.out)
    if out.is_dir():
        return _fail(f"{out} is a folder: give the file name to write, for example {letter.reference}.pdf")
    try:
        export_letter(store, letter.id, out, lawful_reason=args.lawful_reason or "")
    except ConsentRequired as refused:
        return _fail(f"not exported: {refused}")
    except LetterNotReady as refused:
        return _fail("not exported: " + " ".join(refused.errors.values()))
    except LetterNotVerified as refused:
        return _fail(f"not exported: {refused}")
    print(f"Warning: {out} is NOT encrypted. {NOT_ENCRYPTED_WARNING}", file=sys.stderr)
    if args.lawful_reason:
        print(
            f"Exported without consent for a recorded lawful reason: {LAWFUL_REASONS[args.lawful_reason]}. "
            "The reason is kept in the audit trail.",
            file=sys.stderr,
        )
    print(f"Exported letter {letter.reference} to {out}")
    return 0


def add_letter_commands(subparsers) -> None:
    """Register ``letters`` and ``export-letter`` on ``workwell-admin``'s subparsers."""
    p = subparsers.add_parser("letters", help="list a client's issued employer letters")
    p.add_argument("--client", required=True, metavar="NHS_NUMBER", help="the client's NHS number")
    p.set_defaults(handler=with_store(list_letters))

    p = subparsers.add_parser("export-letter", help="write an issued employer letter to a PDF file")
    p.add_argument("--id", required=True, metavar="ID", help="the letter's id (from: letters --client)")
    p.add_argument("--out", required=True, type=Path, metavar="FILE.pdf", help="the PDF file to write")
    p.add_argument(
        "--lawful-reason",
        choices=list(LAWFUL_REASONS),
        default=None,
        help="export although consent is not current, for this recorded reason "
        "(subject_access: the client's own copy)",
    )
    p.set_defaults(handler=with_store(export_one_letter))
