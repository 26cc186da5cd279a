"""The signed manifest: verification passes on the fresh bundle and its archive, and fails,
naming the file, after one byte changes, a file is deleted or a file is added."""

import subprocess
import sys

import pytest
from packaging_helpers import PACKAGING, linked_copy, replace_file

pytestmark = pytest.mark.bundle

VERIFY = PACKAGING / "verify"


def verify_cli(target, pubkey):
    return subprocess.run(
        [sys.executable, str(VERIFY), str(target), "--pubkey", str(pubkey)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_manifest_lists_every_file_sorted_with_relative_paths(signed_bundle, manifest_module):
    import json

    body = json.loads((signed_bundle / manifest_module.MANIFEST_NAME).read_text())
    paths = [item["path"] for item in body["files"]]
    assert paths == sorted(paths)
    on_disk = {
        p.relative_to(signed_bundle).as_posix()
        for p in signed_bundle.rglob("*")
        if (p.is_file() or p.is_symlink()) and not (p.is_dir() and not p.is_symlink())
    }
    assert set(paths) == on_disk - manifest_module.NOT_LISTED
    assert "workwell" in paths or "workwell.exe" in paths
    assert all(not p.startswith("/") and ".." not in p.split("/") for p in paths)


def test_fresh_bundle_verifies(signed_bundle, signing_keys):
    result = verify_cli(signed_bundle, signing_keys[1])
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK: ")


def test_one_changed_byte_fails_naming_the_file(signed_bundle, signing_keys, tmp_path):
    copy = linked_copy(signed_bundle, tmp_path / "WorkWell")
    target = copy / "_internal" / "resources" / "instruments" / "phq9.json"
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    replace_file(target, bytes(data))
    result = verify_cli(copy, signing_keys[1])
    assert result.returncode == 1
    assert "changed: _internal/resources/instruments/phq9.json" in result.stderr
    # the shared bundle was not touched
    assert verify_cli(signed_bundle, signing_keys[1]).returncode == 0


def test_deleted_file_fails_naming_it(signed_bundle, signing_keys, tmp_path, manifest_module):
    copy = linked_copy(signed_bundle, tmp_path / "WorkWell")
    (copy / "workwell-admin").unlink(missing_ok=True)
    (copy / "workwell-admin.exe").unlink(missing_ok=True)
    problems, _ = manifest_module.verify(copy, signing_keys[1])
    assert problems and all(p.startswith("missing: workwell-admin") for p in problems)


def test_added_file_fails_naming_it(signed_bundle, signing_keys, tmp_path):
    copy = linked_copy(signed_bundle, tmp_path / "WorkWell")
    (copy / "_internal" / "sitecustomize.py").write_text("print('injected')\n")
    result = verify_cli(copy, signing_keys[1])
    assert result.returncode == 1
    assert "extra: _internal/sitecustomize.py" in result.stderr


def test_another_key_is_refused(signed_bundle, manifest_module, tmp_path):
    _private, other_public = manifest_module.generate_key_pair(tmp_path, "someone-else")
    result = verify_cli(signed_bundle, other_public)
    assert result.returncode == 1
    assert "bad signature" in result.stderr


def test_archive_verifies(signed_bundle, signing_keys, build_module, tmp_path):
    archive = build_module.make_archive(signed_bundle, tmp_path, "0.0.0", compresslevel=1)
    assert archive.name.endswith(".tar.gz")
    result = verify_cli(archive, signing_keys[1])
    assert result.returncode == 0, result.stderr
