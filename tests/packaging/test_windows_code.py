"""The Windows-only code paths, run here with fakes of winreg and the Credential Manager.

- settings.py reads HKLM\\Software\\Policies\\NHS\\WorkWell (Group Policy), the policy file,
  then HKLM\\Software\\NHS\\WorkWell (what the MSI wrote), then the coach's own file;
- store/keys.py keeps the wrapped database key in Windows Credential Manager through
  keyring's WinVaultKeyring (pywin32-ctypes' win32cred, faked).
What these fakes cannot prove (the real registry views, the real vault) is proven by
the Windows pipeline (packaging/windows/ci_pipeline.py): docs/deployment.md says which.
"""

import json
import sys

import keyring
import keyring.backends.Windows as windows_backend
import pytest
from fake_windows import FakeWin32Cred, FakeWinError, FakeWinreg

from workwell_desktop import settings as settings_module
from workwell_desktop.settings import INSTALLER_DEFAULTS_KEY, POLICY_REGISTRY_KEY, load_settings
from workwell_desktop.store import Store
from workwell_desktop.store.errors import WrongPassphrase
from workwell_desktop.store.keys import KEYRING_SERVICE, choose_key_store_kind, keyring_usable

PASSPHRASE = "correct horse battery staple"


@pytest.fixture
def registry(monkeypatch):
    """A 64-bit Windows as settings.py sees it: sys.platform win32 and a fake winreg."""
    fake = FakeWinreg()
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setitem(sys.modules, "winreg", fake)
    monkeypatch.delenv("WORKWELL_POLICY_FILE", raising=False)  # the registry is read only without it
    return fake


def settings_with(tmp_path, policy=None, user=None):
    policy_path, user_path = tmp_path / "policy.json", tmp_path / "settings.json"
    if policy is not None:
        policy_path.write_text(json.dumps(policy))
    if user is not None:
        user_path.write_text(json.dumps(user))
    return load_settings(policy_path=policy_path, user_path=user_path)


# ----- registry: the installer's settings -------------------------------------------------
def test_values_the_msi_wrote_are_used_and_shown_as_managed(registry, tmp_path):
    registry.put(INSTALLER_DEFAULTS_KEY, "ServerUrl", "https://workwell.example.nhs.uk")
    registry.put(INSTALLER_DEFAULTS_KEY, "IdleLockMinutes", "7")
    registry.put(INSTALLER_DEFAULTS_KEY, "InstallerVersion", "0.1.0")  # not a setting: ignored
    settings = settings_with(tmp_path, user={"idle_lock_minutes": 30})
    assert settings.get("server_url") == "https://workwell.example.nhs.uk"
    assert settings.get("idle_lock_minutes") == 7  # the installer's beats the coach's own
    assert settings.is_managed("idle_lock_minutes") and not settings.is_managed("service_name")
    assert INSTALLER_DEFAULTS_KEY in settings.policy_source
    assert settings.problems == []


def test_group_policy_and_the_policy_file_beat_the_installer(registry, tmp_path):
    registry.put(INSTALLER_DEFAULTS_KEY, "ServerUrl", "https://installer.example.nhs.uk")
    registry.put(INSTALLER_DEFAULTS_KEY, "IdleLockMinutes", "7")
    registry.put(INSTALLER_DEFAULTS_KEY, "ServiceName", "Installer Service")
    registry.put(POLICY_REGISTRY_KEY, "IdleLockMinutes", "15")
    settings = settings_with(tmp_path, policy={"service_name": "Policy File Service"})
    assert settings.get("idle_lock_minutes") == 15
    assert settings.get("service_name") == "Policy File Service"
    assert settings.get("server_url") == "https://installer.example.nhs.uk"


def test_a_blank_installer_value_means_not_set(registry, tmp_path):
    # The MSI writes both values on every install; IT may give only one property.
    registry.put(INSTALLER_DEFAULTS_KEY, "ServerUrl", "")
    registry.put(INSTALLER_DEFAULTS_KEY, "IdleLockMinutes", "   ")
    settings = settings_with(tmp_path, user={"idle_lock_minutes": 20})
    assert settings.get("idle_lock_minutes") == 20 and settings.source("idle_lock_minutes") == "user"
    assert not settings.is_managed("server_url") and settings.problems == []


def test_a_bad_installer_value_is_ignored_with_a_plain_message(registry, tmp_path):
    registry.put(INSTALLER_DEFAULTS_KEY, "IdleLockMinutes", "ten")
    registry.put(INSTALLER_DEFAULTS_KEY, "ServerUrl", "http://workwell.example.nhs.uk")
    settings = settings_with(tmp_path, user={"idle_lock_minutes": 12})
    assert settings.get("idle_lock_minutes") == 12
    assert settings.get("server_url") == ""
    assert any("Installer settings" in p and "whole number" in p for p in settings.problems)
    assert any("https://" in p for p in settings.problems)


def test_a_dword_written_by_hand_is_read_as_its_number(registry, tmp_path):
    registry.put(INSTALLER_DEFAULTS_KEY, "IdleLockMinutes", 25, kind=FakeWinreg.REG_DWORD)
    assert settings_with(tmp_path).get("idle_lock_minutes") == 25


