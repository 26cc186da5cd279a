"""The database key: a random 256-bit key, wrapped with the coach's passphrase.

The wrapped key (Argon2id -> AES-256-GCM) is kept in the OS credential store through
``keyring`` (Windows Credential Manager on NHS laptops, Secret Service on Linux,
Keychain on macOS). Where no usable keyring backend exists it is kept in a key file
beside the database instead, and the app says so. Either way the raw key exists only
in memory: never on disk, in logs or in exception text.

A wrong passphrase fails the AES-GCM tag check, so it is detected before the
database is touched.
"""

from __future__ import annotations

import base64
import ctypes
import json
import os
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from ..hardening import write_private_bytes
from .errors import KeyMissing, KeyNotSaved, WeakPassphrase, WrongPassphrase

KEYRING_SERVICE = "WorkWell Desktop"
MIN_PASSPHRASE_LENGTH = 10
# Argon2id with RFC 9106's second recommended profile, for "much less memory" than 2 GiB
# (RFC 9106 section 4: t=3 passes, p=4 lanes, m=64 MiB), the profile argon2-cffi's
# PasswordHasher defaults to and the server uses for account passwords. Argon2id is the
# OWASP Password Storage Cheat Sheet's first choice, and this is about five times its
# minimum (m=19 MiB, t=2, p=1) in memory x passes
# (https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html#argon2id).
# The four lanes run on four threads, so an unlock spends 0.1-0.2 s on it on a two-core
# laptop, where scrypt at OWASP's minimum (N=2^17, r=8, p=1, what wrapped the key before)
# took 0.4 s and was most of the unlock. The price: a guess costs an attacker about 0.16 s of
# one core and 64 MiB, where scrypt cost 0.4 s and 128 MiB. Older wraps (scrypt) are read and
# re-made with this at the next unlock.

# What a key.json may ask for: room for a stronger future setting, never enough to exhaust
# memory or hang the unlock (a crafted file with m=2^40 or t=10^6 is refused, not run).
ARGON2_TIME_RANGE = (1, 10)
ARGON2_MEMORY_KIB_RANGE = (8 * 1024, 512 * 1024)
ARGON2_LANES_RANGE = (1, 8)
ARGON2_MAX_WORK_KIB = 2 * 1024 * 1024  # passes x memory: ten times today's, 1-2 s at most
# scrypt, read only: every wrap before Argon2id. The same bounds as when it was current.
SCRYPT_N_RANGE = (2**14, 2**20)
SCRYPT_R_RANGE = (1, 32)
SCRYPT_P_RANGE = (1, 4)
SCRYPT_MAX_MEMORY = 512 * 1024 * 1024  # 128 * r * N bytes
_AAD = b"workwell-database-key-v1"
KEY_BYTES = 32


def new_database_key() -> bytearray:
    """256 random bits in a mutable buffer, so they can be zeroed when the database locks."""
    key = bytearray(KEY_BYTES)
    random = secrets.token_bytes(KEY_BYTES)
    key[:] = random
    scrub(random)
    return key


def scrub(secret: bytes | bytearray | None) -> None:
    """Overwrite a secret's bytes in place: a bytearray, or (CPython) a bytes object no one
    else will read again. Python cannot promise no other copy exists; this removes the
    ones we made."""
    if not secret:
        return
    if isinstance(secret, bytearray):
        secret[:] = bytes(len(secret))
        return
    if type(secret) is bytes and len(secret) > 1 and sys.implementation.name == "cpython":
        # ob_sval sits at the end of the object header; bytes of length 0 and 1 are shared.
        offset = sys.getsizeof(b"") - 1
        ctypes.memset(id(secret) + offset, 0, len(secret))


def check_passphrase_strength(passphrase: str, personal: tuple[str, ...] = ()) -> str | None:
    """What is wrong with the passphrase in plain English, or None (see ``passphrase_strength``)."""
    from ..passphrase_strength import passphrase_problem

    return passphrase_problem(passphrase, personal)


def _whole(*values) -> bool:
    return all(type(v) is int for v in values)


@dataclass(frozen=True)
class Argon2idParams:
    """How a wrap's key-encryption key is derived: Argon2id (RFC 9106), version 0x13."""

    t: int  # passes
    m: int  # memory in KiB
    p: int  # lanes (and threads)
    kdf = "argon2id"

    @property
    def weaker_than_current(self) -> bool:
        # By the attacker's work a guess: memory times passes. Field by field, a stronger wrap
        # (t=1 with 512 MiB, RFC 9106's first profile) would be re-made weaker at t=3, 64 MiB.
        current = CURRENT_KDF
        return self.t * self.m < current.t * current.m

    def derive(self, secret: bytes, salt: bytes) -> bytes:
        return hash_secret_raw(secret, salt, self.t, self.m, self.p, 32, Type.ID)

    @classmethod
    def bounded(cls, doc: dict) -> Argon2idParams:
        t, m, p = doc["t"], doc["m"], doc["p"]
        if not _whole(t, m, p):
            raise ValueError("kdf parameters must be whole numbers")
        if not (
            ARGON2_TIME_RANGE[0] <= t <= ARGON2_TIME_RANGE[1]
            and ARGON2_MEMORY_KIB_RANGE[0] <= m <= ARGON2_MEMORY_KIB_RANGE[1]
            and ARGON2_LANES_RANGE[0] <= p <= ARGON2_LANES_RANGE[1]
            and t * m <= ARGON2_MAX_WORK_KIB
        ):
            raise ValueError("kdf parameters out of bounds")
        return cls(t, m, p)


