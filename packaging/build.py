#!/usr/bin/env python3
"""Build the WorkWell bundle, self-test it, sign its manifest and archive it.

    python packaging/build.py                       # dist/WorkWell/ (reused when nothing changed)
    python packaging/build.py --self-test --archive --deb  # what `make package` runs on Linux
    python packaging/build.py --sign-key it-key.pem # or WORKWELL_SIGNING_KEY=it-key.pem

A build is skipped when ``<dist>/WorkWell.source-hash`` matches the hash of everything
that goes into it (the package with its resources/, the spec and entry scripts, this Python
and the installed distributions); ``--force`` rebuilds anyway. PyInstaller is
installed into the running environment with pip when it is missing.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import time
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "workwell.spec"
BUNDLE_NAME = "WorkWell"
PYINSTALLER_REQUIREMENT = "pyinstaller>=6.10"
# Everything whose change means a new bundle.
INPUTS = [
    ROOT / "workwell_desktop",
    SPEC,
    ROOT / "pyproject.toml",  # the package holds resources/
    ROOT / "packaging" / "entry_workwell.py",
    ROOT / "packaging" / "entry_admin.py",
    ROOT / "packaging" / "versioning.py",
    ROOT / "packaging" / "assets.py",
]
SKIPPED_PARTS = {"__pycache__", ".pytest_cache", ".ruff_cache"}


def project_version() -> str:
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def source_hash() -> str:
    """SHA-256 over the inputs' relative paths and bytes, the interpreter and installed packages."""
    digest = hashlib.sha256()
    for top in INPUTS:
        files = [top] if top.is_file() else sorted(p for p in top.rglob("*") if p.is_file())
        for path in files:
            if SKIPPED_PARTS & set(path.parts) or path.suffix in (".pyc", ".pyo"):
                continue
            digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    dists = sorted(f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions())
    digest.update("\n".join([sys.version, platform.platform(), *dists]).encode())
    for name in ("WORKWELL_BUNDLE_SLIM", "WORKWELL_BUNDLE_STRIP", "WORKWELL_BUILD_NUMBER"):
        digest.update(f"{name}={os.environ.get(name, '')}".encode())
    return digest.hexdigest()


def ensure_pyinstaller() -> None:
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        print(f"Installing {PYINSTALLER_REQUIREMENT} into {sys.prefix} ...", flush=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "-q",
                "--disable-pip-version-check",
                PYINSTALLER_REQUIREMENT,
            ],
            check=True,
        )


