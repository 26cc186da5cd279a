"""The built bundle runs: the desktop app passes --self-test, the admin tool works, and the
bundle holds the resources and not the Qt modules the app never uses."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.bundle

EXE = ".exe" if sys.platform == "win32" else ""
RESOURCES = Path(__file__).resolve().parents[2] / "workwell_desktop" / "resources"


def run(args, **env):
    return subprocess.run(
        [str(a) for a in args],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen", WORKWELL_KEY_STORE="file", **env),
    )


def test_bundled_app_passes_its_self_test(bundle):
    result = run([bundle / f"workwell{EXE}", "--self-test"])
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("WorkWell self-test (bundle run")
    for check in (
        "resources",
        "keyring backends",
        "encrypted database",
        "instrument scoring",
        "settings",
        "main window",
        "letter PDF",
    ):
        assert any(line.split(":")[0].split(None, 1)[-1] == check for line in lines), check
    assert not any(line.startswith("FAIL") for line in lines)
    assert "self-test passed" in lines[-1]


def test_bundled_app_reports_when_its_main_window_is_shown(bundle):
    result = run([bundle / f"workwell{EXE}"], WORKWELL_EXIT_AFTER_SHOWN="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("main window shown after ")


def test_bundled_admin_tool_sets_up_and_refuses_a_coach_the_caseload_export(bundle, tmp_path):
    admin = bundle / f"workwell-admin{EXE}"
    secret = {"WORKWELL_PASSPHRASE": "bundle test passphrase, thrown away"}
    data = tmp_path / "data"
    assert run([admin, "--data-dir", data, "init", "--coach-name", "Bundle Test"], **secret).returncode == 0
    assert run([admin, "--data-dir", data, "demo-data", "--clients", "2"], **secret).returncode == 0
    checked = run([admin, "--data-dir", data, "verify-audit"], **secret)
    assert checked.returncode == 0, checked.stderr
    # The caseload is a team export: refused on a laptop not registered with a team lead's account.
    listing = run([admin, "--data-dir", data, "caseload", "--format", "csv"], **secret)
    assert listing.returncode == 1 and "team leads" in listing.stderr and listing.stdout == ""


def test_bundle_holds_every_resource_unchanged(bundle):
    shipped = bundle / "_internal" / "resources"
    for source in RESOURCES.rglob("*"):
        if source.is_file() and "__pycache__" not in source.parts:
            copy = shipped / source.relative_to(RESOURCES)
            assert copy.is_file(), f"{copy} missing from the bundle"
            assert copy.read_bytes() == source.read_bytes(), f"{copy} differs from {source}"


@pytest.mark.parametrize(
    "unused",
    [
        "Qt6Network",
        "Qt6Qml",
        "Qt6Quick",
        "Qt6Pdf",
        "Qt6WebEngine",
        "Qt6Multimedia",
        "Qt63D",
        "/translations/",
        "/plugins/tls/",
        "libqwayland",
        "libqgtk3",
        "QtNetwork.",
        "QtQml.",
        "workwell_desktop/server",
        "fastapi",
        "sqlalchemy",
        "uvicorn",
    ],
)
def test_bundle_leaves_out_what_the_app_never_uses(bundle, unused):
    found = [
        p.relative_to(bundle).as_posix()
        for p in bundle.rglob("*")
        if unused in "/" + p.relative_to(bundle).as_posix()
    ]
    assert not found, f"{unused} should not be bundled: {found[:5]}"


def test_bundle_has_no_dangling_links(bundle):
    dangling = [p for p in bundle.rglob("*") if p.is_symlink() and not p.exists()]
    assert not dangling
