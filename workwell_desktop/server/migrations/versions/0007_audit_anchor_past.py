"""Every audit head the anchor has held, kept for good.

The anchor moves forward when a laptop says its chain still holds the entry anchored
before, and a laptop whose chain was rewritten could say so falsely (the anchor is echoed
in every sync reply): the old anchor was then lost. Every anchor is kept now, and
verify-audit checks the laptop's chain against all of them. Existing anchors are copied in.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_anchor_past",
        sa.Column("device_id", sa.String(64), sa.ForeignKey("device.id"), primary_key=True),
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("anchored_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.execute(
        "INSERT INTO audit_anchor_past (device_id, seq, hash, anchored_at)"
        " SELECT device_id, seq, hash, anchored_at FROM audit_anchor"
    )


def downgrade() -> None:
    op.drop_table("audit_anchor_past")
