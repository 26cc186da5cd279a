"""The Debian package, built with dpkg-deb from the signed bundle and installed with dpkg into a
throwaway root (``dpkg --root``): root-owned /opt/workwell that verifies against its
manifest (modes included), the launcher runs the self-test, the menu entry and policy
template are right, and removing and purging it never touches a coach's data."""

import json
import os
import shutil
import subprocess
import sys

import pytest
from packaging_helpers import PACKAGING, ROOT

from workwell_desktop.settings import load_settings

pytestmark = [
    pytest.mark.bundle,
    pytest.mark.skipif(not (shutil.which("dpkg-deb") and shutil.which("dpkg")), reason="needs dpkg (Debian)"),
]
BUILD_DEB = PACKAGING / "linux" / "build-deb.sh"


@pytest.fixture(scope="module")
def deb(signed_bundle, tmp_path_factory):
    out = tmp_path_factory.mktemp("deb")
    result = subprocess.run(
        ["bash", str(BUILD_DEB), str(signed_bundle), str(out), "0.1.0"],
        capture_output=True,
        text=True,
        timeout=600,
        env=dict(os.environ, PYTHON=sys.executable),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (package,) = out.glob("workwell_0.1.0_*.deb")
    return package


def dpkg_deb(*args) -> str:
    return subprocess.run(["dpkg-deb", *map(str, args)], capture_output=True, text=True, check=True).stdout


def dpkg(root, *args, check=True):
    return subprocess.run(
        ["dpkg", f"--root={root}", "--log=/dev/null", "--force-depends", *map(str, args)],
        capture_output=True,
        text=True,
        check=check,
        timeout=300,
    )


@pytest.fixture
def throwaway_root(tmp_path):
    """An empty dpkg database: the package goes in here, never into this machine's /."""
    root = tmp_path / "root"
    for folder in ("var/lib/dpkg/info", "var/lib/dpkg/updates", "var/lib/dpkg/triggers"):
        (root / folder).mkdir(parents=True)
    for name in ("status", "available"):
        (root / "var/lib/dpkg" / name).touch()
    return root


def test_control_fields_and_the_policy_conffile(deb):
    field = lambda name: dpkg_deb("--field", deb, name).strip()  # noqa: E731
    assert field("Package") == "workwell" and field("Version") == "0.1.0"
    assert (
        field("Architecture")
        == subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True).stdout.strip()
    )
    depends = field("Depends")
    for needed in ("libxcb-cursor0", "libegl1", "libfontconfig1", "libxkbcommon-x11-0"):
        assert needed in depends
    assert int(field("Installed-Size")) > 10_000
    assert dpkg_deb("--ctrl-tarfile", deb) is not None
    control = subprocess.run(["dpkg-deb", "--info", str(deb), "conffiles"], capture_output=True, text=True)
    assert control.stdout.split() == ["/etc/workwell/policy.json"]
    scripts = [s for s in ("preinst", "postinst", "prerm", "postrm") if s in dpkg_deb("--info", deb)]
    assert scripts == []  # nothing runs as root at install time


def test_every_file_is_root_owned_and_writable_by_root_alone(deb):
    listing = dpkg_deb("--contents", deb).splitlines()
    assert listing
    for line in listing:
        mode, owner = line.split()[:2]
        assert owner == "root/root", line
        assert mode[5] != "w" and mode[8] != "w" or mode[0] == "l", line  # no group/other write
    paths = {line.split()[5] for line in listing}
    for wanted in (
        "./opt/workwell/workwell",
        "./opt/workwell/workwell-admin",
        "./usr/bin/workwell",
        "./usr/bin/workwell-admin",
        "./usr/share/applications/workwell.desktop",
        "./usr/share/icons/hicolor/256x256/apps/workwell.png",
        "./etc/workwell/policy.json",
        "./opt/workwell/workwell-manifest.json",
        "./usr/share/doc/workwell/copyright",
    ):
        assert wanted in paths, wanted


def test_the_menu_entry_is_valid_and_starts_the_launcher():
    entry = PACKAGING / "linux" / "workwell.desktop"
    if shutil.which("desktop-file-validate"):
        result = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
    text = entry.read_text(encoding="utf-8")
    assert "Exec=workwell\n" in text and "Icon=workwell\n" in text and "Terminal=false" in text


