"""The FastAPI application: HTML pages, the REST API under /api/v1, and their error handling.

Errors are RFC 9457 problem details (application/problem+json) with a 4xx status for bad input;
request bodies over MAX_BODY bytes get 413 before they are read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from backcare.diary import FollowUpNeeded
from backcare.errors import BackcareError, InputError, NotFoundError
from backcare.web.problems import MAX_BODY, PROBLEM, BodyLimit, problem

__all__ = ["MAX_BODY", "PROBLEM", "BodyLimit", "app", "create_app", "problem"]

STATIC = Path(__file__).resolve().parent / "static"


def create_app() -> FastAPI:
    """The backcare web application."""
    from backcare.web import api, docs, pages, security

    app = FastAPI(
        title="backcare",
        version="1",
        description="Triage, recovery estimate, care plan, diary and cited answers for a "
        "back spasm or acute back pain. Not a diagnosis.",
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # web/docs.py serves them from the package, under the strict CSP
        redoc_url=None,
    )
    security.install(app)
    app.mount("/static/swagger", StaticFiles(directory=docs.ASSETS), name="swagger")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(docs.router)
    app.include_router(api.router)
    app.include_router(pages.router)

    @app.exception_handler(NotFoundError)
    async def not_found(request: Request, exc: NotFoundError) -> Response:
        return _error(request, 404, "Not found", str(exc))

    @app.exception_handler(FollowUpNeeded)
    async def follow_up(request: Request, exc: FollowUpNeeded) -> Response:
        from backcare import serialize

        return _error(request, 409, "Follow-up needed", str(exc),
                      follow_up=serialize.screen(exc.screen))  # fmt: skip

    @app.exception_handler(InputError)
    async def bad_input(request: Request, exc: InputError) -> Response:
        return _error(request, 422, "Invalid input", str(exc))

    @app.exception_handler(BackcareError)
    async def unavailable(request: Request, exc: BackcareError) -> Response:
        return _error(request, 503, "Service unavailable", str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = [
            {"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", ""))}
            for e in exc.errors()
        ]
        first = errors[0] if errors else {"loc": [], "msg": "invalid request"}
        detail = f"{'.'.join(first['loc'][1:]) or 'request'}: {first['msg']}"
        return _error(request, 422, "Invalid input", detail, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return _error(request, exc.status_code, _TITLES.get(exc.status_code, "Error"),
                      str(exc.detail))  # fmt: skip

    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def _openapi(app: FastAPI) -> dict[str, Any]:
    """The generated spec, with every 4xx documented as RFC 9457 problem details (what the
    handlers send) instead of FastAPI's default validation-error body."""
    if app.openapi_schema:
        return app.openapi_schema
    from fastapi.openapi.utils import get_openapi

    spec = get_openapi(title=app.title, version=app.version, description=app.description,
                       routes=app.routes)  # fmt: skip
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = {
        "type": "object",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": {"type": "string"}, "title": {"type": "string"},
            "status": {"type": "integer"}, "detail": {"type": "string"},
            "errors": {"type": "array", "items": {"type": "object"}},
        },
    }  # fmt: skip
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    problem_body = {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for operations in spec.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            if operation.get("requestBody") or any(
                p.get("in") != "header" for p in operation.get("parameters", [])
            ):
                responses.setdefault("422", {"description": "Invalid input"})
            if operation.get("requestBody"):
                responses.setdefault("400", {"description": "Malformed request body"})
                responses.setdefault("413", {"description": "Request too large"})
            for code, response in responses.items():
                if code.startswith("4"):
                    response["content"] = problem_body
    app.openapi_schema = spec
    return spec


_TITLES = {400: "Bad request", 403: "Forbidden", 404: "Not found", 405: "Method not allowed",
           408: "Request timeout", 413: "Too large"}  # fmt: skip


def _error(request: Request, status: int, title: str, detail: str, **extra: Any) -> Response:
    if request.url.path.startswith("/api/"):
        return problem(status, title, detail, **extra)
    from backcare.web.pages import error_page

    return error_page(request, status, title, detail)


app = create_app()
