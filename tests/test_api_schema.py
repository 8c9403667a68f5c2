"""schemathesis against the OpenAPI spec: generated requests never get a 5xx, and every response
matches its documented schema (status code, content type, body)."""

from __future__ import annotations

import os
import tempfile

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from backcare.web.app import app

_DB = tempfile.mkdtemp(prefix="backcare-schemathesis-")
os.environ.setdefault("BACKCARE_DATABASE_URL", f"sqlite:///{_DB}/api.db")
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_never_fails_and_keeps_its_schema(case: schemathesis.Case) -> None:
    case.call_and_validate(
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ]
    )
