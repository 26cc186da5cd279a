"""Server tables: accounts, devices, clients, the changes themselves and the feed.

``change`` holds every change exactly once. ``feed`` says which team may read which
change, in server order: its autoincrement ``seq`` is the pull cursor. A change is
fed to its client's team when pushed; when a client moves team, its old team's feed
rows are replaced by one ``drop`` and its whole history is fed again to the new team.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# SQLite only autoincrements an INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit sequence.
SeqType = BigInteger().with_variant(Integer(), "sqlite")

ROLES = ("coach", "team_lead")


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class Team(Base):
    __tablename__ = "team"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class User(Base):
    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Device(Base):
    __tablename__ = "device"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 hex of the token
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # The last sync request answered in full, and the changes the device said it still
    # had waiting then (NULL: it did not say). Relayed to team leads (server/coverage.py).
    last_sync_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    waiting_changes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # The highest cursor the device's syncs were answered with (0006; only ever rises): what
    # it has been sent, whatever it claims later (sync_service: offline work forwarded after
    # a client moved away).
    served_cursor: Mapped[int | None] = mapped_column(SeqType, nullable=True)


class Client(Base):
    """Who a client belongs to: the team that may see them and the coach who owns them."""

    __tablename__ = "client"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), index=True)
    coach_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Change(Base):
    __tablename__ = "change"

    change_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("client.id"), index=True)
    record_type: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[str] = mapped_column(String(64))
    op: Mapped[str] = mapped_column(String(10))
    payload: Mapped[str] = mapped_column(Text)  # JSON text, as received
    base: Mapped[str] = mapped_column(Text, default="{}")  # JSON: field stamps the edit built on
    hlc: Mapped[str] = mapped_column(String(128))
    device_id: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[str] = mapped_column(String(40))
    # The authenticated device that pushed it; NULL for changes the server made (drops, moves).
    pushed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Record(Base):
    """Every record the server has seen: bound for good to the client (and type) it came with.

    ``state`` is a mutable record's current fields (JSON, row form; later stamp wins,
    as on the laptops) and ``stamps`` each field's stamp: an update is validated
    against it with the domain rules. Facts once made keep ``{}``: they never change.
    """

    __tablename__ = "record"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    record_type: Mapped[str] = mapped_column(String(64))
    client_id: Mapped[str] = mapped_column(ForeignKey("client.id"), index=True)
    state: Mapped[str] = mapped_column(Text, default="{}")
    stamps: Mapped[str] = mapped_column(Text, default="{}")


class AuditAnchor(Base):
    """The highest audit chain head each device has sent (see wire.AuditAnchor): kept apart
    from the laptop so a chain rewritten or truncated there can be detected."""

    __tablename__ = "audit_anchor"

    device_id: Mapped[str] = mapped_column(ForeignKey("device.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"))
    hash: Mapped[str] = mapped_column(String(64))
    anchored_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditAnchorPast(Base):
    """Every head the anchor has held, never changed or removed: the anchor moves when the
    laptop says its chain still holds the anchored entry, which a laptop whose chain was
    rewritten can say falsely (it is sent the anchor with every reply). Checked against all
    of these, a rewrite of anything once anchored still shows (verify-audit)."""

    __tablename__ = "audit_anchor_past"

    device_id: Mapped[str] = mapped_column(ForeignKey("device.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True)
    hash: Mapped[str] = mapped_column(String(64))
    anchored_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Feed(Base):
    __tablename__ = "feed"
    __table_args__ = (
        Index("ix_feed_team_seq", "team_id", "seq"),
        # AUTOINCREMENT: never reuse a deleted seq, or a device past it would miss a change.
        {"sqlite_autoincrement": True},
    )

    seq: Mapped[int] = mapped_column(SeqType, primary_key=True, autoincrement=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"))
    client_id: Mapped[str] = mapped_column(String(64), index=True)
    change_id: Mapped[str] = mapped_column(ForeignKey("change.change_id"))
    # Unused since devices get their own changes back (kept for older rows).
    skip_device_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # NULL: for every device of the team that may see the client (server.scope); a user
    # id: for that user's devices only (a client's history when it enters their scope,
    # a drop when it leaves).
    user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class ClientShare(Base):
    """A client shared with a colleague of the coach's team (cover during leave)."""

    __tablename__ = "client_share"

    client_id: Mapped[str] = mapped_column(ForeignKey("client.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ServerSetting(Base):
    """Settings every server process reads from the database (so all workers agree)."""

    __tablename__ = "server_setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
