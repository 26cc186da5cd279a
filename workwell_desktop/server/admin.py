"""Account and device administration used by ``workwell-server admin`` (no argparse here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from . import auth, scope, sync_service
from .models import ROLES, Client, Device, Team, User, utcnow


class AdminError(Exception):
    """A problem the operator can fix; the message says how."""


def create_team(session: Session, name: str) -> Team:
    name = name.strip()
    if not name or len(name) > 100:
        raise AdminError("A team name is 1 to 100 characters.")
    team = Team(name=name)
    session.add(team)
    try:
        session.commit()
    except IntegrityError as e:
        session.rollback()
        raise AdminError(f"A team called {name!r} already exists.") from e
    return team


def _team(session: Session, name: str) -> Team:
    team = session.scalar(select(Team).where(Team.name == name))
    if team is None:
        raise AdminError(f"No team called {name!r}; create it with `workwell-server admin create-team`.")
    return team


def _user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise AdminError(f"No user called {username!r}.")
    return user


def create_user(
    session: Session, username: str, team: str, role: str, password: str, display_name: str = ""
) -> User:
    username = username.strip()
    if not username or len(username) > 100 or not sync_service.storable(username):
        raise AdminError("A username is 1 to 100 characters.")
    if role not in ROLES:
        raise AdminError(f"The role must be one of: {', '.join(ROLES)}.")
    try:
        password_hash = auth.hash_password(password, (username, display_name))
    except auth.PasswordTooWeak as e:
        raise AdminError(str(e)) from e
    user = User(
        username=username,
        display_name=display_name.strip() or username,
        role=role,
        team_id=_team(session, team).id,
        password_hash=password_hash,
    )
    session.add(user)
    try:
        session.commit()
    except IntegrityError as e:
        session.rollback()
        raise AdminError(f"A user called {username!r} already exists.") from e
    return user


def reset_password(session: Session, username: str, password: str) -> None:
    user = _user(session, username)
    try:
        user.password_hash = auth.hash_password(password, (user.username, user.display_name))
    except auth.PasswordTooWeak as e:
        raise AdminError(str(e)) from e
    session.commit()


def revoke_device(session: Session, device_id: str) -> bool:
    """Revoke a device; False if it was already revoked. Its next call gets 410 and it wipes itself."""
    device = session.get(Device, device_id)
    if device is None:
        raise AdminError(f"No device with id {device_id!r}; `workwell-server admin list-devices` lists them.")
    if device.revoked_at is not None:
        return False
    session.execute(update(Device).where(Device.id == device_id).values(revoked_at=utcnow()))
    session.commit()
    return True


@dataclass
class DeviceRow:
    device_id: str
    name: str
    username: str
    team: str
    created_at: datetime
    last_seen_at: datetime | None
    revoked_at: datetime | None


def list_devices(session: Session) -> list[DeviceRow]:
    rows = session.execute(
        select(
            Device.id,
            Device.name,
            User.username,
            Team.name,
            Device.created_at,
            Device.last_seen_at,
            Device.revoked_at,
        )
        .join(User, User.id == Device.user_id)
        .join(Team, Team.id == User.team_id)
        .order_by(Team.name, User.username, Device.created_at)
    ).all()
    return [DeviceRow(*r) for r in rows]


def move_client(session: Session, client_id: str, username: str) -> tuple[str, str]:
    try:
        moved = sync_service.admin_move_client(session, client_id, username)
    except LookupError as e:
        session.rollback()
        raise AdminError(str(e)) from e
    session.commit()
    return moved


def set_scope(session: Session, scope_name: str) -> int:
    """What each laptop holds: ``caseload`` (default) or ``team``; returns clients moved in or out."""
    if scope_name not in scope.SCOPES:
        raise AdminError(f"The scope must be one of: {', '.join(scope.SCOPES)}.")
    sync_service.lock_teams(session, session.scalars(select(Team.id)))
    changed = scope.set_scope(session, scope_name)
    session.commit()
    return changed


def share_client(session: Session, client_id: str, username: str, stop: bool = False) -> bool:
    """Share a client with a colleague in its team (cover during leave), or ``stop`` sharing."""
    client = session.get(Client, client_id)
    if client is None:
        raise AdminError(f"No client with id {client_id} on this server.")
    user = _user(session, username)
    if user.team_id != client.team_id:
        raise AdminError(f"{username!r} is not in the client's team: move the client instead (move-client).")
    sync_service.lock_teams(session, [client.team_id])
    changed = scope.unshare(session, client_id, user.id) if stop else scope.share(session, client_id, user.id)
    session.commit()
    return changed
