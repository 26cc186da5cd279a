"""`--self-test` from a source checkout: every check passes, and a failure is named with exit 1.
The Qt-free checks are workwell_desktop.selftest; `workwell --self-test` is gui.selftest (them,
then the main window)."""

import os
import subprocess
import sys

from workwell_desktop import selftest


def test_self_test_passes_in_a_source_run(tmp_path):
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        WORKWELL_POLICY_FILE=str(tmp_path / "policy.json"),
        WORKWELL_SETTINGS_FILE=str(tmp_path / "settings.json"),
    )
    result = subprocess.run(
        [sys.executable, "-m", "workwell_desktop.gui.selftest"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok    main window:" in result.stdout and "ok    letter PDF:" in result.stdout
    assert result.stdout.startswith("WorkWell self-test (source run")
    assert "self-test passed" in result.stdout
    assert "FAIL" not in result.stdout
    assert not (tmp_path / "settings.json").exists()  # reads settings, never writes them


def test_a_failing_check_is_named_and_exits_non_zero(monkeypatch, capsys):
    def broken(ctx):
        raise AssertionError("the instruments folder is empty")

    def skipped(ctx):
        raise selftest.Skipped("not in this build")

    monkeypatch.setattr(
        selftest,
        "CHECKS",
        [("instrument scoring", broken), ("letter PDF", skipped), ("resources", selftest.check_resources)],
    )
    assert selftest.run_self_test() == 1
    out = capsys.readouterr().out
    assert "FAIL  instrument scoring: AssertionError: the instruments folder is empty" in out
    assert "SKIP  letter PDF: not in this build" in out
    assert "ok    resources:" in out
    assert "self-test FAILED (instrument scoring)" in out


def test_self_test_never_leaves_the_key_store_override_behind(monkeypatch):
    monkeypatch.delenv("WORKWELL_KEY_STORE", raising=False)
    monkeypatch.setattr(selftest, "CHECKS", [("resources", selftest.check_resources)])
    assert selftest.run_self_test() == 0
    assert "WORKWELL_KEY_STORE" not in os.environ


def test_the_qt_free_self_test_runs_without_qt(tmp_path):
    """The headless half imports no Qt (a workwell-admin bundle has none) and still passes."""
    env = dict(
        os.environ,
        WORKWELL_POLICY_FILE=str(tmp_path / "policy.json"),
        WORKWELL_SETTINGS_FILE=str(tmp_path / "settings.json"),
    )
    code = (
        "import sys; from workwell_desktop.selftest import run_self_test; code = run_self_test(); "
        "assert not [m for m in sys.modules if m.startswith('PySide6')], 'Qt imported'; "
        "raise SystemExit(code)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "main window" not in result.stdout and "self-test passed" in result.stdout
