"""Benchmark the diary on SQLite and PostgreSQL.

    python -m bench.diary [--people 100000] [--postgres URL]

Prints entries written per second (one transaction each, red-flag check included), the time
to compute progress for one episode of 1,000 entries, and the time to compute progress for
one person in a database holding `--people` people with 10 entries each. Without --postgres
it starts the test server (scripts/test-postgres). Targets: 1,000+ entries/s on SQLite;
progress for one episode under 10 ms.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import func

from backcare.assessment import assess
from backcare.diary import EntryInput
from backcare.knowledge.load import load_knowledge
from backcare.questionnaire import parse_answers
from backcare.store import repo
from backcare.store.db import sessions
from backcare.store.models import Entry, Episode, Person

KB = load_knowledge()

ROOT = Path(__file__).resolve().parent.parent
TODAY = datetime.now(UTC).date()


def _episode(url: str, onset: date) -> int:
    with sessions(url).begin() as s:
        result = assess(parse_answers({"pain_score": 7, "cause_strain": "yes"}, KB), KB)
        return repo.start_episode(s, repo.local_person(s), result, onset, TODAY, KB).id


def write_rate(url: str, n: int, note: str | None) -> float:
    ep_id = _episode(url, TODAY - timedelta(days=30))
    factory = sessions(url)
    start = time.perf_counter()
    for i in range(n):
        now = datetime.now(UTC)
        with factory.begin() as s:
            person = repo.local_person(s)
            ep = repo.episode(s, person, ep_id)
            repo.add_entry(
                s, person, ep, EntryInput(now - timedelta(minutes=i), i % 11, note=note), now, KB
            )
    return n / (time.perf_counter() - start)


def progress_time(url: str, entries: int) -> float:
    ep_id = _episode(url, TODAY - timedelta(days=60))
    base = datetime.now(UTC) - timedelta(days=59)
    rows = [
        {"episode_id": ep_id, "person_id": 1, "recorded_at": base + timedelta(hours=i),
         "created_at": base, "pain": 8 - (i * 7) // entries, "symptoms": [], "therapy": [],
         "exercises": [], "triage_level": "self_care", "triage": {}}
        for i in range(entries)
    ]  # fmt: skip
    with sessions(url).begin() as s:
        s.execute(sa.insert(Entry), rows)
    times = []
    for _ in range(30):
        start = time.perf_counter()
        with sessions(url).begin() as s:
            person = repo.local_person(s)
            repo.progress(s, person, repo.episode(s, person, ep_id), TODAY)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def many_people(url: str, people: int) -> tuple[float, float]:
    """Bulk-load `people` people (one episode, 10 entries each); time progress for a sample."""
    factory = sessions(url)
    with factory.begin() as s:
        template = repo.start_episode(
            s, repo.local_person(s), assess(parse_answers({"pain_score": 6}, KB)),
            TODAY - timedelta(days=10), TODAY, KB,
        )  # fmt: skip
        ep_fields = {c: getattr(template, c) for c in
                     ("onset_date", "started_at", "findings", "level", "current_level",
                      "disposition", "recovery", "plan")}  # fmt: skip
    start = time.perf_counter()
    now = datetime.now(UTC)
    batch = 5000
    for first in range(0, people, batch):
        count = min(batch, people - first)
        with factory.begin() as s:
            ids = s.scalars(
                sa.insert(Person).returning(Person.id),
                [{"name": f"p{first + i}", "created_at": now} for i in range(count)],
            ).all()
            eps = s.scalars(
                sa.insert(Episode).returning(Episode.id, sort_by_parameter_order=True),
                [{"person_id": pid, **ep_fields} for pid in ids],
            ).all()
            s.execute(sa.insert(Entry), [
                {"episode_id": ep, "person_id": pid, "recorded_at": now - timedelta(days=9 - d),
                 "created_at": now, "pain": max(0, 6 - d // 2), "symptoms": [], "therapy": [],
                 "exercises": [], "triage_level": "self_care", "triage": {}}
                for pid, ep in zip(ids, eps, strict=True) for d in range(10)
            ])  # fmt: skip
    load = time.perf_counter() - start
    with factory.begin() as s:
        low, high = s.execute(sa.select(func.min(Person.id), func.max(Person.id))).one()
    sample = random.Random(1).sample(range(low + 1, high + 1), 200)
    times = []
    with factory.begin() as s:
        for person_id in sample:
            t = time.perf_counter()
            person = s.get_one(Person, person_id)  # a clinic looks people up by id
            ep = repo.episode(s, person)
            repo.progress(s, person, ep, TODAY)
            times.append(time.perf_counter() - t)
    return load, statistics.median(times)


def run(label: str, url: str, people: int) -> None:
    rate = write_rate(url, 500, None)
    rate_note = write_rate(url, 300, "stiff in the morning, better after heat")
    print(f"{label}: {rate:,.0f} entries/s (no note), {rate_note:,.0f} entries/s (with a note)")
    one = progress_time(url, 1000) * 1000
    print(f"{label}: progress for an episode of 1,000 entries: {one:.1f} ms")
    load, per_person = many_people(url, people)
    print(
        f"{label}: {people:,} people x 10 entries loaded in {load:.1f} s; "
        f"progress for one person among them: {per_person * 1000:.1f} ms (median of 200)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--postgres", help="admin URL of a PostgreSQL server")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run("sqlite", f"sqlite:///{tmp}/bench.db", args.people)
    admin_url = (
        args.postgres
        or subprocess.run(
            ["bash", str(ROOT / "scripts/test-postgres")],
            capture_output=True,
            text=True,
            check=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    name = f"bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        run("postgresql", admin_url.rsplit("/", 1)[0] + f"/{name}", args.people)
    finally:
        from backcare.store.db import _sessions

        _sessions.cache_clear()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
