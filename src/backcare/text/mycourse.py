"""Questions about the person's own recovery, answered from their diary.

"Is it normal it still hurts after 2 weeks?" has a general answer (most spasms settle within
days to weeks), but with an open episode backcare can say more: where this person's pain is
against the expected course for a spasm like theirs, and what to do if it lags. The answer is
built from the progress result and the recovery estimate, each sentence cited to the sources
those carry; it never overrides a red flag (the caller triages the question first) and it is
general information about a course, not a diagnosis.
"""

from __future__ import annotations

from backcare import rx
from backcare.findings import Citation
from backcare.progress import Progress
from backcare.recovery import RecoveryEstimate
from backcare.text.answer import Answer, Part, cited

ITEM = "my_course"
# First person, or "it" still hurting: with a diary open, "is it normal it still hurts?" is
# about the asker's own back.
_MINE = rx.compile(r"\b(?:i|im|i m|ive|my|me|mine)\b|\bit (?:still|keeps)\b")
_COURSE = rx.compile(
    r"\b(?:is it|its|it is|is this|is that|this is|that is) (?:still )?(?:normal|ok|okay|usual"
    r"|expected|common|fine|alright)\b"
    r"|\b(?:am i|i am|im|i m) (?:\w+ )?(?:recovering|getting better|improving|healing|on track"
    r"|behind|slow|doing ok|doing okay|doing alright|doing well)\b"
    r"|\bhow (?:am i|is my back|is my recovery) (?:doing|going|getting on)\b"
    r"|\bmy (?:progress|recovery|diary|pain scores?)\b"
    r"|\bshould (?:it|my back|the pain|this) (?:still )?(?:be )?(?:this |so )?(?:hurt|hurting|sore"
    r"|painful|bad|better|gone|improving)\b"
    r"|\b(?:still|keeps?) (?:hurts?|hurting|sore|painful|aching|bad|in pain)\b"
    r"|\bwhen (?:will|is|does) (?:it|my back|the pain|this|my spasm) (?:get better|go away|go"
    r"|stop|ease|be better|heal|settle|end)\b"
    r"|\b(?:taking|taken|take) (?:too|so|this) long\b"
    r"|\bnot (?:getting )?(?:better|improving|gone) (?:yet|still)\b"
)


def about_my_course(question: str) -> bool:
    """Whether a question asks how the asker's own episode is going (first person and a
    question about the course: normal, recovering, still hurting, when will it end)."""
    q = question.lower().replace("'", "").replace("\u2019", "")
    return bool(_MINE.search(q) and _COURSE.search(q))


def course_answer(
    question: str,
    progress: Progress,
    estimate: RecoveryEstimate,
    level: str,
    reason: str | None = None,
) -> Answer:
    """The person's progress against the expected course, cited, as an `Answer`."""
    course_sources = estimate.sources
    parts: list[Part] = []
    day = progress.day
    parts.append(
        Part(
            ITEM,
            f"For a back spasm like the one in your diary, the expected course is "
            f"{estimate.min_days} to {estimate.max_days} days; today is day {day}.",
            course_sources,
        )
    )
    if progress.baseline is not None and progress.latest is not None:
        fast, typical, slow = progress.expected
        parts.append(
            Part(
                ITEM,
                f"Your pain has gone from {_n(progress.baseline)} to {_n(progress.latest)} out of "
                f"10; on the typical course it would be about {_n(typical)} by now (between "
                f"{_n(fast)} and {_n(slow)}).",
                course_sources,
            )
        )
    parts.append(Part(ITEM, progress.message, _or(progress.sources, course_sources)))
    for text in progress.escalation_reasons:
        if text != progress.message:
            parts.append(Part(ITEM, text, _or(progress.sources, course_sources)))
    if level != "self_care" and reason:
        parts.append(
            Part(
                ITEM,
                f"Your episode is at the level '{level.replace('_', ' ')}' because "
                f"{_lower(reason)}",
                _or(progress.sources, course_sources),
            )
        )
    body, sources = cited(parts)
    return Answer(question, body, (ITEM,), sources, 1.0, True, parts=tuple(parts))


def _n(value: float) -> str:
    return f"{value:.0f}" if abs(value - round(value)) < 0.05 else f"{value:.1f}"


def _lower(text: str) -> str:
    text = text.strip()
    text = text[:1].lower() + text[1:] if text else text
    return text if text.endswith(".") else f"{text}."


def _or(first: tuple[Citation, ...], second: tuple[Citation, ...]) -> tuple[Citation, ...]:
    return first or second
