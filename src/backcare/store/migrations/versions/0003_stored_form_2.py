"""The stored assessment gets a version: episodes' JSON columns move to stored form 2.

Form 1 was the JSON the screens show (serialize.py), unversioned, and it dropped the recovery
estimate's courses and factors. Form 2 (store/stored.py) is the core's own dataclasses with
`schema_version: 2` in `disposition`, `recovery` and `plan`:

- disposition: `disposition` -> `level`, `rules` -> `fired` (each rule as it was), the derived
  `reasons` dropped;
- recovery: `courses` and `factors` added (empty: form 1 never kept them), the derived
  `curve` and `escalation_day` dropped, `start_pain_known` kept (true when missing);
- plan: missing lists filled in; findings unchanged (a `context` added where missing).

This migration holds its own copy of the transformation: it must keep working whatever the
application's code becomes. Rows already in form 2 are left alone.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

VERSION = 2
PLAN_LISTS = ("phases", "medicines", "restricted", "warning_signs", "clinician_questions",
              "review_days", "sources")  # fmt: skip


def _doc(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def disposition(d: dict[str, Any]) -> dict[str, Any]:
    if d.get("schema_version") == VERSION:
        return d
    out = {k: v for k, v in d.items() if k not in ("disposition", "rules", "reasons")}
    out["level"] = d.get("level", d.get("disposition", "self_care"))
    out["fired"] = [
        {"id": r["id"], "level": r["level"], "reason": r["reason"],
         "findings": r.get("findings", []), "uncertain": r.get("uncertain", []),
         "sources": r.get("sources", [])}
        for r in d.get("rules", [])
    ]  # fmt: skip
    out.setdefault("questions", [])
    out.setdefault("sources", [])
    out.setdefault("do_not_drive", False)
    out["schema_version"] = VERSION
    return out


def recovery(r: dict[str, Any]) -> dict[str, Any]:
    if r.get("schema_version") == VERSION:
        return r
    out = {k: v for k, v in r.items() if k not in ("curve", "escalation_day")}
    for key in ("reasons", "courses", "factors", "review_days", "sources"):
        out.setdefault(key, [])
    out.setdefault("start_pain_known", True)
    out["schema_version"] = VERSION
    return out


def plan(p: dict[str, Any]) -> dict[str, Any]:
    if p.get("schema_version") == VERSION:
        return p
    out = dict(p)
    for key in PLAN_LISTS:
        out.setdefault(key, [])
    out.setdefault("level", "self_care")
    out["schema_version"] = VERSION
    return out


def findings(fs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"context": None, "value": None, "evidence": None, **f} for f in fs]


def upgrade() -> None:
    conn = op.get_bind()
    episode = sa.table(
        "episode", sa.column("id", sa.Integer), sa.column("findings", sa.JSON),
        sa.column("disposition", sa.JSON), sa.column("recovery", sa.JSON),
        sa.column("plan", sa.JSON),
    )  # fmt: skip
    rows = conn.execute(
        sa.select(episode.c.id, episode.c.findings, episode.c.disposition, episode.c.recovery,
                  episode.c.plan)
    ).all()  # fmt: skip
    for row in rows:
        conn.execute(
            episode.update().where(episode.c.id == row.id).values(
                findings=findings(_doc(row.findings) or []),
                disposition=disposition(_doc(row.disposition) or {}),
                recovery=recovery(_doc(row.recovery) or {}),
                plan=plan(_doc(row.plan) or {}),
            )
        )  # fmt: skip


def downgrade() -> None:
    # Form 1 is what the screens show; it can be rebuilt from form 2, but nothing reads it any
    # more and the courses and factors would be lost again: going back is not supported.
    raise NotImplementedError("stored form 2 cannot be taken back to form 1")
