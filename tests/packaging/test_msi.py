"""The Windows MSI as Windows Installer will read it: workwell.wxs built with wixl, its tables
read back with `msiinfo export` (msitools), its payload unpacked with `msiextract` and
verified against the signed manifest, and its Authenticode signature checked.

The table tests use a small made-up bundle (fast, no PyInstaller); the payload and
signature tests use the real bundle (marked ``bundle``). What wixl cannot show (Windows
Installer actually upgrading, repairing, uninstalling) is the Windows pipeline's job:
packaging/windows/ci_pipeline.py, run by .github/workflows/windows.yml.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from packaging_helpers import PACKAGING, ROOT, load_packaging_module

pytestmark = pytest.mark.skipif(
    not all(
        shutil.which(t) for t in ("wixl", "wixl-heat", "msiinfo", "msibuild", "msiextract", "osslsigncode")
    ),
    reason="needs wixl, msitools and osslsigncode (packaging/debian-deps.sh test)",
)
UPGRADE_CODE = "{6F1C3E2A-8B4D-4C7E-9A15-3D2B7E90C4A1}"
BUILD_MSI = PACKAGING / "windows" / "build-msi.sh"
WXS = PACKAGING / "windows" / "workwell.wxs"
manifest = load_packaging_module("manifest")
signing = load_packaging_module("windows/signing")


def build_msi(bundle, out, version="0.1.0", **env):
    return subprocess.run(
        ["bash", str(BUILD_MSI), str(bundle), str(out), version],
        capture_output=True,
        text=True,
        timeout=600,
        env=dict(os.environ, PYTHON=sys.executable, **env),
    )


def table(msi, name) -> list[list[str]]:
    """The rows of one table (msiinfo's first three lines are the column names, types and key).

    Run beside the MSI: exporting a table with binary columns (Icon) writes their streams
    into the current folder."""
    text = subprocess.run(
        ["msiinfo", "export", str(msi), name],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(msi).parent,
    ).stdout
    return [line.split("\t") for line in text.splitlines()[3:] if line]


def properties(msi) -> dict[str, str]:
    return {row[0]: row[1] for row in table(msi, "Property")}


@pytest.fixture(scope="module")
def small_signed_bundle(tmp_path_factory):
    """A made-up bundle with a link, signed with a throwaway key: (bundle, public key)."""
    root = tmp_path_factory.mktemp("small") / "WorkWell"
    (root / "_internal" / "resources").mkdir(parents=True)
    (root / "workwell").write_bytes(b"\x7fELF pretend app")
    (root / "workwell-admin").write_bytes(b"\x7fELF pretend admin")
    (root / "_internal" / "libexample.so.1").write_bytes(b"library bytes")
    (root / "_internal" / "resources" / "phq9.json").write_text('{"id": "phq9"}')
    os.symlink("_internal/libexample.so.1", root / "libexample.so.1")
    keys = manifest.generate_key_pair(tmp_path_factory.mktemp("keys"), "throwaway")
    manifest.sign_bundle(root, keys[0], version="0.1.0")
    return root, keys[1]


@pytest.fixture(scope="module")
def small_msi(small_signed_bundle, tmp_path_factory):
    out = tmp_path_factory.mktemp("msi") / "WorkWell.msi"
    result = build_msi(small_signed_bundle[0], out)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


# ----- versions --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "version", ["0.1.0-rc1", "0.1.0.4", "1.2", "v1.2.3", "01.2.3", "256.0.0", "1.2.65536", ""]
)
def test_a_version_windows_installer_would_misread_is_refused(small_signed_bundle, tmp_path, version):
    out = tmp_path / "WorkWell.msi"
    result = build_msi(small_signed_bundle[0], out, version)
    assert result.returncode == 2
    assert "invalid version" in result.stderr
    assert not out.exists()


# ----- upgrades ----------------------------------------------------------------------------
def related_products(upgrade_rows, installed: str) -> set[str]:
    """What FindRelatedProducts sets for an installed version, per the Upgrade table's rules
    (https://learn.microsoft.com/windows/win32/msi/upgrade-table): VersionMin/VersionMax
    bound the range, inclusive when attribute 256 / 512 is set; a null VersionMax has no
    upper bound; only the first three fields count."""
    key = tuple(int(p) for p in installed.split(".")[:3])
    found = set()
    for code, low, high, _language, attributes, _remove, prop in upgrade_rows:
        attributes = int(attributes)
        assert code == UPGRADE_CODE
        if low and (
            key < tuple(map(int, low.split(".")))
            or (key == tuple(map(int, low.split("."))) and not attributes & 256)
        ):
            continue
        if high and (
            key > tuple(map(int, high.split(".")))
            or (key == tuple(map(int, high.split("."))) and not attributes & 512)
        ):
            continue
        found.add(prop)
    return found


@pytest.mark.parametrize(
    ("installed", "outcome"),
    [
        ("0.0.9", "upgrade"),
        ("0.1.0", "upgrade"),  # a same-version rebuild replaces, never sits beside
        ("0.1.1", "refused"),
        ("1.0.0", "refused"),
    ],
)
def test_the_upgrade_table_replaces_older_and_same_and_refuses_newer(small_msi, installed, outcome):
    found = related_products(table(small_msi, "Upgrade"), installed)
    refused = "WIX_DOWNGRADE_DETECTED" in found
    assert ("refused" if refused else "upgrade") == outcome, found
    if not refused:
        assert "WIX_UPGRADE_DETECTED" in found
        downgrade_rows = [r for r in table(small_msi, "Upgrade") if r[6] == "WIX_DOWNGRADE_DETECTED"]
        assert all(int(r[4]) & 2 for r in downgrade_rows)  # only detect a newer one, never remove it
    conditions = dict(table(small_msi, "LaunchCondition"))
    assert conditions["NOT WIX_DOWNGRADE_DETECTED"].startswith(
        "A newer version of WorkWell Desktop is already"
    )


def test_the_old_product_is_removed_before_the_new_files_go_in(small_msi):
    sequence = {row[0]: int(row[2]) for row in table(small_msi, "InstallExecuteSequence")}
    assert sequence["InstallInitialize"] < sequence["RemoveExistingProducts"] < sequence["ProcessComponents"]
    assert sequence["FindRelatedProducts"] < sequence["LaunchConditions"]


def test_every_rebuild_has_a_new_product_code_and_the_same_upgrade_code(
    small_signed_bundle, small_msi, tmp_path
):
    again = tmp_path / "again.msi"
    assert build_msi(small_signed_bundle[0], again).returncode == 0
    first, second = properties(small_msi), properties(again)
    assert first["UpgradeCode"] == second["UpgradeCode"] == UPGRADE_CODE
    assert first["ProductCode"] != second["ProductCode"]
    assert first["ProductVersion"] == second["ProductVersion"] == "0.1.0"


# ----- settings: installer's key, remembered, Policies left to Group Policy ---------------
def test_the_properties_are_written_under_the_installers_key_never_policies(small_msi):
    rows = table(small_msi, "Registry")
    written = {(row[1], row[2], row[3]): row[4] for row in rows}
    assert written[("2", r"Software\NHS\WorkWell", "ServerUrl")] == "[SERVER_URL]"  # root 2 = HKLM
    assert written[("2", r"Software\NHS\WorkWell", "IdleLockMinutes")] == "[IDLE_LOCK_MINUTES]"
    assert not [row for row in rows if "Policies" in row[2]]
    # The component's key path is a value that is always set, not one IT may leave blank.
    component = {row[0]: row for row in table(small_msi, "Component")}["C.InstallerSettings"]
    key_path = {row[0]: row for row in rows}[component[5]]
    assert key_path[3] == "InstallerVersion" and key_path[4] == "[ProductVersion]"


def test_earlier_values_are_remembered_unless_the_command_line_gives_new_ones(small_msi):
    searches = dict(table(small_msi, "AppSearch"))
    locators = {row[0]: row for row in table(small_msi, "RegLocator")}
    actions = {row[0]: row for row in table(small_msi, "CustomAction")}
    for public, value_name in (("SERVER_URL", "ServerUrl"), ("IDLE_LOCK_MINUTES", "IdleLockMinutes")):
        saved = f"SAVED_{public}"
        locator = locators[searches[saved]]
        # HKLM, the installer's key, this value; type 2 = raw, +16 = the 64-bit view
        assert locator[1:4] == ["2", r"Software\NHS\WorkWell", value_name] and int(locator[4]) == 18
        action = next(a for a in actions.values() if a[2] == public)
        assert int(action[1]) & 0x3F == 51 and action[3] == f"[{saved}]"  # type 51: set a property
        for sequence_table in ("InstallUISequence", "InstallExecuteSequence"):
            sequence = {row[0]: row for row in table(small_msi, sequence_table)}
            assert (
                int(sequence["AppSearch"][2])
                < int(sequence[action[0]][2])
                < int(sequence["LaunchConditions"][2])
            )
            assert sequence[action[0]][1] == f"{saved} AND NOT {public}"  # the command line wins


def test_public_properties_are_secure(small_msi):
    secure = set(properties(small_msi)["SecureCustomProperties"].split(";"))
    wanted = set(re.findall(r'<Property Id="([A-Z_]+)" Secure="yes"', WXS.read_text(encoding="utf-8")))
    assert {"SERVER_URL", "IDLE_LOCK_MINUTES", "WIX_UPGRADE_DETECTED", "WIX_DOWNGRADE_DETECTED"} <= secure
    assert wanted <= secure


# ----- Add/Remove Programs ----------------------------------------------------------------
def test_add_remove_programs_has_the_icon_help_link_and_contact(small_signed_bundle, tmp_path):
    out = tmp_path / "WorkWell.msi"
    result = build_msi(
        small_signed_bundle[0],
        out,
        WORKWELL_HELP_LINK="https://it.example.nhs.uk/workwell",
        WORKWELL_CONTACT="North Cumbria IT service desk",
    )
    assert result.returncode == 0, result.stderr
    props = properties(out)
    assert props["ARPHELPLINK"] == "https://it.example.nhs.uk/workwell"
    assert props["ARPCONTACT"] == "North Cumbria IT service desk"
    assert props["ARPNOMODIFY"] == "1"
    icons = dict(table(out, "Icon"))
    assert props["ARPPRODUCTICON"] in icons
    stream = subprocess.run(
        ["msiinfo", "extract", str(out), f"Icon.{props['ARPPRODUCTICON']}"], capture_output=True, check=True
    ).stdout
    assert stream == (ROOT / "workwell_desktop" / "resources" / "icons" / "workwell.ico").read_bytes()


def test_a_missing_icon_stops_the_build(small_signed_bundle, tmp_path, monkeypatch):
    # build-msi.sh reads the icon from the checkout: run a copy of the script in a tree without it.
    tree = tmp_path / "tree"
    shutil.copytree(PACKAGING, tree / "packaging", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    result = subprocess.run(
        [
            "bash",
            str(tree / "packaging" / "windows" / "build-msi.sh"),
            str(small_signed_bundle[0]),
            str(tmp_path / "x.msi"),
            "0.1.0",
        ],
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHON=sys.executable),
    )
    assert result.returncode == 2 and "workwell.ico" in result.stderr


# ----- what docs and comments say ----------------------------------------------------------
def test_the_wxs_comments_and_the_deployment_guide_name_what_the_tables_hold(small_msi):
    guide = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
    wxs = WXS.read_text(encoding="utf-8")
    for text in (guide, wxs):
        assert r"HKLM\Software\NHS\WorkWell" in text
        assert "RemoveExistingProducts" in text or "removed completely before" in text
        for prop in ("SERVER_URL", "IDLE_LOCK_MINUTES"):
            assert prop in text
    assert "HKLM\\Software\\Policies\\NHS\\WorkWell is Group Policy's alone" in wxs
    assert "never writes" in guide and UPGRADE_CODE.strip("{}") in guide
    assert "<MajorUpgrade" not in wxs  # wixl would drop its same-version and scheduling options


# ----- the real bundle ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def bundle_msi(signed_bundle, tmp_path_factory):
    out = tmp_path_factory.mktemp("bundle-msi") / "WorkWell.msi"
    result = build_msi(signed_bundle, out)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


@pytest.mark.bundle
def test_msi_holds_every_file_of_the_bundle(bundle_msi, signed_bundle):
    files = table(bundle_msi, "File")
    bundled = [p for p in signed_bundle.rglob("*") if p.is_file() or p.is_symlink()]
    assert len(files) == len(bundled)  # links included, as copies
    assert any(row[2].endswith("workwell-manifest.json") for row in files)
    shortcut = table(bundle_msi, "Shortcut")
    assert any(row[1] == "ProgramMenuFolder" and "WorkWell Desktop" in row[2] for row in shortcut)


@pytest.mark.bundle
def test_the_unpacked_msi_payload_verifies_against_the_signed_manifest(bundle_msi, signing_keys, tmp_path):
    subprocess.run(["msiextract", "-C", str(tmp_path), str(bundle_msi)], capture_output=True, check=True)
    payload = tmp_path / "WorkWell"
    verify = [sys.executable, str(PACKAGING / "verify"), str(payload), "--pubkey", str(signing_keys[1])]
    # An MSI holds no file modes: msiextract leaves every file 0644, so modes are not compared.
    result = subprocess.run([*verify, "--ignore-modes"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "file modes not checked" in result.stdout
    # ...and the check is real: one changed byte in the payload is caught.
    target = payload / "_internal" / "resources" / "instruments" / "phq9.json"
    target.write_bytes(target.read_bytes().replace(b"phq9", b"phq8", 1))
    broken = subprocess.run([*verify, "--ignore-modes"], capture_output=True, text=True, timeout=300)
    assert broken.returncode == 1 and "changed: _internal/resources/instruments/phq9.json" in broken.stderr


@pytest.mark.bundle
def test_signed_msi_verifies_and_unsigned_or_tampered_does_not(bundle_msi, tmp_path):
    cert = signing.make_throwaway_cert(tmp_path / "cert")
    signed = tmp_path / "WorkWell-signed.msi"
    shutil.copyfile(bundle_msi, signed)
    result = subprocess.run(
        [
            sys.executable,
            str(PACKAGING / "windows" / "signing.py"),
            "sign",
            "--pfx",
            str(cert["pfx"]),
            "--cafile",
            str(cert["pem"]),
            str(signed),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    check = subprocess.run(
        ["osslsigncode", "verify", "-CAfile", str(cert["pem"]), "-in", str(signed)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert "Signature verification: ok" in check.stdout and "WorkWell Test Code Signing" in check.stdout

    unsigned = subprocess.run(
        ["osslsigncode", "verify", "-CAfile", str(cert["pem"]), "-in", str(bundle_msi)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert unsigned.returncode != 0

    tampered = tmp_path / "tampered.msi"
    data = bytearray(signed.read_bytes())
    data[len(data) // 2] ^= 0xFF
    tampered.write_bytes(bytes(data))
    broken = subprocess.run(
        ["osslsigncode", "verify", "-CAfile", str(cert["pem"]), "-in", str(tampered)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert broken.returncode != 0
