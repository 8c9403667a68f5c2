"""HTML pages: describe or check, result and plan, diary, ask, data. Server-rendered, no login:
backcare serves one person on their own machine (127.0.0.1)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from backcare.errors import InputError
from backcare.findings import Level
from backcare.knowledge.load import load_knowledge
from backcare.settings import settings

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).resolve().parent / "templates")
MAX_ANSWERS_JSON = 20_000


def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    from backcare.triage import DISCLAIMER

    kb = load_knowledge()
    context.setdefault("emergency_number", kb.emergency_number(settings().locale))
    return templates.TemplateResponse(
        request, name, {"disclaimer": DISCLAIMER, **context}, status_code=status
    )


def error_page(request: Request, status: int, title: str, detail: str) -> HTMLResponse:
    return page(request, "error.html", status=status, title=title, detail=detail)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, message: str | None = None) -> HTMLResponse:
    from backcare.web.notices import notice

    return page(request, "home.html", message=notice(message))


@router.post("/describe", response_class=HTMLResponse)
def describe(request: Request, text: Annotated[str, Form(max_length=5000)] = "") -> HTMLResponse:
    """Free text -> the result page."""
    from backcare.assessment import assess
    from backcare.text.triage import triage_text

    kb = load_knowledge()
    if not text.strip():
        return page(request, "home.html", status=422,
                    message="Please describe your back pain in a sentence or two.")  # fmt: skip
    outcome = triage_text(text, kb, settings().locale)
    result = assess(outcome.extraction.findings, kb, settings().locale)
    return _result(request, result, source={"text": text}, understood=outcome.extraction.understood)


def _answers(raw: str) -> dict[str, Any]:
    if len(raw) > MAX_ANSWERS_JSON:
        raise InputError("too many answers")
    try:
        data = json.loads(raw or "{}")
    except (json.JSONDecodeError, RecursionError):  # RecursionError: nested thousands deep
        raise InputError("the answers so far could not be read; please start again") from None
    if not isinstance(data, dict):
        raise InputError("the answers so far could not be read; please start again")
    return data


@router.get("/check", response_class=HTMLResponse)
def check_start(request: Request) -> HTMLResponse:
    return _next(request, {})


@router.post("/check", response_class=HTMLResponse)
def check_answer(
    request: Request,
    answers: Annotated[str, Form(max_length=MAX_ANSWERS_JSON)] = "{}",
    finding: Annotated[str, Form(max_length=60)] = "",
    answer: Annotated[str, Form(max_length=40)] = "",
) -> HTMLResponse:
    """Record one answer, then show the next question, or the result as soon as it is urgent."""
    from backcare.questionnaire import parse_answer

    so_far = _answers(answers)
    if finding:
        try:
            parse_answer(finding, answer)
        except InputError as exc:
            return _next(request, so_far, error=str(exc))
        so_far[finding] = answer
    return _next(request, so_far)


def _next(request: Request, so_far: dict[str, Any], error: str | None = None) -> HTMLResponse:
    from backcare.assessment import assess
    from backcare.questionnaire import intake, next_question, parse_answers
    from backcare.triage import triage

    kb = load_knowledge()
    findings = parse_answers(so_far, kb)
    level = triage(findings, kb).level
    question = None if level >= Level.EMERGENCY else next_question(findings, kb)
    if question is None:
        return _result(request, assess(findings, kb, settings().locale), source={"answers": so_far})
    total = len(intake(kb))
    return page(request, "check.html", question=question, answers=json.dumps(so_far),
                number=len(so_far) + 1, total=total, error=error)  # fmt: skip


def _result(
    request: Request, result: Any, source: dict[str, Any], understood: bool = True
) -> HTMLResponse:
    d = result.disposition
    return page(
        request, "result.html", d=d, recovery=result.recovery, plan=result.plan,
        findings=[f for f in result.findings.values() if f.id in load_knowledge().findings],
        labels={k: v.label for k, v in load_knowledge().findings.items()},
        urgent=d.level >= Level.EMERGENCY, source=json.dumps(source), understood=understood,
    )  # fmt: skip


@router.post("/episodes")
def start_episode(source: Annotated[str, Form(max_length=MAX_ANSWERS_JSON)] = "{}") -> Response:
    """Start a diary from the result just shown."""
    from backcare.store import repo
    from backcare.store.db import sessions
    from backcare.web.api import assess_findings

    data = _answers(source)
    answers = data.get("answers")
    text = data.get("text")
    if not isinstance(answers, dict) and not isinstance(text, str):
        raise InputError("nothing to start a diary from; describe your pain first")
    result = assess_findings(answers if isinstance(answers, dict) else None,
                             text if isinstance(text, str) else None)  # fmt: skip
    today = datetime.now(UTC).date()
    with sessions().begin() as session:
        repo.start_episode(session, repo.local_person(session), result, today, today)
    return RedirectResponse("/diary", status_code=303)


@router.get("/diary", response_class=HTMLResponse)
def diary(request: Request, logged: str | None = None) -> HTMLResponse:
    from backcare.errors import NotFoundError
    from backcare.interop.report import svg_from
    from backcare.store import repo
    from backcare.store.db import sessions

    with sessions().begin() as session:
        person = repo.local_person(session)
        try:
            ep = repo.episode(session, person)
        except NotFoundError:
            return page(request, "diary.html", episode=None)
        progress = repo.progress(session, person, ep, datetime.now(UTC).date())
        estimate = repo.estimate_of(ep)
        entries = [(e.recorded_at, e.pain, e.note) for e in ep.entries][-10:]
        episode = {"id": ep.id, "onset": ep.onset_date, "level": ep.current_level,
                   "reason": ep.escalation_reason}  # fmt: skip
    chart = svg_from(progress.points, estimate, progress.day)
    return page(request, "diary.html", episode=episode, progress=progress, chart=chart,
                entries=list(reversed(entries)), logged=logged)  # fmt: skip


@router.post("/diary")
def log_entry(
    pain: Annotated[int, Form(ge=0, le=10)],
    note: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    from backcare.diary import EntryInput
    from backcare.store import repo
    from backcare.store.db import sessions

    now = datetime.now(UTC)
    with sessions().begin() as session:
        person = repo.local_person(session)
        ep = repo.episode(session, person)
        logged = repo.add_entry(session, person, ep, EntryInput(now, pain, note=note or None),
                                now, locale=settings().locale)  # fmt: skip
    flag = "raised" if logged.raised_to else "ok"
    return RedirectResponse(f"/diary?logged={flag}", status_code=303)


@router.get("/ask", response_class=HTMLResponse)
def ask(request: Request, q: Annotated[str, Query(max_length=1000)] = "") -> HTMLResponse:
    from backcare.text.answer import answer, answer_dict

    result = (
        answer_dict(answer(q, load_knowledge(), settings().locale, "bm25")) if q.strip() else None
    )
    return page(request, "ask.html", q=q, result=result)


@router.get("/sources", response_class=HTMLResponse)
def sources(request: Request) -> HTMLResponse:
    return page(request, "sources.html", sources=load_knowledge().base.sources)


@router.get("/data", response_class=HTMLResponse)
def data(request: Request) -> HTMLResponse:
    from backcare.store import repo
    from backcare.store.db import sessions

    with sessions().begin() as session:
        eps = [
            (e.id, e.onset_date, len(e.entries))
            for e in repo.episodes(session, repo.local_person(session))
        ]
    return page(request, "data.html", episodes=eps)


@router.post("/data/forget")
def forget(confirm: Annotated[str, Form(max_length=10)] = "") -> Response:
    from backcare.store import repo
    from backcare.store.db import sessions

    if confirm != "yes":
        raise InputError("tick the box to confirm that you want to delete everything")
    with sessions().begin() as session:
        repo.forget_person(session, repo.local_person(session))
    return RedirectResponse("/?message=deleted", status_code=303)
