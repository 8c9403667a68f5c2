"""Initial schema: person, episode, entry, medicine_dose.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "person",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("locale", sa.String(20)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "episode",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("person.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("onset_date", sa.Date, nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True)),
        sa.Column("findings", sa.JSON, nullable=False),
        sa.Column("level", sa.String(32), nullable=False),
        sa.Column("current_level", sa.String(32), nullable=False),
        sa.Column("escalation_reason", sa.Text),
        sa.Column("disposition", sa.JSON, nullable=False),
        sa.Column("recovery", sa.JSON, nullable=False),
        sa.Column("plan", sa.JSON, nullable=False),
    )  # fmt: skip
    op.create_table(
        "entry",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("episode_id", sa.Integer, sa.ForeignKey("episode.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("person.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("pain", sa.Integer, nullable=False),
        sa.Column("spasms_per_day", sa.Integer),
        sa.Column("stiffness", sa.Integer),
        sa.Column("activity_interference", sa.Integer),
        sa.Column("sleep_interference", sa.Integer),
        sa.Column("note", sa.Text),
        sa.Column("symptoms", sa.JSON, nullable=False),
        sa.Column("therapy", sa.JSON, nullable=False),
        sa.Column("exercises", sa.JSON, nullable=False),
        sa.Column("triage_level", sa.String(32), nullable=False),
        sa.Column("triage", sa.JSON, nullable=False),
    )  # fmt: skip
    op.create_index("ix_entry_episode_time", "entry", ["episode_id", "recorded_at"])
    op.create_table(
        "medicine_dose",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("entry_id", sa.Integer, sa.ForeignKey("entry.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("person.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_table("medicine_dose")
    op.drop_index("ix_entry_episode_time", "entry")
    op.drop_table("entry")
    op.drop_table("episode")
    op.drop_table("person")
