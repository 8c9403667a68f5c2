"""REST API under /api/v1. Thin: validate with Pydantic, call the core or the store, return JSON."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from backcare import serialize
from backcare.knowledge.load import load_knowledge
from backcare.service import resolve_locale
from backcare.settings import settings
from backcare.web.concurrency import TransactionRoute

router = APIRouter(prefix="/api/v1", tags=["api"], route_class=TransactionRoute)

Answer = bool | float | str | None
LevelName = Literal[
    "self_care", "consultation", "consultation_24h", "emergency", "emergency_ambulance"
]


class Open(BaseModel):
    """A response that may carry more fields than the ones listed."""

    model_config = ConfigDict(extra="allow")


class Problem(BaseModel):
    type: str
    title: str
    status: int
    detail: str


class AssessRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    answers: dict[Annotated[str, Field(max_length=60)], Answer] = Field(max_length=200)
    locale: Annotated[str, Field(max_length=20)] | None = None


class TriageRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=5000)
    locale: Annotated[str, Field(max_length=20)] | None = None


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str = Field(min_length=1, max_length=1000)


class Disposition(Open):
    disposition: LevelName
    title: str
    action: str
    emergency_number: str
    reasons: list[str]
    rules: list[dict[str, Any]]


class TriageResponse(Disposition):
    understood: bool
    findings: list[dict[str, Any]]


class AssessResponse(Disposition):
    findings: list[dict[str, Any]]
    recovery: dict[str, Any]
    plan: dict[str, Any]


class AskResponse(Open):
    question: str
    answer: str
    answered: bool
    confidence: float
    sources: list[dict[str, Any]]


class EpisodeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    answers: dict[Annotated[str, Field(max_length=60)], Answer] | None = Field(None, max_length=200)
    text: Annotated[str, Field(min_length=1, max_length=5000)] | None = None
    onset: date | None = None


class Medicine(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    name: str = Field(min_length=1, max_length=120)
    taken_at: AwareDatetime | None = None


class EntryCreate(BaseModel):
    # strict: `true` and "3" are not pain scores, 0 is not a time
    model_config = ConfigDict(extra="forbid", strict=True)
    pain: int = Field(ge=0, le=10)
    recorded_at: AwareDatetime | None = None
    note: Annotated[str, Field(max_length=5000)] | None = None
    spasms_per_day: Annotated[int, Field(ge=0, le=500)] | None = None
    stiffness: Annotated[int, Field(ge=0, le=10)] | None = None
    activity_interference: Annotated[int, Field(ge=0, le=10)] | None = None
    sleep_interference: Annotated[int, Field(ge=0, le=10)] | None = None
    medicines: list[Medicine] = Field(default_factory=list, max_length=20)
    ice_minutes: Annotated[int, Field(ge=1, le=240)] | None = None
    heat_minutes: Annotated[int, Field(ge=1, le=240)] | None = None
    exercises: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(
        default_factory=list, max_length=20
    )
    symptoms: list[Annotated[str, Field(min_length=1, max_length=500)]] = Field(
        default_factory=list, max_length=20
    )
    answers: dict[Annotated[str, Field(max_length=60)], Answer] = Field(
        default_factory=dict, max_length=50,
        description="Answers to the follow-up questions a 409 response asked (finding -> answer).",
    )  # fmt: skip


class Episode(Open):
    id: int
    onset_date: str
    level: LevelName
    current_level: LevelName
    open: bool


class EntryResult(Open):
    entry: int
    episode: int
    triage: LevelName
    raised_to: LevelName | None
    reasons: list[str]


class ProgressResponse(Open):
    status: str
    message: str
    day: int
    escalation: LevelName | None
    episode_level: LevelName


ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "Not found"},
    409: {"model": Problem, "description": "Follow-up needed: answer `follow_up` and resend"},
    413: {"model": Problem, "description": "Request too large"},
    422: {"model": Problem, "description": "Invalid input"},
}
EpisodeId = Annotated[int, Path(ge=1, le=2_147_483_647)]


async def db() -> AsyncIterator[Session]:
    """A session in one transaction, committed as soon as the route returns (see
    web/concurrency.py for why it is async and why the commit has threads of its own)."""
    from backcare.web.concurrency import transaction

    async with transaction() as session:
        yield session


DB = Annotated[Session, Depends(db, scope="function")]


@router.post("/assess", response_model=AssessResponse, responses=ERRORS)
def assess(body: AssessRequest) -> dict[str, Any]:
    """Triage, recovery estimate and care plan from questionnaire answers (finding id -> answer)."""
    from backcare.assessment import assess as run
    from backcare.questionnaire import parse_answers

    kb = load_knowledge()
    result = run(parse_answers(body.answers, kb), kb, resolve_locale(None, body.locale))
    return serialize.assessment(result, kb)


@router.post("/triage", response_model=TriageResponse, responses=ERRORS)
def triage(body: TriageRequest) -> dict[str, Any]:
    """Triage a free-text description of back pain."""
    from backcare.text.triage import triage_text

    kb = load_knowledge()
    return serialize.text_triage(triage_text(body.text, kb, resolve_locale(None, body.locale)), kb)


class InterviewRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: Annotated[str, Field(max_length=5000)] | None = None
    answers: dict[Annotated[str, Field(max_length=60)], Answer] = Field(
        default_factory=dict, max_length=200
    )
    locale: Annotated[str, Field(max_length=20)] | None = None


class InterviewResponse(Open):
    complete: bool
    disposition: dict[str, Any]
    screen: dict[str, Any] | None
    unsettled_screens: list[str]


@router.post("/interview", response_model=InterviewResponse, responses=ERRORS)
def interview(body: InterviewRequest) -> dict[str, Any]:
    """One step of the triage interview. Send the description and the answers so far; get the
    next screen of grouped questions, or `complete: true` with the result. Stateless: add the
    screen's answers to `answers` and send the whole state again."""
    from backcare import service

    kb = load_knowledge()
    state = service.InterviewState(body.text, body.answers, body.locale)
    return serialize.interview(service.interview(state, kb), kb)


