#!/usr/bin/env python3
"""Install, check, upgrade, repair and uninstall the WorkWell MSI on a Windows machine.

What .github/workflows/windows.yml runs, one step at a time; service IT can run the
same steps by hand on a test laptop (an administrator prompt, the project's Python):

    py packaging\\windows\\msi_lifecycle.py seed-group-policy --idle-lock 15
    py packaging\\windows\\msi_lifecycle.py seed-coach-data
    py packaging\\windows\\msi_lifecycle.py install WorkWell-0.0.1.msi ^
         SERVER_URL=https://a.example IDLE_LOCK_MINUTES=7
    py packaging\\windows\\msi_lifecycle.py expect-installed --version 0.0.1 ^
         --server-url https://a.example --idle-lock 7
    py packaging\\windows\\msi_lifecycle.py install WorkWell-0.1.0.msi          # upgrade, no properties given
    py packaging\\windows\\msi_lifecycle.py expect-installed --version 0.1.0 --file-version 0.1.0.42 ...
    py packaging\\windows\\msi_lifecycle.py self-test --expect-idle-lock 15 --expect-managed server_url
    py packaging\\windows\\msi_lifecycle.py repair WorkWell-0.1.0.msi
    py packaging\\windows\\msi_lifecycle.py uninstall WorkWell-0.1.0.msi
    py packaging\\windows\\msi_lifecycle.py expect-removed

Every step prints what it checked and exits 1 naming what was wrong. msiexec runs
silently (/qn) with a verbose log beside the MSI; a failed run prints the log's end.
"Group Policy" here is a value written under HKLM\\Software\\Policies\\NHS\\WorkWell as
a GPO would write it, so the checks can prove the MSI never touches that key.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

PRODUCT_NAME = "WorkWell Desktop"
INSTALLER_KEY = r"Software\NHS\WorkWell"
POLICIES_KEY = r"Software\Policies\NHS\WorkWell"
UNINSTALL_KEY = r"Software\Microsoft\Windows\CurrentVersion\Uninstall"
EXECUTABLES = ("workwell.exe", "workwell-admin.exe")
SELF_TEST_REPORT = "workwell-selftest.txt"
COACH_MARKER = "coach-data-must-survive.txt"
MSIEXEC_OK = (0, 3010)  # 3010: done, restart needed
DOWNGRADE_MESSAGE = "A newer version of WorkWell Desktop is already installed"  # workwell.wxs


class CheckFailed(Exception):
    """What the machine shows is not what the step expected."""


class WindowsSystem:
    """The parts of Windows the steps use; tests give a fake with the same methods."""

    def __init__(self, winreg_module=None):
        if winreg_module is None:
            import winreg as winreg_module
        self.winreg = winreg_module

    @property
    def install_dir(self) -> Path:
        return Path(
            os.environ.get("ProgramW6432") or os.environ.get("ProgramFiles", r"C:\Program Files"), "WorkWell"
        )

    @property
    def coach_data_dir(self) -> Path:
        return Path(os.environ.get("LOCALAPPDATA", tempfile.gettempdir()), "NHS", "WorkWell")

    def run(self, command: list[str], env: dict | None = None) -> int:
        print("+", subprocess.list2cmdline(command), flush=True)
        return subprocess.run(command, env=env).returncode

    def _access(self, write: bool = False) -> int:
        w = self.winreg
        return (w.KEY_ALL_ACCESS if write else w.KEY_READ) | getattr(w, "KEY_WOW64_64KEY", 0)

    def values(self, key_path: str) -> dict[str, object] | None:
        """Every value of HKLM\\key_path (64-bit view), or None when the key does not exist."""
        w = self.winreg
        try:
            key = w.OpenKey(w.HKEY_LOCAL_MACHINE, key_path, 0, self._access())
        except FileNotFoundError:
            return None
        found = {}
        with key:
            index = 0
            while True:
                try:
                    name, value, _kind = w.EnumValue(key, index)
                except OSError:
                    return found
                found[name] = value
                index += 1

    def subkeys(self, key_path: str) -> list[str]:
        w = self.winreg
        try:
            key = w.OpenKey(w.HKEY_LOCAL_MACHINE, key_path, 0, self._access())
        except FileNotFoundError:
            return []
        names = []
        with key:
            while True:
                try:
                    names.append(w.EnumKey(key, len(names)))
                except OSError:
                    return names

    def set_value(self, key_path: str, name: str, value: str) -> None:
        w = self.winreg
        with w.CreateKeyEx(w.HKEY_LOCAL_MACHINE, key_path, 0, self._access(write=True)) as key:
            w.SetValueEx(key, name, 0, w.REG_SZ, value)

    def file_version(self, path: Path) -> tuple[tuple[int, ...], dict[str, str]]:
        """(file version numbers, version-resource strings) through version.dll."""
        import ctypes
        from ctypes import wintypes

        api = ctypes.windll.version
        size = api.GetFileVersionInfoSizeW(str(path), None)
        if not size:
            raise CheckFailed(f"{path} has no version resource")
        data = ctypes.create_string_buffer(size)
        api.GetFileVersionInfoW(str(path), 0, size, data)
        pointer, length = ctypes.c_void_p(), wintypes.UINT()
        api.VerQueryValueW(data, "\\", ctypes.byref(pointer), ctypes.byref(length))
        words = ctypes.cast(pointer, ctypes.POINTER(wintypes.DWORD * 4)).contents  # signature, struct, MS, LS
        numbers = (words[2] >> 16, words[2] & 0xFFFF, words[3] >> 16, words[3] & 0xFFFF)
        strings = {}
        for name in ("CompanyName", "FileDescription", "FileVersion", "ProductName", "ProductVersion"):
            if (
                api.VerQueryValueW(
                    data, f"\\StringFileInfo\\080904B0\\{name}", ctypes.byref(pointer), ctypes.byref(length)
                )
                and length.value
            ):
                strings[name] = ctypes.wstring_at(pointer, length.value - 1)
        return numbers, strings

    def icon_count(self, path: Path) -> int:
        import ctypes

        return ctypes.windll.shell32.ExtractIconExW(str(path), -1, None, None, 0)


# ----- the steps ---------------------------------------------------------------------
def msiexec(system, action: str, msi: Path, properties: list[str], expect_refused: bool = False) -> None:
    """``msiexec /i`` (install or upgrade), ``/fa...`` (repair) or ``/x`` (uninstall), silently.

    ``expect_refused``: the install must fail with the downgrade message (a newer version is
    installed), and leave things as they were.
    """
    switch = {"install": ["/i"], "repair": ["/famus"], "uninstall": ["/x"]}[action]
    log = Path(msi).with_name(f"{Path(msi).stem}-{action}.log")
    for prop in properties:
        if "=" not in prop or not prop.split("=", 1)[0].isupper():
            raise CheckFailed(f"{prop!r} is not a PROPERTY=value pair")
    code = system.run(["msiexec", *switch, str(msi), "/qn", "/norestart", "/l*v", str(log), *properties])
    if expect_refused:
        if code in MSIEXEC_OK:
            raise CheckFailed(
                f"msiexec {action} {Path(msi).name} was expected to be refused but exited {code}"
            )
        if DOWNGRADE_MESSAGE not in _log_text(log):
            raise CheckFailed(f"msiexec {action} exited {code} without the downgrade message (log {log})")
        print(f"msiexec {action} {Path(msi).name}: refused as expected (exit {code}): {DOWNGRADE_MESSAGE}")
        return
    if code not in MSIEXEC_OK:
        tail = "\n".join(_log_text(log).splitlines()[-40:])
        raise CheckFailed(f"msiexec {action} exited {code} (log {log}):\n{tail}")
    print(f"msiexec {action} {Path(msi).name}: exit {code}")


def _log_text(log: Path) -> str:
    """An msiexec log: UTF-16 with a byte-order mark, or the ANSI code page."""
    try:
        data = log.read_bytes()
    except OSError:
        return ""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16", errors="replace")
    return data.decode("cp1252", errors="replace")


def product_entries(system) -> list[dict]:
    """Add/Remove Programs entries of WorkWell Desktop (64-bit Uninstall key)."""
    entries = []
    for name in system.subkeys(UNINSTALL_KEY):
        values = system.values(f"{UNINSTALL_KEY}\\{name}") or {}
        if values.get("DisplayName") == PRODUCT_NAME:
            entries.append({"ProductCode": name, **values})
    return entries


def expect_installed(
    system, version: str, server_url: str | None, idle_lock: str | None, file_version: str | None
) -> list[str]:
    """What a good install shows; returns the lines checked, raises CheckFailed on the first problem."""
    checked = []
    entries = product_entries(system)
    if len(entries) != 1:
        codes = ", ".join(e["ProductCode"] for e in entries) or "none"
        raise CheckFailed(
            f"expected one '{PRODUCT_NAME}' in Add/Remove Programs, found {len(entries)}: {codes}"
        )
    entry = entries[0]
    if entry.get("DisplayVersion") != version:
        raise CheckFailed(
            f"Add/Remove Programs shows version {entry.get('DisplayVersion')!r}, expected {version}"
        )
    for value in ("HelpLink", "Contact", "DisplayIcon"):
        if not entry.get(value):
            raise CheckFailed(f"Add/Remove Programs entry has no {value}")
    checked.append(
        f"one Add/Remove Programs entry {entry['ProductCode']}, version {version}, "
        f"HelpLink {entry['HelpLink']}, Contact {entry['Contact']}, icon {entry['DisplayIcon']}"
    )
    installer = system.values(INSTALLER_KEY)
    if installer is None:
        raise CheckFailed(f"HKLM\\{INSTALLER_KEY} is missing")
    for name, want in (
        ("ServerUrl", server_url),
        ("IdleLockMinutes", idle_lock),
        ("InstallerVersion", version),
    ):
        if want is not None and installer.get(name) != want:
            raise CheckFailed(f"HKLM\\{INSTALLER_KEY}\\{name} is {installer.get(name)!r}, expected {want!r}")
    checked.append(
        f"HKLM\\{INSTALLER_KEY}: ServerUrl={installer.get('ServerUrl')!r}, "
        f"IdleLockMinutes={installer.get('IdleLockMinutes')!r}"
    )
    policies = system.values(POLICIES_KEY) or {}
    if "ServerUrl" in policies:
        raise CheckFailed(
            f"HKLM\\{POLICIES_KEY}\\ServerUrl exists: the MSI must leave that key to Group Policy"
        )
    checked.append(f"HKLM\\{POLICIES_KEY} holds only Group Policy's values: {sorted(policies)}")
    for exe in EXECUTABLES:
        path = system.install_dir / exe
        if not path.is_file():
            raise CheckFailed(f"{path} is missing")
        numbers, strings = system.file_version(path)
        dotted = ".".join(str(n) for n in numbers)
        # The previous-version stand-in carries this build's executables: file version given only
        # when it must match.
        if file_version is not None and dotted != file_version:
            raise CheckFailed(f"{exe} has file version {dotted}, expected {file_version}")
        for name in ("CompanyName", "FileDescription", "ProductName"):
            if not strings.get(name):
                raise CheckFailed(f"{exe}'s version resource has no {name}")
        if system.icon_count(path) < 1:
            raise CheckFailed(f"{exe} has no icon")
        checked.append(
            f"{exe}: file version {dotted}, {strings['CompanyName']} / {strings['FileDescription']}, "
            "icon present"
        )
    return checked


def expect_removed(system, policy_values: dict[str, str]) -> list[str]:
    """After uninstall: no program, no entry, no installer settings; GPO values and coach data kept."""
    checked = []
    if product_entries(system):
        raise CheckFailed("WorkWell Desktop is still in Add/Remove Programs")
    if system.install_dir.exists():
        left = sorted(p.name for p in system.install_dir.rglob("*"))[:10]
        raise CheckFailed(f"{system.install_dir} is still there: {left}")
    installer = system.values(INSTALLER_KEY)
    if installer:
        raise CheckFailed(f"HKLM\\{INSTALLER_KEY} still holds {sorted(installer)}")
    checked.append("program folder, Add/Remove Programs entry and installer settings removed")
    policies = system.values(POLICIES_KEY) or {}
    for name, value in policy_values.items():
        if policies.get(name) != value:
            raise CheckFailed(
                f"Group Policy's HKLM\\{POLICIES_KEY}\\{name} was changed or removed "
                f"({policies.get(name)!r}, expected {value!r})"
            )
    checked.append(f"Group Policy's values kept: {sorted(policy_values)}")
    marker = system.coach_data_dir / COACH_MARKER
    if not marker.is_file():
        raise CheckFailed(f"the coach's data folder lost {marker}")
    checked.append(f"coach's data kept: {marker}")
    return checked


def installed_self_test(system, expect_idle_lock: str | None, expect_managed: list[str]) -> list[str]:
    """Run the installed workwell.exe --self-test (windowed: its report goes to %TEMP%)."""
    report = Path(tempfile.gettempdir(), SELF_TEST_REPORT)
    report.unlink(missing_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("WORKWELL_")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    code = system.run([str(system.install_dir / "workwell.exe"), "--self-test"], env=env)
    text = report.read_text(encoding="utf-8", errors="replace") if report.is_file() else ""
    if code != 0:
        raise CheckFailed(f"installed self-test exited {code}:\n{text}")
    settings = next((line for line in text.splitlines() if line.split(":")[0].endswith("settings")), "")
    if expect_idle_lock is not None and f"idle lock {expect_idle_lock} min" not in settings:
        raise CheckFailed(f"self-test settings line {settings!r} does not show idle lock {expect_idle_lock}")
    for key in expect_managed:
        if key not in settings.split("managed:", 1)[-1]:
            raise CheckFailed(f"self-test settings line {settings!r} does not show {key} as managed")
    return [f"installed self-test passed; {settings.strip()}"]


def main(argv: list[str] | None = None, system=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="step", required=True)
    for action in ("install", "repair", "uninstall"):
        p = sub.add_parser(action)
        p.add_argument("msi", type=Path)
        p.add_argument("properties", nargs="*", help="PROPERTY=value (install only)")
        p.add_argument("--expect-refused", action="store_true", help="the downgrade must be refused")
    p = sub.add_parser("expect-installed")
    p.add_argument("--version", required=True)
    p.add_argument("--file-version")
    p.add_argument("--server-url")
    p.add_argument("--idle-lock")
    p = sub.add_parser("expect-removed")
    p.add_argument("--policy", action="append", default=[], help="NAME=value Group Policy must still hold")
    p = sub.add_parser("seed-group-policy", help="write a Policies value as a GPO would")
    p.add_argument("--idle-lock", required=True)
    sub.add_parser("seed-coach-data", help="a file in the coach's data folder that must survive")
    p = sub.add_parser("damage", help="delete one installed file, for repair to put back")
    p.add_argument("relative", help="path under the install folder, / separated")
    p = sub.add_parser("self-test")
    p.add_argument("--expect-idle-lock")
    p.add_argument("--expect-managed", action="append", default=[])
    args = parser.parse_args(argv)
    system = system or WindowsSystem()
    try:
        if args.step in ("install", "repair", "uninstall"):
            if args.properties and args.step != "install":
                parser.error("properties are given on install (repair and uninstall use the remembered ones)")
            msiexec(system, args.step, args.msi, args.properties, args.expect_refused)
            lines = []
        elif args.step == "expect-installed":
            lines = expect_installed(system, args.version, args.server_url, args.idle_lock, args.file_version)
        elif args.step == "expect-removed":
            policy = dict(item.split("=", 1) for item in args.policy)
            lines = expect_removed(system, policy)
        elif args.step == "seed-group-policy":
            system.set_value(POLICIES_KEY, "IdleLockMinutes", args.idle_lock)
            lines = [f"HKLM\\{POLICIES_KEY}\\IdleLockMinutes = {args.idle_lock} (as Group Policy would)"]
        elif args.step == "damage":
            target = system.install_dir.joinpath(*args.relative.split("/"))
            if not target.is_file():
                raise CheckFailed(f"{target} is not there to delete")
            target.unlink()
            lines = [f"deleted {target}"]
        elif args.step == "seed-coach-data":
            marker = system.coach_data_dir / COACH_MARKER
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.write_text("a coach's data: uninstalling WorkWell must leave it\n", encoding="utf-8")
            lines = [f"wrote {marker}"]
        else:
            lines = installed_self_test(system, args.expect_idle_lock, args.expect_managed)
    except CheckFailed as problem:
        print(f"FAILED: {problem}", file=sys.stderr)
        return 1
    for line in lines:
        print(f"ok  {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
