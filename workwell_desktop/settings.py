"""The app's settings: the organisation's policy over the coach's own choices over defaults.

Three layers, highest first:

1. **Machine-wide policy**, set by service IT and not changeable by the coach:
   the file ``%ProgramData%\\NHS\\WorkWell\\policy.json`` on Windows (plus the
   registry values under ``HKLM\\Software\\Policies\\NHS\\WorkWell`` that Group Policy
   or an Intune profile writes, which win over the file; the MSI writes its own key,
   below: see 2.), ``/etc/workwell/policy.json`` elsewhere. These places are fixed:
   ``WORKWELL_POLICY_FILE`` names another file for the test-suite and source
   checkouts only, and an installed (frozen) build ignores it.
2. **Installer defaults** (below the policy, above the coach's own choices).
3. **User settings**: ``settings.json`` in the per-user config folder
   (``WORKWELL_SETTINGS_FILE`` names another file).
4. **Defaults** below.

Policy always wins: nothing under it (installer defaults, user settings, command-line
arguments, environment variables) can change a value it fixes, except that the idle
lock may be made *shorter*. ``proxy_url`` and ``server_ca_file`` can only come from
the policy: they decide whom the laptop trusts on the network.

A broken or invalid file never stops the app: the bad file (or the bad value) is
ignored, the next layer down is used, and the problem is listed in
``Settings.problems`` for the app to show and log. No Qt here.

    settings = load_settings()
    settings.get("idle_lock_minutes")        # 10
    settings.is_managed("server_url")        # True when the policy sets it
    settings.set_user("idle_lock_minutes", 15)   # SettingManaged if the policy sets it
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import platformdirs

from .hardening import write_private_bytes
from .paths import APP_AUTHOR, APP_NAME
from .sync.server_address import UnsafeAddress, parse_server_address

log = logging.getLogger(__name__)

POLICY_FILE_ENV = "WORKWELL_POLICY_FILE"
SETTINGS_FILE_ENV = "WORKWELL_SETTINGS_FILE"
POLICY_REGISTRY_KEY = r"Software\Policies\NHS\WorkWell"
# Written by the MSI from its SERVER_URL and IDLE_LOCK_MINUTES properties (and read back by
# the MSI on repair and upgrade); the Policies key above is Group Policy's alone.
INSTALLER_DEFAULTS_KEY = r"Software\NHS\WorkWell"


class SettingError(ValueError):
    """A setting value or name that cannot be used; the message says what to do."""


class SettingManaged(SettingError):
    """The coach tried to change a setting that the organisation's policy fixes."""


def _server_url(value: Any) -> str:
    if not isinstance(value, str):
        raise SettingError("The server address must be text, such as https://workwell.example.nhs.uk.")
    if not value.strip():
        return ""  # no server: the app works offline only
    try:  # the one URL policy, shared with sync and the connect dialog
        return parse_server_address(value).url
    except UnsafeAddress as refused:
        raise SettingError(str(refused)) from None


def _proxy_url(value: Any) -> str:
    if not isinstance(value, str):
        raise SettingError("The proxy must be text, such as http://proxy.example.nhs.uk:8080.")
    value = value.strip()
    if not value:
        return ""
    parts = urlsplit(value)
    try:
        port = parts.port
    except ValueError:
        port = None
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or port is None
        or "@" in parts.netloc
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
        or " " in value
    ):
        raise SettingError(
            f"The proxy {value!r} must look like http://proxy.example.nhs.uk:8080 "
            "(scheme, name and port; no user name or password)."
        )
    return value.rstrip("/")


def _server_ca_file(value: Any) -> str:
    if not isinstance(value, str):
        raise SettingError("The server certificate file must be a path to a PEM file.")
    value = value.strip()
    if value and not Path(value).is_absolute():
        raise SettingError(
            f"The server certificate file {value!r} must be a full path, "
            "such as C:\\ProgramData\\NHS\\WorkWell\\service-ca.pem."
        )
    return value


def _idle_lock_minutes(value: Any) -> int:
    # The registry holds text, and people type "10" into JSON files: accept whole-number text too.
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        raise SettingError(f"Idle lock must be a whole number of minutes from 1 to 120, not {value!r}.")
    if not 1 <= value <= 120:
        raise SettingError(f"Idle lock must be from 1 to 120 minutes, not {value}.")
    return value


