"""The signed manifest on a small made-up bundle: fast checks of signing and verification
that need no PyInstaller build (folders, links, archives, keys, command-line exit codes)."""

import io
import json
import os
import subprocess
import sys
import tarfile

import pytest
from packaging_helpers import PACKAGING, load_packaging_module

manifest = load_packaging_module("manifest")
build = load_packaging_module("build")


@pytest.fixture
def keys(tmp_path):
    return manifest.generate_key_pair(tmp_path / "keys", "throwaway")


@pytest.fixture
def small_bundle(tmp_path, keys):
    root = tmp_path / "WorkWell"
    (root / "_internal" / "resources" / "instruments").mkdir(parents=True)
    (root / "workwell").write_bytes(b"\x7fELF pretend executable")
    os.chmod(root / "workwell", 0o755)
    os.chmod(root / "_internal", 0o755)
    (root / "_internal" / "libexample.so.1").write_bytes(b"library bytes")
    (root / "_internal" / "resources" / "instruments" / "phq9.json").write_text('{"id": "phq9"}')
    (root / "_internal" / "empty.txt").write_bytes(b"")
    if hasattr(os, "symlink"):
        os.symlink("_internal/libexample.so.1", root / "libexample.so.1")
    manifest.sign_bundle(root, keys[0], version="1.2.3")
    return root


def cli(*args):
    return subprocess.run(
        [sys.executable, str(PACKAGING / "verify"), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_manifest_has_sorted_relative_paths_sizes_and_hashes(small_bundle):
    body = json.loads((small_bundle / manifest.MANIFEST_NAME).read_text())
    assert body["format"] == 2 and body["version"] == "1.2.3" and body["algorithm"] == "sha256"
    paths = [f["path"] for f in body["files"]]
    assert paths == sorted(paths)
    assert "_internal/resources/instruments/phq9.json" in paths
    assert manifest.MANIFEST_NAME not in paths and manifest.SIGNATURE_NAME not in paths
    phq9 = next(f for f in body["files"] if f["path"].endswith("phq9.json"))
    assert phq9["size"] == 14 and len(phq9["sha256"]) == 64
    assert phq9["mode"] == "0644"
    assert next(f for f in body["files"] if f["path"] == "workwell")["mode"] == "0755"
    link = next(f for f in body["files"] if f["path"] == "libexample.so.1")
    assert link == {"path": "libexample.so.1", "link": "_internal/libexample.so.1"}


def test_intact_bundle_verifies_with_the_cli(small_bundle, keys):
    result = cli(small_bundle, "--pubkey", keys[1])
    assert result.returncode == 0, result.stderr
    assert "5 files match" in result.stdout


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda b: (b / "workwell").write_bytes(b"\x7fELF pretend executablf"), "changed: workwell"),
        (lambda b: (b / "_internal" / "empty.txt").write_bytes(b"x"), "changed: _internal/empty.txt"),
        (lambda b: (b / "_internal" / "libexample.so.1").unlink(), "missing: _internal/libexample.so.1"),
        (lambda b: (b / "_internal" / "extra.pth").write_text("import evil"), "extra: _internal/extra.pth"),
        (
            lambda b: ((b / "libexample.so.1").unlink(), os.symlink("/tmp/evil.so", b / "libexample.so.1")),
            "changed: libexample.so.1 (link target)",
        ),
        (
            lambda b: (b / manifest.MANIFEST_NAME).write_bytes(
                (b / manifest.MANIFEST_NAME).read_bytes().replace(b'"1.2.3"', b'"9.9.9"')
            ),
            "bad signature",
        ),
        (lambda b: (b / manifest.SIGNATURE_NAME).unlink(), "missing: workwell-manifest.sig"),
        (lambda b: (b / manifest.MANIFEST_NAME).unlink(), "missing: workwell-manifest.json"),
    ],
)
def test_any_change_fails_naming_the_file(small_bundle, keys, change, expected):
    change(small_bundle)
    result = cli(small_bundle, "--pubkey", keys[1])
    assert result.returncode == 1
    assert expected in result.stderr


