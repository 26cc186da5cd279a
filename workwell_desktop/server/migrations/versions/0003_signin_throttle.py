"""Sign-in throttle shared by every worker: attempts per username and source address.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "signin_throttle",
        sa.Column("username", sa.String(100), primary_key=True),
        sa.Column("source", sa.String(64), primary_key=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_attempt_at", sa.Float(), nullable=False),
        sa.Column("wait_until", sa.Float(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("signin_throttle")
