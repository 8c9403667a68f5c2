"""Benchmark the clinician exports for an episode of 100 diary entries.

    python -m bench.exports

Targets: FHIR bundle under 50 ms; PDF under 1 s. Times are warm (median of 10), after one
build that loads the libraries; the first build's time is printed too.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from backcare.assessment import assess
from backcare.diary import Dose, EntryInput
from backcare.interop.fhir import bundle
from backcare.interop.ics import calendar
from backcare.interop.records import EpisodeRecord
from backcare.interop.report import html, pdf
from backcare.knowledge.load import load_knowledge
from backcare.questionnaire import parse_answers
from backcare.store import repo
from backcare.store.db import sessions

KB = load_knowledge()


def episode(entries: int = 100) -> EpisodeRecord:
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as tmp, sessions(f"sqlite:///{tmp}/e.db").begin() as s:
        person = repo.local_person(s)
        result = assess(
            parse_answers({"pain_score": 7, "cause_strain": "yes", "fever": "no"}, KB), KB
        )
        ep = repo.start_episode(s, person, result, now.date() - timedelta(days=50), now.date(), KB)
        for i in range(entries):
            at = now - timedelta(hours=12 * (entries - i))
            entry = EntryInput(at, 7 - (i * 6) // entries, note="better after heat",
                               doses=(Dose("ibuprofen", at),))  # fmt: skip
            repo.add_entry(s, person, ep, entry, now, KB)
        return repo.record(ep, person.name)


def timed(build: Callable[[], object]) -> tuple[float, float]:
    start = time.perf_counter()
    build()
    first = time.perf_counter() - start
    times = []
    for _ in range(10):
        start = time.perf_counter()
        build()
        times.append(time.perf_counter() - start)
    return first, statistics.median(times)


def main() -> None:
    record = episode()
    today = datetime.now(UTC).date()
    for name, build in (
        ("FHIR bundle (validated)", lambda: bundle(record, KB)),
        ("PDF summary", lambda: pdf(record, today, KB)),
        ("HTML summary", lambda: html(record, today, KB)),
        ("iCalendar", lambda: calendar(record, "Europe/London", today)),
    ):
        first, warm = timed(build)
        print(f"{name}, 100 entries: {warm * 1000:.1f} ms warm (first {first * 1000:.0f} ms)")


if __name__ == "__main__":
    main()
