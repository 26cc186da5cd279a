"""Which folder may import what (README "Architecture"), and Qt only in gui/.

The rules are checked on the source (every ``import`` of ours, at any depth in the module,
lazy ones included), and the Qt rule also by importing every non-GUI module in a fresh
interpreter, so a transitive import through a third module is caught too.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "workwell_desktop"

# Folder (or top-level module) -> what of ours it may import. gui/ may import anything.
MAY_IMPORT = {
    "domain": set(),
    "instruments": {"domain", "paths"},
    "documents": {"domain", "paths"},
    "store": {"domain", "instruments", "hardening", "passphrase_strength"},
    "services": {"domain", "instruments", "documents", "store", "hardening", "paths"},
    "sync": {"domain", "store", "settings", "hardening"},
    "reports": {"domain", "instruments", "documents", "store", "hardening", "paths"},
    "server": {"domain", "sync", "hardening", "passphrase_strength"},
    "cli": {
        "domain",
        "instruments",
        "documents",
        "store",
        "services",
        "sync",
        "reports",
        "hardening",
        "logs",
        "paths",
        "settings",
        "passphrase_strength",
        "selftest",
    },
    "paths": set(),
    "hardening": set(),
    "passphrase_strength": set(),
    "logs": {"hardening"},
    "settings": {"paths", "sync", "hardening"},
    "selftest": {"domain", "instruments", "documents", "store", "services", "settings", "paths"},
}
# Known exceptions, each with its reason; the list should only shrink.
EXCEPTIONS = {
    # The caseload's risk marker needs the service's risk_marker_days from its safety file,
    # which services.safety reads; a lazy import inside the one function that needs it.
    ("store/caseload.py", "services"),
}


def _ours(path: Path) -> set[str]:
    """The top-level parts of workwell_desktop this file imports."""
    parts = ["workwell_desktop", *path.relative_to(PACKAGE).parts[:-1]]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = parts[: len(parts) - node.level + 1]
            target = [*base, *(node.module.split(".") if node.module else [])]
            if len(target) > 1:
                found.add(target[1])
            else:
                found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("workwell_desktop."):
            found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("workwell_desktop."))
    return found


def test_each_folder_imports_only_what_it_may():
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        layer = rel.parts[0] if len(rel.parts) > 1 else rel.stem
        if layer in ("gui", "__init__", "__main__"):
            continue
        assert layer in MAY_IMPORT, f"{rel}: a new folder or module; add its rule here and to the README"
        for target in _ours(path) - MAY_IMPORT[layer] - {layer}:
            if (rel.as_posix(), target) not in EXCEPTIONS:
                wrong.append(f"{rel} imports {target}")
    assert wrong == []


def test_no_module_outside_gui_imports_qt_when_imported():
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] == "gui" or rel.parts[:2] == ("server", "migrations") or rel.stem == "__main__":
            continue  # the GUI; Alembic's scripts run only inside Alembic; __main__ runs the program
        module = ".".join(("workwell_desktop", *rel.with_suffix("").parts))
        names.append(module.removesuffix(".__init__"))
    code = (
        "import importlib, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        "    if any(m == 'PySide6' or m.startswith('PySide6.') for m in sys.modules):\n"
        "        raise SystemExit(f'{name} imports Qt')\n"
        "print(len(sys.modules))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert len(names) > 60
