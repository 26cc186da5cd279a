"""Each device's last successful sync and the changes it said were still waiting.

Team summaries state, per coach, how current their data is ("data as of"); the
server is the only place that knows when each laptop last synced.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("device", sa.Column("last_sync_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("device", sa.Column("waiting_changes", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("device", "waiting_changes")
    op.drop_column("device", "last_sync_at")
