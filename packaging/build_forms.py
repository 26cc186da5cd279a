"""Compile the Qt Designer forms in ui/ into workwell_desktop/gui/forms/ui_<name>.py.

    python packaging/build_forms.py [--check] [ui/NAME.ui ...]

Only a form whose .ui is newer than its Python (or has none) is compiled; make runs this
before `make run`, `make test` and `make package`. The compiled files are committed too,
so a plain `pip install`, pytest run on its own and the Windows bundle job (which does not
run make) have them; --check exits 1 naming any that differ from a fresh compile
(tests/gui/test_forms.py runs it).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "ui"
FORMS = ROOT / "workwell_desktop" / "gui" / "forms"
HEADER = (
    "# Generated from ui/{name} by packaging/build_forms.py: DO NOT EDIT.\n"
    "# Change the form in Qt Designer (ui/{name}); make recompiles it when the .ui is newer.\n"
)


def _uic() -> str:
    beside = Path(sys.executable).with_name("pyside6-uic")
    for candidate in (beside, beside.with_suffix(".exe")):
        if candidate.exists():
            return str(candidate)
    found = shutil.which("pyside6-uic")
    if found is None:
        raise SystemExit("pyside6-uic not found: install the project's dependencies (make test does)")
    return found


def target(source: Path) -> Path:
    return FORMS / f"ui_{source.stem}.py"


def compiled(source: Path) -> str:
    code = subprocess.run(
        [_uic(), "--generator", "python", str(source)], check=True, capture_output=True, text=True
    ).stdout
    # uic names its own version in a comment; leave it out so the file depends on the form only.
    body = "".join(
        line for line in code.splitlines(keepends=True) if "Created by: Qt User Interface" not in line
    )
    return HEADER.format(name=source.name) + body


def main(arguments: list[str]) -> int:
    check = "--check" in arguments
    sources = [Path(a).resolve() for a in arguments if a != "--check"] or sorted(SOURCES.glob("*.ui"))
    stale = []
    for source in sources:
        out = target(source)
        if check:
            if not out.exists() or out.read_text(encoding="utf-8") != compiled(source):
                stale.append(out.name)
            continue
        if out.exists() and out.stat().st_mtime >= source.stat().st_mtime:
            continue
        out.write_text(compiled(source), encoding="utf-8")
        print(f"compiled {source.relative_to(ROOT)} -> {out.relative_to(ROOT)}")
    if stale:
        print("out of date (run python packaging/build_forms.py): " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
