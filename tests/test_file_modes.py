"""Every folder the app makes is 0700 and every file it writes 0600, whatever the umask;
every entry point sets umask 077 and switches core dumps off (HAZ-065)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from workwell_desktop import logs
from workwell_desktop.store import Store

PASSPHRASE = "correct horse battery staple"
FIXTURES = Path(__file__).parent / "store" / "fixtures"
posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")


def mode(path: Path) -> str:
    return oct(path.stat().st_mode & 0o777)


@pytest.fixture
def loose_umask():
    """The usual desktop umask (022), under which a plain mkdir gives 0755 and a file 0644."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@posix_only
def test_the_app_makes_its_data_folder_0700_when_it_starts_logging(tmp_path, loose_umask):
    data_dir = tmp_path / "NHS" / "WorkWell"  # the GUI configures logs before anything else
    logs.configure(data_dir)
    assert mode(data_dir) == mode(data_dir / "logs") == "0o700"
    assert mode(data_dir / "logs" / "workwell.log") == "0o600"


@posix_only
def test_a_data_folder_made_0755_by_an_older_version_is_tightened(tmp_path, loose_umask, monkeypatch):
    monkeypatch.setenv("WORKWELL_KEY_STORE", "file")
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    assert mode(data_dir) == "0o755"
    Store.create(data_dir, PASSPHRASE, "Alex Coach").close()
    assert mode(data_dir) == "0o700"
    os.chmod(data_dir, 0o755)
    Store.open(data_dir, PASSPHRASE).close()
    assert mode(data_dir) == "0o700"
    for path in data_dir.iterdir():
        if path.is_file():
            assert mode(path) == "0o600", path.name


@posix_only
def test_backups_before_a_migration_are_0700_and_0600(tmp_path, loose_umask, monkeypatch):
    monkeypatch.setenv("WORKWELL_KEY_STORE", "file")
    folder = tmp_path / "old"
    shutil.copytree(FIXTURES / "schema-v1", folder)
    Store.open(folder, "fixture passphrase for tests").close()
    backups = folder / "backups"
    assert mode(backups) == "0o700"
    copies = list(backups.iterdir())
    assert copies and all(mode(p) == "0o600" for p in copies)


@posix_only
@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf"])
def test_summary_exports_are_written_0600(store, tmp_path, loose_umask, fmt):
    from workwell_desktop.reports.export import export_summary

    out = tmp_path / f"summary.{fmt}"
    export_summary(store, "2026-W47", fmt, out)
    assert out.stat().st_size > 0 and mode(out) == "0o600"
    out.write_bytes(b"old")
    os.chmod(out, 0o644)  # a file of the same name that was there before
    export_summary(store, "2026-W47", fmt, out)
    assert mode(out) == "0o600"


HARDENED = """
import ctypes, os, resource, sys
sys.argv = ["x"]
from workwell_desktop.hardening import harden_process
harden_process()
libc = ctypes.CDLL(None)
print(oct(os.umask(0)), resource.getrlimit(resource.RLIMIT_CORE), libc.prctl(3, 0, 0, 0, 0))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl and RLIMIT_CORE are Linux")
def test_harden_process_sets_umask_077_and_switches_core_dumps_off():
    result = subprocess.run(
        [sys.executable, "-c", HARDENED], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.split() == ["0o77", "(0,", "0)", "0"]  # umask, no core size, not dumpable


@pytest.mark.parametrize(
    "entry",
    [
        "workwell_desktop.cli:main",
        "workwell_desktop.server.cli:main",
        "workwell_desktop.gui.app:main",
    ],
)
def test_every_entry_point_hardens_the_process_first(entry, monkeypatch):
    import importlib

    module_name, function = entry.split(":")
    module = importlib.import_module(module_name)
    calls = []

    class Stop(Exception):
        pass

    def record():
        calls.append(entry)
        raise Stop  # before anything else runs

    monkeypatch.setattr(module, "harden_process", record)
    with pytest.raises(Stop):
        getattr(module, function)(["--help"])
    assert calls == [entry]


def test_the_bundle_and_uvicorn_factory_entry_points_harden_too():
    root = Path(__file__).resolve().parents[1]
    assert "harden_process()" in (root / "packaging" / "entry_workwell.py").read_text()
    import inspect

    from workwell_desktop.server.app import app_from_environment

    assert "harden_process()" in inspect.getsource(app_from_environment)
