"""The Windows MSI: workwell.wxs builds with wixl from the bundle, carries the policy
properties, the fixed UpgradeCode and a Start-menu shortcut, and an Authenticode
signature (throwaway self-signed certificate) that `osslsigncode verify` accepts."""

import datetime
import re
import shutil
import subprocess

import pytest
from packaging_helpers import PACKAGING

pytestmark = [
    pytest.mark.bundle,
    pytest.mark.skipif(not (shutil.which("wixl") and shutil.which("wixl-heat") and shutil.which("msiinfo")
                            and shutil.which("osslsigncode")),
                       reason="needs wixl, msitools and osslsigncode (packaging/debian-deps.sh test)"),
]
UPGRADE_CODE = "{6F1C3E2A-8B4D-4C7E-9A15-3D2B7E90C4A1}"


@pytest.fixture(scope="module")
def msi(signed_bundle, tmp_path_factory):
    out = tmp_path_factory.mktemp("msi") / "WorkWell.msi"
    result = subprocess.run(["bash", str(PACKAGING / "windows" / "build-msi.sh"), str(signed_bundle),
                             str(out), "0.1.0"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


@pytest.fixture(scope="module")
def code_signing_cert(tmp_path_factory):
    """A throwaway self-signed code-signing certificate and key (PEM paths)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    folder = tmp_path_factory.mktemp("cert")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "WorkWell Test Code Signing (throwaway)")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CODE_SIGNING]), critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def table(msi, name) -> str:
    return subprocess.run(["msiinfo", "export", str(msi), name], capture_output=True, text=True,
                          check=True).stdout


def test_msi_writes_the_policy_properties_machine_wide(msi):
    registry = table(msi, "Registry")
    assert re.search(r"\t2\tSoftware\\Policies\\NHS\\WorkWell\tServerUrl\t\[SERVER_URL\]\t", registry)
    assert re.search(r"\t2\tSoftware\\Policies\\NHS\\WorkWell\tIdleLockMinutes\t\[IDLE_LOCK_MINUTES\]\t",
                     registry)  # root 2 = HKEY_LOCAL_MACHINE


def test_msi_is_per_machine_with_a_fixed_upgrade_code_and_major_upgrade(msi):
    properties = table(msi, "Property")
    assert "ALLUSERS\t1" in properties
    assert f"UpgradeCode\t{UPGRADE_CODE}" in properties
    assert "ProductVersion\t0.1.0" in properties
    upgrade = table(msi, "Upgrade")
    assert "WIX_UPGRADE_DETECTED" in upgrade and "WIX_DOWNGRADE_DETECTED" in upgrade
    assert "RemoveExistingProducts" in table(msi, "InstallExecuteSequence")


def test_msi_installs_into_program_files_with_a_start_menu_shortcut(msi, signed_bundle):
    directories = table(msi, "Directory")
    assert "ProgramFiles64Folder" in directories and re.search(r"INSTALLDIR\tProgramFiles64Folder\tWorkWell",
                                                              directories)
    shortcut = table(msi, "Shortcut")
    assert "ProgramMenuFolder\tWorkWell Desktop" in shortcut and "[INSTALLDIR]workwell" in shortcut
    files = table(msi, "File")
    bundled = [p for p in signed_bundle.rglob("*") if p.is_file() and not p.is_symlink()]
    assert len(files.splitlines()) - 3 == len(bundled)  # every file, the signed manifest included
    assert "workwell-manifest.json" in files


def test_signed_msi_verifies_and_unsigned_or_tampered_does_not(msi, code_signing_cert, tmp_path):
    cert, key = code_signing_cert
    signed = tmp_path / "WorkWell-signed.msi"
    shutil.copyfile(msi, signed)
    result = subprocess.run(["bash", str(PACKAGING / "windows" / "sign.sh"), "--cert", str(cert), "--key",
                             str(key), "--cafile", str(cert), str(signed)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    check = subprocess.run(["osslsigncode", "verify", "-CAfile", str(cert), "-in", str(signed)],
                           capture_output=True, text=True, timeout=300)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "Signature verification: ok" in check.stdout
    assert "WorkWell Test Code Signing" in check.stdout

    unsigned = subprocess.run(["osslsigncode", "verify", "-CAfile", str(cert), "-in", str(msi)],
                              capture_output=True, text=True, timeout=300)
    assert unsigned.returncode != 0

    # One flipped byte anywhere in the signed MSI and the signature no longer matches.
    tampered = tmp_path / "tampered.msi"
    data = bytearray(signed.read_bytes())
    data[len(data) // 2] ^= 0xFF
    tampered.write_bytes(bytes(data))
    broken = subprocess.run(["osslsigncode", "verify", "-CAfile", str(cert), "-in", str(tampered)],
                            capture_output=True, text=True, timeout=300)
    assert broken.returncode != 0
