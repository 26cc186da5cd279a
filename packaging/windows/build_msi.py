#!/usr/bin/env python3
"""Build the WorkWell MSI on Windows with WiX 3 (heat, candle, light) from a bundle folder.

    py packaging\\windows\\build_msi.py dist\\WorkWell dist\\WorkWell-0.1.0.msi [--version 0.1.0]
    python packaging/windows/build_msi.py BUNDLE OUT.msi --dry-run   # print the commands (any OS)

The same workwell.wxs as build-msi.sh (wixl, Linux); the version is checked by
packaging/versioning.py first (three whole numbers). WiX 3 is found on PATH, in
%WIX%\\bin, or in "Program Files (x86)\\WiX Toolset v3.*\\bin". HelpLink and Contact
(Add/Remove Programs) come from WORKWELL_HELP_LINK and WORKWELL_CONTACT.
ICE61 is expected and only a warning: the Upgrade table deliberately replaces the
same version (see workwell.wxs).
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE.parent))
import versioning  # noqa: E402

DEFAULT_HELP_LINK = "https://www.england.nhs.uk/"
DEFAULT_CONTACT = "Your service IT team (NHS WorkWell)"


def find_wix_bin() -> Path | None:
    if shutil.which("candle"):
        return Path(shutil.which("candle")).parent
    candidates = []
    if os.environ.get("WIX"):
        candidates.append(Path(os.environ["WIX"], "bin"))
    program_files = os.environ.get("ProgramFiles(x86)", r"C:\Program Files (x86)")
    candidates += [Path(p) for p in sorted(glob.glob(os.path.join(program_files, "WiX Toolset v3*", "bin")))]
    return next((c for c in candidates if (c / "candle.exe").is_file()), None)


def wix_commands(bundle: Path, out: Path, version: str, work: Path, wix_bin: Path) -> list[list[str]]:
    """heat (the bundle's files as CG.Bundle), candle (both sources), light (the MSI)."""
    tool = lambda name: str(wix_bin / f"{name}.exe")  # noqa: E731
    defines = {
        "BundleDir": str(bundle),
        "Version": version,
        "ExeName": "workwell.exe",
        "Win64": "yes",
        "IconFile": str(ROOT / "workwell_desktop" / "resources" / "icons" / "workwell.ico"),
        "HelpLink": os.environ.get("WORKWELL_HELP_LINK", DEFAULT_HELP_LINK),
        "Contact": os.environ.get("WORKWELL_CONTACT", DEFAULT_CONTACT),
    }
    return [
        [
            tool("heat"),
            "dir",
            str(bundle),
            "-nologo",
            "-ag",
            "-srd",
            "-sfrag",
            "-sreg",
            "-dr",
            "INSTALLDIR",
            "-cg",
            "CG.Bundle",
            "-var",
            "var.BundleDir",
            "-out",
            str(work / "files.wxs"),
        ],
        [
            tool("candle"),
            "-nologo",
            "-arch",
            "x64",
            *[f"-d{k}={v}" for k, v in defines.items()],
            "-out",
            str(work) + os.sep,
            str(HERE / "workwell.wxs"),
            str(work / "files.wxs"),
        ],
        [
            tool("light"),
            "-nologo",
            "-out",
            str(out),
            str(work / "workwell.wixobj"),
            str(work / "files.wixobj"),
        ],
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("bundle", type=Path, nargs="?")
    parser.add_argument("out", type=Path, nargs="?")
    parser.add_argument("--find-wix", action="store_true", help="exit 0 if WiX 3 is found (and say where)")
    parser.add_argument("--version", default=None, help="x.y.z (default: pyproject.toml's)")
    parser.add_argument("--work", type=Path, default=None, help="intermediate files (default: OUT's folder)")
    parser.add_argument("--dry-run", action="store_true", help="print the commands, run nothing")
    args = parser.parse_args(argv)
    if args.find_wix:
        found = find_wix_bin()
        print(f"WiX Toolset 3: {found}" if found else "WiX Toolset 3 not found", file=sys.stderr)
        return 0 if found else 1
    if args.bundle is None or args.out is None:
        parser.error("give BUNDLE and OUT.msi")
    version = args.version or versioning.project_version()
    try:
        versioning.check_version(version)
    except versioning.VersionError as exc:
        print(f"invalid version: {exc}", file=sys.stderr)
        return 2
    bundle, out = args.bundle.resolve(), args.out.resolve()
    if not (bundle / "workwell.exe").is_file() and not args.dry_run:
        print(f"{bundle} is not a Windows bundle (no workwell.exe)", file=sys.stderr)
        return 2
    work = (args.work or out.parent / f"{out.stem}-wix").resolve()
    wix_bin = find_wix_bin() or (Path("WIX") if args.dry_run else None)
    if wix_bin is None:
        print(
            "WiX Toolset 3 not found (candle.exe): install it (e.g. choco install wixtoolset) "
            "or put its bin folder on PATH",
            file=sys.stderr,
        )
        return 2
    commands = wix_commands(bundle, out, version, work, wix_bin)
    if args.dry_run:
        for command in commands:
            print(subprocess.list2cmdline(command))
        return 0
    work.mkdir(parents=True, exist_ok=True)
    out.unlink(missing_ok=True)
    for command in commands:
        print("+", subprocess.list2cmdline(command), flush=True)
        if subprocess.run(command).returncode != 0:
            print(f"{Path(command[0]).stem} failed", file=sys.stderr)
            return 1
    print(f"built {out} ({out.stat().st_size / 1e6:.1f} MB, version {version})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
