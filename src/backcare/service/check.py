"""One interview step and the locale rule, for every front end (see the package docstring)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from backcare.errors import InputError
from backcare.findings import Finding, FindingSet
from backcare.interview import InterviewStep, step
from backcare.knowledge.load import Knowledge
from backcare.settings import settings

MAX_TEXT = 5000
MAX_ANSWERS = 200


def resolve_locale(explicit: str | None = None, given: str | None = None) -> str | None:
    """One precedence rule for every front end: an explicit option (--locale, a query value),
    then the locale the input carries (an answers file's or a request body's `locale`), then
    BACKCARE_LOCALE; None means the default (911)."""
    return explicit or given or settings().locale


@dataclass(frozen=True, slots=True)
class InterviewState:
    """What a caller sends for one interview step: a description and the answers so far."""

    text: str | None
    answers: Mapping[str, object]
    locale: str | None = None


@dataclass(frozen=True, slots=True)
class InterviewOutcome:
    step: InterviewStep
    text_findings: FindingSet | None
    understood: bool | None  # None when there was no text
    locale: str | None


def parse_state(data: object) -> InterviewState:
    """Validate a decoded JSON state {"text", "answers", "locale"}; InputError names the problem."""
    if not isinstance(data, dict):
        raise InputError('an interview state is a JSON object: {"text": ..., "answers": {...}}')
    unknown = set(data) - {"text", "answers", "locale"}
    if unknown:
        raise InputError(f"unknown field(s) in the interview state: {', '.join(sorted(unknown))}")
    text = data.get("text")
    if text is not None and not isinstance(text, str):
        raise InputError("`text` must be a string or null")
    if text is not None and len(text) > MAX_TEXT:
        raise InputError(f"`text` is longer than {MAX_TEXT} characters")
    answers = data.get("answers") or {}
    if not isinstance(answers, dict):
        raise InputError("`answers` must be an object of finding id -> answer")
    if len(answers) > MAX_ANSWERS:
        raise InputError(f"more than {MAX_ANSWERS} answers")
    locale = data.get("locale")
    if locale is not None and (not isinstance(locale, str) or len(locale) > 20):
        raise InputError("`locale` must be a short string such as en-GB")
    return InterviewState(text, answers, locale)


_READ_CACHE: dict[tuple[str, str], tuple[FindingSet, bool]] = {}
READ_CACHE_SIZE = 256


def _read(text: str, kb: Knowledge) -> tuple[FindingSet, bool]:
    """The description's findings. The protocol is stateless, so every step sends the same
    text again: it is read once (the semantic pass costs tens of ms) and remembered."""
    key = (kb.digest, text)
    hit = _READ_CACHE.get(key)
    if hit is None:
        from backcare.text.extract import extract

        extraction = extract(text, kb)
        hit = (extraction.findings, extraction.understood)
        if len(_READ_CACHE) >= READ_CACHE_SIZE:
            _READ_CACHE.pop(next(iter(_READ_CACHE)))  # the oldest
        _READ_CACHE[key] = hit
    return hit


def interview(
    state: InterviewState, kb: Knowledge, explicit_locale: str | None = None
) -> InterviewOutcome:
    """One interview step: read the description, apply the answers, return the next screen or
    the complete result. The same path for the CLI, the web pages and the API."""
    from backcare.questionnaire import parse_answer

    answers: dict[str, Finding] = {k: parse_answer(k, v, kb) for k, v in state.answers.items()}
    text_findings = None
    understood = None
    if state.text is not None and state.text.strip():
        text_findings, understood = _read(state.text, kb)
    locale = resolve_locale(explicit_locale, state.locale)
    return InterviewOutcome(step(kb, answers, text_findings, locale), text_findings, understood,
                            locale)  # fmt: skip
