"""Packaging tests: one PyInstaller bundle per test session, reused while its inputs are unchanged.

The bundle is built into build/test-bundle/ by packaging/build.py, which skips the
build when build/test-bundle/WorkWell.source-hash matches the hash of the package,
resources/, the spec and the installed distributions. Tests that need it are marked
``bundle`` (deselect them locally with ``-m "not bundle"``; ``make test`` runs them).
Tests that change files work on a hard-linked copy and replace files rather than
edit them, so the shared bundle is never altered.
"""

from pathlib import Path

import pytest
from packaging_helpers import TEST_DIST, TEST_WORK, linked_copy, load_packaging_module


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "bundle: builds (once per session) and checks the PyInstaller bundle; deselect with -m 'not bundle'",
    )


@pytest.fixture(scope="session")
def manifest_module():
    return load_packaging_module("manifest")


@pytest.fixture(scope="session")
def build_module():
    return load_packaging_module("build")


@pytest.fixture(scope="session")
def bundle(build_module) -> Path:
    return build_module.build_bundle(TEST_DIST, TEST_WORK)


@pytest.fixture(scope="session")
def signing_keys(manifest_module, tmp_path_factory):
    """A throwaway Ed25519 pair: (private key path, public key path)."""
    return manifest_module.generate_key_pair(tmp_path_factory.mktemp("keys"), "throwaway")


@pytest.fixture(scope="session")
def signed_bundle(bundle, manifest_module, signing_keys, tmp_path_factory) -> Path:
    copy = linked_copy(bundle, tmp_path_factory.mktemp("signed") / "WorkWell")
    manifest_module.sign_bundle(copy, signing_keys[0], version="0.0.0-test")
    return copy
