"""``workwell --self-test``, the Qt-free half: prove that this copy of WorkWell works, in a
source run or a bundle. The GUI half (the main window drawn offscreen) is
``workwell_desktop.gui.selftest``, which runs these checks and its own; this module never
imports Qt, so the headless parts can be checked where there is no Qt at all.

Each check prints one line (``ok``, ``SKIP`` or ``FAIL`` with what went wrong); the
exit code is 0 only when nothing failed. Nothing is written outside a temporary
folder, the coach's own database and settings are never touched, and the OS
credential store is never used (the throwaway database keeps its key in a file).

Service IT can run it on a freshly installed laptop; ``make package`` runs it on
every bundle it builds.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

THROWAWAY_PASSPHRASE = "self-test passphrase, thrown away"


class Skipped(Exception):
    """A check that cannot run in this build yet; reported, not a failure."""


REPORT_FILE = "workwell-selftest.txt"  # in the temp folder, when there is no console


def out(line: str) -> None:
    # The windowed Windows executable has no stdout: write the report where IT can read it.
    if sys.stdout is not None:
        print(line, file=sys.stdout, flush=True)
        return
    try:
        with open(Path(tempfile.gettempdir(), REPORT_FILE), "a", encoding="utf-8") as report:
            report.write(line + "\n")
    except OSError:
        pass  # the exit code still tells IT the result


# ----- the checks ---------------------------------------------------------------
def check_resources(ctx: dict) -> str:
    from .paths import resource_path

    root = resource_path()
    wanted = [resource_path("instruments", "phq9.json"), resource_path("style", "workwell.qss")]
    missing = [str(p) for p in wanted if not p.is_file()]
    if missing:
        raise AssertionError(f"missing from {root}: {', '.join(missing)}")
    count = sum(1 for p in root.rglob("*") if p.is_file())
    return f"{count} files under {root}"


def check_keyring_backends(ctx: dict) -> str:
    # keyring discovers backends through entry points: a bundle without keyring's
    # metadata silently has none but the "fail" backend.
    from importlib.metadata import entry_points

    import keyring.backend

    names = sorted(ep.name for ep in entry_points(group="keyring.backends"))
    if not names:
        raise AssertionError("keyring's entry points are missing (copy_metadata('keyring') in the spec)")
    viable = sorted(type(b).__module__.rsplit(".", 1)[-1] for b in keyring.backend.get_all_keyring())
    return f"entry points {', '.join(names)}; usable here: {', '.join(viable) or 'none'}"


def check_encrypted_database(ctx: dict) -> str:
    from .domain.records import Client
    from .store import Store

    data_dir = Path(ctx["tmp"], "data")
    client = Client(
        given_name="Testy",
        family_name="Selfcheck",
        date_of_birth="1980-01-01",
        employer="Example Engineering Ltd",
        nhs_number="9990000018",
        postcode="CA1 1AA",
        phone="07700 900123",
    )
    store = Store.create(data_dir, THROWAWAY_PASSPHRASE, "Self Test", key_store_kind="file")
    try:
        store.add(client)
    finally:
        store.close()
    header = (data_dir / "workwell.db").read_bytes()[:16]
    if header.startswith(b"SQLite format 3"):
        raise AssertionError("the database file is not encrypted")
    store = Store.open(data_dir, THROWAWAY_PASSPHRASE)
    ctx["store"], ctx["client_id"] = store, client.id
    back = store.get(Client, client.id)
    if (back.given_name, back.family_name, back.nhs_number) != ("Testy", "Selfcheck", "9990000018"):
        raise AssertionError(f"read back {back!r}, not what was written")
    version = store.rows("PRAGMA cipher_version")[0]["cipher_version"]
    return f"SQLCipher {version}: created, wrote a client, reopened and read it back"


def check_instrument_scoring(ctx: dict) -> str:
    from .instruments import score

    # The published example: item 9 ("better off dead ...") answered at all raises the safety prompt.
    result = score("phq9", [1, 1, 2, 0, 1, 0, 0, 1, 1])
    if result.total != 7 or result.band != "Mild" or "self_harm_risk" not in result.flag_ids:
        raise AssertionError(
            f"PHQ-9 scored {result.total} {result.band} {result.flag_ids}, "
            "expected 7 Mild with the self-harm flag"
        )
    calm = score("phq9", [1, 1, 2, 0, 1, 0, 0, 1, 0])
    if calm.total != 6 or calm.flag_ids:
        raise AssertionError(f"PHQ-9 scored {calm.total} {calm.flag_ids}, expected 6 with no flag")
    return "PHQ-9 7 (Mild) with the safety flag for item 9; 6 without"


def check_settings(ctx: dict) -> str:
    from .settings import load_settings

    settings = load_settings()
    managed = [key for key in settings.as_dict() if settings.is_managed(key)]
    problems = f"; {len(settings.problems)} problem(s): {settings.problems[0]}" if settings.problems else ""
    return (
        f"idle lock {settings.get('idle_lock_minutes')} min, managed: {', '.join(managed) or 'none'}"
        f"{problems}"
    )


def check_letter_pdf(ctx: dict) -> str:
    from datetime import date

    from .documents.letter import render_letter
    from .services.letters import new_draft

    draft = new_draft(ctx["store"], ctx["client_id"])  # the client the database check wrote
    pdf = render_letter(draft, "SELF-TEST", date.today())
    if not (isinstance(pdf, bytes | bytearray) and pdf.startswith(b"%PDF") and len(pdf) > 500):
        raise AssertionError("the letter is not a PDF")
    return f"employer letter: {len(pdf):,} bytes of PDF"


CHECKS: list[tuple[str, Callable[[dict], str]]] = [
    ("resources", check_resources),
    ("keyring backends", check_keyring_backends),
    ("encrypted database", check_encrypted_database),
    ("instrument scoring", check_instrument_scoring),
    ("settings", check_settings),
    ("letter PDF", check_letter_pdf),
]


# ----- running -------------------------------------------------------------------
def run_self_test(checks: list[tuple[str, Callable[[dict], str]]] | None = None) -> int:
    """Run every check (``CHECKS``, or those given), one line each; 0 when none failed, 1 otherwise.

    A check may add a callable to ``ctx["cleanup"]`` (the GUI's closes its window); each
    runs at the end, before the throwaway store is closed."""
    checks = CHECKS if checks is None else checks
    started = time.perf_counter()
    if sys.stdout is None:
        Path(tempfile.gettempdir(), REPORT_FILE).unlink(missing_ok=True)
    frozen = "bundle" if getattr(sys, "frozen", False) else "source"
    out(f"WorkWell self-test ({frozen} run, Python {sys.version.split()[0]}, {sys.platform})")
    failed: list[str] = []
    skipped = 0
    with tempfile.TemporaryDirectory(prefix="workwell-selftest-") as tmp:
        ctx: dict = {"tmp": tmp, "cleanup": []}
        previous_key_store = os.environ.get("WORKWELL_KEY_STORE")
        os.environ["WORKWELL_KEY_STORE"] = "file"  # never touch the real credential store
        try:
            for name, check in checks:
                try:
                    detail = check(ctx)
                except Skipped as exc:
                    skipped += 1
                    out(f"SKIP  {name}: {exc}")
                except Exception as exc:  # noqa: BLE001 - every fault is reported, none stops the rest
                    failed.append(name)
                    out(f"FAIL  {name}: {type(exc).__name__}: {exc}")
                    if os.environ.get("WORKWELL_SELFTEST_TRACEBACK"):
                        traceback.print_exc()
                else:
                    out(f"ok    {name}: {detail}")
        finally:
            for cleanup in ctx["cleanup"]:
                cleanup()
            if ctx.get("store") is not None:
                ctx["store"].close()
            if previous_key_store is None:
                os.environ.pop("WORKWELL_KEY_STORE", None)
            else:
                os.environ["WORKWELL_KEY_STORE"] = previous_key_store
    seconds = time.perf_counter() - started
    if failed:
        out(f"self-test FAILED ({', '.join(failed)}) in {seconds:.1f} s")
        return 1
    out(f"self-test passed: {len(checks) - skipped} checks ok, {skipped} skipped, in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(run_self_test())
