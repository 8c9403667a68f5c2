"""Questions, the one path for the CLI, the ask page and the API: the knowledge base's answer,
and for a question about the asker's own recovery, their diary against the expected course.

The diary is only read for such a question ("is it normal it still hurts after 2 weeks?"), only
when an open episode exists, and never before the question's own triage: a question that
describes a red flag, or that backcare declines, gets that answer unchanged. Reading progress
saves an escalation it finds, as `backcare progress` does; nothing else is written (no person
is created for a question).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from backcare.knowledge.load import Knowledge
from backcare.text.answer import Answer, Retrieval, answer
from backcare.text.mycourse import about_my_course, course_answer

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def ask(
    question: str,
    kb: Knowledge,
    locale: str | None = None,
    mode: Retrieval | None = None,
    episode_id: int | None = None,
) -> Answer:
    """The answer to `question`. One about the asker's own course is answered from the diary
    (the open episode, or `episode_id`) when a database exists; the database is opened only
    then, in a transaction of its own."""
    general = answer(question, kb, locale, mode)
    if general.triage_level is not None or general.declined or not about_my_course(question):
        return general
    from backcare.store.location import database_exists

    if not database_exists():
        return general
    from backcare.store.db import sessions

    with sessions().begin() as session:
        mine = _my_course(question, kb, session, episode_id)
    return general if mine is None else mine


def _my_course(
    question: str, kb: Knowledge, session: Session, episode_id: int | None
) -> Answer | None:
    from sqlalchemy import select

    from backcare.errors import NotFoundError
    from backcare.service.diary import progress
    from backcare.store.models import Person
    from backcare.store.repo import LOCAL_PERSON

    if session.scalars(select(Person.id).where(Person.name == LOCAL_PERSON)).first() is None:
        return None  # nobody has kept a diary here
    try:
        view = progress(session, kb, episode_id)
    except NotFoundError:
        return None  # no open episode: the general answer stands
    return course_answer(question, view.result, view.estimate, view.level, view.reason)