@contextlib.contextmanager
def _exclusive(lock_path: Path):
    """One build at a time per output folder (two test runs on one checkout share it)."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("w") as handle:
        try:
            import fcntl
        except ImportError:  # Windows: builds there are one at a time anyway
            yield
            return
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build_bundle(dist: Path, work: Path | None = None, force: bool = False) -> Path:
    """``dist/WorkWell``, rebuilt only when its inputs changed. Returns the bundle folder."""
    dist = Path(dist).resolve()
    with _exclusive(dist / ".build.lock"):
        return _build_bundle(dist, work, force)


def _build_bundle(dist: Path, work: Path | None, force: bool) -> Path:
    work = Path(work).resolve() if work else dist.parent / (dist.name + "-work")
    bundle = dist / BUNDLE_NAME
    stamp = dist / f"{BUNDLE_NAME}.source-hash"
    wanted = source_hash()
    if not force and bundle.is_dir() and stamp.is_file() and stamp.read_text().strip() == wanted:
        print(f"bundle {bundle} is up to date (source hash {wanted[:12]})", flush=True)
        return bundle
    ensure_pyinstaller()
    stamp.unlink(missing_ok=True)
    dist.mkdir(parents=True, exist_ok=True)
    log = dist / f"{BUNDLE_NAME}.build.log"
    started = time.monotonic()
    print(f"building {bundle} with PyInstaller (log: {log}) ...", flush=True)
    with log.open("w") as out:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "PyInstaller",
                "--noconfirm",
                "--log-level",
                "WARN",
                "--distpath",
                str(dist),
                "--workpath",
                str(work),
                str(SPEC),
            ],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    if result.returncode != 0:
        tail = log.read_text(errors="replace").splitlines()[-30:]
        raise SystemExit("PyInstaller failed:\n" + "\n".join(tail))
    normalise_modes(bundle)
    stamp.write_text(wanted + "\n")
    seconds = time.monotonic() - started
    print(f"built {bundle}: {folder_megabytes(bundle):.1f} MB in {seconds:.0f} s", flush=True)
    return bundle


def normalise_modes(bundle: Path) -> None:
    """The same modes whatever the builder's umask: folders and executables 0755, other
    files 0644. A permissive umask (often 002) must not make a release writable by others
    (packaging/verify refuses that), and a strict one (077: every WorkWell entry point sets
    it) must not make the installed program unreadable to the coaches who run it."""
    if os.name != "posix":
        return
    for path in [Path(bundle), *Path(bundle).rglob("*")]:
        if path.is_symlink():
            continue
        mode = path.lstat().st_mode
        runnable = path.is_dir() or mode & 0o100
        path.chmod(0o755 if runnable else 0o644)


def folder_megabytes(folder: Path) -> float:
    return sum(p.lstat().st_size for p in Path(folder).rglob("*") if p.is_file() and not p.is_symlink()) / 1e6


def gui_executable(bundle: Path) -> Path:
    return Path(bundle) / ("workwell.exe" if sys.platform == "win32" else "workwell")


def run_self_test(bundle: Path) -> int:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", WORKWELL_KEY_STORE="file")
    return subprocess.run([str(gui_executable(bundle)), "--self-test"], env=env).returncode


def make_archive(bundle: Path, out_dir: Path, version: str, compresslevel: int = 6) -> Path:
    """``WorkWell-<version>-<os>-<arch>.tar.gz`` holding ``WorkWell/``; owners and times normalised."""
    arch = platform.machine().lower() or "unknown"
    archive = Path(out_dir) / f"{BUNDLE_NAME}-{version}-{sys.platform}-{arch}.tar.gz"
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "0")) or None

    def normalise(info: tarfile.TarInfo) -> tarfile.TarInfo:
        info.uid = info.gid = 0
        info.uname = info.gname = "root"
        if epoch:
            info.mtime = epoch
        return info

    tmp = archive.with_suffix(".tmp")
    with tarfile.open(tmp, "w:gz", compresslevel=compresslevel) as tar:
        for path in sorted(Path(bundle).rglob("*")):
            if path.is_dir() and not path.is_symlink():
                continue
            tar.add(
                path,
                arcname=f"{BUNDLE_NAME}/{path.relative_to(bundle).as_posix()}",
                recursive=False,
                filter=normalise,
            )
    os.replace(tmp, archive)
    return archive


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder (default dist/)")
    parser.add_argument("--work", type=Path, default=None, help="PyInstaller work folder (default build/)")
    parser.add_argument("--force", action="store_true", help="rebuild even when nothing changed")
    parser.add_argument("--self-test", action="store_true", help="run the bundled app's --self-test")
    parser.add_argument(
        "--sign-key",
        type=Path,
        default=os.environ.get("WORKWELL_SIGNING_KEY") or None,
        help="Ed25519 private key (PEM) to sign the manifest (default $WORKWELL_SIGNING_KEY)",
    )
    parser.add_argument("--archive", action="store_true", help="write the .tar.gz (and detached manifest)")
    parser.add_argument(
        "--deb",
        action="store_true",
        help="write the Debian package (packaging/linux/build-deb.sh; needs dpkg-deb)",
    )
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "packaging"))
    import assets
    import versioning

    assets.require(ROOT)

    try:  # before minutes of PyInstaller: a version Windows Installer would misread stops here
        versioning.check_version(project_version())
    except versioning.VersionError as exc:
        print(f"invalid version in pyproject.toml: {exc}", file=sys.stderr)
        return 2

    bundle = build_bundle(args.dist, args.work or ROOT / "build" / "pyinstaller", args.force)
    if args.self_test:
        code = run_self_test(bundle)
        if code != 0:
            print(f"the bundle failed its self-test (exit {code})", file=sys.stderr)
            return code
    import manifest

    if args.sign_key:
        manifest_path, signature_path = manifest.sign_bundle(bundle, Path(args.sign_key))
        print(f"signed {manifest_path.name} with key {manifest.fingerprint_of_private(Path(args.sign_key))}")
    else:
        manifest.remove_manifest(bundle)
        print(
            "NOT SIGNED: set WORKWELL_SIGNING_KEY (or --sign-key) to the IT signing key to sign the manifest",
            file=sys.stderr,
        )
    if args.archive:
        archive = make_archive(bundle, args.dist, project_version())
        if args.sign_key:
            stem = archive.name.removesuffix(".tar.gz")
            for source in (bundle / manifest.MANIFEST_NAME, bundle / manifest.SIGNATURE_NAME):
                shutil.copyfile(source, archive.with_name(f"{stem}.{source.name}"))
        print(f"archive {archive} ({archive.stat().st_size / 1e6:.1f} MB)")
    if args.deb:
        # After signing: the package carries the signed manifest inside /opt/workwell.
        result = subprocess.run(
            [
                "bash",
                str(ROOT / "packaging" / "linux" / "build-deb.sh"),
                str(bundle),
                str(args.dist),
                project_version(),
            ],
            env=dict(os.environ, PYTHON=sys.executable),
        )
        if result.returncode != 0:
            print("the Debian package could not be built", file=sys.stderr)
            return result.returncode
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
