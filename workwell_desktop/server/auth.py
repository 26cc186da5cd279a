"""Passwords (Argon2id), device tokens (only their SHA-256 is stored) and login throttling."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .models import Device, Team, User, utcnow

MIN_PASSWORD_LENGTH = 12
_hasher = PasswordHasher()  # Argon2id, RFC 9106 low-memory profile
# Verified when the username is unknown, so both failures cost the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class PasswordTooWeak(ValueError):
    pass


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordTooWeak(f"The password must be at least {MIN_PASSWORD_LENGTH} characters long.")
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class LoginThrottle:
    """At most ``limit`` failed logins per username in ``window`` seconds (per server process)."""

    def __init__(self, limit: int = 5, window: float = 300.0):
        self.limit, self.window = limit, window
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, username: str, now: float) -> list[float]:
        recent = [t for t in self._failures.get(username, []) if now - t < self.window]
        if recent:
            self._failures[username] = recent
        else:
            self._failures.pop(username, None)
        return recent

    def blocked(self, username: str) -> bool:
        with self._lock:
            return len(self._recent(username, time.monotonic())) >= self.limit

    def failed(self, username: str) -> None:
        with self._lock:
            now = time.monotonic()
            self._failures[username] = [*self._recent(username, now), now]

    def succeeded(self, username: str) -> None:
        with self._lock:
            self._failures.pop(username, None)


@dataclass(frozen=True)
class DeviceIdentity:
    """Who is calling: resolved from the bearer token on every request."""

    device_id: str
    user_id: int
    username: str
    role: str
    team_id: int
    revoked: bool
    last_seen_at: datetime | None = None


def authenticate_user(session: Session, username: str, password: str) -> User | None:
    user = session.scalar(select(User).where(User.username == username))
    ok = verify_password(user.password_hash if user else None, password)
    return user if ok else None


def register_device(session: Session, user: User, device_name: str) -> tuple[Device, str]:
    """A new device for ``user`` and its token (returned once, never stored)."""
    token = secrets.token_urlsafe(32)
    device = Device(id=str(uuid.uuid4()), user_id=user.id, name=device_name, token_hash=token_digest(token))
    session.add(device)
    session.flush()
    return device, token


def identify(session: Session, token: str) -> DeviceIdentity | None:
    digest = token_digest(token)
    row = session.execute(
        select(Device.id, Device.token_hash, Device.revoked_at, User.id, User.username, User.role,
               User.team_id, Device.last_seen_at)
        .join(User, User.id == Device.user_id)
        .where(Device.token_hash == digest)
    ).first()
    # The lookup is by digest; compare again in constant time as a belt-and-braces check.
    if row is None or not hmac.compare_digest(row[1], digest):
        return None
    return DeviceIdentity(row[0], row[3], row[4], row[5], row[6], row[2] is not None, row[7])


def touch_device(session: Session, device: DeviceIdentity) -> None:
    """Record when the device last synced, to the minute (saves a write on most syncs)."""
    now = utcnow()
    seen = device.last_seen_at
    if seen is not None and seen.tzinfo is None:  # SQLite returns naive UTC
        seen = seen.replace(tzinfo=UTC)
    if seen is None or now - seen > timedelta(minutes=1):
        session.execute(update(Device).where(Device.id == device.device_id).values(last_seen_at=now))


def team_name(session: Session, team_id: int) -> str:
    return session.scalar(select(Team.name).where(Team.id == team_id)) or ""
