"""Free text -> findings -> disposition: the path every typed description and diary note takes."""

from __future__ import annotations

from dataclasses import dataclass

from backcare.errors import InputError
from backcare.findings import Finding, Status
from backcare.knowledge.load import Knowledge
from backcare.text.extract import Extraction, extract
from backcare.triage import Disposition, triage

UNCLEAR = "unclear_description"


@dataclass(frozen=True, slots=True)
class TextTriage:
    text: str
    extraction: Extraction
    disposition: Disposition


def triage_text(text: str, kb: Knowledge, locale: str | None = None) -> TextTriage:
    """Triage one free-text description. Text that cannot be understood is never self-care."""
    if not text or not text.strip():
        raise InputError("the text is empty: describe the back pain in a sentence or two")
    extraction = extract(text, kb)
    findings = extraction.findings
    if not extraction.understood:
        findings = findings.with_findings([Finding(UNCLEAR, Status.PRESENT, evidence=text[:80])])
    return TextTriage(text, extraction, triage(findings, kb, locale))