@dataclass(frozen=True)
class ScryptParams:
    """A wrap made before Argon2id: read to unlock, then re-made (never written anew)."""

    n: int
    r: int
    p: int
    kdf = "scrypt"
    weaker_than_current = True

    def derive(self, secret: bytes, salt: bytes) -> bytes:
        return Scrypt(salt=salt, length=32, n=self.n, r=self.r, p=self.p).derive(secret)

    @classmethod
    def bounded(cls, doc: dict) -> ScryptParams:
        n, r, p = doc["n"], doc["r"], doc["p"]
        if not _whole(n, r, p):
            raise ValueError("kdf parameters must be whole numbers")
        if not (
            SCRYPT_N_RANGE[0] <= n <= SCRYPT_N_RANGE[1]
            and n & (n - 1) == 0
            and SCRYPT_R_RANGE[0] <= r <= SCRYPT_R_RANGE[1]
            and SCRYPT_P_RANGE[0] <= p <= SCRYPT_P_RANGE[1]
            and 128 * r * n <= SCRYPT_MAX_MEMORY
        ):
            raise ValueError("kdf parameters out of bounds")
        return cls(n, r, p)


KdfParams = Argon2idParams | ScryptParams
RFC_9106_LOW_MEMORY = Argon2idParams(t=3, m=64 * 1024, p=4)  # see the comment at the top
CURRENT_KDF = RFC_9106_LOW_MEMORY
_KDFS: dict[str, type[Argon2idParams] | type[ScryptParams]] = {
    Argon2idParams.kdf: Argon2idParams,
    ScryptParams.kdf: ScryptParams,
}


def _bounded(doc: dict) -> KdfParams:
    """The KDF and its parameters from a stored wrap, or ValueError when outside safe bounds."""
    kdf = _KDFS.get(doc.get("kdf", ""))
    if kdf is None:
        raise ValueError("unknown kdf")
    return kdf.bounded(doc)


def _kek(passphrase: str, salt: bytes, params: KdfParams) -> bytes:
    secret = passphrase.encode("utf-8")
    try:
        return params.derive(secret, salt)
    finally:
        scrub(secret)


def wrap_key(key: bytes | bytearray, passphrase: str) -> str:
    """The key, encrypted under the passphrase (Argon2id at ``CURRENT_KDF`` cost), as a
    small JSON document."""
    params = CURRENT_KDF
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    kek = _kek(passphrase, salt, params)
    try:
        sealed = AESGCM(kek).encrypt(nonce, key, _AAD)
    finally:
        scrub(kek)
    b64 = lambda b: base64.b64encode(b).decode("ascii")  # noqa: E731
    return json.dumps(
        {
            "format": 1,
            "kdf": params.kdf,
            "t": params.t,
            "m": params.m,
            "p": params.p,
            "salt": b64(salt),
            "nonce": b64(nonce),
            "sealed_key": b64(sealed),
        }
    )


def kdf_params(wrapped: str) -> KdfParams:
    """The KDF parameters a stored wrap was made with (KeyMissing if damaged)."""
    try:
        return _bounded(json.loads(wrapped))
    except (ValueError, KeyError, TypeError, AttributeError):
        raise KeyMissing("The stored key is damaged and cannot be read. Contact service IT.") from None


def unwrap_key(wrapped: str, passphrase: str) -> bytearray:
    """The database key in a mutable buffer (zero it with ``scrub`` when done)."""
    try:
        doc = json.loads(wrapped)
        params = _bounded(doc)
        salt, nonce, sealed = (
            base64.b64decode(doc[k], validate=True) for k in ("salt", "nonce", "sealed_key")
        )
        if not (16 <= len(salt) <= 64 and len(nonce) == 12 and len(sealed) == KEY_BYTES + 16):
            raise ValueError("wrong sizes")
    except (ValueError, KeyError, TypeError, AttributeError):
        raise KeyMissing("The stored key is damaged and cannot be read. Contact service IT.") from None
    kek = _kek(passphrase, salt, params)
    try:
        plain = AESGCM(kek).decrypt(nonce, sealed, _AAD)
    except InvalidTag:
        raise WrongPassphrase("That passphrase is not right. Nothing has been changed; try again.") from None
    finally:
        scrub(kek)
    key = bytearray(plain)
    scrub(plain)
    return key


def write_private_file(path: Path, text: str) -> None:
    """Atomically replace ``path`` with ``text``, readable by this user only (the wrapped
    key, the store's settings), through the one atomic writer."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_private_bytes(path, text.encode("utf-8"))


# keyring is imported in the functions that use it: it finds its backends as it loads
# (about 35 ms of every start), and a laptop whose key is in key.json never needs it.
@dataclass
class KeyringKeyStore:
    """Wrapped key in the OS credential store, under this database's install id."""

    install_id: str
    kind = "keyring"

    @property
    def description(self) -> str:
        import keyring

        backend = keyring.get_keyring()
        return f"the system credential store ({getattr(backend, 'name', type(backend).__name__)})"

    def load(self) -> str:
        import keyring
        import keyring.errors

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
        import keyring
        import keyring.errors

        try:
            keyring.set_password(KEYRING_SERVICE, self._account, wrapped)
        except keyring.errors.KeyringError as refused:
            raise KeyNotSaved(
                f"The system credential store did not accept the database key ({type(refused).__name__}). "
                "The key kept before is unchanged; try again, and if this goes on, contact service IT."
            ) from None

    def delete(self) -> None:
        import keyring
        import keyring.errors

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
    import keyring

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


def require_strong(passphrase: str, personal: tuple[str, ...] = ()) -> None:
    problem = check_passphrase_strength(passphrase, personal)
    if problem:
        raise WeakPassphrase(problem)
