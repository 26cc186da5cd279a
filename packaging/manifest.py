#!/usr/bin/env python3
"""Signed manifest of a WorkWell bundle: every file's SHA-256, signed with Ed25519.

    python packaging/manifest.py keygen --out DIR     # a new key pair (IT keeps the private key)
    python packaging/manifest.py sign BUNDLE [--key KEY.pem]   # default key: $WORKWELL_SIGNING_KEY
    packaging/verify BUNDLE_DIR_OR_ARCHIVE --pubkey PUB.pem

The manifest (``workwell-manifest.json``) and its signature (``workwell-manifest.sig``)
sit in the bundle's top folder and are the only files the manifest does not list.
The manifest lists every other file by relative path (``/`` separated, sorted) with
its size, SHA-256 and, when signed on a POSIX system, its permission bits (``mode``,
octal text such as ``"0755"``); a symbolic link is listed with its target. The signature is
Ed25519 over the manifest file's exact bytes, base64 in one line. The public key is
shipped and pinned separately (docs/deployment.md), never taken from the bundle.

Verification fails, naming the file, on any changed, missing or extra file, a
changed mode (``chmod 777``), a file or folder anyone but its owner can write, and on
a manifest that does not match its signature under the pinned key. Modes are checked
only where the checking system has them (not on Windows, whose Program Files ACLs do
that job) and not with ``--ignore-modes`` (a payload unpacked from an MSI, which holds
no modes). A link may be found as a plain copy of what it points to (an MSI or a
Windows filesystem cannot hold links): it passes only if the copy matches, byte for
byte, the file the manifest lists at the link's target.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import stat
import sys
import tarfile
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

MANIFEST_NAME = "workwell-manifest.json"
SIGNATURE_NAME = "workwell-manifest.sig"
NOT_LISTED = {MANIFEST_NAME, SIGNATURE_NAME}
FORMAT = 2  # 2: files carry "mode" (format 1 had none; a format-1 manifest still verifies)
CHUNK = 1 << 20
# Modes mean something only where the file system has them: recorded and checked on POSIX.
POSIX_MODES = os.name == "posix"


class VerificationError(Exception):
    """The bundle cannot be checked at all (no manifest, unreadable archive, bad key file)."""


# ----- keys ------------------------------------------------------------------------
def load_private_key(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=_key_password())
    except (OSError, ValueError, TypeError) as exc:
        raise VerificationError(f"cannot read the signing key {path}: {exc}") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise VerificationError(f"{path} is not an Ed25519 private key")
    return key


def _key_password() -> bytes | None:
    password = os.environ.get("WORKWELL_SIGNING_KEY_PASSWORD")
    return password.encode() if password else None


def load_public_key(path: Path) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(Path(path).read_bytes())
    except (OSError, ValueError) as exc:
        raise VerificationError(f"cannot read the public key {path}: {exc}") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise VerificationError(f"{path} is not an Ed25519 public key")
    return key


def fingerprint(public_key: Ed25519PublicKey) -> str:
    """SHA-256 of the raw public key, as IT pins it (first 16 bytes, hex, in pairs)."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    digest = hashlib.sha256(raw).hexdigest()[:32]
    return ":".join(digest[i : i + 4] for i in range(0, 32, 4))


def fingerprint_of_private(path: Path) -> str:
    return fingerprint(load_private_key(path).public_key())


