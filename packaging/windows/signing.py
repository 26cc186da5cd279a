#!/usr/bin/env python3
"""Authenticode signing for the Windows pipeline: a throwaway certificate, sign, verify.

    python packaging/windows/signing.py throwaway-cert --out build/cert [--trust]
    python packaging/windows/signing.py sign --pfx build/cert/throwaway.pfx FILE...   # then verifies
    python packaging/windows/signing.py verify [--cafile CA.pem] FILE...

``throwaway-cert`` makes a self-signed code-signing certificate valid for two days
(``throwaway.pfx`` with an empty password, plus ``.pem``/``.key.pem``/``.cer``); it is
for CI and tests only, never for a release. ``--trust`` (Windows, administrator) adds
it to the machine's Root and TrustedPublisher stores with certutil so that
``signtool verify /pa`` accepts it, as the organisation's real certificate would be.

``sign`` uses signtool on Windows (found on PATH or in the Windows 10/11 SDK) and
osslsigncode elsewhere, in the order given: the executables first, then the MSI that
contains them. Each file is verified straight after. A timestamp server
(``--timestamp URL``) belongs in a release, not in CI.
"""

from __future__ import annotations

import argparse
import datetime
import glob
import os
import shutil
import subprocess
import sys
from pathlib import Path

WINDOWS = sys.platform == "win32"
SUBJECT = "WorkWell Test Code Signing (throwaway)"
DESCRIPTION = "WorkWell Desktop"
INFO_URL = "https://www.england.nhs.uk/"


def make_throwaway_cert(out: Path, name: str = "throwaway") -> dict[str, Path]:
    """A self-signed RSA code-signing certificate: pfx (empty password), pem, key.pem and cer."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, SUBJECT)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CODE_SIGNING]), critical=False)
        .sign(key, hashes.SHA256())
    )
    paths = {kind: out / f"{name}.{kind}" for kind in ("pfx", "pem", "key.pem", "cer")}
    paths["pfx"].write_bytes(
        pkcs12.serialize_key_and_certificates(name.encode(), key, cert, None, serialization.NoEncryption())
    )
    paths["pem"].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths["key.pem"].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    paths["cer"].write_bytes(cert.public_bytes(serialization.Encoding.DER))
    return paths


def trust_commands(cer: Path) -> list[list[str]]:
    return [["certutil", "-f", "-addstore", store, str(cer)] for store in ("Root", "TrustedPublisher")]


def find_signtool() -> str | None:
    if shutil.which("signtool"):
        return shutil.which("signtool")
    kits = os.environ.get("ProgramFiles(x86)", r"C:\Program Files (x86)")
    found = sorted(glob.glob(os.path.join(kits, "Windows Kits", "10", "bin", "10.*", "x64", "signtool.exe")))
    return found[-1] if found else None


def sign_command(
    path: Path,
    pfx: Path | None,
    cert: Path | None,
    key: Path | None,
    password: str,
    timestamp: str | None,
    tool: str,
) -> list[str]:
    if Path(tool).stem.lower() == "signtool":
        command = [tool, "sign", "/fd", "sha256", "/f", str(pfx), "/d", DESCRIPTION, "/du", INFO_URL]
        if password:
            command += ["/p", password]
        if timestamp:
            command += ["/tr", timestamp, "/td", "sha256"]
        return command + [str(path)]
    command = [tool, "sign", "-h", "sha256", "-n", DESCRIPTION, "-i", INFO_URL]
    command += ["-pkcs12", str(pfx)] if pfx else ["-certs", str(cert), "-key", str(key)]
    if password:
        command += ["-pass", password]
    if timestamp:
        command += ["-ts", timestamp]
    return command + ["-in", str(path), "-out", str(path) + ".signed"]


def verify_command(path: Path, tool: str, cafile: Path | None) -> list[str]:
    if Path(tool).stem.lower() == "signtool":
        return [tool, "verify", "/pa", str(path)]
    command = [tool, "verify", "-in", str(path)]
    return command + (["-CAfile", str(cafile)] if cafile else [])


def _tool() -> str:
    tool = find_signtool() if WINDOWS else shutil.which("osslsigncode")
    if not tool:
        raise SystemExit(
            "signtool (Windows SDK) not found"
            if WINDOWS
            else "osslsigncode not found: apt-get install osslsigncode"
        )
    return tool


def sign_files(
    files: list[Path],
    pfx: Path | None,
    cert: Path | None,
    key: Path | None,
    password: str = "",
    timestamp: str | None = None,
    cafile: Path | None = None,
) -> None:
    tool = _tool()
    for path in files:
        result = subprocess.run(
            sign_command(path, pfx, cert, key, password, timestamp, tool), capture_output=True, text=True
        )
        if result.returncode != 0:
            raise SystemExit(f"signing {path} failed:\n{result.stdout}{result.stderr}")
        if Path(tool).stem.lower() != "signtool":
            os.replace(str(path) + ".signed", path)
        verify_files([path], cafile, tool)
        print(f"signed {path}")


def verify_files(files: list[Path], cafile: Path | None = None, tool: str | None = None) -> None:
    tool = tool or _tool()
    for path in files:
        result = subprocess.run(verify_command(path, tool, cafile), capture_output=True, text=True)
        if result.returncode != 0:
            raise SystemExit(f"signature check failed for {path}:\n{result.stdout}{result.stderr}")
        print(f"signature ok: {path}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    throwaway = sub.add_parser("throwaway-cert", help="a self-signed code-signing certificate (CI, tests)")
    throwaway.add_argument("--out", type=Path, required=True)
    throwaway.add_argument("--trust", action="store_true", help="trust it on this Windows machine (admin)")
    sign = sub.add_parser("sign", help="sign and verify each file, in order")
    sign.add_argument("--pfx", type=Path)
    sign.add_argument("--cert", type=Path, help="PEM certificate (osslsigncode, with --key)")
    sign.add_argument("--key", type=Path)
    sign.add_argument("--timestamp")
    sign.add_argument("--cafile", type=Path, help="CA for osslsigncode verify (self-signed: the cert)")
    sign.add_argument("files", type=Path, nargs="+")
    verify = sub.add_parser("verify", help="check each file's Authenticode signature")
    verify.add_argument("--cafile", type=Path)
    verify.add_argument("files", type=Path, nargs="+")
    args = parser.parse_args(argv)
    if args.command == "throwaway-cert":
        paths = make_throwaway_cert(args.out)
        print(f"throwaway certificate {paths['pfx']} (for CI and tests only)")
        if args.trust:
            for command in trust_commands(paths["cer"]):
                print("+", subprocess.list2cmdline(command), flush=True)
                subprocess.run(command, check=True, capture_output=True)
        return 0
    if args.command == "sign":
        if not args.pfx and not (args.cert and args.key):
            parser.error("give --pfx, or --cert and --key")
        sign_files(
            args.files,
            args.pfx,
            args.cert,
            args.key,
            os.environ.get("CODE_SIGNING_PASSWORD", ""),
            args.timestamp,
            args.cafile,
        )
        return 0
    verify_files(args.files, args.cafile)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
