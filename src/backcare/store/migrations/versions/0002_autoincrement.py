"""Ids are never reused: SQLite tables become AUTOINCREMENT.

Without AUTOINCREMENT SQLite hands out max(id)+1, so after `forget` (or deleting the newest
episode) a new episode got the id of a deleted one and old export links showed new data.
PostgreSQL's sequences never go back, so there is nothing to do there.

SQLite cannot alter a table's key, so each table is rebuilt (copy, drop, rename) with foreign
keys off: db.migrate() turns them off before the transaction, because dropping `person` with
them on would cascade-delete every episode.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TABLES = ("person", "episode", "entry", "medicine_dose")


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in TABLES:
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": True}
        ):
            pass


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in TABLES:
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": False}
        ):
            pass
