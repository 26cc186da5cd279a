"""Policy always wins (HAZ-061): for every setting, a value the organisation's policy fixes
cannot be changed by user settings, installer defaults, arguments or the environment; the
idle lock may only be made shorter. The policy file's place is fixed in an installed build.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from workwell_desktop import settings as settings_module
from workwell_desktop.settings import SPECS, SettingManaged, Settings, load_settings, policy_file_path

# One row per setting: (policy value, a different value from below the policy, the default)
VALUES = {
    "server_url": ("https://sync.workwell.example.nhs.uk", "https://elsewhere.example.org", ""),
    "idle_lock_minutes": (10, 60, 10),
    "service_name": ("Furness WorkWell", "Somewhere Else", "North Cumbria WorkWell Service"),
    "proxy_url": ("http://proxy.example.nhs.uk:8080", "http://127.0.0.1:9", ""),
    "server_ca_file": ("/etc/workwell/service-ca.pem", "/home/coach/my-ca.pem", ""),
}


def test_the_table_covers_every_setting():
    assert set(VALUES) == set(SPECS)


@pytest.fixture
def files(tmp_path, monkeypatch):
    policy, user = tmp_path / "policy.json", tmp_path / "settings.json"
    monkeypatch.setenv("WORKWELL_POLICY_FILE", str(policy))
    monkeypatch.setenv("WORKWELL_SETTINGS_FILE", str(user))
    return policy, user


@pytest.mark.parametrize("key", sorted(VALUES))
def test_policy_wins_over_user_settings_and_installer_defaults(key, files):
    fixed, other, _default = VALUES[key]
    policy, user = files
    policy.write_text(json.dumps({key: fixed}))
    user.write_text(json.dumps({key: other}))
    settings = load_settings()
    assert settings.get(key) == fixed and settings.is_managed(key) and settings.source(key) == "policy"
    with pytest.raises(SettingManaged):
        settings.set_user(key, other)
    assert settings.get(key) == fixed
    under_installer = load_settings(registry={}, installer_defaults={SPECS[key].registry_name: str(other)})
    assert under_installer.get(key) == fixed  # machine policy > installer defaults


@pytest.mark.parametrize("key", sorted(VALUES))
def test_the_registry_policy_wins_for_every_setting(key, files):
    fixed, other, _default = VALUES[key]
    files[0].write_text(json.dumps({key: other}))
    files[1].write_text(json.dumps({key: other}) if SPECS[key].user_may_set else "{}")
    settings = load_settings(registry={SPECS[key].registry_name: str(fixed)})
    assert settings.get(key) == fixed


@pytest.mark.parametrize("key", sorted(VALUES))
def test_without_a_policy_the_layers_apply_in_order(key, files):
    fixed, other, default = VALUES[key]
    settings = Settings({}, {key: other} if SPECS[key].user_may_set else {}, files[1])
    assert settings.get(key) == (other if SPECS[key].user_may_set else default)
    files[1].write_text(json.dumps({key: other}))
    installed = load_settings(registry={}, installer_defaults={SPECS[key].registry_name: str(fixed)})
    assert installed.get(key) == fixed  # installer defaults > user settings
    with pytest.raises(SettingManaged):
        installed.set_user(key, other)


def test_the_idle_lock_may_only_be_shortened_below_the_policy(files):
    policy, user = files
    policy.write_text(json.dumps({"idle_lock_minutes": 10}))
    user.write_text(json.dumps({"idle_lock_minutes": 5}))
    settings = load_settings()
    assert settings.get("idle_lock_minutes") == 5 and settings.source("idle_lock_minutes") == "user"
    with pytest.raises(SettingManaged, match="at most 10"):
        settings.set_user("idle_lock_minutes", 11)
    assert settings.set_user("idle_lock_minutes", 3) == 3
    user.write_text(json.dumps({"idle_lock_minutes": 60}))  # edited by hand
    assert load_settings().get("idle_lock_minutes") == 10


@pytest.mark.parametrize(
    ("requested", "expected"),
    [(None, 10), (5, 5), (0.5, 0.5), (0, 10), (-1, 10), (11, 10), (600, 10), (float("nan"), 10)],
)
def test_arguments_and_environment_may_only_shorten_the_policy_idle_lock(files, requested, expected):
    files[0].write_text(json.dumps({"idle_lock_minutes": 10}))
    assert load_settings().idle_lock_minutes(requested) == expected


def test_without_a_policy_the_idle_lock_can_never_be_switched_off(files):
    settings = load_settings()
    assert settings.idle_lock_minutes(0) == 10 and settings.idle_lock_minutes(600) == 10
    assert settings.idle_lock_minutes(30) == 30


def test_the_app_applies_it_to_the_real_window(qtbot, files, monkeypatch, tmp_path):
    from workwell_desktop.gui.app import build_window, parse_arguments

    files[0].write_text(json.dumps({"idle_lock_minutes": 10}))
    monkeypatch.setenv("WORKWELL_IDLE_LOCK_MINUTES", "0")  # "turn it off"
    args = parse_arguments(["--data-dir", str(tmp_path / "d")])
    window = build_window(args.data_dir, args.idle_lock_minutes)
    qtbot.addWidget(window)
    assert window.idle_lock.minutes == 10
    monkeypatch.setenv("WORKWELL_IDLE_LOCK_MINUTES", "600")
    again = parse_arguments(["--data-dir", str(args.data_dir)])
    window = build_window(again.data_dir, again.idle_lock_minutes)
    qtbot.addWidget(window)
    assert window.idle_lock.minutes == 10
    with pytest.raises(SystemExit):
        parse_arguments(["--idle-lock-minutes", "0"])
    window = build_window(args.data_dir, parse_arguments(["--idle-lock-minutes", "2"]).idle_lock_minutes)
    qtbot.addWidget(window)
    assert window.idle_lock.minutes == 2


def test_an_installed_build_ignores_the_policy_file_hook(files, monkeypatch):
    assert policy_file_path() == files[0]  # the documented test-only hook, in a source run
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    if sys.platform == "win32":
        monkeypatch.setenv("ProgramData", str(files[0].parent))  # a coach's own value is not used
        assert policy_file_path().parts[-3:] == ("NHS", "WorkWell", "policy.json")
        assert files[0].parent not in policy_file_path().parents
    else:
        assert policy_file_path() == Path("/etc/workwell/policy.json")


def test_an_installed_build_always_reads_the_registry_policy(files, monkeypatch):
    read = []
    monkeypatch.setattr(
        settings_module, "read_policy_registry", lambda: read.append(1) or {"IdleLockMinutes": "7"}
    )
    monkeypatch.setattr(settings_module, "read_installer_defaults_registry", lambda: {})
    assert load_settings().get("idle_lock_minutes") == 10 and read == []  # the test-suite's hook
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert load_settings().get("idle_lock_minutes") == 7 and read == [1]  # WORKWELL_POLICY_FILE set