def _service_name(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise SettingError("The service name cannot be blank: it appears on letters and reports.")
    value = " ".join(value.split())
    if len(value) > 100:
        raise SettingError("The service name must be 100 characters or fewer.")
    return value


@dataclass(frozen=True)
class SettingSpec:
    key: str
    label: str
    default: Any
    check: Callable[[Any], Any]
    registry_name: str  # the value's name under HKLM\Software\Policies\NHS\WorkWell
    help: str
    # False: only the organisation's policy may set it (what the network trusts).
    user_may_set: bool = True
    # True: below a policy value, other sources may only make it smaller (the idle lock).
    lower_only: bool = False


SPECS: dict[str, SettingSpec] = {
    s.key: s
    for s in (
        SettingSpec(
            "server_url",
            "Sync server address",
            "",
            _server_url,
            "ServerUrl",
            "Where this laptop sends and fetches records when it is online. Blank: offline only.",
        ),
        SettingSpec(
            "idle_lock_minutes",
            "Lock after idle (minutes)",
            10,
            _idle_lock_minutes,
            "IdleLockMinutes",
            "WorkWell locks itself after this many minutes without use (1 to 120).",
            lower_only=True,
        ),
        SettingSpec(
            "service_name",
            "Service name",
            "North Cumbria WorkWell Service",
            _service_name,
            "ServiceName",
            "Your WorkWell service's name, as shown on letters and reports.",
        ),
        SettingSpec(
            "proxy_url",
            "Web proxy",
            "",
            _proxy_url,
            "ProxyUrl",
            "The proxy WorkWell uses to reach the server. Set by service IT only; proxy "
            "variables in the environment are ignored.",
            user_may_set=False,
        ),
        SettingSpec(
            "server_ca_file",
            "Server certificate authority",
            "",
            _server_ca_file,
            "ServerCaFile",
            "A PEM file of the certificate authority the server's certificate must come from. "
            "Set by service IT only.",
            user_may_set=False,
        ),
    )
}
DEFAULTS: dict[str, Any] = {key: spec.default for key, spec in SPECS.items()}


def validate(key: str, value: Any) -> Any:
    """The value made tidy (trimmed, a number from text), or SettingError saying what is wrong."""
    if key not in SPECS:
        raise SettingError(f"There is no setting called {key!r}. Settings: {', '.join(SPECS)}.")
    return SPECS[key].check(value)


def _frozen() -> bool:
    return bool(getattr(sys, "frozen", False))


def _program_data() -> str:
    """The machine's ProgramData folder as Windows reports it: not ``%ProgramData%``, which
    a coach can set for their own processes to point at a policy file of their own."""
    import ctypes

    csidl_common_appdata = 35
    buffer = ctypes.create_unicode_buffer(1024)
    found = ctypes.windll.shell32.SHGetFolderPathW(  # type: ignore[attr-defined]  # Windows only
        None, csidl_common_appdata, None, 0, buffer
    )
    if found == 0 and buffer.value:
        return buffer.value
    return r"C:\ProgramData"


def _policy_file_hook() -> bool:
    """The test-only ``WORKWELL_POLICY_FILE`` is in force (never in an installed build)."""
    return bool(os.environ.get(POLICY_FILE_ENV)) and not _frozen()


def policy_file_path() -> Path:
    """The machine-wide policy file for this OS: a fixed place only administrators can write.

    ``WORKWELL_POLICY_FILE`` is a hook for the test-suite and source checkouts only: an
    installed (frozen) build ignores it, so a coach cannot swap in a policy of their own.
    """
    if _policy_file_hook():
        return Path(os.environ[POLICY_FILE_ENV])
    if sys.platform == "win32":
        return Path(_program_data(), APP_AUTHOR, APP_NAME, "policy.json")
    return Path("/etc/workwell/policy.json")


def user_settings_path() -> Path:
    """The coach's own settings file (``WORKWELL_SETTINGS_FILE`` overrides)."""
    override = os.environ.get(SETTINGS_FILE_ENV)
    if override:
        return Path(override)
    return Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR, roaming=False), "settings.json")


def read_policy_registry() -> dict[str, str]:
    """Values under HKLM\\Software\\Policies\\NHS\\WorkWell (Windows only; empty elsewhere):
    Group Policy's or an Intune configuration profile's alone (the MSI writes its own key)."""
    return _read_machine_key(POLICY_REGISTRY_KEY)


def read_installer_defaults_registry() -> dict[str, str]:
    """Values under HKLM\\Software\\NHS\\WorkWell that the MSI wrote (Windows only; empty elsewhere)."""
    return _read_machine_key(INSTALLER_DEFAULTS_KEY)


def _read_machine_key(key_path: str) -> dict[str, str]:
    """Every setting's value under ``HKLM\\<key_path>``, read from the 64-bit view (where a
    per-machine MSI and Group Policy write on 64-bit Windows), even from a 32-bit process.
    Tests put a fake ``winreg`` in ``sys.modules`` (tests/packaging/fake_windows.py)."""
    if sys.platform != "win32":
        return {}
    import winreg

    access = winreg.KEY_READ | getattr(winreg, "KEY_WOW64_64KEY", 0)
    found: dict[str, str] = {}
    try:
        with winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, key_path, 0, access) as key:
            for spec in SPECS.values():
                try:
                    value, _kind = winreg.QueryValueEx(key, spec.registry_name)
                except FileNotFoundError:
                    continue
                found[spec.registry_name] = value if isinstance(value, str) else str(value)
    except FileNotFoundError:
        pass
    return found


