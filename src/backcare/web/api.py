"""REST API under /api/v1. Thin: validate with Pydantic, call the service (the same functions
the CLI and the pages call), return what it gives as JSON."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Response
from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field
from sqlalchemy.orm import Session

from backcare import serialize
from backcare.knowledge.load import load_knowledge
from backcare.service import resolve_locale
from backcare.settings import settings
from backcare.web.concurrency import TransactionRoute

router = APIRouter(prefix="/api/v1", tags=["api"], route_class=TransactionRoute)

Answer = bool | int | float | str | None  # int kept: "answer: 7" reads the same everywhere
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
    episode_id: int | None = Field(
        default=None,
        ge=1,
        description="Diary episode for a question about the person's own recovery ('is it "
        "normal it still hurts?'); default: the open episode, if any.",
    )


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


def _iso_text(value: object) -> object:
    """A time is an ISO 8601 string with a zone (JSON has no date type): not a number."""
    if not isinstance(value, str):
        raise ValueError("a time is an ISO 8601 string such as 2026-11-20T08:30:00+00:00")
    return value


# Strict models take no strings for times; this one field takes only a string.
IsoTime = Annotated[AwareDatetime, Field(strict=False), BeforeValidator(_iso_text)]


class Medicine(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    name: str = Field(min_length=1, max_length=120)
    taken_at: IsoTime | None = None


class EntryCreate(BaseModel):
    # strict: `true` and "3" are not pain scores, 0 is not a time
    model_config = ConfigDict(extra="forbid", strict=True)
    pain: int = Field(ge=0, le=10)
    recorded_at: IsoTime | None = None
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

    def new(self) -> Any:
        """The entry as the service takes it (service.diary.NewEntry)."""
        from backcare.service.diary import NewEntry

        return NewEntry(
            pain=self.pain, recorded_at=self.recorded_at, note=self.note,
            spasms_per_day=self.spasms_per_day, stiffness=self.stiffness,
            activity_interference=self.activity_interference,
            sleep_interference=self.sleep_interference,
            medicines=tuple((m.name, m.taken_at) for m in self.medicines),
            ice_minutes=self.ice_minutes, heat_minutes=self.heat_minutes,
            exercises=tuple(self.exercises), symptoms=tuple(self.symptoms), answers=self.answers,
        )  # fmt: skip


class EntryBatch(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    entries: list[EntryCreate] = Field(min_length=1, max_length=500)

    def new(self) -> list[Any]:
        return [e.new() for e in self.entries]


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
    """Answer a question from the knowledge base, with sources. A question about the person's
    own recovery ("is it normal it still hurts after 2 weeks?") is answered from their diary
    against the expected course, when an episode is open."""
    from backcare.service.ask import ask as ask_service
    from backcare.text.answer import answer_dict, retrieval_mode

    kb = load_knowledge()
    a = ask_service(body.question, kb, settings().locale, retrieval_mode(), body.episode_id)
    return answer_dict(a, kb)


@router.get("/questionnaire", responses=ERRORS)
def questionnaire() -> list[dict[str, Any]]:
    """Every intake question, in the order the guided check asks them."""
    from backcare.questionnaire import intake

    return [
        {"finding": q.finding, "question": q.text, "answer": q.answer, "unit": q.unit,
         "min": q.minimum, "max": q.maximum}
        for q in intake(load_knowledge())
    ]  # fmt: skip


@router.post("/plan", responses=ERRORS)
def plan(body: AssessRequest) -> dict[str, Any]:
    """The care plan alone for a set of answers."""
    return assess(body)["plan"]  # type: ignore[no-any-return]


@router.get("/episodes", response_model=list[Episode], responses=ERRORS)
def episodes(session: DB) -> list[dict[str, Any]]:
    """Your episodes, newest first."""
    from backcare.service import diary

    return [e.to_json() for e in diary.list_episodes(session)]


@router.post("/episodes", response_model=Episode, status_code=201, responses=ERRORS)
def start_episode(body: EpisodeCreate, session: DB) -> dict[str, Any]:
    """Start an episode from answers or a description (the assessment is stored with it)."""
    from backcare.errors import InputError
    from backcare.service import diary

    if (body.answers is None) == (body.text is None):
        raise InputError("give either `answers` or `text`, not both and not neither")
    kb = load_knowledge()
    result = diary.assessment_from(kb, body.answers, body.text)
    return diary.start_episode(session, kb, result, body.onset).episode.to_json()


@router.get("/episodes/{episode_id}", responses=ERRORS)
def get_episode(episode_id: EpisodeId, session: DB) -> dict[str, Any]:
    """One episode with its assessment, plan and entries."""
    from backcare.service import diary

    return diary.episode_json(session, episode_id)


@router.post("/episodes/{episode_id}/close", response_model=Episode, responses=ERRORS)
def close(episode_id: EpisodeId, session: DB) -> dict[str, Any]:
    """Close an episode."""
    from backcare.service import diary

    return diary.close_episode(session, episode_id).to_json()


@router.post("/episodes/{episode_id}/entries", response_model=EntryResult, status_code=201,
             responses=ERRORS)  # fmt: skip
def add_entry(episode_id: EpisodeId, body: EntryCreate, session: DB) -> dict[str, Any]:
    """Log a diary entry; its note and symptoms are checked for red flags."""
    from backcare.service import diary

    return diary.log_entry(session, load_knowledge(), body.new(), episode_id).to_json()


@router.post("/episodes/{episode_id}/entries/batch", response_model=list[EntryResult],
             status_code=201, responses=ERRORS)  # fmt: skip
def add_entries(episode_id: EpisodeId, body: EntryBatch, session: DB) -> list[dict[str, Any]]:
    """Log many diary entries in one transaction (importing a backlog): each is checked like a
    single entry; if any is invalid or needs a follow-up (409), none is stored and the error
    names the entry (1-based). Results come in the order the entries were sent."""
    from backcare.service import diary

    logged = diary.log_entries(session, load_knowledge(), body.new(), episode_id)
    return [e.to_json() for e in logged]


@router.get("/episodes/{episode_id}/progress", response_model=ProgressResponse, responses=ERRORS)
def progress(episode_id: EpisodeId, session: DB) -> dict[str, Any]:
    """Recovery so far against the expected course."""
    from backcare.service import diary

    return diary.progress(session, load_knowledge(), episode_id).to_json()


@router.get("/export", responses=ERRORS)
def export(session: DB) -> dict[str, Any]:
    """All your data as JSON."""
    from backcare.service.exports import export_all

    return export_all(session)


@router.get(
    "/episodes/{episode_id}/export/{kind}",
    responses={**ERRORS, 200: {"content": {
        "application/fhir+json": {}, "application/pdf": {}, "text/html": {},
        "text/calendar": {}}}},
)  # fmt: skip
def export_episode(
    episode_id: EpisodeId,
    kind: Literal["fhir", "pdf", "html", "ics"],
    session: DB,
    tz: Annotated[str | None, Query(max_length=64, description=(
        "Time zone of the calendar, e.g. Europe/London (default: the server machine's)."
    ))] = None,
) -> Response:  # fmt: skip
    """An episode for a clinician: FHIR bundle, PDF or HTML summary, or the plan as a calendar."""
    from backcare.service.exports import export

    made = export(session, load_knowledge(), kind, episode_id, tz)
    headers = (
        {"Content-Disposition": f'attachment; filename="{made.filename}"'}
        if kind in ("pdf", "ics")
        else None
    )
    return Response(made.content, media_type=made.media_type, headers=headers)


@router.delete("/me", responses=ERRORS)
def forget(session: DB) -> dict[str, Any]:
    """Delete all your data."""
    from backcare.service import diary

    return {"deleted_episodes": diary.forget(session)}
