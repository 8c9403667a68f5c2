"""Storage on SQLite and PostgreSQL: migrations, entries, red flags, export, forget, bad input."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from backcare.assessment import assess
from backcare.diary import Dose, EntryInput, TherapySession
from backcare.errors import InputError, NotFoundError
from backcare.findings import Level
from backcare.knowledge.load import load_knowledge
from backcare.questionnaire import parse_answers
from backcare.store import repo
from backcare.store.db import HEAD_REVISION, current_revision, make_engine, sessions
from backcare.store.models import Entry, Episode, MedicineDose, Person

KB = load_knowledge()

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
TODAY = NOW.date()


def _open(db_url: str, answers: dict[str, object] | None = None, onset_days: int = 3) -> int:
    with sessions(db_url).begin() as s:
        person = repo.local_person(s)
        result = assess(parse_answers(answers or {"pain_score": 7, "cause_strain": "yes"}, KB), KB)
        ep = repo.start_episode(s, person, result, TODAY - timedelta(days=onset_days), TODAY, KB)
        return ep.id


def _log(db_url: str, ep_id: int, entry: EntryInput) -> repo.Logged:
    with sessions(db_url).begin() as s:
        person = repo.local_person(s)
        return repo.add_entry(s, person, repo.episode(s, person, ep_id), entry, NOW, KB)


def _count(db_url: str, table: type) -> int:
    with sessions(db_url).begin() as s:
        return int(s.scalar(select(func.count()).select_from(table)) or 0)


def test_migrates_on_first_use(db_url: str) -> None:
    engine = make_engine(db_url)
    assert current_revision(engine) is None
    sessions(db_url)
    assert current_revision(engine) == HEAD_REVISION


def test_head_revision_matches_alembic() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from backcare.store.db import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_current_head() == HEAD_REVISION


def test_sqlite_uses_wal(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'w.db'}"
    sessions(url)
    with make_engine(url).connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def test_episode_entry_round_trip(db_url: str) -> None:
    ep_id = _open(db_url)
    entry = EntryInput(
        NOW - timedelta(hours=2), 6, spasms_per_day=4, stiffness=5, activity_interference=6,
        sleep_interference=3, note="better after heat", doses=(Dose("ibuprofen", NOW),),
        therapy=(TherapySession("heat", 20),), exercises=("knee_to_chest",),
    )  # fmt: skip
    logged = _log(db_url, ep_id, entry)
    assert logged.raised_to is None
    with sessions(db_url).begin() as s:
        data = repo.export_person(s, repo.local_person(s))
    stored = data["episodes"][0]["entries"][0]
    assert stored["pain"] == 6 and stored["medicines"][0]["name"] == "ibuprofen"
    assert stored["therapy"] == [{"kind": "heat", "minutes": 20}]
    assert stored["triage_level"] == "self_care"
    assert data["episodes"][0]["recovery"]["min_days"] >= 21


def test_red_flag_in_a_note_raises_the_episode_at_once(db_url: str) -> None:
    ep_id = _open(db_url)
    logged = _log(db_url, ep_id, EntryInput(NOW, 5, note="I can't feel my bum when I wipe"))
    assert logged.raised_to is Level.EMERGENCY
    with sessions(db_url).begin() as s:
        ep = s.get(Episode, ep_id)
        assert ep is not None and ep.current_level == "emergency"
        assert "cauda equina" in (ep.escalation_reason or "")


def test_negated_red_flag_does_not_raise(db_url: str) -> None:
    ep_id = _open(db_url)
    logged = _log(db_url, ep_id, EntryInput(NOW, 4, note="no numbness, bladder fine"))
    assert logged.raised_to is None


def test_symptom_given_as_finding_id(db_url: str) -> None:
    ep_id = _open(db_url)
    logged = _log(db_url, ep_id, EntryInput(NOW, 4, symptoms=("bilateral_leg_weakness",)))
    assert logged.raised_to is Level.EMERGENCY


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (EntryInput(NOW, 12), "pain must be"),
        (EntryInput(NOW + timedelta(days=2), 5), "in the future"),
        (EntryInput(NOW, 5, stiffness=-1), "stiffness"),
        (EntryInput(NOW - timedelta(days=30), 5), "before the episode started"),
        (EntryInput(NOW, 5, doses=(Dose(" ", NOW),)), "medicine needs a name"),
    ],
)
def test_invalid_entries_write_nothing(db_url: str, entry: EntryInput, message: str) -> None:
    ep_id = _open(db_url)
    with pytest.raises(InputError, match=message):
        _log(db_url, ep_id, entry)
    assert _count(db_url, Entry) == 0 and _count(db_url, MedicineDose) == 0


def test_unknown_episode_is_a_clear_error(db_url: str) -> None:
    _open(db_url)
    with pytest.raises(NotFoundError, match="no episode 999"):
        _log(db_url, 999, EntryInput(NOW, 5))


def test_future_onset_is_refused(db_url: str) -> None:
    with sessions(db_url).begin() as s, pytest.raises(InputError, match="future"):
        result = assess(parse_answers({"pain_score": 5}, KB), KB)
        repo.start_episode(s, repo.local_person(s), result, TODAY + timedelta(days=2), TODAY, KB)
    assert _count(db_url, Episode) == 0


def test_closed_episode_takes_no_entries(db_url: str) -> None:
    ep_id = _open(db_url)
    with sessions(db_url).begin() as s:
        repo.close_episode(s, repo.episode(s, repo.local_person(s), ep_id))
    with pytest.raises(InputError, match="closed"):
        _log(db_url, ep_id, EntryInput(NOW, 5))


def test_progress_from_storage(db_url: str) -> None:
    ep_id = _open(db_url, onset_days=6)
    for day, pain in enumerate([7, 7, 6, 5, 4, 4]):
        _log(db_url, ep_id, EntryInput(NOW - timedelta(days=5 - day), pain))
    with sessions(db_url).begin() as s:
        person = repo.local_person(s)
        p = repo.progress(s, person, repo.episode(s, person, ep_id), TODAY, KB)
    assert p.status in ("improving", "as_expected")
    assert p.latest == 4 and p.baseline == 7 and p.meaningful
    assert len(p.points) == 6 and p.escalation is None


def test_recurrence_across_episodes_escalates(db_url: str) -> None:
    for days in (200, 100):
        ep_id = _open(db_url, onset_days=days)
        with sessions(db_url).begin() as s:
            repo.close_episode(s, repo.episode(s, repo.local_person(s), ep_id))
    ep_id = _open(db_url, onset_days=1)
    with sessions(db_url).begin() as s:
        person = repo.local_person(s)
        p = repo.progress(s, person, repo.episode(s, person, ep_id), TODAY, KB)
    assert p.episodes_this_year == 3 and p.escalation is Level.CONSULTATION


def test_forget_deletes_everything(db_url: str) -> None:
    ep_id = _open(db_url)
    _log(db_url, ep_id, EntryInput(NOW, 5, doses=(Dose("paracetamol", NOW),)))
    with sessions(db_url).begin() as s:
        assert repo.forget_person(s, repo.local_person(s)) == 1
    for table in (Person, Episode, Entry, MedicineDose):
        assert _count(db_url, table) == 0, table


def test_onset_date_is_kept(db_url: str) -> None:
    ep_id = _open(db_url, onset_days=4)
    with sessions(db_url).begin() as s:
        ep = s.get(Episode, ep_id)
        assert ep is not None and ep.onset_date == TODAY - timedelta(days=4)
        assert isinstance(ep.onset_date, date)


FORM_1 = Path(__file__).parent / "cases" / "episode_form1.json"


def test_migration_0003_upgrades_stored_episodes_and_exports_read_them(db_url: str) -> None:
    """An episode stored by the release before stored form 2 (its JSON columns as that release
    wrote them, in tests/cases/episode_form1.json), in a database at revision 0002, is read as
    a typed record after the migration, and every export works from it."""
    import json

    from backcare.interop.fhir import bundle
    from backcare.interop.ics import calendar
    from backcare.interop.report import html
    from backcare.store import stored
    from backcare.store.db import migrate

    old = json.loads(FORM_1.read_text())
    assert "schema_version" not in old["recovery"] and "courses" not in old["recovery"]
    engine = make_engine(db_url)
    migrate(engine, "0002")
    row = {
        "t": datetime(2026, 11, 17, 9, tzinfo=UTC),
        "onset": date(2026, 11, 17),
        **{k: json.dumps(old[k]) for k in ("findings", "disposition", "recovery", "plan")},
    }
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO person (name, created_at) VALUES ('me', :t)"), row)
        conn.execute(text(
            "INSERT INTO episode (person_id, onset_date, started_at, findings, level,"
            " current_level, disposition, recovery, plan) VALUES ((SELECT id FROM person),"
            " :onset, :t, :findings, 'self_care', 'self_care', :disposition, :recovery, :plan)"
        ), row)  # fmt: skip
        conn.execute(text(
            "INSERT INTO entry (episode_id, person_id, recorded_at, created_at, pain, symptoms,"
            " therapy, exercises, triage_level, triage) VALUES ((SELECT id FROM episode),"
            " (SELECT id FROM person), :t, :t, 6, '[]', '[{\"kind\": \"heat\", \"minutes\": 20}]',"
            " '[]', 'self_care', '{}')"
        ), row)  # fmt: skip
    migrate(engine)
    assert current_revision(engine) == "0003"
    engine.dispose()
    with sessions(db_url).begin() as s:
        person = repo.local_person(s)
        ep = repo.episode(s, person)
        assert ep.recovery["schema_version"] == stored.STORED_VERSION == ep.plan["schema_version"]
        record = repo.record_of(s, person)
    assert record.schema_version == 2 and record.level == "self_care"
    assert record.recovery.min_days == old["recovery"]["min_days"]
    assert record.recovery.reasons == tuple(old["recovery"]["reasons"])
    assert record.recovery.courses == () and record.recovery.sources  # form 1 kept no courses
    assert record.reasons == tuple(old["disposition"]["reasons"])
    assert [a.id for a in record.actions] == [
        a["id"] for p in old["plan"]["phases"] for a in p["actions"]
    ]
    assert record.entries[0].therapy == (("heat", 20),)
    assert bundle(record, KB)["resourceType"] == "Bundle"
    assert "Back pain summary" in html(record, date(2026, 11, 20), KB)
    assert b"BEGIN:VCALENDAR" in calendar(record, "Europe/London", date(2026, 11, 20))


def test_a_new_episode_keeps_courses_factors_and_sources(db_url: str) -> None:
    answers = {"pain_score": 7, "cause_strain": "yes", "age": 64, "fit_and_active": "yes"}
    ep_id = _open(db_url, answers)
    with sessions(db_url).begin() as s:
        record = repo.record_of(s, repo.local_person(s), ep_id)
    expected = assess(parse_answers(answers, KB), KB).recovery
    assert record.recovery == expected
    assert record.recovery.courses and record.recovery.factors and record.recovery.sources


def test_a_stored_episode_in_an_unknown_form_is_an_error_not_an_empty_record(db_url: str) -> None:
    from backcare.store.stored import StoredRecordError

    ep_id = _open(db_url)
    with sessions(db_url).begin() as s:
        ep = s.get(Episode, ep_id)
        assert ep is not None
        ep.recovery = {k: v for k, v in ep.recovery.items() if k != "schema_version"}
    with sessions(db_url).begin() as s, pytest.raises(StoredRecordError, match="form 1"):
        repo.record_of(s, repo.local_person(s), ep_id)
