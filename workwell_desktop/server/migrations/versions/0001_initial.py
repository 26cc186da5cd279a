"""Initial schema: teams, users, devices, clients, changes and the feed.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "team",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("created_at", STAMP, nullable=False),
    )
    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(100), nullable=False, unique=True),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("team_id", sa.Integer(), sa.ForeignKey("team.id"), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("created_at", STAMP, nullable=False),
    )
    op.create_index("ix_app_user_team_id", "app_user", ["team_id"])
    op.create_table(
        "device",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("app_user.id"), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", STAMP, nullable=False),
        sa.Column("last_seen_at", STAMP, nullable=True),
        sa.Column("revoked_at", STAMP, nullable=True),
    )
    op.create_index("ix_device_user_id", "device", ["user_id"])
    op.create_table(
        "client",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("team_id", sa.Integer(), sa.ForeignKey("team.id"), nullable=False),
        sa.Column("coach_user_id", sa.Integer(), sa.ForeignKey("app_user.id"), nullable=True),
        sa.Column("created_at", STAMP, nullable=False),
    )
    op.create_index("ix_client_team_id", "client", ["team_id"])
    op.create_table(
        "change",
        sa.Column("change_id", sa.String(64), primary_key=True),
        sa.Column("client_id", sa.String(64), sa.ForeignKey("client.id"), nullable=False),
        sa.Column("record_type", sa.String(64), nullable=False),
        sa.Column("record_id", sa.String(64), nullable=False),
        sa.Column("op", sa.String(10), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("base", sa.Text(), nullable=False, server_default="{}"),
        sa.Column("hlc", sa.String(128), nullable=False),
        sa.Column("device_id", sa.String(64), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("pushed_by", sa.String(64), nullable=True),
        sa.Column("received_at", STAMP, nullable=False),
    )
    op.create_index("ix_change_client_id", "change", ["client_id"])
    op.create_table(
        "feed",
        sa.Column(
            "seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=True
        ),
        sa.Column("team_id", sa.Integer(), sa.ForeignKey("team.id"), nullable=False),
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("change_id", sa.String(64), sa.ForeignKey("change.change_id"), nullable=False),
        sa.Column("skip_device_id", sa.String(64), nullable=True),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_feed_team_seq", "feed", ["team_id", "seq"])
    op.create_index("ix_feed_client_id", "feed", ["client_id"])


def downgrade() -> None:
    for table in ("feed", "change", "client", "device", "app_user", "team"):
        op.drop_table(table)
