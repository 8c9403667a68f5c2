"""Clinician hand-off: FHIR R4 bundle, PDF/HTML summary, iCalendar schedule."""