def test_archive_verifies_and_a_changed_member_fails(small_bundle, keys, tmp_path):
    archive = build.make_archive(small_bundle, tmp_path, "1.2.3")
    assert cli(archive, "--pubkey", keys[1]).returncode == 0
    # The same archive with one member's bytes changed.
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(tampered, "w:gz") as target:
        for member in source:
            data = source.extractfile(member).read() if member.isfile() else None
            if member.name.endswith("phq9.json"):
                data = data.replace(b"phq9", b"phq8")
            target.addfile(member, io.BytesIO(data) if data is not None else None)
    result = cli(tampered, "--pubkey", keys[1])
    assert result.returncode == 1
    assert "changed: _internal/resources/instruments/phq9.json" in result.stderr


def test_detached_manifest_and_signature_can_be_given(small_bundle, keys, tmp_path):
    detached_manifest = tmp_path / "m.json"
    detached_signature = tmp_path / "m.sig"
    detached_manifest.write_bytes((small_bundle / manifest.MANIFEST_NAME).read_bytes())
    detached_signature.write_bytes((small_bundle / manifest.SIGNATURE_NAME).read_bytes())
    (small_bundle / manifest.MANIFEST_NAME).unlink()
    (small_bundle / manifest.SIGNATURE_NAME).unlink()
    result = cli(
        small_bundle, "--pubkey", keys[1], "--manifest", detached_manifest, "--signature", detached_signature
    )
    assert result.returncode == 0, result.stderr


def test_archive_with_an_unsafe_path_is_refused(tmp_path, keys):
    archive = tmp_path / "evil.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        info = tarfile.TarInfo("WorkWell/../../etc/passwd")
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
    result = cli(archive, "--pubkey", keys[1])
    assert result.returncode == 2
    assert "unsafe path" in result.stderr


def test_nothing_to_check_is_exit_2(tmp_path, keys):
    assert cli(tmp_path / "nowhere", "--pubkey", keys[1]).returncode == 2
    result = cli(tmp_path, "--pubkey", tmp_path / "missing.pem")
    assert result.returncode == 2 and "public key" in result.stderr


def test_sign_command_uses_the_key_from_the_environment(tmp_path, keys):
    root = tmp_path / "B"
    root.mkdir()
    (root / "a.txt").write_text("a")
    env = dict(os.environ, WORKWELL_SIGNING_KEY=str(keys[0]))
    signed = subprocess.run(
        [sys.executable, str(PACKAGING / "manifest.py"), "sign", str(root)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert signed.returncode == 0, signed.stderr
    assert cli(root, "--pubkey", keys[1]).returncode == 0


def test_fingerprint_is_stable_for_a_key(keys):
    public = manifest.load_public_key(keys[1])
    assert manifest.fingerprint(public) == manifest.fingerprint_of_private(keys[0])
    assert len(manifest.fingerprint(public)) == 39  # 8 groups of 4 hex digits


def test_source_hash_changes_with_the_sources(monkeypatch, tmp_path):
    first = build.source_hash()
    assert first == build.source_hash()
    monkeypatch.setenv("WORKWELL_BUNDLE_SLIM", "0")
    assert build.source_hash() != first


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        (0o777, "changed: workwell (mode 0777, expected 0755)"),
        (0o4755, "changed: workwell (mode 4755, expected 0755)"),  # setuid
        (0o644, "changed: workwell (mode 0644, expected 0755)"),
    ],
)
def test_a_changed_mode_fails_naming_the_file(small_bundle, keys, mode, expected):
    os.chmod(small_bundle / "workwell", mode)
    result = cli(small_bundle, "--pubkey", keys[1])
    assert result.returncode == 1
    assert expected in result.stderr


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_a_folder_anyone_can_write_fails(small_bundle, keys):
    # A coach's account could drop a library into a world-writable folder of the install.
    os.chmod(small_bundle / "_internal", 0o777)
    result = cli(small_bundle, "--pubkey", keys[1])
    assert result.returncode == 1
    assert "writable by others: _internal" in result.stderr


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_ignore_modes_is_for_payloads_that_hold_none(small_bundle, keys):
    os.chmod(small_bundle / "workwell", 0o644)  # as an MSI extraction leaves it
    result = cli(small_bundle, "--pubkey", keys[1], "--ignore-modes")
    assert result.returncode == 0, result.stderr
    assert "file modes not checked" in result.stdout
    (small_bundle / "workwell").write_bytes(b"changed")
    assert cli(small_bundle, "--pubkey", keys[1], "--ignore-modes").returncode == 1


