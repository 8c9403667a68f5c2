"""Alembic environment: backcare runs migrations itself, on the connection it passes in."""

from __future__ import annotations

from alembic import context

from backcare.store.models import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only through backcare.store.db.migrate
    raise RuntimeError("run migrations through backcare.store.db.migrate()")
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