def generate_key_pair(out_dir: Path, name: str = "workwell-signing") -> tuple[Path, Path]:
    """A new Ed25519 pair: ``name.pem`` (private, mode 0600) and ``name.pub.pem``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    private = out_dir / f"{name}.pem"
    public = out_dir / f"{name}.pub.pem"
    fd = os.open(private, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
    public.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return private, public


# ----- listing a bundle ----------------------------------------------------------------
def _sha256_of(handle) -> str:
    digest = hashlib.sha256()
    for block in iter(lambda: handle.read(CHUNK), b""):
        digest.update(block)
    return digest.hexdigest()


def folder_entries(bundle: Path) -> dict[str, dict]:
    """Every file and link under ``bundle`` (the manifest files excepted), by relative path."""
    bundle = Path(bundle)
    entries: dict[str, dict] = {}
    for dirpath, dirnames, filenames in os.walk(bundle, followlinks=False):
        here = Path(dirpath)
        # A link to a folder is listed as a link, not walked into.
        for name in [d for d in dirnames if (here / d).is_symlink()]:
            dirnames.remove(name)
            filenames.append(name)
        for name in filenames:
            path = here / name
            relative = path.relative_to(bundle).as_posix()
            if relative in NOT_LISTED:
                continue
            if path.is_symlink():
                entries[relative] = {"link": os.readlink(path).replace(os.sep, "/")}
                continue
            with path.open("rb") as handle:
                entries[relative] = {"size": path.stat().st_size, "sha256": _sha256_of(handle)}
            if POSIX_MODES:
                entries[relative]["mode"] = _mode_text(path.lstat().st_mode)
    return entries


def _mode_text(mode: int) -> str:
    return f"{stat.S_IMODE(mode):04o}"


def writable_by_others(bundle: Path) -> list[str]:
    """Folders and files under ``bundle`` (``.`` for itself) that group or others may write."""
    if not POSIX_MODES:
        return []
    bundle = Path(bundle)
    paths = [bundle]
    for dirpath, dirnames, filenames in os.walk(bundle, followlinks=False):
        paths += [Path(dirpath, name) for name in dirnames + filenames]
    return sorted(
        path.relative_to(bundle).as_posix()
        for path in paths
        if not path.is_symlink() and path.lstat().st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    )


def archive_entries(archive: Path) -> tuple[dict[str, dict], bytes | None, bytes | None]:
    """The files of a ``.tar.gz`` holding one top folder, plus its manifest and signature bytes."""
    entries: dict[str, dict] = {}
    manifest = signature = None
    top: str | None = None
    try:
        tar = tarfile.open(archive, "r:*")
    except (OSError, tarfile.TarError) as exc:
        raise VerificationError(f"cannot read the archive {archive}: {exc}") from exc
    with tar:
        for member in tar:
            path = PurePosixPath(member.name)
            if path.is_absolute() or ".." in path.parts:
                raise VerificationError(f"unsafe path in the archive: {member.name}")
            if len(path.parts) == 0:
                continue
            top = top or path.parts[0]
            if path.parts[0] != top:
                raise VerificationError(f"the archive holds more than one top folder: {member.name}")
            relative = PurePosixPath(*path.parts[1:]).as_posix() if len(path.parts) > 1 else ""
            if member.isdir() or not relative:
                continue
            if member.issym():
                entries[relative] = {"link": member.linkname}
            elif member.isfile():
                handle = tar.extractfile(member)
                if relative == MANIFEST_NAME:
                    manifest = handle.read()
                elif relative == SIGNATURE_NAME:
                    signature = handle.read()
                else:
                    entries[relative] = {
                        "size": member.size,
                        "sha256": _sha256_of(handle),
                        "mode": _mode_text(member.mode),
                    }
            else:  # hard links, devices, fifos: never part of a bundle
                entries[relative] = {"unsupported": member.type.decode(errors="replace")}
    return entries, manifest, signature


# ----- signing -------------------------------------------------------------------------
def manifest_bytes(entries: dict[str, dict], product: str = "WorkWell", version: str = "") -> bytes:
    body = {
        "format": FORMAT,
        "product": product,
        "version": version,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "algorithm": "sha256",
        "files": [{"path": path, **entries[path]} for path in sorted(entries)],
    }
    return (json.dumps(body, indent=1, sort_keys=False) + "\n").encode("utf-8")


def sign_bundle(bundle: Path, key_path: Path, version: str = "") -> tuple[Path, Path]:
    """Write the manifest and its signature into ``bundle``; returns their paths."""
    bundle = Path(bundle)
    key = load_private_key(key_path)
    version = version or _bundle_version()
    data = manifest_bytes(folder_entries(bundle), version=version)
    manifest_path, signature_path = bundle / MANIFEST_NAME, bundle / SIGNATURE_NAME
    manifest_path.write_bytes(data)
    signature_path.write_text(base64.b64encode(key.sign(data)).decode("ascii") + "\n", encoding="ascii")
    return manifest_path, signature_path


def remove_manifest(bundle: Path) -> None:
    for name in NOT_LISTED:
        (Path(bundle) / name).unlink(missing_ok=True)


def _bundle_version() -> str:
    try:
        import tomllib

        root = Path(__file__).resolve().parent.parent
        return tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    except (OSError, KeyError, ValueError):
        return ""


# ----- verifying -----------------------------------------------------------------------
def check(
    entries: dict[str, dict],
    manifest: bytes | None,
    signature: bytes | None,
    public_key: Ed25519PublicKey,
    check_modes: bool = True,
) -> list[str]:
    """Problems found, one line each naming the file; empty when the bundle is intact."""
    if manifest is None:
        return [f"missing: {MANIFEST_NAME} (the bundle was never signed, or the manifest was removed)"]
    if signature is None:
        return [f"missing: {SIGNATURE_NAME}"]
    try:
        public_key.verify(base64.b64decode(signature.strip(), validate=True), manifest)
    except (InvalidSignature, ValueError):
        return [
            f"bad signature: {MANIFEST_NAME} was not signed by the key {fingerprint(public_key)} "
            "(or was changed after signing)"
        ]
    try:
        listed = {item["path"]: item for item in json.loads(manifest)["files"]}
    except (ValueError, KeyError, TypeError) as exc:
        return [f"unreadable manifest: {exc}"]
    problems = []
    for path in sorted(set(listed) | set(entries)):
        want, have = listed.get(path), entries.get(path)
        if have is None:
            problems.append(f"missing: {path}")
        elif want is None:
            problems.append(f"extra: {path}")
        elif "unsupported" in have:
            problems.append(f"unexpected file type: {path}")
        elif "link" in want and "link" not in have:
            # Materialised by an MSI or a Windows copy: must be the very file linked to.
            target = listed.get(_link_target(path, want["link"]))
            if target is None or "link" in target or not _same_content(have, target):
                problems.append(
                    f"changed: {path} (a copy where a link to {want['link']} belongs, and not the same bytes)"
                )
            elif check_modes and _mode_differs(have, target):
                problems.append(f"changed: {path} (mode {have['mode']}, expected {target['mode']})")
        elif "link" in want or "link" in have:
            if want.get("link") != have.get("link"):
                problems.append(f"changed: {path} (link target)")
        elif not _same_content(have, want):
            problems.append(f"changed: {path}")
        elif check_modes and _mode_differs(have, want):
            problems.append(f"changed: {path} (mode {have['mode']}, expected {want['mode']})")
    return problems


def _same_content(have: dict, want: dict) -> bool:
    return have.get("size") == want.get("size") and have.get("sha256") == want.get("sha256")


def _mode_differs(have: dict, want: dict) -> bool:
    # A format-1 manifest, or one signed on Windows, has no modes to compare.
    return "mode" in want and "mode" in have and have["mode"] != want["mode"]


def _link_target(path: str, link: str) -> str:
    """The manifest path a relative link points at ('' when it leaves the bundle)."""
    parts: list[str] = []
    for part in [*PurePosixPath(path).parent.parts, *PurePosixPath(link).parts]:
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                return ""
            parts.pop()
        else:
            parts.append(part)
    return "/".join(parts) if not link.startswith("/") else ""


def verify(
    target: Path,
    public_key_path: Path,
    manifest_path: Path | None = None,
    signature_path: Path | None = None,
    check_modes: bool = True,
) -> tuple[list[str], int]:
    """Check a bundle folder or ``.tar.gz``; returns (problems, number of files checked)."""
    target = Path(target)
    public_key = load_public_key(public_key_path)
    check_modes = check_modes and POSIX_MODES
    writable: list[str] = []
    if target.is_dir():
        entries = folder_entries(target)
        writable = writable_by_others(target) if check_modes else []
        manifest = _read_optional(target / MANIFEST_NAME)
        signature = _read_optional(target / SIGNATURE_NAME)
    elif target.is_file():
        entries, manifest, signature = archive_entries(target)
    else:
        raise VerificationError(f"{target} is neither a bundle folder nor an archive")
    if manifest_path:
        manifest = Path(manifest_path).read_bytes()
    if signature_path:
        signature = Path(signature_path).read_bytes()
    problems = check(entries, manifest, signature, public_key, check_modes)
    problems += [f"writable by others: {path} (group or world write permission)" for path in writable]
    return problems, len(entries)


def _read_optional(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def verify_main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="verify", description="Check a WorkWell bundle folder or .tar.gz against its signed manifest."
    )
    parser.add_argument(
        "target", type=Path, help="the bundle folder (e.g. C:\\Program Files\\WorkWell) or WorkWell-*.tar.gz"
    )
    parser.add_argument("--pubkey", type=Path, required=True, help="the pinned public key (PEM)")
    parser.add_argument("--manifest", type=Path, help="a detached manifest to use instead of the bundle's")
    parser.add_argument("--signature", type=Path, help="a detached signature to use instead of the bundle's")
    parser.add_argument(
        "--ignore-modes",
        action="store_true",
        help="do not compare file modes (a payload unpacked from an MSI, which holds none)",
    )
    args = parser.parse_args(argv)
    try:
        problems, count = verify(
            args.target, args.pubkey, args.manifest, args.signature, check_modes=not args.ignore_modes
        )
    except VerificationError as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 2
    if problems:
        for problem in problems:
            print(f"FAILED: {problem}", file=sys.stderr)
        print(f"{args.target}: {len(problems)} problem(s); do not install or run this copy.", file=sys.stderr)
        return 1
    key = fingerprint(load_public_key(args.pubkey))
    modes = "" if POSIX_MODES and not args.ignore_modes else " (file modes not checked)"
    print(f"OK: {args.target}: {count} files match the manifest signed by {key}{modes}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="WorkWell bundle manifests: keygen, sign, verify.")
    sub = parser.add_subparsers(dest="command", required=True)
    keygen = sub.add_parser("keygen", help="make a new Ed25519 key pair")
    keygen.add_argument("--out", type=Path, required=True)
    keygen.add_argument("--name", default="workwell-signing")
    sign = sub.add_parser("sign", help="write the signed manifest into a bundle folder")
    sign.add_argument("bundle", type=Path)
    sign.add_argument("--key", type=Path, default=os.environ.get("WORKWELL_SIGNING_KEY") or None)
    sign.add_argument("--version", default="")
    sub.add_parser("verify", help="same as packaging/verify", add_help=False)
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["verify"]:
        return verify_main(argv[1:])
    args = parser.parse_args(argv)
    try:
        if args.command == "keygen":
            private, public = generate_key_pair(args.out, args.name)
            print(
                f"private key {private} (keep it offline); public key {public}; "
                f"fingerprint {fingerprint(load_public_key(public))}"
            )
            return 0
        if not args.key:
            parser.error("no signing key: pass --key or set WORKWELL_SIGNING_KEY")
        manifest_path, _ = sign_bundle(args.bundle, args.key, args.version)
        print(f"signed {manifest_path} with {fingerprint_of_private(args.key)}")
        return 0
    except (VerificationError, FileExistsError) as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
