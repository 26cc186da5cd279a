"""The server as gatekeeper: every record bound to its client, mutable records' state kept;
what each device may hold (scope: settings, shares, per-user feed rows).

Existing changes are folded into ``record`` (first change binds the record; later
stamp wins per field, as on the laptops), so a migrated server validates updates
of records it already held.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "record",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("record_type", sa.String(64), nullable=False),
        sa.Column("client_id", sa.String(64), sa.ForeignKey("client.id"), nullable=False),
        sa.Column("state", sa.Text(), nullable=False, server_default="{}"),
        sa.Column("stamps", sa.Text(), nullable=False, server_default="{}"),
    )
    op.create_index("ix_record_client_id", "record", ["client_id"])
    op.add_column("feed", sa.Column("user_id", sa.Integer(), nullable=True))
    op.create_table(
        "client_share",
        sa.Column("client_id", sa.String(64), sa.ForeignKey("client.id"), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("app_user.id"), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "server_setting",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.String(200), nullable=False),
    )
    # A server upgraded in place keeps the scope its devices already hold (the whole
    # team); a new server starts with each coach's own caseload (server.scope).
    if conn_has_rows():
        op.bulk_insert(
            sa.table("server_setting", sa.column("key"), sa.column("value")),
            [{"key": "scope", "value": "team"}],
        )
    conn = op.get_bind()
    rows = conn.execute(
        sa.text(
            "SELECT record_id, record_type, client_id, payload, hlc FROM change"
            " WHERE op != 'drop' ORDER BY received_at, hlc"
        )
    ).all()
    records: dict[str, dict] = {}
    for record_id, record_type, client_id, payload, hlc in rows:
        record = records.setdefault(
            record_id,
            {
                "id": record_id,
                "record_type": record_type,
                "client_id": client_id,
                "state": {},
                "stamps": {},
                "mutable": record_type in ("client", "referral"),
            },
        )
        if not record["mutable"]:
            continue
        try:
            fields = json.loads(payload)
        except ValueError:
            continue
        for name, value in fields.items() if isinstance(fields, dict) else ():
            if hlc > record["stamps"].get(name, ""):
                record["state"][name], record["stamps"][name] = value, hlc
    table = sa.table(
        "record",
        sa.column("id"),
        sa.column("record_type"),
        sa.column("client_id"),
        sa.column("state"),
        sa.column("stamps"),
    )
    batch = [
        {
            "id": r["id"],
            "record_type": r["record_type"],
            "client_id": r["client_id"],
            "state": json.dumps(r["state"]),
            "stamps": json.dumps(r["stamps"]),
        }
        for r in records.values()
    ]
    for start in range(0, len(batch), 1000):
        op.bulk_insert(table, batch[start : start + 1000])


def conn_has_rows() -> bool:
    return (op.get_bind().execute(sa.text("SELECT count(*) FROM client")).scalar() or 0) > 0


def downgrade() -> None:
    op.drop_table("server_setting")
    op.drop_table("client_share")
    with op.batch_alter_table("feed") as batch:
        batch.drop_column("user_id")
    op.drop_table("record")
