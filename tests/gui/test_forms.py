"""The Qt Designer forms: every ui/*.ui is compiled, the committed compiled file is what
pyside6-uic makes of it now (nobody edited it by hand, nobody forgot to recompile), and
every compiled form is used by a screen."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORMS = ROOT / "workwell_desktop" / "gui" / "forms"


def test_every_form_compiled_and_up_to_date():
    sources = sorted(p.stem for p in (ROOT / "ui").glob("*.ui"))
    compiled = sorted(p.stem.removeprefix("ui_") for p in FORMS.glob("ui_*.py"))
    assert sources and compiled == sources
    done = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "build_forms.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    for path in FORMS.glob("ui_*.py"):
        assert "DO NOT EDIT" in path.read_text(encoding="utf-8").splitlines()[0]


def test_every_form_is_used_by_a_screen():
    code = "\n".join(
        p.read_text(encoding="utf-8")
        for p in (ROOT / "workwell_desktop" / "gui").rglob("*.py")
        if p.parent != FORMS
    )
    for path in FORMS.glob("ui_*.py"):
        assert f"forms.{path.stem} import" in code, path.name
