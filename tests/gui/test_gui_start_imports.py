"""The app reaches its unlock (or set-up) screen without the libraries of work not yet asked
for: reportlab's drawing, openpyxl, pypdf, zxcvbn (at unlock), the server (#15).

A fresh interpreter (``python -c``) builds the window as ``workwell`` does, offscreen, and
lists what it loaded; the libraries load when a letter is rendered, a summary exported,
a passphrase checked. No timings here: bench/bench_start.py prints those.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOT_AT_START = (
    "reportlab.pdfgen",
    "reportlab.platypus",
    "reportlab.pdfbase",
    "openpyxl",
    "pypdf",
    "zxcvbn",
    "fastapi",
    "sqlalchemy",
    "uvicorn",
    "workwell_desktop.gui.client_record",  # the record screens: with the first record opened
)
SHOW_AND_LIST = """
import json, sys
from pathlib import Path
from PySide6.QtWidgets import QApplication
from workwell_desktop.gui.app import build_window, prepare_application, show_main_window
app = QApplication([sys.argv[0], "-platform", "offscreen"])
prepare_application(app)
window = build_window(Path(sys.argv[1]))
show_main_window(window)
app.processEvents()
print(json.dumps({"screen": type(window.stack.currentWidget()).__name__, "modules": sorted(sys.modules)}))
"""


def shown_and_loaded(data_dir: Path) -> tuple[str, set[str]]:
    done = subprocess.run(
        [sys.executable, "-c", SHOW_AND_LIST, str(data_dir)],
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return result["screen"], set(result["modules"])


@pytest.mark.parametrize("set_up", [True, False])
def test_the_first_screen_loads_no_pdf_spreadsheet_strength_or_server_library(store, data_dir, set_up):
    store.close()
    folder = data_dir if set_up else data_dir.parent / "not-set-up"
    screen, loaded = shown_and_loaded(folder)
    assert screen == ("UnlockScreen" if set_up else "SetupScreen")
    # Set-up checks the passphrase as it is typed: zxcvbn is its work, not the unlock's.
    not_yet = NOT_AT_START if set_up else tuple(m for m in NOT_AT_START if m != "zxcvbn")
    assert sorted(m for m in loaded if m.startswith(not_yet)) == []
