"""HTML pages: describe or check, result and plan, diary, ask, data. Server-rendered, no login:
backcare serves one person on their own machine (127.0.0.1)."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.concurrency import run_in_threadpool
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
    """Free text opens the interview: it pre-fills the screens, it never ends them."""
    if not text.strip():
        return page(request, "home.html", status=422,
                    message="Please describe your back pain in a sentence or two.")  # fmt: skip
    return _interview(request, {"text": text, "answers": {}}, shown=0)


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
    """The guided check: the interview's screens with no description."""
    return _interview(request, {"text": None, "answers": {}}, shown=0)


@router.post("/check", response_class=HTMLResponse)
async def check_answer(request: Request) -> HTMLResponse:
    """Record one screen's answers, then show the next screen or the result."""
    from backcare import service

    form = await request.form()
    state = _answers(str(form.get("state", "{}")))
    shown = _count(str(form.get("shown", "0")))
    parsed = service.parse_state(state)
    answers = dict(parsed.answers)
    none_of_these = form.get("action") == "none"
    given = {k[2:]: str(v).strip() for k, v in form.items() if k.startswith("q_")}
    if len(given) > service.MAX_ANSWERS:
        raise InputError("too many answers")
    kb = load_knowledge()
    step = service.interview(parsed, kb).step
    missing: list[str] = []
    if step.screen is not None:
        for q in step.screen.questions:
            raw = given.get(q.finding, "")
            if q.answer_type == "number":
                answers[q.finding] = raw if raw and raw != "?" else "unknown"
            elif raw:
                answers[q.finding] = raw
            elif none_of_these:
                answers[q.finding] = "no"
            else:
                missing.append(q.question)
    new_state = {"text": parsed.text, "answers": answers}
    try:  # the next page; a bad answer shows the same screen again with the error
        next_page = _interview(request, new_state, shown + 1)
    except InputError as exc:
        return _interview(request, state, shown, error=str(exc))
    if missing:
        error = "Please answer each question, or choose “None of these”."
        return _interview(request, state, shown, error=error)
    return next_page


def _count(raw: str) -> int:
    return int(raw) if raw.isdigit() and len(raw) < 4 else 0


def _interview(
    request: Request, state: dict[str, Any], shown: int, error: str | None = None
) -> HTMLResponse:
    from backcare import service
    from backcare.assessment import assess

    kb = load_knowledge()
    outcome = service.interview(service.parse_state(state), kb)
    s = outcome.step
    if s.complete or s.screen is None:
        result = assess(s.findings, kb, outcome.locale)
        return _result(request, result, source=state, understood=outcome.understood is not False)
    screen = s.screen
    return page(
        request, "screen.html", screen=screen, state=json.dumps(state), shown=shown,
        number=shown + 1, most=len(kb.base.screens), error=error, d=s.disposition,
        urgent=s.settled_level >= Level.EMERGENCY,
        prefilled_any=any(q.prefilled is not None for q in screen.questions),
        has_yes_no=any(q.answer_type == "yes_no" for q in screen.questions),
    )  # fmt: skip


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
    from backcare.service import diary
    from backcare.store.db import sessions

    data = _answers(source)
    answers = data.get("answers")
    text = data.get("text")
    if not answers and not isinstance(text, str):
        raise InputError("nothing to start a diary from; describe your pain first")
    kb = load_knowledge()
    result = diary.assessment_from(kb, answers if isinstance(answers, dict) else None,
                                   text if isinstance(text, str) else None)  # fmt: skip
    with sessions().begin() as session:
        diary.start_episode(session, kb, result)
    return RedirectResponse("/diary", status_code=303)


@router.get("/diary", response_class=HTMLResponse)
def diary(request: Request, logged: str | None = None) -> HTMLResponse:
    return _diary(request, logged)


def _diary(
    request: Request, logged: str | None = None, follow_up: Any = None,
    pending: dict[str, Any] | None = None,
) -> HTMLResponse:  # fmt: skip
    from backcare.errors import NotFoundError
    from backcare.interop.report import svg_from
    from backcare.service import diary
    from backcare.store.db import sessions

    with sessions().begin() as session:
        try:
            view = diary.progress(session, load_knowledge())
        except NotFoundError:
            return page(request, "diary.html", episode=None)
        shown = diary.episode_json(session, view.episode)
    entries = [(datetime.fromisoformat(e["recorded_at"]), e["pain"], e["note"])
               for e in shown["entries"]][-10:]  # fmt: skip
    episode = {"id": view.episode, "onset": date.fromisoformat(shown["onset_date"]),
               "level": view.level, "reason": view.reason}  # fmt: skip
    chart = svg_from(view.result.points, view.estimate, view.result.day)
    return page(request, "diary.html", episode=episode, progress=view.result,
                chart=chart, entries=list(reversed(entries)),
                logged=logged if logged in ("ok", "raised") else None,
                follow_up=follow_up, pending=pending)  # fmt: skip


@router.post("/diary", response_model=None)
async def log_entry(request: Request) -> Response:
    """Save an entry; a note that leaves a red flag open gets its follow-up question first."""
    from backcare.diary import FollowUpNeeded
    from backcare.service import diary
    from backcare.store.db import sessions

    form = await request.form()
    raw_pain = str(form.get("pain", ""))
    if not raw_pain.isdigit() or not 0 <= int(raw_pain) <= 10:
        raise InputError("pain must be a whole number from 0 to 10")
    note = str(form.get("note", ""))
    if len(note) > 5000:
        raise InputError("the note is longer than 5000 characters")
    answers = {k[2:]: str(v) for k, v in form.items() if k.startswith("q_") and len(k) < 70}
    new = diary.NewEntry(int(raw_pain), note=note or None, answers=answers)

    def save() -> Response:  # database work runs in a worker thread, never on the event loop
        try:
            with sessions().begin() as session:
                logged = diary.log_entry(session, load_knowledge(), new)
        except FollowUpNeeded as exc:
            return _diary(request, follow_up=exc.screen, pending={"pain": raw_pain, "note": note})
        flag = "raised" if logged.raised_to else "ok"
        return RedirectResponse(f"/diary?logged={flag}", status_code=303)

    return await run_in_threadpool(save)


@router.get("/ask", response_class=HTMLResponse)
def ask(request: Request, q: Annotated[str, Query(max_length=1000)] = "") -> HTMLResponse:
    from backcare.service.ask import ask as ask_service
    from backcare.text.answer import answer_dict, retrieval_mode

    result = None
    if q.strip():
        kb = load_knowledge()
        result = answer_dict(ask_service(q, kb, settings().locale, retrieval_mode()), kb)
    return page(request, "ask.html", q=q, result=result)


@router.get("/sources", response_class=HTMLResponse)
def sources(request: Request) -> HTMLResponse:
    return page(request, "sources.html", sources=load_knowledge().base.sources)


@router.get("/data", response_class=HTMLResponse)
def data(request: Request) -> HTMLResponse:
    from backcare.service import diary
    from backcare.store.db import sessions

    with sessions().begin() as session:
        eps = [(e.id, e.onset_date, e.entries) for e in diary.list_episodes(session)]
    return page(request, "data.html", episodes=eps)


@router.post("/data/forget")
def forget(confirm: Annotated[str, Form(max_length=10)] = "") -> Response:
    from backcare.service import diary
    from backcare.store.db import sessions

    if confirm != "yes":
        raise InputError("tick the box to confirm that you want to delete everything")
    with sessions().begin() as session:
        diary.forget(session)
    return RedirectResponse("/?message=deleted", status_code=303)
