"""``workwell --self-test``: prove that this copy of WorkWell works, in a source run or a bundle.

Each check prints one line (``ok``, ``SKIP`` or ``FAIL`` with what went wrong); the
exit code is 0 only when nothing failed. Nothing is written outside a temporary
folder, the coach's own database and settings are never touched, and the OS
credential store is never used (the throwaway database keeps its key in a file).

Service IT can run it on a freshly installed laptop; ``make package`` runs it on
every bundle it builds.
"""

from __future__ import annotations

import inspect
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

# Where the GUI keeps its main window; the first one found is used.
MAIN_WINDOW_CANDIDATES = (
    ("workwell_desktop.gui.main_window", "MainWindow"),
    ("workwell_desktop.gui.app", "MainWindow"),
    ("workwell_desktop.gui", "MainWindow"),
)
THROWAWAY_PASSPHRASE = "self-test passphrase, thrown away"


class Skipped(Exception):
    """A check that cannot run in this build yet; reported, not a failure."""


REPORT_FILE = "workwell-selftest.txt"  # in the temp folder, when there is no console


def _out(line: str) -> None:
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
    client = Client(given_name="Testy", family_name="Selfcheck", date_of_birth="1980-01-01",
                    employer="Example Engineering Ltd",
                    nhs_number="9990000018", postcode="CA1 1AA",
                    phone="07700 900123")
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
        raise AssertionError(f"PHQ-9 scored {result.total} {result.band} {result.flag_ids}, "
                             "expected 7 Mild with the self-harm flag")
    calm = score("phq9", [1, 1, 2, 0, 1, 0, 0, 1, 0])
    if calm.total != 6 or calm.flag_ids:
        raise AssertionError(f"PHQ-9 scored {calm.total} {calm.flag_ids}, expected 6 with no flag")
    return "PHQ-9 7 (Mild) with the safety flag for item 9; 6 without"


def check_settings(ctx: dict) -> str:
    from .settings import load_settings

    settings = load_settings()
    managed = [key for key in settings.as_dict() if settings.is_managed(key)]
    problems = f"; {len(settings.problems)} problem(s): {settings.problems[0]}" if settings.problems else ""
    return (f"idle lock {settings.get('idle_lock_minutes')} min, managed: {', '.join(managed) or 'none'}"
            f"{problems}")


def check_main_window(ctx: dict) -> str:
    app = _application()
    window, how = build_main_window(ctx)
    window.resize(1100, 720)
    window.show()
    app.processEvents()
    image = window.grab()
    if image.isNull() or image.width() < 100:
        raise AssertionError("the main window drew nothing")
    title = window.windowTitle() or type(window).__name__
    ctx["windows"].append(window)
    return f"{how} '{title}' drawn at {image.width()}x{image.height()} (platform {app.platformName()})"


def check_letter_pdf(ctx: dict) -> str:
    try:
        import workwell_desktop.documents as documents
    except ImportError as exc:
        raise Skipped("letters are not in this build yet (no workwell_desktop.documents)") from exc
    make_sample = getattr(documents, "sample_letter_pdf", None)
    if make_sample is not None:
        pdf, how = make_sample(), "sample employer letter"
    else:
        try:
            from .documents.letter import render_letter
            from .services.letters import new_draft
        except ImportError:
            new_draft = render_letter = None
        store = ctx.get("store")
        if render_letter is not None and store is not None:
            from datetime import date

            draft = new_draft(store, ctx["client_id"])
            pdf, how = render_letter(draft, "SELF-TEST", date.today()), "employer letter"
        else:
            try:
                pdf = _plain_reportlab_pdf()
            except ImportError as exc:
                raise Skipped("letters are not in this build yet (no render_letter, no reportlab)") from exc
            how = "reportlab page (the letters module has no render_letter yet)"
    if not (isinstance(pdf, bytes | bytearray) and pdf.startswith(b"%PDF") and len(pdf) > 500):
        raise AssertionError("the letter is not a PDF")
    return f"{how}: {len(pdf):,} bytes of PDF"


def _plain_reportlab_pdf() -> bytes:
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    buffer = io.BytesIO()
    styles = getSampleStyleSheet()
    SimpleDocTemplate(buffer, pagesize=A4).build([
        Paragraph("WorkWell self-test", styles["Title"]),
        Paragraph("Reasonable adjustments: a phased return over four weeks.", styles["Normal"]),
    ])
    return buffer.getvalue()


CHECKS: list[tuple[str, Callable[[dict], str]]] = [
    ("resources", check_resources),
    ("keyring backends", check_keyring_backends),
    ("encrypted database", check_encrypted_database),
    ("instrument scoring", check_instrument_scoring),
    ("settings", check_settings),
    ("main window", check_main_window),
    ("letter PDF", check_letter_pdf),
]


# ----- the Qt side -------------------------------------------------------------
def _application():
    # Offscreen: the self-test runs on build machines and over SSH with no display.
    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        qInstallMessageHandler(_quiet_offscreen_notes)
        app = QApplication([sys.argv[0] if sys.argv else "workwell"])
    return app


def _quiet_offscreen_notes(mode, context, message: str) -> None:
    # The offscreen platform's note that it cannot size windows is noise in a report IT reads.
    if "propagateSizeHints" in message:
        return
    if sys.stderr is not None:
        print(message, file=sys.stderr)


def _find_main_window_class():
    import importlib

    for module_name, attribute in MAIN_WINDOW_CANDIDATES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name and module_name.startswith(exc.name):
                continue  # that module does not exist (yet); a missing dependency inside it is a fault
            raise
        cls = getattr(module, attribute, None)
        if cls is not None:
            return cls, f"{module_name}.{attribute}"
    return None, ""


