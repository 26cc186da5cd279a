"""``workwell-admin sync`` starts fast: it loads only what a sync needs (#15).

Each case runs the real command in a fresh interpreter (``python -c``), so the whole import
graph counts, lazy imports included, and then lists what it loaded. No timings here:
bench/bench_start.py prints those.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from workwell_desktop.store import Store, replica

ROOT = Path(__file__).resolve().parents[2]
# Libraries of other commands (PDFs, spreadsheets, the letters), the GUI and the server.
NEVER_FOR_SYNC = ("reportlab", "openpyxl", "pypdf", "PySide6", "fastapi", "sqlalchemy", "uvicorn", "zxcvbn")
RUN_AND_LIST = """
import json, sys
from workwell_desktop.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def run_and_list(*argv: str, passphrase: str = "") -> tuple[int, str, set[str], set[str]]:
    """Exit code, standard error, the top-level packages loaded and every module loaded."""
    env = {**os.environ, "WORKWELL_PASSPHRASE": passphrase, "WORKWELL_KEY_STORE": "file"}
    done = subprocess.run(
        [sys.executable, "-c", RUN_AND_LIST, *argv],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    modules = set(result["modules"])
    return result["code"], done.stderr, {name.split(".")[0] for name in modules}, modules


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens once the socket is closed


@pytest.fixture
def registered(data_dir, passphrase):
    """A laptop registered with a server that is not there: sync unlocks, builds its request
    and fails to connect (exit 2), which is the whole sync path but the reply."""
    store = Store.create(data_dir, passphrase, "Alex Coach")
    replica.set_settings(store, sync_token="token", server_url=f"http://127.0.0.1:{closed_port()}")
    store.close()
    return data_dir


def test_sync_loads_no_pdf_spreadsheet_gui_or_server_library(registered, passphrase):
    code, err, loaded, _modules = run_and_list("--data-dir", str(registered), "sync", passphrase=passphrase)
    assert code == 2 and "No connection to the WorkWell server" in err  # unlocked, then tried
    assert sorted(loaded & set(NEVER_FOR_SYNC)) == []
    assert "keyring" not in loaded  # the key is in key.json: the credential store is never asked


def test_sync_loads_none_of_the_team_summary_but_its_definitions(registered, passphrase):
    """The summary command is registered on the same parser as sync; only the names its
    options offer (reports.definitions) may load, not the figures or the exporters."""
    code, _err, _loaded, modules = run_and_list("--data-dir", str(registered), "sync", passphrase=passphrase)
    assert code == 2
    reports = sorted(name for name in modules if name.startswith("workwell_desktop.reports"))
    assert reports == ["workwell_desktop.reports", "workwell_desktop.reports.definitions"]


def test_help_loads_no_sync_client(tmp_path):
    code, _err, loaded, _modules = run_and_list("--help")
    assert code == 0
    assert sorted(loaded & {*NEVER_FOR_SYNC, "httpx", "pydantic", "keyring"}) == []


def test_the_entry_point_itself_loads_no_database_or_sync_client():
    """``cli.main`` starts a sync's early connection before the command's imports, so the
    package it lives in must stay light (sync.early_connect)."""
    code = "import sys, workwell_desktop.cli; print(sorted(sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    loaded = {name.split(".")[0] for name in json.loads(done.stdout.replace("'", '"'))}
    assert sorted(loaded & {"sqlcipher3", "httpx", "httpcore", "pydantic", "platformdirs"}) == []


@pytest.mark.parametrize(
    "words, expected",
    [
        (["--data-dir", "/d", "sync"], "/d"),
        (["--data-dir=/d", "sync"], "/d"),
        (["sync"], "/from-env"),
        (["--data-dir", "/d", "init"], None),
        (["--data-dir"], None),
        (["--data", "/d", "sync"], None),  # argparse's abbreviation: only the head start is lost
        ([], None),
    ],
)
def test_the_early_connection_reads_a_sync_command_line(words, expected, monkeypatch):
    from workwell_desktop.cli import _sync_data_dir

    monkeypatch.setenv("WORKWELL_DATA_DIR", "/from-env")
    found = _sync_data_dir(words)
    assert (None if found is None else str(found)) == expected
