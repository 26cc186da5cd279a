"""init, the passphrase sources, and every store error as a message with exit 2."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from workwell_desktop.cli import commands

PASSPHRASE = "correct horse battery staple"  # as in tests/conftest.py


def test_init_creates_the_database_and_says_where_the_key_is(admin, data_dir, open_store):
    result = admin("init", "--coach-name", "Alex Coach", "--role", "team_lead")
    assert result.code == 0, result.err
    assert "a key file protected by your passphrase" in result.out
    assert (data_dir / "workwell.db").exists() and (data_dir / "key.json").exists()
    assert oct(data_dir.stat().st_mode & 0o777) == "0o700"
    store = open_store()
    assert (store.coach_name, store.coach_role) == ("Alex Coach", "team_lead")
    store.close()


def test_init_twice_is_refused_and_changes_nothing(initialised, data_dir):
    before = (data_dir / "workwell.db").read_bytes()
    result = initialised("init", "--coach-name", "Someone Else")
    assert result.code == 1
    assert "already holds a WorkWell database" in result.err
    assert (data_dir / "workwell.db").read_bytes() == before


def test_coach_name_from_the_environment(admin, open_store, monkeypatch):
    monkeypatch.setenv("WORKWELL_COACH_NAME", "Robin Coach")
    assert admin("init").code == 0
    store = open_store()
    assert store.coach_name == "Robin Coach"
    store.close()


def test_weak_passphrase_is_refused_before_anything_is_written(admin, data_dir, monkeypatch):
    monkeypatch.setenv("WORKWELL_PASSPHRASE", "short")
    result = admin("init")
    assert result.code == 2
    assert "at least" in result.err and "Traceback" not in result.err
    assert not data_dir.exists()


def test_passphrase_read_from_stdin_when_not_a_terminal(admin, data_dir, monkeypatch):
    monkeypatch.delenv("WORKWELL_PASSPHRASE")
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSPHRASE + "\n"))
    assert admin("init", "--coach-name", "Alex Coach").code == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSPHRASE + "\r\n"))
    assert admin("verify-audit").code == 0


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_passphrase_prompted_twice_on_a_terminal_for_init(admin, data_dir, monkeypatch):
    monkeypatch.delenv("WORKWELL_PASSPHRASE")
    monkeypatch.setattr(sys, "stdin", _Terminal())
    prompts = []
    answers = iter([PASSPHRASE, PASSPHRASE + " typo"])
    monkeypatch.setattr(commands.getpass, "getpass", lambda prompt: prompts.append(prompt) or next(answers))
    result = admin("init", "--coach-name", "Alex Coach")
    assert result.code == 2 and "not the same" in result.err
    assert len(prompts) == 2 and not data_dir.exists()
    answers = iter([PASSPHRASE, PASSPHRASE])
    assert admin("init", "--coach-name", "Alex Coach").code == 0
    assert PASSPHRASE not in result.out + result.err


def test_no_passphrase_at_all(initialised, monkeypatch):
    monkeypatch.delenv("WORKWELL_PASSPHRASE")
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    result = initialised("verify-audit")
    assert result.code == 2 and "No passphrase was given" in result.err


def test_wrong_passphrase_is_a_message_not_a_traceback(initialised, monkeypatch):
    monkeypatch.setenv("WORKWELL_PASSPHRASE", "not the right passphrase")
    # sync opens the store on a thread while it imports its engine (commands.start_unlock)
    for command in (["verify-audit"], ["caseload"], ["demo-data", "--clients", "1"], ["sync"]):
        result = initialised(*command)
        assert result.code == 2
        assert "passphrase is not right" in result.err
        assert "Traceback" not in result.err and result.out == ""


@pytest.mark.parametrize("command", ["caseload", "sync"])
def test_not_initialised(admin, data_dir, command):
    result = admin(command)
    assert result.code == 2
    assert "There is no WorkWell database" in result.err and "workwell-admin init" in result.err
    assert not data_dir.exists()  # asking does not create the folder


@pytest.mark.parametrize("command", ["verify-audit", "sync"])
def test_missing_key_file(initialised, data_dir, command):
    (data_dir / "key.json").unlink()
    result = initialised(command)
    assert result.code == 2 and "key file" in result.err and "Traceback" not in result.err


@pytest.mark.parametrize("command", ["verify-audit", "sync"])
def test_unreadable_database(initialised, data_dir, command):
    (data_dir / "workwell.db").write_bytes(os.urandom(8192))
    result = initialised(command)
    assert result.code == 2 and "could not be opened" in result.err and "Traceback" not in result.err


def test_usage_errors_and_help_return_codes(admin, capsys):
    assert admin("demo-data").code == 2
    assert admin("demo-data", "--clients", "0").code == 2
    assert admin("caseload", "--format", "xlsx").code == 2
    help_run = admin("--help")
    assert help_run.code == 0 and "import-referrals" in help_run.out


def _subprocess_env(tmp_path: Path, passphrase: str | None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WORKWELL_")}
    env["WORKWELL_KEY_STORE"] = "file"
    if passphrase:
        env["WORKWELL_PASSPHRASE"] = passphrase
    return env


def test_as_a_module_in_a_subprocess_with_the_passphrase_on_stdin(tmp_path):
    data = tmp_path / "data"
    run = subprocess.run(
        [sys.executable, "-m", "workwell_desktop.cli", "--data-dir", str(data), "init"],
        input=PASSPHRASE + "\n",
        capture_output=True,
        text=True,
        env=_subprocess_env(tmp_path, None),
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert "encrypted WorkWell database" in run.stdout and PASSPHRASE not in run.stdout + run.stderr
    wrong = subprocess.run(
        [sys.executable, "-m", "workwell_desktop.cli", "--data-dir", str(data), "verify-audit"],
        input="the wrong passphrase\n",
        capture_output=True,
        text=True,
        env=_subprocess_env(tmp_path, None),
        timeout=60,
    )
    assert wrong.returncode == 2
    assert "passphrase is not right" in wrong.stderr and "Traceback" not in wrong.stderr


def test_the_installed_entry_point(tmp_path):
    script = Path(sys.executable).parent / "workwell-admin"
    if not script.exists():
        pytest.skip("workwell-admin is not installed in this environment")
    data = tmp_path / "data"
    env = _subprocess_env(tmp_path, PASSPHRASE)
    for args, code in (
        (["init", "--coach-name", "Alex Coach"], 0),
        (["init"], 1),
        (["demo-data", "--clients", "5", "--seed", "1"], 0),
        (["verify-audit"], 0),
    ):
        run = subprocess.run(
            [str(script), "--data-dir", str(data), *args], capture_output=True, text=True, env=env, timeout=60
        )
        assert run.returncode == code, run.stderr
        assert "Traceback" not in run.stderr


def test_a_sync_that_stops_while_unlocking_still_closes_the_store(initialised, monkeypatch):
    """sync opens the store on a thread while it imports its engine (commands.start_unlock);
    when the imports fail (a broken install, or Ctrl-C) the store is closed once it is open,
    so its key does not stay in memory."""
    import threading

    import workwell_desktop.sync
    from workwell_desktop.store import Store

    opened, closed = [], threading.Event()
    real_open, real_close = Store.open.__func__, Store.close

    def open_on(cls, *args):
        opened.append(threading.current_thread() is threading.main_thread())
        return real_open(cls, *args)

    def close(self):
        real_close(self)
        closed.set()

    monkeypatch.setattr(Store, "open", classmethod(open_on))
    monkeypatch.setattr(Store, "close", close)
    monkeypatch.delattr(workwell_desktop.sync, "engine", raising=False)
    monkeypatch.setitem(sys.modules, "workwell_desktop.sync.engine", None)  # the import fails
    result = initialised("sync")
    assert result.code == 2 and "something unexpected went wrong" in result.err
    assert opened == [False]  # opened on the unlock thread
    assert closed.wait(10), "the store opened for the sync was never closed"


# The store opens slowly (as in a migration); a file says when the open has begun.
_SLOW_OPEN = """
import sys, time
from pathlib import Path
from workwell_desktop.store import Store
opening, began = Store.open.__func__, Path(sys.argv[-1])
def slow(cls, data_dir, passphrase):
    began.write_text("opening")
    time.sleep(2)
    return opening(cls, data_dir, passphrase)
