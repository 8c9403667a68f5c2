"""The application layer: the one place each front end (CLI, web pages, REST API) calls to run
an interview step, start an episode, log entries (one or a batch), compute progress, export
and forget, and where the locale, "today" and the export time zone are decided, so that the
front ends cannot drift apart.

Front ends parse their input, call one function here and render what comes back.
"""

from __future__ import annotations

from backcare.service.check import (
    _READ_CACHE,
    MAX_ANSWERS,
    MAX_TEXT,
    InterviewOutcome,
    InterviewState,
    interview,
    parse_state,
    resolve_locale,
)

__all__ = [
    "MAX_ANSWERS",
    "MAX_TEXT",
    "_READ_CACHE",
    "InterviewOutcome",
    "InterviewState",
    "interview",
    "parse_state",
    "resolve_locale",
]
