"""The cursor the server last answered each device with.

Offline work on a client that moved to another team since the device's last pull is
forwarded to the new team. "Since the last pull" was judged by the cursor the device
sent, so a device that sent an old cursor (or none) could write to any client that ever
left its team. The server now keeps the cursor it answered with and judges by that.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "device",
        sa.Column("served_cursor", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
    )


def downgrade() -> None:
    op.drop_column("device", "served_cursor")
