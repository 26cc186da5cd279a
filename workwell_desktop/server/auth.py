"""Passwords (Argon2id, with a strength policy), device tokens (only their SHA-256 is
stored) and the sign-in throttle (in the database, per username and source address)."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Float, Integer, String, bindparam, case, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..passphrase_strength import problem as strength_problem
from . import driver
from .models import Base, Device, Team, User

MIN_PASSWORD_LENGTH = 12
_hasher = PasswordHasher()  # Argon2id, RFC 9106 low-memory profile
# Verified when the username is unknown, so both failures cost the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class PasswordTooWeak(ValueError):
    pass


def hash_password(password: str, personal: tuple[str, ...] = ()) -> str:
    """The Argon2id hash of an account password that passes the policy: 12 characters or
    more, not on the commonest-passwords list, and hard enough to guess (the same estimate
    as the laptop's passphrase; ``personal``: the username and name, tried first)."""
    problem = strength_problem(password, MIN_PASSWORD_LENGTH, personal, "password")
    if problem:
        raise PasswordTooWeak(problem)
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class SigninThrottle(Base):
    """Recent sign-in attempts per username *and* source address, in the database that
    every worker process shares, so restarts and extra workers do not reset or multiply it."""

    __tablename__ = "signin_throttle"

    username: Mapped[str] = mapped_column(String(100), primary_key=True)
    source: Mapped[str] = mapped_column(String(64), primary_key=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # since the last success
    last_attempt_at: Mapped[float] = mapped_column(Float, default=0.0)  # epoch seconds
    wait_until: Mapped[float] = mapped_column(Float, default=0.0)


# Growing delays, never a hard lock: five tries free, then 30 s, 1, 2, 4 ... minutes, at most
# 15, before the next try from that source. Keyed on the source too, so someone guessing from
# elsewhere cannot keep a coach out. After an hour of quiet the count starts again.
FREE_ATTEMPTS = 5
FIRST_DELAY = 30.0
MAX_DELAY = 15 * 60.0
QUIET_RESET = 60 * 60.0
PRUNE_ONE_IN = 50


def signin_delay(attempts: int) -> float:
    """Seconds to wait after the ``attempts``-th unsuccessful try (0 while still free)."""
    if attempts < FREE_ATTEMPTS:
        return 0.0
    return min(MAX_DELAY, FIRST_DELAY * 2 ** min(attempts - FREE_ATTEMPTS, 20))


def reserve_signin(session: Session, username: str, source: str, now: float | None = None) -> float:
    """Count a sign-in attempt before the password is checked; 0.0 means go ahead, else
    the seconds to wait (nothing is counted then). Commit before checking the password:
    parallel guesses from many workers then queue on the row and see each other's count.
    """
    now = time.time() if now is None else now
    if secrets.randbelow(PRUNE_ONE_IN) == 0:  # guesses at made-up usernames must not grow it for ever
        session.execute(
            delete(SigninThrottle).where(
                SigninThrottle.last_attempt_at < now - QUIET_RESET, SigninThrottle.wait_until <= now
            )
        )
    key = (SigninThrottle.username == username) & (SigninThrottle.source == source)
    if session.scalar(select(SigninThrottle.attempts).where(key)) is None:
        try:
            with session.begin_nested():
                session.add(
                    SigninThrottle(
                        username=username, source=source, attempts=0, last_attempt_at=now, wait_until=0.0
                    )
                )
        except IntegrityError:
            pass  # another worker made it first
    quiet = SigninThrottle.last_attempt_at < now - QUIET_RESET
    counted = session.execute(
        update(SigninThrottle)
        .where(key, SigninThrottle.wait_until <= now)
        .values(attempts=case((quiet, 1), else_=SigninThrottle.attempts + 1), last_attempt_at=now)
        .returning(SigninThrottle.attempts)
    ).scalar()
    if counted is None:
        wait_until = session.scalar(select(SigninThrottle.wait_until).where(key)) or now
        return max(1.0, wait_until - now)
    delay = signin_delay(counted)
    if delay:
        session.execute(update(SigninThrottle).where(key).values(wait_until=now + delay))
    return 0.0


def signin_succeeded(session: Session, username: str, source: str) -> None:
    session.execute(
        delete(SigninThrottle).where(SigninThrottle.username == username, SigninThrottle.source == source)
    )


def signin_source(
    peer: str, forwarded_for: str, trusted: Iterable[ipaddress.IPv4Network | ipaddress.IPv6Network]
) -> str:
    """The caller's address: the peer, or behind a trusted proxy the address that proxy saw
    (the last ``X-Forwarded-For`` entry; earlier ones are the caller's own claims)."""
    try:
        ip = ipaddress.ip_address(peer)
    except ValueError:
        return loggable(peer or "unknown", 64)
    if forwarded_for and any(ip in net for net in trusted):
        claimed = forwarded_for.split(",")[-1].strip()
        try:
            return str(ipaddress.ip_address(claimed))
        except ValueError:
            return str(ip)
    return str(ip)


def loggable(text: str, limit: int = 100) -> str:
    """Text from the request made safe for one log line (no line breaks or control codes)."""
    return "".join(c if c.isprintable() and c not in '"' else "?" for c in text[:limit])


@dataclass(frozen=True)
class DeviceIdentity:
    """Who is calling: resolved from the bearer token on every request."""

    device_id: str
    user_id: int
    username: str
    role: str
    team_id: int
    revoked: bool
    display_name: str = ""  # written as the actor of what the device pushes
    served_cursor: int | None = None  # the highest cursor it was answered with (coverage.record_sync)

    @property
    def author(self) -> str:
        return self.display_name or self.username


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


# Built once (Core, with a bound parameter): it runs on every request. Callers that read
# more about the device in the same statement add columns after these (``lookup``).
IDENTIFY = (
    select(
        Device.id,
        Device.token_hash,
        Device.revoked_at,
        User.id,
        User.username,
        User.role,
        User.team_id,
        User.display_name,
        Device.served_cursor,
    )
    .join(User, User.id == Device.user_id)
    .where(Device.token_hash == bindparam("digest"))
)
IDENTITY_COLUMNS = len(IDENTIFY.selected_columns)  # where added columns start
_IDENTIFY = driver.Statement(IDENTIFY)


def lookup(session: Session, token: str, statement: driver.Statement = _IDENTIFY) -> tuple | None:
    """The row of ``statement`` (``IDENTIFY``, perhaps with columns added) for the device
    holding ``token``, read afresh on every request: never cached, so a revocation made by
    another process (the admin CLI) takes effect at the next request."""
    digest = token_digest(token)
    found = statement.rows(session.connection(), {"digest": digest})
    row = found[0] if found else None
    # The lookup is by digest; compare again in constant time as a belt-and-braces check.
    if row is None or not hmac.compare_digest(row[1], digest):
        return None
    return row


def identity(row: tuple) -> DeviceIdentity:
    """The device a ``lookup`` row names."""
    return DeviceIdentity(row[0], row[3], row[4], row[5], row[6], row[2] is not None, row[7] or "", row[8])


def identify(session: Session, token: str) -> DeviceIdentity | None:
    """The device holding ``token`` (``lookup``), or None."""
    row = lookup(session, token)
    return None if row is None else identity(row)


def team_name(session: Session, team_id: int) -> str:
    return session.scalar(select(Team.name).where(Team.id == team_id)) or ""
