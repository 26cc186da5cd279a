"""The files the builds refer to by name: a missing one stops a build, naming it.

PyInstaller only warns about a missing icon and carries on, giving executables without
one; so the spec, build.py, build-msi.sh and build-deb.sh check first.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUIRED = [
    "resources/icons/workwell.ico",  # both Windows executables, Add/Remove Programs
    "resources/icons/workwell.png",  # the window icon, the Linux menu
    "resources/icons/workwell.svg",  # the Linux menu (scalable)
    "resources/icons/LICENSE.txt",
    "resources/style/workwell.qss",
    "packaging/linux/workwell.desktop",
    "packaging/linux/policy.json",
    "packaging/linux/workwell.sh",
    "packaging/windows/workwell.wxs",
]


def missing(root: Path = ROOT) -> list[str]:
    """The required files that are not under ``root``, as relative paths."""
    return [name for name in REQUIRED if not (Path(root) / name).is_file()]


def require(root: Path = ROOT) -> None:
    gone = missing(root)
    if gone:
        raise SystemExit(
            f"missing build assets: {', '.join(gone)} (the icons come from packaging/make_icons.py)"
        )