def test_the_policy_template_is_valid_and_sets_nothing(tmp_path):
    template = PACKAGING / "linux" / "policy.json"
    json.loads(template.read_text(encoding="utf-8"))
    settings = load_settings(policy_path=template, user_path=tmp_path / "settings.json", registry={})
    assert settings.problems == []
    assert not any(settings.is_managed(key) for key in settings.as_dict())


def test_install_self_test_verify_remove_and_purge_in_a_throwaway_root(
    deb, throwaway_root, tmp_path, signing_keys
):
    root = throwaway_root
    home = tmp_path / "home" / "coach"
    coach_data = home / ".local" / "share" / "WorkWell"
    coach_data.mkdir(parents=True)
    (coach_data / "workwell.db").write_bytes(b"a coach's encrypted database")
    (home / ".config" / "WorkWell").mkdir(parents=True)
    (home / ".config" / "WorkWell" / "settings.json").write_text('{"idle_lock_minutes": 15}')

    installed = dpkg(root, "-i", deb)
    assert "Setting up workwell (0.1.0)" in installed.stdout
    assert (root / "opt" / "workwell" / "workwell").is_file()
    if os.geteuid() == 0:  # dpkg sets owners only when it runs as root (as it does for real)
        assert all(p.lstat().st_uid == 0 for p in (root / "opt" / "workwell").rglob("*"))

    # The installed folder verifies against the signed manifest, file modes included.
    verify = subprocess.run(
        [
            sys.executable,
            str(PACKAGING / "verify"),
            str(root / "opt" / "workwell"),
            "--pubkey",
            str(signing_keys[1]),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert verify.returncode == 0, verify.stderr[-3000:]
    assert "modes not checked" not in verify.stdout

    # The launcher in /usr/bin runs the installed app's self-test as a coach would start it.
    env = dict(
        os.environ,
        HOME=str(home),
        QT_QPA_PLATFORM="offscreen",
        WORKWELL_POLICY_FILE=str(root / "etc" / "workwell" / "policy.json"),
    )
    env.pop("WORKWELL_SETTINGS_FILE", None)
    env.pop("WORKWELL_DATA_DIR", None)
    result = subprocess.run(
        [str(root / "usr" / "bin" / "workwell"), "--self-test"],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "self-test passed" in result.stdout and f"{root}/opt/workwell" in result.stdout
    admin = subprocess.run(
        [str(root / "usr" / "bin" / "workwell-admin"), "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert admin.returncode == 0 and "workwell-admin" in admin.stdout

    # IT edits the policy; reinstalling (an upgrade) keeps the edit, as a conffile.
    policy = root / "etc" / "workwell" / "policy.json"
    policy.write_text('{"format": 1, "idle_lock_minutes": 5}\n')
    dpkg(root, "--force-confold", "-i", deb)
    assert json.loads(policy.read_text(encoding="utf-8"))["idle_lock_minutes"] == 5

    dpkg(root, "-r", "workwell")
    assert not (root / "opt" / "workwell").exists() and not (root / "usr" / "bin" / "workwell").exists()
    assert policy.exists()  # removed, not purged: the machine policy stays
    dpkg(root, "--purge", "workwell")
    assert not policy.exists()

    # The coach's data and settings were never touched.
    assert (coach_data / "workwell.db").read_bytes() == b"a coach's encrypted database"
    assert json.loads((home / ".config" / "WorkWell" / "settings.json").read_text(encoding="utf-8")) == {
        "idle_lock_minutes": 15
    }


def test_a_bad_version_or_a_non_bundle_is_refused(signed_bundle, tmp_path):
    def run(*args):
        return subprocess.run(
            ["bash", str(BUILD_DEB), *map(str, args)],
            capture_output=True,
            text=True,
            env=dict(os.environ, PYTHON=sys.executable),
        )

    bad = run(signed_bundle, tmp_path, "0.1.0~rc1")
    assert bad.returncode == 2 and "invalid version" in bad.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run(empty, tmp_path, "0.1.0").returncode == 2
    assert not list(tmp_path.glob("*.deb"))


def test_make_package_builds_the_deb():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "--deb" in makefile.split("package: $(STAMP)", 1)[1]
