"""Tables. Every record belongs to a person, so a clinic with many users needs no redesign."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


# Ids are never reused after a deletion (migration 0002): an old export link never shows
# someone's newer data.
NEVER_REUSE = {"sqlite_autoincrement": True}


class Person(Base):
    __tablename__ = "person"
    __table_args__ = NEVER_REUSE

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    locale: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    episodes: Mapped[list[Episode]] = relationship(
        back_populates="person", cascade="all, delete-orphan", passive_deletes=True
    )


class Episode(Base):
    """One episode of back pain, opened by an assessment."""

    __tablename__ = "episode"
    __table_args__ = NEVER_REUSE

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    onset_date: Mapped[date] = mapped_column(Date)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The assessment's record: loaded only when read (export, show), not on every entry.
    findings: Mapped[list[Any]] = mapped_column(JSON, deferred=True)
    level: Mapped[str] = mapped_column(String(32))  # the assessment's disposition
    current_level: Mapped[str] = mapped_column(String(32))  # raised by red flags and progress
    escalation_reason: Mapped[str | None] = mapped_column(Text)
    disposition: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True)
    recovery: Mapped[dict[str, Any]] = mapped_column(JSON)
    plan: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True)

    person: Mapped[Person] = relationship(back_populates="episodes")
    entries: Mapped[list[Entry]] = relationship(
        back_populates="episode", cascade="all, delete-orphan", passive_deletes=True,
        order_by="Entry.recorded_at",
    )  # fmt: skip


class Entry(Base):
    """One diary entry. Its note and symptoms went through the red-flag check."""

    __tablename__ = "entry"
    __table_args__ = (Index("ix_entry_episode_time", "episode_id", "recorded_at"), NEVER_REUSE)

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episode.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    pain: Mapped[int] = mapped_column(Integer)
    spasms_per_day: Mapped[int | None] = mapped_column(Integer)
    stiffness: Mapped[int | None] = mapped_column(Integer)
    activity_interference: Mapped[int | None] = mapped_column(Integer)
    sleep_interference: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    symptoms: Mapped[list[Any]] = mapped_column(JSON)
    therapy: Mapped[list[Any]] = mapped_column(JSON)  # [{"kind": "ice"|"heat", "minutes": n}]
    exercises: Mapped[list[Any]] = mapped_column(JSON)
    triage_level: Mapped[str] = mapped_column(String(32))
    triage: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True)

    episode: Mapped[Episode] = relationship(back_populates="entries")
    doses: Mapped[list[MedicineDose]] = relationship(
        back_populates="entry", cascade="all, delete-orphan", passive_deletes=True
    )


class MedicineDose(Base):
    __tablename__ = "medicine_dose"
    __table_args__ = NEVER_REUSE

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    taken_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    entry: Mapped[Entry] = relationship(back_populates="doses")