@router.post("/ask", response_model=AskResponse, responses=ERRORS)
def ask(body: AskRequest) -> dict[str, Any]:
    """Answer a question from the knowledge base, with sources."""
    from backcare.text.answer import answer, answer_dict, retrieval_mode

    kb = load_knowledge()
    return answer_dict(answer(body.question, kb, settings().locale, retrieval_mode()), kb)


@router.get("/questionnaire", responses=ERRORS)
def questionnaire() -> list[dict[str, Any]]:
    """Every intake question, in the order the guided check asks them."""
    from backcare.questionnaire import intake

    return [
        {"finding": q.finding, "question": q.text, "answer": q.answer, "unit": q.unit,
         "min": q.minimum, "max": q.maximum}
        for q in intake()
    ]  # fmt: skip


@router.post("/plan", responses=ERRORS)
def plan(body: AssessRequest) -> dict[str, Any]:
    """The care plan alone for a set of answers."""
    return assess(body)["plan"]  # type: ignore[no-any-return]


@router.get("/episodes", response_model=list[Episode], responses=ERRORS)
def episodes(session: DB) -> list[dict[str, Any]]:
    """Your episodes, newest first."""
    from backcare.store import repo

    return [_episode(e) for e in repo.episodes(session, repo.local_person(session))]


@router.post("/episodes", response_model=Episode, status_code=201, responses=ERRORS)
def start_episode(body: EpisodeCreate, session: DB) -> dict[str, Any]:
    """Start an episode from answers or a description (the assessment is stored with it)."""
    from backcare.errors import InputError
    from backcare.store import repo

    if (body.answers is None) == (body.text is None):
        raise InputError("give either `answers` or `text`, not both and not neither")
    result = assess_findings(body.answers, body.text)
    today = datetime.now(UTC).date()
    ep = repo.start_episode(session, repo.local_person(session), result, body.onset or today, today)
    return _episode(ep)


def assess_findings(answers: dict[str, Answer] | None, text: str | None) -> Any:
    """An assessment from a description and answers, merged as the interview merges them."""
    from backcare import service
    from backcare.assessment import assess as run

    kb = load_knowledge()
    outcome = service.interview(service.InterviewState(text, answers or {}), kb)
    return run(outcome.step.findings, kb, outcome.locale)


@router.get("/episodes/{episode_id}", responses=ERRORS)
def get_episode(episode_id: EpisodeId, session: DB) -> dict[str, Any]:
    """One episode with its assessment, plan and entries."""
    from backcare.store import repo

    return repo.episode_dict(repo.episode(session, repo.local_person(session), episode_id))


@router.post("/episodes/{episode_id}/close", response_model=Episode, responses=ERRORS)
def close(episode_id: EpisodeId, session: DB) -> dict[str, Any]:
    """Close an episode."""
    from backcare.store import repo

    ep = repo.episode(session, repo.local_person(session), episode_id)
    repo.close_episode(session, ep)
    return _episode(ep)


@router.post("/episodes/{episode_id}/entries", response_model=EntryResult, status_code=201,
             responses=ERRORS)  # fmt: skip