def test_the_64_bit_view_is_read_even_from_a_32_bit_process(monkeypatch, tmp_path):
    # The per-machine x64 MSI writes the 64-bit view; a 32-bit Python would otherwise read
    # Wow6432Node and see nothing.
    fake = FakeWinreg(process_bits=32)
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setitem(sys.modules, "winreg", fake)
    monkeypatch.delenv("WORKWELL_POLICY_FILE", raising=False)
    fake.put(INSTALLER_DEFAULTS_KEY, "IdleLockMinutes", "9", view="64")
    assert settings_module.read_installer_defaults_registry() == {"IdleLockMinutes": "9"}
    assert settings_with(tmp_path).get("idle_lock_minutes") == 9


def test_no_key_at_all_is_no_setting_and_no_problem(registry, tmp_path):
    settings = settings_with(tmp_path)
    assert settings.get("idle_lock_minutes") == 10 and settings.problems == []


def test_an_unreadable_key_is_a_problem_not_a_crash(registry, tmp_path, monkeypatch):
    def denied():
        raise PermissionError(5, "Access is denied")

    monkeypatch.setattr(settings_module, "read_installer_defaults_registry", denied)
    settings = settings_with(tmp_path, user={"idle_lock_minutes": 11})
    assert settings.get("idle_lock_minutes") == 11
    assert any("installer's settings could not be read" in p for p in settings.problems)


def test_a_policy_file_override_keeps_the_machines_registry_out_of_tests(registry, tmp_path, monkeypatch):
    registry.put(INSTALLER_DEFAULTS_KEY, "IdleLockMinutes", "7")
    monkeypatch.setenv("WORKWELL_POLICY_FILE", str(tmp_path / "policy.json"))
    assert load_settings(user_path=tmp_path / "s.json").get("idle_lock_minutes") == 10


def test_explicit_installer_values_replace_the_registry_read(tmp_path):
    settings = load_settings(
        policy_path=tmp_path / "p.json",
        user_path=tmp_path / "s.json",
        registry={},
        installer_defaults={"IdleLockMinutes": "8"},
    )
    assert settings.get("idle_lock_minutes") == 8 and settings.is_managed("idle_lock_minutes")


@pytest.mark.skipif(sys.platform == "win32", reason="off Windows only")
def test_off_windows_nothing_is_read():
    assert settings_module.read_installer_defaults_registry() == {}


# ----- Credential Manager through keyring ----------------------------------------------
@pytest.fixture
def credential_manager(monkeypatch):
    """keyring's WinVaultKeyring over a fake win32cred, set as the keyring backend."""
    vault = FakeWin32Cred()
    monkeypatch.setattr(windows_backend, "win32cred", vault, raising=False)
    monkeypatch.setattr(
        windows_backend, "pywintypes", type("pywintypes", (), {"error": FakeWinError}), raising=False
    )
    monkeypatch.setattr(windows_backend, "missing_deps", False)
    monkeypatch.delenv("WORKWELL_KEY_STORE", raising=False)
    previous = keyring.get_keyring()
    keyring.set_keyring(windows_backend.WinVaultKeyring())
    yield vault
    keyring.set_keyring(previous)


def test_credential_manager_is_chosen_and_holds_the_wrapped_key(credential_manager, tmp_path):
    assert keyring_usable() and choose_key_store_kind() == "keyring"
    store = Store.create(tmp_path / "data", PASSPHRASE, "Alex Coach")
    store.close()
    entry = credential_manager.vault[KEYRING_SERVICE]
    assert entry["UserName"].startswith("database-key:")
    secret = entry["CredentialBlob"].decode("utf-16-le")
    assert '"sealed_key"' in secret  # the wrapped key, never the raw one
    assert len(entry["CredentialBlob"]) <= FakeWin32Cred.CRED_MAX_CREDENTIAL_BLOB_SIZE
    assert not (tmp_path / "data" / "key.json").exists()
    Store.open(tmp_path / "data", PASSPHRASE).close()
    with pytest.raises(WrongPassphrase):
        Store.open(tmp_path / "data", "not the passphrase at all")


def test_two_databases_on_one_windows_account_both_open(credential_manager, tmp_path):
    # WinVaultKeyring keeps one entry per service name and moves an earlier one to
    # "user@service" when a second user name arrives: both databases must still open.
    first = Store.create(tmp_path / "one", PASSPHRASE, "Alex Coach")
    first.close()
    second = Store.create(tmp_path / "two", "another good passphrase", "Sam Coach")
    second.close()
    assert len(credential_manager.vault) == 2
    Store.open(tmp_path / "one", PASSPHRASE).close()
    Store.open(tmp_path / "two", "another good passphrase").close()


def test_wiping_removes_the_credential(credential_manager, tmp_path):
    store = Store.create(tmp_path / "data", PASSPHRASE, "Alex Coach")
    store.wipe()
    assert credential_manager.vault == {}
