"""Helpers shared by the packaging tests (a uniquely named module: several conftest.py exist)."""

import importlib.util
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
TEST_DIST = ROOT / "build" / "test-bundle"
TEST_WORK = ROOT / "build" / "test-bundle-work"


def load_packaging_module(name: str):
    """packaging/<name>.py by path: `packaging` is also a PyPI package name, so never imported by name."""
    module_name = "workwell_packaging_" + name.replace("/", "_")
    if module_name in sys.modules:
        return sys.modules[module_name]
    spec = importlib.util.spec_from_file_location(module_name, PACKAGING / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


def linked_copy(source: Path, target: Path) -> Path:
    """A copy of a bundle whose files are hard links (fast); replace files, never edit them."""

    def link_or_copy(src, dst):
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    shutil.copytree(source, target, symlinks=True, copy_function=link_or_copy)
    return target


def replace_file(path: Path, data: bytes) -> None:
    """New contents in a new inode, so hard-linked originals keep theirs."""
    path.unlink()
    path.write_bytes(data)
