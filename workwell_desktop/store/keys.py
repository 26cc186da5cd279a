"""The database key: a random 256-bit key, wrapped with the coach's passphrase.

The wrapped key (scrypt -> AES-256-GCM) is kept in the OS credential store through
``keyring`` (Windows Credential Manager on NHS laptops, Secret Service on Linux,
Keychain on macOS). Where no usable keyring backend exists it is kept in a key file
beside the database instead, and the app says so. Either way the raw key exists only
in memory: never on disk, in logs or in exception text.

A wrong passphrase fails the AES-GCM tag check, so it is detected before the
database is touched.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

import keyring
import keyring.errors
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from .errors import KeyMissing, WeakPassphrase, WrongPassphrase

KEYRING_SERVICE = "WorkWell Desktop"
MIN_PASSPHRASE_LENGTH = 10
# scrypt cost: about 50-100 ms on a laptop, so unlocking stays well under 300 ms
# while each guess at a stolen key costs an attacker the same.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
_AAD = b"workwell-database-key-v1"


def new_database_key() -> bytes:
    return secrets.token_bytes(32)


def check_passphrase_strength(passphrase: str) -> str | None:
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        return f"Use at least {MIN_PASSPHRASE_LENGTH} characters; a few words you will remember work well."
    if len(set(passphrase)) < 4:
        return "This passphrase is too easy to guess: use a few different words."
    return None


def _kek(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def wrap_key(key: bytes, passphrase: str) -> str:
    """The key, encrypted under the passphrase, as a small JSON document."""
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    sealed = AESGCM(_kek(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)).encrypt(nonce, key, _AAD)
    b64 = lambda b: base64.b64encode(b).decode("ascii")  # noqa: E731
    return json.dumps(
        {"format": 1, "kdf": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P,
         "salt": b64(salt), "nonce": b64(nonce), "sealed_key": b64(sealed)}
    )


def unwrap_key(wrapped: str, passphrase: str) -> bytes:
    try:
        doc = json.loads(wrapped)
        salt, nonce, sealed = (base64.b64decode(doc[k]) for k in ("salt", "nonce", "sealed_key"))
        kek = _kek(passphrase, salt, int(doc["n"]), int(doc["r"]), int(doc["p"]))
    except (ValueError, KeyError, TypeError):
        raise KeyMissing("The stored key is damaged and cannot be read. Contact service IT.") from None
    try:
        return AESGCM(kek).decrypt(nonce, sealed, _AAD)
    except InvalidTag:
        raise WrongPassphrase("That passphrase is not right. Nothing has been changed; try again.") from None


def write_private_file(path: Path, text: str) -> None:
    """Atomically replace ``path`` with ``text``, readable by this user only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.chmod(tmp, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass
class KeyringKeyStore:
    """Wrapped key in the OS credential store, under this database's install id."""

    install_id: str
    kind = "keyring"

    @property
    def description(self) -> str:
        backend = keyring.get_keyring()
        return f"the system credential store ({getattr(backend, 'name', type(backend).__name__)})"

    def load(self) -> str:
        try:
            wrapped = keyring.get_password(KEYRING_SERVICE, self._account)
        except keyring.errors.KeyringError:
            wrapped = None
        if not wrapped:
            raise KeyMissing(
                "The key for this database is not in the system credential store. "
                "It may have been removed, or the database was copied from another "
                "computer. The database has been left untouched; contact service IT."
            )
        return wrapped

    def save(self, wrapped: str) -> None:
        keyring.set_password(KEYRING_SERVICE, self._account, wrapped)

    def delete(self) -> None:
        try:
            keyring.delete_password(KEYRING_SERVICE, self._account)
        except keyring.errors.PasswordDeleteError:
            pass

    @property
    def _account(self) -> str:
        return f"database-key:{self.install_id}"


@dataclass
class KeyFileKeyStore:
    """Fallback: the wrapped key in ``key.json`` beside the database."""

    path: Path
    kind = "file"

    @property
    def description(self) -> str:
        return "a key file protected by your passphrase (no system credential store was found)"

    def load(self) -> str:
        try:
            return self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise KeyMissing(
                f"The key file {self.path.name} is missing from the data folder, so the "
                "database cannot be opened. It has been left untouched; contact service IT."
            ) from None

    def save(self, wrapped: str) -> None:
        write_private_file(self.path, wrapped)

    def delete(self) -> None:
        self.path.unlink(missing_ok=True)


def keyring_usable() -> bool:
    """A real credential store: not the fail/null backends, never a plaintext one."""
    backend = keyring.get_keyring()
    try:
        priority = float(backend.priority)
    except Exception:
        return False
    name = f"{type(backend).__module__}.{type(backend).__name__}".lower()
    if priority < 1 or "plaintext" in name or "fail" in name or "null" in name:
        return False
    if hasattr(backend, "backends") and not backend.backends:  # an empty chainer
        return False
    return True


def key_store_for(kind: str, data_dir: Path, install_id: str):
    if kind == "keyring":
        return KeyringKeyStore(install_id)
    if kind == "file":
        return KeyFileKeyStore(data_dir / "key.json")
    raise KeyMissing(f"Unknown key store '{kind}' in the data folder's settings. Contact service IT.")


def choose_key_store_kind() -> str:
    """``WORKWELL_KEY_STORE`` (keyring|file) lets IT force one; otherwise the best available."""
    forced = os.environ.get("WORKWELL_KEY_STORE", "").strip().lower()
    if forced in ("keyring", "file"):
        return forced
    return "keyring" if keyring_usable() else "file"


def require_strong(passphrase: str) -> None:
    problem = check_passphrase_strength(passphrase)
    if problem:
        raise WeakPassphrase(problem)
