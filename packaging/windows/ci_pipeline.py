#!/usr/bin/env python3
"""The Windows pipeline, stage by stage: what .github/workflows/windows.yml runs.

    py packaging\\windows\\ci_pipeline.py STAGE [STAGE...]     # run stages in order (Windows)
    python packaging/windows/ci_pipeline.py --dry-run all      # print every command (any OS)
    python packaging/windows/ci_pipeline.py --list             # the stages, in order

Each stage is a list of commands, all of them scripts in packaging/ (readable and
runnable by hand); a command that fails stops the run with its exit code. Run from
the repository root, in an administrator prompt (installing an MSI needs it), with
Python 3.11. Signing uses a throwaway certificate and a throwaway manifest key made
by the "certificates" stage: this pipeline proves the steps, it does not make a release.

Versions: the bundle's (pyproject.toml) is VERSION. "previous" is the same bundle
packaged as PREVIOUS_VERSION (default 0.0.1), standing in for the last release's MSI
until one is published; "rebuild" is VERSION built a second time (a new ProductCode),
which must upgrade in place rather than install beside it.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE.parent))
import versioning  # noqa: E402

SERVER_URL = "https://workwell.example.nhs.uk"
SECOND_SERVER_URL = "https://workwell-2.example.nhs.uk"
INSTALLER_IDLE_LOCK = "7"
GROUP_POLICY_IDLE_LOCK = "15"
DAMAGED_FILE = "_internal/resources/instruments/phq9.json"


def context() -> dict:
    version = versioning.project_version()
    previous = os.environ.get("PREVIOUS_VERSION", "0.0.1")
    if versioning.check_version(previous) >= versioning.check_version(version):
        raise SystemExit(f"PREVIOUS_VERSION {previous} must be lower than {version}")
    return {
        "version": version,
        "previous": previous,
        "file_version": ".".join(str(n) for n in versioning.file_version(version)),
        # The project's virtual environment, made by the "setup" stage from the Python running this.
        "python": str(ROOT / ".venv" / "Scripts" / "python.exe"),
        "install_dir": Path(os.environ.get("ProgramW6432", r"C:\Program Files"), "WorkWell"),
    }


def stages(c: dict) -> dict[str, list[list[str]]]:
    py, v, prev = c["python"], c["version"], c["previous"]
    dist, ci = Path("dist"), Path("build") / "ci"
    msi = {
        "current": dist / f"WorkWell-{v}.msi",
        "previous": dist / "previous" / f"WorkWell-{prev}.msi",
        "rebuild": dist / "rebuild" / f"WorkWell-{v}.msi",
    }
    pfx, key, pub = (
        ci / "cert" / "throwaway.pfx",
        ci / "keys" / "throwaway.pem",
        ci / "keys" / "throwaway.pub.pem",
    )
    life = [py, str(HERE / "msi_lifecycle.py")]
    verify_installed = [py, str(ROOT / "packaging" / "verify"), str(c["install_dir"]), "--pubkey", str(pub)]
    installed = [*life, "expect-installed", "--version", v, "--file-version", c["file_version"]]
    return {
        "setup": [
            [sys.executable, "-m", "venv", ".venv"],
            [py, "-m", "pip", "install", "--upgrade", "pip"],
            [py, "-m", "pip", "install", "-e", ".[dev]"],
        ],
        "bundle": [[py, "packaging/build.py", "--dist", str(dist), "--self-test", "--force"]],
        "certificates": [
            [py, str(HERE / "signing.py"), "throwaway-cert", "--out", str(ci / "cert"), "--trust"],
            [py, "packaging/manifest.py", "keygen", "--out", str(ci / "keys"), "--name", "throwaway"],
        ],
        # Executables first: the manifest and the MSI record their signed bytes.
        "sign-executables": [
            [
                py,
                str(HERE / "signing.py"),
                "sign",
                "--pfx",
                str(pfx),
                str(dist / "WorkWell" / "workwell.exe"),
                str(dist / "WorkWell" / "workwell-admin.exe"),
            ]
        ],
        "sign-manifest": [
            [py, "packaging/manifest.py", "sign", str(dist / "WorkWell"), "--key", str(key), "--version", v],
            [py, "packaging/verify", str(dist / "WorkWell"), "--pubkey", str(pub)],
        ],
        "build-msis": [
            [py, str(HERE / "build_msi.py"), str(dist / "WorkWell"), str(msi["current"]), "--version", v],
            [py, str(HERE / "build_msi.py"), str(dist / "WorkWell"), str(msi["previous"]), "--version", prev],
            [py, str(HERE / "build_msi.py"), str(dist / "WorkWell"), str(msi["rebuild"]), "--version", v],
        ],
        "sign-msis": [[py, str(HERE / "signing.py"), "sign", "--pfx", str(pfx), *map(str, msi.values())]],
        "seed": [
            [*life, "seed-group-policy", "--idle-lock", GROUP_POLICY_IDLE_LOCK],
            [*life, "seed-coach-data"],
        ],
        "install-previous": [
            [
                *life,
                "install",
                str(msi["previous"]),
                f"SERVER_URL={SERVER_URL}",
                f"IDLE_LOCK_MINUTES={INSTALLER_IDLE_LOCK}",
            ],
            [
                *life,
                "expect-installed",
                "--version",
                prev,
                "--server-url",
                SERVER_URL,
                "--idle-lock",
                INSTALLER_IDLE_LOCK,
            ],
        ],
        # No properties: the values the previous install wrote must be remembered.
        "upgrade": [
            [*life, "install", str(msi["current"])],
            [*installed, "--server-url", SERVER_URL, "--idle-lock", INSTALLER_IDLE_LOCK],
        ],
        # Group Policy's 15 beats the installer's 7; the server address is the installer's.
        "self-test": [
            [
                *life,
                "self-test",
                "--expect-idle-lock",
                GROUP_POLICY_IDLE_LOCK,
                "--expect-managed",
                "server_url",
                "--expect-managed",
                "idle_lock_minutes",
            ],
            verify_installed,
        ],
        # Same version, new ProductCode, a new server address on the command line (which wins).
        "rebuild": [
            [*life, "install", str(msi["rebuild"]), f"SERVER_URL={SECOND_SERVER_URL}"],
            [*installed, "--server-url", SECOND_SERVER_URL, "--idle-lock", INSTALLER_IDLE_LOCK],
        ],
        "downgrade-refused": [
            [*life, "install", str(msi["previous"]), "--expect-refused"],
            [*installed, "--server-url", SECOND_SERVER_URL],
        ],
        # A repair (as from Add/Remove Programs or SCCM) puts back a deleted file and keeps the settings.
        "repair": [
            [*life, "damage", DAMAGED_FILE],
            [*life, "repair", str(msi["rebuild"])],
            [*installed, "--server-url", SECOND_SERVER_URL, "--idle-lock", INSTALLER_IDLE_LOCK],
            verify_installed,
        ],
        "uninstall": [
            [*life, "uninstall", str(msi["rebuild"])],
            [*life, "expect-removed", "--policy", f"IdleLockMinutes={GROUP_POLICY_IDLE_LOCK}"],
        ],
    }


ORDER_NOTE = "all = every stage in the order listed"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("stages", nargs="*", help=f"stage names; {ORDER_NOTE}")
    parser.add_argument("--dry-run", action="store_true", help="print the commands, run nothing")
    parser.add_argument("--list", action="store_true", help="list the stages")
    args = parser.parse_args(argv)
    # The CI run number becomes the executables' fourth version field (versioning.py).
    os.environ.setdefault(versioning.BUILD_NUMBER_ENV, os.environ.get("GITHUB_RUN_NUMBER", "0"))
    c = context()
    table = stages(c)
    if args.list:
        print("\n".join(table))
        return 0
    wanted = list(table) if args.stages == ["all"] else args.stages
    unknown = [s for s in wanted if s not in table]
    if unknown or not wanted:
        parser.error(f"unknown stage(s) {', '.join(unknown) or '(none given)'}; stages: {', '.join(table)}")
    env = dict(os.environ)
    for stage in wanted:
        print(f"== {stage}", flush=True)
        for command in table[stage]:
            line = subprocess.list2cmdline(command)
            if args.dry_run:
                print(line)
                continue
            print("+", line, flush=True)
            code = subprocess.run(command, cwd=ROOT, env=env).returncode
            if code != 0:
                print(f"stage {stage} failed (exit {code}): {line}", file=sys.stderr)
                return code
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
