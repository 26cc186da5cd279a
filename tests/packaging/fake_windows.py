"""Stand-ins for the Windows APIs our Windows-only code calls, for tests on any OS.

``FakeWinreg`` behaves like the parts of ``winreg`` that settings.py and
packaging/windows/msi_lifecycle.py use: keys under HKEY_LOCAL_MACHINE, FileNotFoundError
for a missing key or value, OSError when enumeration runs out, keys as context managers,
and the 32/64-bit views kept apart (KEY_WOW64_64KEY), as on a 64-bit Windows.

``FakeWin32Cred`` and ``FakeWinError`` behave like pywin32-ctypes' ``win32cred`` and
``pywintypes.error`` as keyring's WinVaultKeyring calls them, including the Credential
Manager's limit on the size of a secret (CRED_MAX_CREDENTIAL_BLOB_SIZE, 5 * 512 bytes:
https://learn.microsoft.com/windows/win32/api/wincred/ns-wincred-credentialw).
"""

from __future__ import annotations


class FakeWinreg:
    HKEY_LOCAL_MACHINE = "HKLM"
    KEY_READ = 0x20019
    KEY_ALL_ACCESS = 0xF003F
    KEY_WOW64_64KEY = 0x0100
    KEY_WOW64_32KEY = 0x0200
    REG_SZ = 1
    REG_DWORD = 4

    def __init__(self, process_bits: int = 64):
        self.views: dict[str, dict[str, dict[str, tuple[object, int]]]] = {"64": {}, "32": {}}
        self.opened: list[tuple[str, int]] = []
        self.process_bits = process_bits  # a 32-bit process sees the 32-bit view unless it asks

    # set-up helpers (not winreg API)
    def put(self, path: str, name: str, value, kind: int = REG_SZ, view: str = "64") -> None:
        parts = path.lower().split("\\")
        for depth in range(1, len(parts)):  # parent keys exist, as in a real registry
            self.views[view].setdefault("\\".join(parts[:depth]), {})
        self.views[view].setdefault(path.lower(), {})[name] = (value, kind)

    def key_values(self, path: str, view: str = "64") -> dict[str, object] | None:
        values = self.views[view].get(path.lower())
        return None if values is None else {k: v for k, (v, _kind) in values.items()}

    class _Key:
        def __init__(self, registry, path, view):
            self.registry, self.path, self.view = registry, path.lower(), view

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def Close(self):  # noqa: N802 - winreg's name
            pass

    def _view(self, access: int) -> str:
        if access & self.KEY_WOW64_64KEY:
            return "64"
        if access & self.KEY_WOW64_32KEY:
            return "32"
        return str(self.process_bits)

    def OpenKey(self, root, path, reserved=0, access=KEY_READ):  # noqa: N802
        assert root == self.HKEY_LOCAL_MACHINE
        self.opened.append((path, access))
        view = self._view(access)
        if path.lower() not in self.views[view]:
            raise FileNotFoundError(2, "The system cannot find the file specified")
        return self._Key(self, path, view)

    def CreateKeyEx(self, root, path, reserved=0, access=KEY_ALL_ACCESS):  # noqa: N802
        view = self._view(access)
        self.views[view].setdefault(path.lower(), {})
        return self._Key(self, path, view)

    def QueryValueEx(self, key, name):  # noqa: N802
        values = self.views[key.view][key.path]
        if name not in values:
            raise FileNotFoundError(2, "The system cannot find the file specified")
        return values[name]

    def SetValueEx(self, key, name, reserved, kind, value):  # noqa: N802
        self.views[key.view][key.path][name] = (value, kind)

    def EnumValue(self, key, index):  # noqa: N802
        items = list(self.views[key.view][key.path].items())
        if index >= len(items):
            raise OSError(259, "No more data is available")
        name, (value, kind) = items[index]
        return name, value, kind

    def EnumKey(self, key, index):  # noqa: N802
        prefix = key.path + "\\"
        children = sorted(
            {p[len(prefix) :].split("\\")[0] for p in self.views[key.view] if p.startswith(prefix)}
        )
        if index >= len(children):
            raise OSError(259, "No more data is available")
        return children[index]


class FakeWinError(Exception):
    """pywintypes.error: (winerror, funcname, strerror)."""

    def __init__(self, winerror, funcname, strerror):
        super().__init__(winerror, funcname, strerror)
        self.winerror, self.funcname, self.strerror = winerror, funcname, strerror


class FakeWin32Cred:
    CRED_TYPE_GENERIC = 1
    CRED_PERSIST_SESSION = 1
    CRED_PERSIST_LOCAL_MACHINE = 2
    CRED_PERSIST_ENTERPRISE = 3
    CRED_MAX_CREDENTIAL_BLOB_SIZE = 5 * 512
    ERROR_NOT_FOUND = 1168
    ERROR_INVALID_PARAMETER = 87

    def __init__(self):
        self.vault: dict[str, dict] = {}

    def CredRead(self, Type, TargetName):  # noqa: N802, N803 - pywin32's names
        if TargetName not in self.vault:
            raise FakeWinError(self.ERROR_NOT_FOUND, "CredRead", "Element not found.")
        return dict(self.vault[TargetName])

    def CredWrite(self, Credential, Flags):  # noqa: N802, N803
        blob = Credential["CredentialBlob"]
        # pywin32-ctypes writes a str secret as UTF-16-LE, as keyring reads it back.
        data = blob.encode("utf-16-le") if isinstance(blob, str) else bytes(blob)
        if len(data) > self.CRED_MAX_CREDENTIAL_BLOB_SIZE:
            raise FakeWinError(self.ERROR_INVALID_PARAMETER, "CredWrite", "The parameter is incorrect.")
        self.vault[Credential["TargetName"]] = dict(Credential, CredentialBlob=data)

    def CredDelete(self, Type, TargetName):  # noqa: N802, N803
        if TargetName not in self.vault:
            raise FakeWinError(self.ERROR_NOT_FOUND, "CredDelete", "Element not found.")
        del self.vault[TargetName]