def test_a_link_materialised_as_the_same_bytes_verifies(small_bundle, keys):
    link = small_bundle / "libexample.so.1"
    link.unlink()
    link.write_bytes(b"library bytes")  # what an MSI or a Windows copy leaves of a link
    result = cli(small_bundle, "--pubkey", keys[1])
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("content", [b"library bytez", b"\x7fELF pretend executable"])
def test_a_link_materialised_as_other_bytes_fails(small_bundle, keys, content):
    link = small_bundle / "libexample.so.1"
    link.unlink()
    link.write_bytes(content)
    result = cli(small_bundle, "--pubkey", keys[1])
    assert result.returncode == 1
    assert (
        "changed: libexample.so.1 (a copy where a link to _internal/libexample.so.1 belongs" in result.stderr
    )


@pytest.mark.parametrize(
    ("path", "link", "expected"),
    [
        ("a.so", "_internal/a.so", "_internal/a.so"),
        ("_internal/x/a.so", "../b.so", "_internal/b.so"),
        ("a.so", "../outside.so", ""),
        ("a.so", "/usr/lib/a.so", ""),
    ],
)
def test_link_targets_resolve_inside_the_bundle_only(path, link, expected):
    assert manifest._link_target(path, link) == expected


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_archive_member_with_a_changed_mode_fails(small_bundle, keys, tmp_path):
    archive = build.make_archive(small_bundle, tmp_path, "1.2.3")
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(tampered, "w:gz") as target:
        for member in source:
            data = source.extractfile(member).read() if member.isfile() else None
            if member.name.endswith("phq9.json"):
                member.mode = 0o666
            target.addfile(member, io.BytesIO(data) if data is not None else None)
    result = cli(tampered, "--pubkey", keys[1])
    assert result.returncode == 1
    assert "changed: _internal/resources/instruments/phq9.json (mode 0666, expected 0644)" in result.stderr


def test_a_format_1_manifest_without_modes_still_verifies(tmp_path, keys):
    root = tmp_path / "Old"
    root.mkdir()
    (root / "a.txt").write_text("a")
    entries = {
        path: {k: v for k, v in item.items() if k != "mode"}
        for path, item in manifest.folder_entries(root).items()
    }
    data = manifest.manifest_bytes(entries, version="0.0.9")
    (root / manifest.MANIFEST_NAME).write_bytes(data)
    key = manifest.load_private_key(keys[0])
    import base64

    (root / manifest.SIGNATURE_NAME).write_text(base64.b64encode(key.sign(data)).decode() + "\n")
    os.chmod(root / "a.txt", 0o600)
    assert cli(root, "--pubkey", keys[1]).returncode == 0


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_a_bundle_built_under_a_permissive_umask_is_normalised(tmp_path):
    root = tmp_path / "B"
    (root / "_internal").mkdir(parents=True)
    (root / "workwell").write_bytes(b"app")
    os.chmod(root / "workwell", 0o775)
    os.chmod(root / "_internal", 0o777)
    (root / "_internal" / "data.txt").write_text("x")
    os.chmod(root / "_internal" / "data.txt", 0o666)
    assert manifest.writable_by_others(root) == ["_internal", "_internal/data.txt", "workwell"]
    build.normalise_modes(root)
    assert manifest.writable_by_others(root) == []
    assert oct((root / "workwell").stat().st_mode & 0o777) == "0o755"