Store.open = classmethod(slow)
sys.argv = sys.argv[:-1]
from workwell_desktop.cli import run
run()
"""


def test_ctrl_c_while_the_store_opens_is_one_line_however_often_pressed(initialised, data_dir, tmp_path):
    """A coach presses Ctrl-C during ``sync``'s unlock, and again while the process waits for
    the open to end (it is never cut off): "stopped.", exit 130, no traceback; the store
    still opens afterwards."""
    import signal
    import time

    began = tmp_path / "began"
    proc = subprocess.Popen(
        [sys.executable, "-c", _SLOW_OPEN, "--data-dir", str(data_dir), "sync", str(began)],
        env=_subprocess_env(tmp_path, PASSPHRASE),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while not began.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert began.exists(), proc.communicate(timeout=30)
    proc.send_signal(signal.SIGINT)
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=30)
    assert (proc.returncode, err) == (130, "workwell-admin: stopped.\n")
    assert initialised("verify-audit").code == 0


def test_ctrl_c_before_the_command_began_is_one_line_too(monkeypatch, capsys):
    """Ctrl-C in the imports, before the commands' own handling: no traceback either."""
    import workwell_desktop.cli as cli

    def interrupted(argv=None):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "main", interrupted)
    with pytest.raises(SystemExit) as stopped:
        cli.run()
    assert stopped.value.code == 130
    assert capsys.readouterr().err == "workwell-admin: stopped.\n"
