"""Settings: the organisation's policy over the coach's own settings over defaults.

Also the settings dialog, offscreen, rendered to renders/settings.png for a person to look at.
"""

import json
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt is imported anywhere

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from workwell_desktop.settings import (  # noqa: E402
    DEFAULTS,
    SettingError,
    SettingManaged,
    load_settings,
    policy_file_path,
    user_settings_path,
)

RENDERS = Path(__file__).resolve().parents[1] / "renders"


@pytest.fixture
def files(tmp_path, monkeypatch):
    policy = tmp_path / "policy.json"
    user = tmp_path / "user" / "settings.json"
    monkeypatch.setenv("WORKWELL_POLICY_FILE", str(policy))
    monkeypatch.setenv("WORKWELL_SETTINGS_FILE", str(user))
    return policy, user


def write(path: Path, body) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body if isinstance(body, str) else json.dumps(body), encoding="utf-8")


def test_defaults_when_there_are_no_files(files):
    settings = load_settings()
    assert settings.as_dict() == DEFAULTS
    assert settings.get("idle_lock_minutes") == 10
    assert settings.get("service_name") == "North Cumbria WorkWell Service"
    assert settings.get("server_url") == ""
    assert not any(settings.is_managed(key) for key in DEFAULTS)
    assert settings.problems == []


def test_policy_over_user_over_default(files):
    policy, user = files
    write(policy, {"server_url": "https://sync.workwell.example.nhs.uk/", "format": 1})
    write(user, {"server_url": "https://elsewhere.example.org", "idle_lock_minutes": 15})
    settings = load_settings()
    assert settings.get("server_url") == "https://sync.workwell.example.nhs.uk"  # policy; trailing / tidied
    assert settings.source("server_url") == "policy"
    assert settings.get("idle_lock_minutes") == 15
    assert settings.source("idle_lock_minutes") == "user"
    assert settings.get("service_name") == DEFAULTS["service_name"]
    assert settings.source("service_name") == "default"
    assert settings.is_managed("server_url") and not settings.is_managed("idle_lock_minutes")


def test_managed_setting_is_refused_and_nothing_is_written(files):
    policy, user = files
    write(policy, {"idle_lock_minutes": 5, "service_name": "Furness WorkWell"})
    settings = load_settings()
    with pytest.raises(SettingManaged, match="managed by your organisation"):
        settings.set_user("service_name", "Elsewhere")
    with pytest.raises(SettingManaged, match="allows at most 5"):  # the lock may only be shortened
        settings.set_user("idle_lock_minutes", 30)
    assert settings.get("idle_lock_minutes") == 5
    assert not user.exists()


def test_user_setting_is_saved_and_read_back(files):
    _policy, user = files
    settings = load_settings()
    assert settings.set_user("idle_lock_minutes", "20") == 20  # text from a field becomes a number
    settings.set_user("service_name", "  West Cumbria   WorkWell ")
    assert json.loads(user.read_text()) == {"idle_lock_minutes": 20, "service_name": "West Cumbria WorkWell"}
    again = load_settings()
    assert again.get("idle_lock_minutes") == 20
    assert again.get("service_name") == "West Cumbria WorkWell"
    again.reset_user("idle_lock_minutes")
    assert load_settings().get("idle_lock_minutes") == 10
    assert not list(user.parent.glob(".settings-*"))  # no temporary file left behind


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("idle_lock_minutes", 0, "from 1 to 120"),
        ("idle_lock_minutes", 121, "from 1 to 120"),
        ("idle_lock_minutes", "ten", "whole number"),
        ("idle_lock_minutes", True, "whole number"),
        ("server_url", "http://sync.example.org", "https://"),
        ("server_url", "workwell", "https://"),
        ("service_name", "   ", "cannot be blank"),
        ("colour", "blue", "no setting called 'colour'"),
    ],
)
def test_bad_values_are_refused_with_a_clear_message(files, key, value, message):
    settings = load_settings()
    with pytest.raises(SettingError, match=message):
        settings.set_user(key, value)
    assert not files[1].exists()


def test_plain_http_is_allowed_only_for_this_computer(files):
    settings = load_settings()
    assert settings.set_user("server_url", "http://127.0.0.1:8000") == "http://127.0.0.1:8000"


def test_broken_policy_file_is_reported_and_ignored(files):
    policy, user = files
    write(policy, '{"server_url": "https://sync.example.nhs.uk",')  # cut short
    write(user, {"idle_lock_minutes": 25})
    settings = load_settings()
    assert settings.get("server_url") == ""
    assert not settings.is_managed("server_url")
    assert settings.get("idle_lock_minutes") == 25
    assert len(settings.problems) == 1
    assert "policy file" in settings.problems[0] and "not valid JSON" in settings.problems[0]
    assert str(policy) in settings.problems[0]


def test_one_bad_policy_value_leaves_the_others_in_force(files):
    policy, _user = files
    write(policy, {"idle_lock_minutes": 500, "server_url": "https://sync.example.nhs.uk", "theme": "dark"})
    settings = load_settings()
    assert settings.get("idle_lock_minutes") == 10 and not settings.is_managed("idle_lock_minutes")
    assert settings.is_managed("server_url")
    assert any("from 1 to 120" in p for p in settings.problems)
    assert any("unknown setting 'theme'" in p for p in settings.problems)