def add_entry(episode_id: EpisodeId, body: EntryCreate, session: DB) -> dict[str, Any]:
    """Log a diary entry; its note and symptoms are checked for red flags."""
    from backcare.diary import Dose, EntryInput, TherapySession
    from backcare.store import repo

    now = datetime.now(UTC)
    when = body.recorded_at or now
    therapy = [TherapySession("ice", body.ice_minutes)] if body.ice_minutes else []
    therapy += [TherapySession("heat", body.heat_minutes)] if body.heat_minutes else []
    entry = EntryInput(
        recorded_at=when, pain=body.pain, spasms_per_day=body.spasms_per_day,
        stiffness=body.stiffness, activity_interference=body.activity_interference,
        sleep_interference=body.sleep_interference, note=body.note,
        symptoms=tuple(body.symptoms), exercises=tuple(body.exercises), therapy=tuple(therapy),
        doses=tuple(Dose(m.name, m.taken_at or when) for m in body.medicines),
    )  # fmt: skip
    from backcare.questionnaire import parse_answer

    answers = {k: parse_answer(k, v) for k, v in body.answers.items()}
    person = repo.local_person(session)
    logged = repo.add_entry(session, person, repo.episode(session, person, episode_id), entry,
                            now, locale=settings().locale, answers=answers)  # fmt: skip
    d = logged.check.disposition
    return {
        "entry": logged.entry_id, "episode": episode_id, "triage": d.level.value,
        "raised_to": logged.raised_to.value if logged.raised_to else None,
        "reasons": list(d.reasons) if d.fired else [], "title": d.title, "action": d.action,
    }  # fmt: skip


@router.get("/episodes/{episode_id}/progress", response_model=ProgressResponse, responses=ERRORS)
def progress(episode_id: EpisodeId, session: DB) -> dict[str, Any]:
    """Recovery so far against the expected course."""
    from dataclasses import asdict

    from backcare.store import repo

    person = repo.local_person(session)
    ep = repo.episode(session, person, episode_id)
    result = repo.progress(session, person, ep, datetime.now(UTC).date())
    data = asdict(result)
    data["escalation"] = result.escalation.value if result.escalation else None
    data["episode_level"] = ep.current_level
    return json.loads(json.dumps(data, default=str))  # type: ignore[no-any-return]


@router.get("/export", responses=ERRORS)
def export(session: DB) -> dict[str, Any]:
    """All your data as JSON."""
    from backcare.store import repo

    return repo.export_person(session, repo.local_person(session))


@router.get(
    "/episodes/{episode_id}/export/{kind}",
    responses={**ERRORS, 200: {"content": {
        "application/fhir+json": {}, "application/pdf": {}, "text/html": {},
        "text/calendar": {}}}},
)  # fmt: skip
def export_episode(
    episode_id: EpisodeId, kind: Literal["fhir", "pdf", "html", "ics"], session: DB
) -> Response:
    """An episode for a clinician: FHIR bundle, PDF or HTML summary, or the plan as a calendar."""
    from backcare.interop.records import from_export, require_entries
    from backcare.store import repo

    person = repo.local_person(session)
    record = from_export(person.name, repo.episode_dict(repo.episode(session, person, episode_id)))
    today = datetime.now(UTC).date()
    if kind != "ics":
        require_entries(record)
    name = f"backcare-episode-{episode_id}"
    if kind == "fhir":
        from backcare.interop.fhir import bundle

        return Response(json.dumps(bundle(record)), media_type="application/fhir+json")
    if kind == "pdf":
        from backcare.interop.report import pdf

        attachment = {"Content-Disposition": f'attachment; filename="{name}.pdf"'}
        return Response(pdf(record, today), media_type="application/pdf", headers=attachment)
    if kind == "html":
        from backcare.interop.report import html

        return Response(html(record, today), media_type="text/html")
    from backcare.interop.ics import calendar

    attachment = {"Content-Disposition": f'attachment; filename="{name}.ics"'}
    return Response(calendar(record, "UTC", today), media_type="text/calendar", headers=attachment)


@router.delete("/me", responses=ERRORS)
def forget(session: DB) -> dict[str, Any]:
    """Delete all your data."""
    from backcare.store import repo

    return {"deleted_episodes": repo.forget_person(session, repo.local_person(session))}


def _episode(ep: Any) -> dict[str, Any]:
    return {
        "id": ep.id, "onset_date": ep.onset_date.isoformat(), "level": ep.level,
        "current_level": ep.current_level, "open": ep.closed_at is None,
        "escalation_reason": ep.escalation_reason,
    }  # fmt: skip