def _installer_defaults_layer(values: Mapping[str, str] | None, problems: list[str]) -> dict[str, Any]:
    """The installer's settings, checked; ``values`` None means read the registry (Windows)."""
    if values is None:
        try:
            values = read_installer_defaults_registry()
        except OSError as exc:
            problems.append(
                f"The installer's settings could not be read from the registry ({exc}); they were ignored."
            )
            values = {}
    by_name = {spec.registry_name.lower(): spec.key for spec in SPECS.values()}
    # The MSI writes both values on every install; one IT left blank means "not set".
    raw = {
        by_name[name.lower()]: value
        for name, value in values.items()
        if name.lower() in by_name and str(value).strip() != ""
    }
    return _checked(raw, f"Installer settings HKLM\\{INSTALLER_DEFAULTS_KEY}", problems)


def _read_json_layer(path: Path, what: str, problems: list[str]) -> dict[str, Any]:
    """The valid settings in one JSON file; everything wrong with it goes to ``problems``."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        problems.append(f"{what} {path} could not be read ({exc.strerror or exc}); it was ignored.")
        return {}
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        problems.append(
            f"{what} {path} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
            "it was ignored."
        )
        return {}
    if not isinstance(raw, dict):
        problems.append(
            f'{what} {path} must hold a JSON object such as {{"idle_lock_minutes": 10}}; it was ignored.'
        )
        return {}
    return _checked(raw, f"{what} {path}", problems)


def _checked(raw: Mapping[str, Any], where: str, problems: list[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key in ("format", "comment") or (isinstance(key, str) and key.startswith("_")):
            continue  # room for a version number and notes from IT
        if key not in SPECS:
            problems.append(f"{where}: unknown setting {key!r} was ignored (known: {', '.join(SPECS)}).")
            continue
        try:
            values[key] = validate(key, value)
        except SettingError as exc:
            problems.append(f"{where}: {exc} This value was ignored.")
    return values


def _registry_layer(values: Mapping[str, str], problems: list[str]) -> dict[str, Any]:
    by_name = {spec.registry_name.lower(): spec.key for spec in SPECS.values()}
    raw: dict[str, Any] = {}
    for name, value in values.items():
        key = by_name.get(name.lower())
        # The MSI writes every property; one IT left blank is "not set", not "blank".
        if key is not None and str(value).strip() != "":
            raw[key] = value
    return _checked(raw, f"Registry policy HKLM\\{POLICY_REGISTRY_KEY}", problems)


class Settings:
    """Effective settings. Use :func:`load_settings` to make one.

    ``policy`` holds what the machine fixes (the Policies key and file over the
    installer's defaults, see :func:`load_settings`), then the coach's own settings,
    then defaults. A value the policy fixes always wins; below a policy value a
    ``lower_only`` setting (the idle lock) may only be made smaller by the coach's
    settings, and by arguments or the environment (:meth:`idle_lock_minutes`).
    """

    def __init__(
        self,
        policy: Mapping[str, Any],
        user: Mapping[str, Any],
        user_path: Path,
        problems: list[str] | None = None,
        policy_source: str = "",
    ):
        self._policy = dict(policy)
        self._user = {k: v for k, v in dict(user).items() if k not in SPECS or SPECS[k].user_may_set}
        self.user_path = Path(user_path)
        self.policy_source = policy_source
        self.problems: list[str] = list(problems or [])

    def get(self, key: str) -> Any:
        if key not in SPECS:
            raise SettingError(f"There is no setting called {key!r}. Settings: {', '.join(SPECS)}.")
        if key in self._policy:
            value = self._policy[key]
            if SPECS[key].lower_only and key in self._user:
                value = min(value, self._user[key])
            return value
        return self._user.get(key, DEFAULTS[key])

    def is_managed(self, key: str) -> bool:
        """True when the organisation's policy fixes this setting (or its upper limit)."""
        return key in self._policy

    def policy_limit(self, key: str) -> Any:
        """The policy's value, or None; for a ``lower_only`` setting it is the most allowed."""
        return self._policy.get(key)

    def source(self, key: str) -> str:
        """Where the value comes from: ``policy``, ``user`` or ``default``."""
        if key in self._policy and not (SPECS[key].lower_only and self.get(key) != self._policy[key]):
            return "policy"
        return "user" if key in self._user else "default"

    def as_dict(self) -> dict[str, Any]:
        return {key: self.get(key) for key in SPECS}

    def idle_lock_minutes(self, requested: float | None = None) -> float:
        """The idle lock to use, with ``requested`` from ``--idle-lock-minutes`` or the
        environment: it may shorten a policy's time, never lengthen it or turn it off."""
        allowed = float(self.get("idle_lock_minutes"))
        if requested is None:
            return allowed
        if not 0 < requested <= 120:
            self.problems.append(
                f"An idle lock of {requested:g} minutes was asked for; it must be more "
                f"than 0 and at most 120, so {allowed:g} applies."
            )
            return allowed
        if self.is_managed("idle_lock_minutes") and requested > allowed:
            self.problems.append(
                f"An idle lock of {requested:g} minutes was asked for, but your "
                f"organisation allows at most {allowed:g}, so {allowed:g} applies."
            )
            return allowed
        return float(requested)

    def set_user(self, key: str, value: Any) -> Any:
        """Check and save the coach's own value; returns the value as stored.

        Raises SettingManaged for a setting the policy fixes (or a value above the
        policy's limit for the idle lock) and SettingError for a bad value; in both
        cases nothing is written.
        """
        if key in SPECS and not SPECS[key].user_may_set:
            raise SettingManaged(f"{SPECS[key].label} can only be set by your service IT team.")
        if key in SPECS and self.is_managed(key) and not SPECS[key].lower_only:
            raise SettingManaged(
                f"{SPECS[key].label} is managed by your organisation ({self.policy_source}) and "
                "cannot be changed here. Ask your service IT team if it needs to change."
            )
        value = validate(key, value)
        if key in SPECS and self.is_managed(key) and value > self._policy[key]:
            raise SettingManaged(
                f"{SPECS[key].label}: your organisation allows at most {self._policy[key]} "
                f"({self.policy_source}); choose {self._policy[key]} or fewer."
            )
        updated = dict(self._user, **{key: value})
        _write_json_atomically(self.user_path, updated)
        self._user = updated
        log.info("user setting %s changed", key)
        return value

    def reset_user(self, key: str) -> None:
        """Forget the coach's own value so the default applies again."""
        validate(key, DEFAULTS[key])
        if key in self._user:
            updated = {k: v for k, v in self._user.items() if k != key}
            _write_json_atomically(self.user_path, updated)
            self._user = updated


def _write_json_atomically(path: Path, values: Mapping[str, Any]) -> None:
    # A crash mid-write must leave the old file or the new one, never half of one.
    path.parent.mkdir(parents=True, exist_ok=True)
    write_private_bytes(path, (json.dumps(dict(values), indent=2, sort_keys=True) + "\n").encode("utf-8"))


def load_settings(
    policy_path: Path | None = None,
    user_path: Path | None = None,
    registry: Mapping[str, str] | None = None,
    installer_defaults: Mapping[str, str] | None = None,
) -> Settings:
    """Read the policy, the coach's settings and the defaults. Never raises for a bad file.

    ``registry`` replaces the Windows registry read (tests); by default it is read on
    Windows, always in an installed build; only a source run with the test-only
    ``WORKWELL_POLICY_FILE`` hook leaves the machine's registry out (the test-suite).
    ``installer_defaults`` likewise replaces the read of the installer's key, which is used
    only where neither the Policies key nor the policy file sets a value (it still beats
    the coach's file, and like the policy it can only be made shorter for the idle lock).
    """
    problems: list[str] = []
    policy_path = Path(policy_path) if policy_path else policy_file_path()
    user_path = Path(user_path) if user_path else user_settings_path()
    policy = _read_json_layer(policy_path, "The organisation's policy file", problems)
    sources = [str(policy_path)] if policy else []
    read_machine_registry = registry is None and not _policy_file_hook()
    if read_machine_registry:
        try:
            registry = read_policy_registry()
        except OSError as exc:
            problems.append(f"The registry policy could not be read ({exc}); it was ignored.")
            registry = {}
    from_registry = _registry_layer(registry or {}, problems)
    if from_registry:
        policy.update(from_registry)
        sources.append(f"HKLM\\{POLICY_REGISTRY_KEY}")
    if installer_defaults is not None or read_machine_registry:
        from_installer = _installer_defaults_layer(installer_defaults, problems)
        if set(from_installer) - set(policy):
            sources.append(f"HKLM\\{INSTALLER_DEFAULTS_KEY}")
        policy = {**from_installer, **policy}
    user = _read_json_layer(user_path, "Your settings file", problems)
    for key in [k for k in user if not SPECS[k].user_may_set]:
        problems.append(
            f"Your settings file {user_path}: {SPECS[key].label} can only be set by "
            "your service IT team; it was ignored."
        )
        del user[key]
    for problem in problems:
        log.warning("settings: %s", problem)
    return Settings(policy, user, user_path, problems, " and ".join(sources))