def test_broken_user_file_is_reported_and_saving_replaces_it(files):
    _policy, user = files
    write(user, "not json at all")
    settings = load_settings()
    assert settings.as_dict() == DEFAULTS
    assert "Your settings file" in settings.problems[0]
    settings.set_user("idle_lock_minutes", 12)
    assert load_settings().get("idle_lock_minutes") == 12


def test_policy_that_is_not_an_object_is_reported(files):
    write(files[0], [1, 2, 3])
    settings = load_settings()
    assert "JSON object" in settings.problems[0]


def test_unreadable_policy_file_is_reported(files):
    files[0].mkdir()  # a folder where the file should be
    settings = load_settings()
    assert settings.as_dict() == DEFAULTS
    assert "could not be read" in settings.problems[0]


def test_registry_policy_from_the_msi_wins_and_blank_means_not_set(files):
    write(files[0], {"idle_lock_minutes": 20, "service_name": "Furness WorkWell"})
    settings = load_settings(
        registry={"ServerUrl": "https://sync.example.nhs.uk", "IdleLockMinutes": "5", "ServiceName": ""}
    )
    assert settings.get("server_url") == "https://sync.example.nhs.uk" and settings.is_managed("server_url")
    assert settings.get("idle_lock_minutes") == 5  # the registry wins over the policy file
    assert settings.get("service_name") == "Furness WorkWell"  # blank registry value: not set
    assert "HKLM" in settings.policy_source


def test_bad_registry_value_is_reported(files):
    settings = load_settings(registry={"IdleLockMinutes": "often"})
    assert settings.get("idle_lock_minutes") == 10
    assert "Registry policy" in settings.problems[0]


def test_default_paths(monkeypatch):
    monkeypatch.delenv("WORKWELL_POLICY_FILE", raising=False)
    monkeypatch.delenv("WORKWELL_SETTINGS_FILE", raising=False)
    import sys

    if sys.platform == "win32":
        assert policy_file_path().parts[-3:] == ("NHS", "WorkWell", "policy.json")
    else:
        assert policy_file_path() == Path("/etc/workwell/policy.json")
    assert user_settings_path().name == "settings.json"
    assert "WorkWell" in user_settings_path().parts


# ----- the dialog ------------------------------------------------------------------------
@pytest.fixture
def dialog(qtbot, files):
    from workwell_desktop.gui.settings_dialog import SettingsDialog

    write(files[0], {"server_url": "https://sync.northcumbria.workwell.example.nhs.uk"})
    write(files[1], {"idle_lock_minutes": 15})
    dlg = SettingsDialog(load_settings())
    qtbot.addWidget(dlg)
    return dlg


def test_dialog_shows_managed_settings_read_only(dialog):
    server = dialog.editors["server_url"]
    assert server.isReadOnly() and not dialog.editable("server_url")  # set in Connect to server
    assert server.text() == "https://sync.northcumbria.workwell.example.nhs.uk"
    assert "Managed by your organisation" in dialog.managed_labels["server_url"].text()
    assert set(dialog.managed_labels) == {"server_url"}
    assert dialog.editors["idle_lock_minutes"].isEnabled()
    assert dialog.editors["idle_lock_minutes"].value() == 15


def test_every_control_has_an_accessible_name(dialog):
    from PySide6.QtWidgets import QAbstractButton, QLineEdit, QSpinBox

    controls = (
        dialog.findChildren(QLineEdit) + dialog.findChildren(QSpinBox) + dialog.findChildren(QAbstractButton)
    )
    assert controls
    for control in controls:
        if isinstance(control.parent(), QSpinBox):
            continue  # the spin box's own inner line edit
        assert control.accessibleName(), control


def test_dialog_saves_changes_the_coach_may_make(dialog, files):
    dialog.editors["idle_lock_minutes"].setValue(30)
    dialog.editors["service_name"].setText("Carlisle WorkWell")
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    saved = json.loads(files[1].read_text())
    assert saved == {"idle_lock_minutes": 30, "service_name": "Carlisle WorkWell"}


def test_dialog_keeps_a_bad_value_and_says_why(dialog, files):
    dialog.editors["service_name"].setText("   ")
    dialog.save()
    assert dialog.result() != dialog.DialogCode.Accepted
    assert dialog.error.isVisibleTo(dialog)
    assert "cannot be blank" in dialog.error.text()
    assert json.loads(files[1].read_text()) == {"idle_lock_minutes": 15}


def test_dialog_lists_problems_with_the_files(qtbot, files):
    from workwell_desktop.gui.settings_dialog import SettingsDialog

    write(files[0], "{broken")
    dlg = SettingsDialog(load_settings())
    qtbot.addWidget(dlg)
    assert dlg.problems.isVisibleTo(dlg)
    assert "not valid JSON" in dlg.problems.text()


def test_render_settings_dialog(qtbot, qapp, files):
    """renders/settings.png: one managed setting, one problem, in the app's own style."""
    from workwell_desktop.gui import style
    from workwell_desktop.gui.settings_dialog import SettingsDialog

    style.apply(qapp)
    write(
        files[0],
        {"server_url": "https://sync.northcumbria.workwell.example.nhs.uk", "idle_lock_minutes": 500},
    )
    write(files[1], {"service_name": "North Cumbria WorkWell Service"})
    dlg = SettingsDialog(load_settings())
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    dlg.adjustSize()
    RENDERS.mkdir(exist_ok=True)
    image = dlg.grab()
    assert image.save(str(RENDERS / "settings.png"))
    assert image.width() > 300