def build_main_window(ctx: dict):
    """The app's main window (or, until the GUI has one, a stand-in over its caseload screen)."""
    app = _application()
    try:  # the app's own start-up: names and the NHS look
        from .gui.app import prepare_application
    except ImportError:
        from .gui.style import apply as prepare_application
    prepare_application(app)
    cls, where = _find_main_window_class()
    if cls is None:
        return _stand_in_window(ctx), "stand-in window (no gui MainWindow yet) with the caseload screen;"
    kwargs = _arguments_for(cls, ctx)
    return cls(**kwargs), where


def _arguments_for(cls, ctx: dict) -> dict:
    """Fill the main window's constructor by parameter name from what the self-test has."""
    offers: dict[str, Callable[[], object]] = {
        "settings": lambda: __import__("workwell_desktop.settings", fromlist=["x"]).load_settings(),
        "data_dir": lambda: Path(ctx["tmp"], "data"),
        "store": lambda: ctx.get("store"),
    }
    kwargs = {}
    for name, param in inspect.signature(cls.__init__).parameters.items():
        if name == "self" or param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        if name in ("handle", "database"):
            from .gui.database_handle import DatabaseHandle

            kwargs[name] = DatabaseHandle()
        elif name in offers:
            kwargs[name] = offers[name]()
        elif param.default is inspect.Parameter.empty:
            raise AssertionError(f"cannot build {cls.__name__}: no value for its parameter {name!r}")
    return kwargs


def _stand_in_window(ctx: dict):
    from PySide6.QtWidgets import QMainWindow, QVBoxLayout, QWidget

    from .gui.caseload_panel import CaseloadPanel
    from .gui.header_bar import HeaderBar

    window = QMainWindow()
    window.setWindowTitle("WorkWell")
    body = QWidget()
    layout = QVBoxLayout(body)
    layout.setContentsMargins(0, 0, 0, 0)
    header = HeaderBar()
    panel = CaseloadPanel()
    store = ctx.get("store")
    if store is not None:
        header.signed_in(store.coach_name, store.coach_role)
        panel.load(store.caseload())
    layout.addWidget(header)
    layout.addWidget(panel, 1)
    window.setCentralWidget(body)
    return window


# ----- running -------------------------------------------------------------------
def run_self_test() -> int:
    """Run every check, one line each; 0 when none failed, 1 otherwise."""
    started = time.perf_counter()
    if sys.stdout is None:
        Path(tempfile.gettempdir(), REPORT_FILE).unlink(missing_ok=True)
    frozen = "bundle" if getattr(sys, "frozen", False) else "source"
    _out(f"WorkWell self-test ({frozen} run, Python {sys.version.split()[0]}, {sys.platform})")
    failed: list[str] = []
    skipped = 0
    with tempfile.TemporaryDirectory(prefix="workwell-selftest-") as tmp:
        ctx: dict = {"tmp": tmp, "windows": []}
        previous_key_store = os.environ.get("WORKWELL_KEY_STORE")
        os.environ["WORKWELL_KEY_STORE"] = "file"  # never touch the real credential store
        try:
            for name, check in CHECKS:
                try:
                    detail = check(ctx)
                except Skipped as exc:
                    skipped += 1
                    _out(f"SKIP  {name}: {exc}")
                except Exception as exc:  # noqa: BLE001 - every fault is reported, none stops the rest
                    failed.append(name)
                    _out(f"FAIL  {name}: {type(exc).__name__}: {exc}")
                    if os.environ.get("WORKWELL_SELFTEST_TRACEBACK"):
                        traceback.print_exc()
                else:
                    _out(f"ok    {name}: {detail}")
        finally:
            for window in ctx["windows"]:
                window.close()
            if ctx.get("store") is not None:
                ctx["store"].close()
            if previous_key_store is None:
                os.environ.pop("WORKWELL_KEY_STORE", None)
            else:
                os.environ["WORKWELL_KEY_STORE"] = previous_key_store
    seconds = time.perf_counter() - started
    if failed:
        _out(f"self-test FAILED ({', '.join(failed)}) in {seconds:.1f} s")
        return 1
    _out(f"self-test passed: {len(CHECKS) - skipped} checks ok, {skipped} skipped, in {seconds:.1f} s")
    return 0


def show_main_window_and_exit(started: float) -> int:
    """Show the main window, print the seconds since ``started`` once it has painted, exit 0.

    ``WORKWELL_EXIT_AFTER_SHOWN=1`` makes the bundle's entry point call this: the
    cold-start figure of ``bench/bench_bundle.py``. The window opens on an empty
    throwaway data folder (the set-up screen) so the figure does not depend on a
    coach's data.
    """
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "workwell"])

    class FirstPaint(QObject):
        def eventFilter(self, watched, event):  # noqa: N802 - Qt's name
            if event.type() == QEvent.Type.Paint and not self.property("seen"):
                self.setProperty("seen", True)
                # After this paint has been handled: the window is on screen.
                QTimer.singleShot(0, shown)
            return False

    def shown() -> None:
        _out(f"main window shown after {time.perf_counter() - started:.3f} s")
        app.quit()

    with tempfile.TemporaryDirectory(prefix="workwell-coldstart-") as tmp:
        ctx: dict = {"tmp": tmp, "windows": []}
        window, _how = build_main_window(ctx)
        watcher = FirstPaint(window)
        window.installEventFilter(watcher)
        window.resize(1100, 720)
        window.show()
        QTimer.singleShot(30_000, app.quit)  # never hang a benchmark
        app.exec()
        window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(run_self_test())
