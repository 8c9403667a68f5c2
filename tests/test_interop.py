"""Exports: FHIR (validated, round-tripped), iCalendar (parsed back), PDF and HTML (read back)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from backcare.assessment import assess
from backcare.diary import Dose, EntryInput
from backcare.interop.fhir import bundle, questionnaire, validate
from backcare.interop.ics import calendar
from backcare.interop.records import EpisodeRecord
from backcare.interop.report import html, pdf
from backcare.knowledge.load import Knowledge, load_knowledge
from backcare.questionnaire import intake, parse_answers
from backcare.store import repo
from backcare.store.db import sessions

KB = load_knowledge()

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def record(tmp_path_factory: pytest.TempPathFactory) -> EpisodeRecord:
    url = f"sqlite:///{tmp_path_factory.mktemp('interop') / 'x.db'}"
    answers = {
        "pain_score": 7, "cause_strain": "yes", "lower_back": "yes", "stiffness": "yes",
        "bladder_control_loss": "no", "saddle_numbness": "no", "fever": "no", "age": 44,
    }  # fmt: skip
    with sessions(url).begin() as s:
        person = repo.local_person(s)
        result = assess(parse_answers(answers, KB), KB)
        ep = repo.start_episode(s, person, result, TODAY - timedelta(days=7), TODAY, KB)
        for day, pain in enumerate([7, 7, 6, 6, 5, 4, 4]):
            at = NOW - timedelta(days=6 - day, hours=8)
            note = "I can't feel my bum when I wipe" if day == 3 else "stiff, better after heat"
            repo.add_entry(s, person, ep, EntryInput(
                at, pain, stiffness=6 - day // 2, spasms_per_day=5 - day // 2, note=note,
                doses=(Dose("ibuprofen", at), Dose("co-codamol", at)),
            ), NOW, KB)  # fmt: skip
        return repo.record(ep, person.name)


def _resources(b: dict) -> dict[str, list[dict]]:  # type: ignore[type-arg]
    out: dict[str, list[dict]] = {}  # type: ignore[type-arg]
    for e in b["entry"]:
        out.setdefault(e["resource"]["resourceType"], []).append(e["resource"])
    return out


def test_fhir_bundle_validates_every_resource(record: EpisodeRecord) -> None:
    from fhir.resources.R4B import get_fhir_model_class

    b = bundle(record, KB)
    assert b["type"] == "collection"
    for e in b["entry"]:
        res = e["resource"]
        model = get_fhir_model_class(res["resourceType"]).model_validate(res)
        assert model.id == res["id"] and e["fullUrl"].endswith(res["id"])
    kinds = _resources(b)
    assert {"Patient", "Questionnaire", "QuestionnaireResponse", "Observation",
            "RiskAssessment", "CarePlan"} <= set(kinds)  # fmt: skip


def test_fhir_round_trip(record: EpisodeRecord) -> None:
    from fhir.resources.R4B.bundle import Bundle

    b = bundle(record, KB)
    text = json.dumps(b)
    again = json.loads(Bundle.model_validate_json(text).model_dump_json(exclude_none=True))
    assert len(again["entry"]) == len(b["entry"])
    assert [e["resource"]["id"] for e in again["entry"]] == [
        e["resource"]["id"] for e in b["entry"]
    ]
    validate(again)


def test_fhir_codes_and_content(record: EpisodeRecord, kb: Knowledge) -> None:
    kinds = _resources(bundle(record, KB))
    pain = [
        o for o in kinds["Observation"] if o["code"].get("coding", [{}])[0].get("code") == "72514-3"
    ]
    assert len(pain) == 1 + len(record.entries)
    coded = {o["code"]["coding"][0]["code"] for o in kinds["Observation"] if "coding" in o["code"]}
    assert "165232002" in coded  # urinary incontinence, answered "no"
    risk = kinds["RiskAssessment"][0]
    assert risk["prediction"][0]["qualitativeRisk"]["coding"][0]["code"] == "emergency"
    assert any("cauda equina" in n["text"] for n in risk["note"])
    plan = kinds["CarePlan"][0]
    assert len(plan["activity"]) == len(record.actions)
    response = kinds["QuestionnaireResponse"][0]
    assert {i["linkId"] for i in response["item"]} >= {"pain_score", "bladder_control_loss"}


def test_questionnaire_has_every_intake_question(kb: Knowledge) -> None:
    q = questionnaire(kb)
    url = "urn:uuid:00000000-0000-0000-0000-000000000001"
    validate(
        {"resourceType": "Bundle", "type": "collection", "entry": [{"fullUrl": url, "resource": q}]}
    )
    link_ids = [i["linkId"] for i in q["item"]]
    assert link_ids == [x.finding for x in intake(kb)]
    types = {i["linkId"]: i["type"] for i in q["item"]}
    assert types["pain_score"] == "decimal" and types["fever"] == "choice"


def test_calendar_is_built_from_the_plan(record: EpisodeRecord) -> None:
    from dataclasses import replace

    from icalendar import Calendar

    # The same episode before its diary raised it: a self-care plan.
    calm = replace(record, current_level=record.level, escalation_reason=None)
    assert calm.level == "self_care"
    cal = Calendar.from_ical(calendar(calm, "Europe/London", TODAY - timedelta(days=7)))
    events = list(cal.walk("VEVENT"))
    assert cal.walk("VTIMEZONE"), "a VTIMEZONE for the TZID used"
    by_uid = {str(e["uid"]).split("-episode")[0]: e for e in events}
    ice = [u for u in by_uid if u.startswith("ice-")]
    heat = [u for u in by_uid if u.startswith("heat-")]
    # knowledge/treatments.yaml: ice on days 0-1, heat on days 2-6, three 20-minute sessions
    assert len(ice) == 2 * 3 and len(heat) == 5 * 3
    assert by_uid["ice-d0-0"]["dtend"].dt - by_uid["ice-d0-0"]["dtstart"].dt == timedelta(
        minutes=20
    )
    for e in events:
        assert e.get("summary") and e.get("dtstart") and e.get("dtend")
        assert e.walk("VALARM"), e["summary"]
    breaks = by_uid["sitting_breaks"]["rrule"]  # plan item: every 30 minutes, prevention
    assert breaks["FREQ"] == ["MINUTELY"] and breaks["INTERVAL"] == [30]
    assert sorted(breaks["BYHOUR"]) == list(range(9, 17))
    hourly = by_uid["move_hourly"]["rrule"]  # plan item: every 60 minutes, first 48 hours
    assert hourly["INTERVAL"] == [60] and "BYDAY" not in hourly
    exercise = by_uid["exercise_routine"]["rrule"]  # plan item: three times a week
    assert exercise["BYDAY"] == ["MO", "WE", "FR"] and exercise["COUNT"] == [18]
    review = by_uid["review"]["dtstart"].dt.date()
    assert review == record.onset + timedelta(days=42)  # a 21-90 day range: review by day 42


def test_an_urgent_episode_has_no_self_care_sessions(record: EpisodeRecord) -> None:
    from icalendar import Calendar

    # The fixture's diary note ("can't feel my bum when I wipe") raised it to an emergency.
    assert record.current_level == "emergency"
    cal = Calendar.from_ical(calendar(record, "UTC", TODAY))
    uids = [str(e["uid"]).split("-episode")[0] for e in cal.walk("VEVENT")]
    assert uids == ["get-help"]


def test_calendar_skips_sessions_already_past(record: EpisodeRecord) -> None:
    from dataclasses import replace

    from icalendar import Calendar

    calm = replace(record, current_level=record.level)
    cal = Calendar.from_ical(calendar(calm, "UTC", TODAY))
    uids = [str(e["uid"]) for e in cal.walk("VEVENT")]
    assert not any(u.startswith("ice-") for u in uids)  # onset was a week ago
    assert any(u.startswith("review") for u in uids)


def test_pdf_reads_back(record: EpisodeRecord) -> None:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf(record, TODAY, KB)))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    for words in (
        "Back pain summary",
        "Red flags asked",
        "ibuprofen",
        "co-codamol",
        "Questions the person wants to ask",
        "emergency",
        "Pain against",
    ):
        assert words in text, words


def test_html_summary(record: EpisodeRecord) -> None:
    page = html(record, TODAY, KB)
    assert "<svg" in page and "circle" in page and "Red flags asked" in page
    assert "Diary entries with a warning sign" in page
    assert "Where is the pain?" in page and "Pain in the lower back" in page
    assert "ibuprofen" in page and "&lt;" not in page.split("<body>")[0]


def _cli(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BACKCARE_DATABASE_URL": f"sqlite:///{tmp / 'c.db'}"}
    return subprocess.run([sys.executable, "-m", "backcare", *args], capture_output=True,
                          text=True, timeout=120, env=env)  # fmt: skip


def test_cli_exports_and_their_errors(tmp_path: Path) -> None:
    assert _cli(tmp_path, "episode", "start", "--text", "back spasm lifting").returncode == 0
    r = _cli(tmp_path, "export", "pdf", "-o", str(tmp_path / "s.pdf"))
    assert r.returncode == 2 and "no diary entries" in r.stderr
    assert _cli(tmp_path, "log", "5", "-m", "ibuprofen").returncode == 0
    for kind, name in (("fhir", "b.json"), ("pdf", "s.pdf"), ("html", "s.html"), ("ics", "p.ics")):
        r = _cli(tmp_path, "export", kind, "-o", str(tmp_path / name))
        assert r.returncode == 0, r.stderr
        assert (tmp_path / name).stat().st_size > 500
    assert json.loads((tmp_path / "b.json").read_text())["resourceType"] == "Bundle"
    assert (tmp_path / "s.pdf").read_bytes().startswith(b"%PDF")
    r = _cli(tmp_path, "export", "fhir", "--episode", "9")
    assert r.returncode == 2 and "no episode 9" in r.stderr
    r = _cli(tmp_path, "export", "html", "-o", str(tmp_path / "no" / "such" / "dir.html"))
    assert r.returncode == 2 and "cannot write" in r.stderr
    r = _cli(tmp_path, "export", "ics", "--tz", "Not/AZone")
    assert r.returncode == 2 and "time zone" in r.stderr


def test_bundle_validation_reaches_into_entries() -> None:
    from pydantic import ValidationError

    broken = {"resourceType": "Bundle", "type": "collection", "entry": [
        {"fullUrl": "urn:uuid:1", "resource": {"resourceType": "Observation", "status": "final"}}
    ]}  # fmt: skip
    with pytest.raises(ValidationError, match="code"):
        validate(broken)


def test_progress_escalation_reaches_every_export(tmp_path: Path) -> None:
    """Pain 4 -> 6 -> 8 makes progress say 'worse -> consultation'; the FHIR risk assessment
    and the clinician summary must say the same, not the assessment's self-care."""
    url = f"sqlite:///{tmp_path / 'worse.db'}"
    onset = TODAY - timedelta(days=6)
    with sessions(url).begin() as s:
        person = repo.local_person(s)
        ep = repo.start_episode(
            s, person, assess(parse_answers({"pain_score": 4}, KB), KB), onset, TODAY, KB
        )
        assert ep.current_level == "self_care"
        for day, pain in ((4, 6), (5, 8)):
            at = datetime.combine(onset + timedelta(days=day), datetime.min.time(), UTC)
            repo.add_entry(s, person, ep, EntryInput(at + timedelta(hours=9), pain), NOW, KB)
        assert repo.progress(s, person, ep, TODAY, KB).status == "worse"
        record = repo.record(ep, person.name)
    assert record.current_level == "consultation" and record.escalation_reason
    risk = _resources(bundle(record, KB))["RiskAssessment"][0]
    assert risk["prediction"][0]["qualitativeRisk"]["coding"][0]["code"] == "consultation"
    summary = html(record, TODAY, KB)
    assert '<span class="level">consultation</span>' in summary
    assert "(at assessment: self care)" in summary
