"""Which clients a device may hold: the minimum necessary on a laptop that can be lost.

A server setting (``workwell-server admin set-scope``), ``caseload`` by default:

* ``caseload``: a coach's laptop holds the clients they coach plus those explicitly
  shared with them (``admin share-client``, e.g. cover during leave); a team lead's
  laptop holds the whole team;
* ``team``: every laptop of a team holds the whole team (the behaviour before scopes).

The team stays the trust boundary for writing (a coach may push to any client of their
team: offline work survives a handover); scope limits what is *sent* to a laptop. When
a client enters a user's scope (handover, share, scope widened) the server feeds its
whole history to that user's devices; when it leaves, a ``drop`` for those devices only
(``feed.user_id``). Callers hold the team's feed lock (``sync_service.lock_teams``).
"""

from __future__ import annotations

from sqlalchemy import and_, delete, exists, insert, or_, select
from sqlalchemy.orm import Session, aliased

from .models import Change, Client, ClientShare, Feed, ServerSetting, User

SCOPES = ("caseload", "team")
DEFAULT_SCOPE = "caseload"


def current(session: Session) -> str:
    return valid(session.scalar(select(ServerSetting.value).where(ServerSetting.key == "scope")))


def valid(setting: str | None) -> str:
    """The scope a stored setting names (the default when unset or not a scope)."""
    return setting if setting in SCOPES else DEFAULT_SCOPE


def sees_whole_team(account, scope: str) -> bool:
    """Whether an account (a device's, or a User) reads every client of its team: a team
    lead, or the team scope."""
    return scope == "team" or account.role == "team_lead"


def readable_by(user, whole_team: bool):
    """A condition on ``Feed`` rows of the device's team: the rows ``user`` (an id or a bound
    parameter) may read, when they see the whole team or only their caseload and shares."""
    if whole_team:
        return or_(Feed.user_id.is_(None), Feed.user_id == user)
    # Aliases: the pull joins Change itself, and these must not correlate with it.
    client, share_, change = aliased(Client), aliased(ClientShare), aliased(Change)
    coached = exists().where(client.id == Feed.client_id, client.coach_user_id == user)
    shared = exists().where(share_.client_id == Feed.client_id, share_.user_id == user)
    # A drop for the whole team (client moved away) reaches every laptop that may hold it.
    team_drop = exists().where(change.change_id == Feed.change_id, change.op == "drop")
    return or_(Feed.user_id == user, and_(Feed.user_id.is_(None), or_(coached, shared, team_drop)))


def sees(session: Session, user_id: int, client_id: str, scope: str | None = None) -> bool:
    """Whether ``user_id``'s laptops hold the client now."""
    user = session.get(User, user_id)
    client = session.get(Client, client_id)
    if user is None or client is None or user.team_id != client.team_id:
        return False
    if sees_whole_team(user, scope or current(session)) or client.coach_user_id == user_id:
        return True
    return session.get(ClientShare, (client_id, user_id)) is not None


def enter(session: Session, team_id: int, client_id: str, user_id: int) -> None:
    """The client enters ``user_id``'s scope: feed them its whole history."""
    from .sync_service import history_of

    rows = [
        {
            "team_id": team_id,
            "client_id": client_id,
            "change_id": cid,
            "skip_device_id": None,
            "user_id": user_id,
        }
        for cid in history_of(session, client_id)
    ]
    if rows:
        session.execute(insert(Feed), rows)


def leave(session: Session, team_id: int, client_id: str, user_id: int) -> None:
    """The client leaves ``user_id``'s scope: their laptops drop it."""
    from .sync_service import SERVER_DEVICE, _server_change

    session.execute(delete(Feed).where(Feed.client_id == client_id, Feed.user_id == user_id))
    drop = _server_change(session, client_id, "drop", {}, SERVER_DEVICE)
    session.execute(insert(Change), [drop])
    row = {"team_id": team_id, "client_id": client_id, "change_id": drop["change_id"]}
    session.execute(insert(Feed), [{**row, "skip_device_id": None, "user_id": user_id}])


def coach_changed(session: Session, client_id: str, old_user_id: int | None, new_user_id: int | None) -> None:
    """After a handover within a team: the new coach gets the client, the old one loses it
    (unless the scope or a share still covers them). Call after ``client.coach_user_id`` moved."""
    scope = current(session)
    if scope == "team" or old_user_id == new_user_id:
        return
    team_id = session.execute(select(Client.team_id).where(Client.id == client_id)).scalar_one()
    if old_user_id is not None and not sees(session, old_user_id, client_id, scope):
        leave(session, team_id, client_id, old_user_id)
    if new_user_id is not None and not _saw_before(session, new_user_id, client_id, old_user_id):
        enter(session, team_id, client_id, new_user_id)


def _saw_before(session: Session, user_id: int, client_id: str, old_coach: int | None) -> bool:
    user = session.get(User, user_id)
    return (
        (user is not None and user.role == "team_lead")
        or user_id == old_coach
        or session.get(ClientShare, (client_id, user_id)) is not None
    )


def share(session: Session, client_id: str, user_id: int) -> bool:
    """Share a client with a colleague of its team; False if they already hold it."""
    already = sees(session, user_id, client_id)
    if session.get(ClientShare, (client_id, user_id)) is None:
        session.add(ClientShare(client_id=client_id, user_id=user_id))
        session.flush()
    if already:
        return False
    enter(session, session.get_one(Client, client_id).team_id, client_id, user_id)
    return True


def unshare(session: Session, client_id: str, user_id: int) -> bool:
    """End a share; the colleague's laptops drop the client unless they hold it anyway."""
    found = session.get(ClientShare, (client_id, user_id))
    if found is None:
        return False
    session.delete(found)
    session.flush()
    if not sees(session, user_id, client_id):
        leave(session, session.get_one(Client, client_id).team_id, client_id, user_id)
    return True


def set_scope(session: Session, scope: str) -> int:
    """Change the setting and bring every coach's laptop in line; returns clients moved in or out."""
    if scope not in SCOPES:
        raise ValueError(f"scope must be one of {', '.join(SCOPES)}")
    old = current(session)
    if old == scope:
        return 0
    coaches = session.execute(select(User.id, User.team_id).where(User.role != "team_lead")).all()
    before = {(u, c) for u, t in coaches for c in _team_clients(session, t) if sees(session, u, c, old)}
    session.merge(ServerSetting(key="scope", value=scope))
    session.flush()
    changed = 0
    for user_id, team_id in coaches:
        for client_id in _team_clients(session, team_id):
            now = sees(session, user_id, client_id, scope)
            if now and (user_id, client_id) not in before:
                enter(session, team_id, client_id, user_id)
                changed += 1
            elif not now and (user_id, client_id) in before:
                leave(session, team_id, client_id, user_id)
                changed += 1
    return changed


def _team_clients(session: Session, team_id: int) -> list[str]:
    return list(session.scalars(select(Client.id).where(Client.team_id == team_id)))
