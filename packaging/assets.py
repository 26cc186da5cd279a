"""The files the builds refer to by name: a missing one stops a build, naming it.

PyInstaller only warns about a missing icon and carries on, giving executables without
one; so the spec, build.py, build-msi.sh and build-deb.sh check first.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUIRED = [
    "workwell_desktop/resources/icons/workwell.ico",  # both Windows executables, Add/Remove Programs
    "workwell_desktop/resources/icons/workwell.png",  # the window icon, the Linux menu
    "workwell_desktop/resources/icons/workwell.svg",  # the Linux menu (scalable)
    "workwell_desktop/resources/icons/LICENSE.txt",
    "workwell_desktop/resources/style/workwell.qss",
    # Every file the code names through paths.resource_path (tests/test_layers.py-style
    # check: tests/packaging/test_versions_and_assets.py finds each call and its file here).
    "workwell_desktop/resources/safety/safety_actions.json",
    "workwell_desktop/resources/services/directory.json",
    "workwell_desktop/resources/letters/adjustments.json",
    "workwell_desktop/resources/letters/conditions.json",
    "workwell_desktop/resources/letters/service.json",
    "workwell_desktop/resources/letters/wording.json",
    "workwell_desktop/resources/letters/fonts/LiberationSans-Regular.ttf",
    "workwell_desktop/resources/letters/fonts/LiberationSans-Bold.ttf",
    "workwell_desktop/resources/letters/fonts/LICENSE-Liberation-OFL.txt",
    "workwell_desktop/resources/instruments/phq9.json",
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
