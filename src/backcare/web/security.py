"""Defences of the local web server, as plain ASGI middleware so they cover every route, present
and future, without touching the route functions.

backcare serves one person on their own machine. What it must still stop is other web pages
open in that person's browser, and slow or broken clients:

- `HostCheck`: a Host header outside the allow-list gets 400 (stops DNS rebinding, where an
  attacker's name resolves to 127.0.0.1 and their page then reads the health record).
- `CrossSiteCheck`: a state-changing request (POST, PUT, PATCH, DELETE) whose Origin is not this
  server or whose Sec-Fetch-Site is not same-origin gets 403; a form post outside /api/ must
  also carry a token bound to a cookie and signed with the per-install secret (CSRF). The JSON
  API needs no token: browsers cannot send cross-site JSON without a CORS preflight, which
  backcare never answers, and FastAPI refuses bodies that are not JSON.
- `SecurityHeaders`: a strict Content-Security-Policy (no inline script), nosniff, no framing, no
  referrer, and no caching of health data.
- `ServerErrors`: anything unforeseen is logged and answered with problem+json 500 (with the
  headers above), never a bare traceback or plain text.
- `BodyTimeout`: a client that stops sending half-way through its body gets 408, not a worker
  held for ever (uvicorn bounds idle keep-alive connections, not slow request bodies).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import anyio
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("backcare.web")

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
COOKIE = "backcare_csrf"
FIELD = "csrf_token"
BODY_TIMEOUT = 15.0  # seconds a client may pause between two pieces of a request body

# What uvicorn itself can bound for slow or greedy clients (`backcare serve` passes these):
# idle keep-alive connections are closed after 5 s, request headers may not exceed 16 KiB,
# at most 200 connections and tasks at once (beyond that: 503), and shutdown waits 10 s at most.
# uvicorn has no timeout for a client that sends its headers or body slowly; BodyTimeout below
# covers the body, and the connection limit caps how many such clients can be held at once.
UVICORN_LIMITS: dict[str, Any] = {
    "timeout_keep_alive": 5,
    "h11_max_incomplete_event_size": 16 * 1024,
    "limit_concurrency": 200,
    "timeout_graceful_shutdown": 10,
}

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
# The clinician's summary is a self-contained page with its own <style> and no script at all.
CSP_SUMMARY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
)


def allowed_hosts() -> frozenset[str]:
    """127.0.0.1, localhost, [::1], what `backcare serve --host` was given, and any names in
    BACKCARE_ALLOWED_HOSTS (comma-separated), all lower case and without brackets."""
    extra = [os.environ.get("BACKCARE_SERVE_HOST", "")]
    extra += os.environ.get("BACKCARE_ALLOWED_HOSTS", "").split(",")
    return frozenset(h.strip().strip("[]").lower() for h in (*LOCAL_HOSTS, *extra) if h.strip())


def host_name(header: str) -> str | None:
    """The host part of a Host header ("[::1]:8000" -> "::1"), or None when malformed."""
    header = header.strip().lower()
    if header.startswith("["):
        end = header.find("]")
        rest = header[end + 1 :] if end > 0 else "?"
        if rest and not (rest.startswith(":") and rest[1:].isdigit()):
            return None
        return header[1:end]
    name, _, port = header.partition(":")
    if not name or (port and not port.isdigit()):
        return None
    return name


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers") or ():
        if key == name:
            return str(value.decode("latin-1"))
    return None


async def _problem(scope: Scope, receive: Receive, send: Send, status: int, title: str,
                   detail: str) -> None:  # fmt: skip
    from backcare.web.problems import problem

    if scope["path"].startswith("/api/") or scope.get("type") != "http":
        await problem(status, title, detail)(scope, receive, send)
        return
    from starlette.responses import Response

    from backcare.web.pages import error_page

    response: Response
    try:
        response = error_page(Request(scope, receive), status, title, detail)
    except Exception:  # the page itself failed: fall back to plain problem details
        log.exception("the error page could not be rendered")
        response = problem(status, title, detail)
    await response(scope, receive, send)


class HostCheck:
    """Refuse requests whose Host header is not one this server answers to (DNS rebinding)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        name = host_name(_header(scope, b"host") or "")
        if name is None or name not in allowed_hosts():
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
                return
            from backcare.web.problems import problem

            await problem(400, "Bad request", "this server does not answer to that host name")(
                scope, receive, send
            )
            return
        await self.app(scope, receive, send)


# ---- CSRF ---------------------------------------------------------------------------------------


@cache
def _secret(path: Path) -> bytes:
    """The per-install secret, created on first use, readable only by its owner."""
    try:
        return bytes.fromhex(path.read_text().strip())
    except (OSError, ValueError):
        pass
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    value = secrets.token_bytes(32)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(value.hex())
    try:
        os.link(tmp, path)  # first writer wins when several workers start at once
    except FileExistsError:
        value = bytes.fromhex(path.read_text().strip())
    finally:
        tmp.unlink(missing_ok=True)
    return value


def secret() -> bytes:
    from backcare.store.db import data_dir

    return _secret(data_dir() / "secret.key")


def token_for(nonce: str) -> str:
    """The form token for a cookie's nonce: HMAC-SHA256 under the install's secret."""
    return hmac.new(secret(), b"csrf:" + nonce.encode(), hashlib.sha256).hexdigest()


def _valid_nonce(value: str | None) -> bool:
    return (
        value is not None
        and 20 <= len(value) <= 64
        and value.replace("-", "").replace("_", "").isalnum()
    )


def _cookie(scope: Scope) -> str | None:
    raw = _header(scope, b"cookie")
    if not raw:
        return None
    for part in raw.split(";"):
        name, _, value = part.strip().partition("=")
        if name == COOKIE:
            return value if _valid_nonce(value) else None
    return None


def csrf_token(request: Request) -> str:
    """The token a page puts in each of its forms (a Jinja global)."""
    nonce = request.scope.get("state", {}).get("csrf_nonce")
    return token_for(nonce) if isinstance(nonce, str) else ""


class CrossSiteCheck:
    """Refuse state-changing requests from other sites, and form posts without a valid token."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cookie = _cookie(scope)
        nonce = cookie or secrets.token_urlsafe(32)
        scope.setdefault("state", {})["csrf_nonce"] = nonce
        if scope["method"] in UNSAFE:
            reason = _cross_site(scope)
            if reason is None and not scope["path"].startswith("/api/"):
                receive, reason = await _form_token(scope, receive, cookie)
            if reason is not None:
                await _problem(scope, receive, send, 403, "Forbidden", reason)
                return
        if cookie is not None:
            await self.app(scope, receive, send)
            return

        async def set_cookie(message: Message) -> None:
            # Only pages carry forms; a stylesheet fetched at the same moment must not replace
            # the cookie that the page's tokens were made for.
            if message["type"] == "http.response.start" and _is_html(message):
                value = f"{COOKIE}={nonce}; Path=/; HttpOnly; SameSite=Strict"
                message.setdefault("headers", []).append((b"set-cookie", value.encode()))
            await send(message)

        await self.app(scope, receive, set_cookie)


def _is_html(message: Message) -> bool:
    for key, value in message.get("headers", []):
        if key.lower() == b"content-type":
            return bytes(value).startswith(b"text/html")
    return False


def _cross_site(scope: Scope) -> str | None:
    """Why a state-changing request looks cross-site, or None."""
    site = _header(scope, b"sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return "this request came from another web site, so it was refused"
    origin = _header(scope, b"origin")
    if origin == "null" and site == "same-origin":
        # Under Referrer-Policy: no-referrer a browser sends "Origin: null" even for its own
        # forms; Sec-Fetch-Site, which a page cannot set, still says where the post came from.
        return None
    if origin is not None:
        parts = urlsplit(origin)
        host = (_header(scope, b"host") or "").lower()
        if parts.scheme not in ("http", "https") or parts.netloc.lower() != host:
            return "this request came from another web site, so it was refused"
    return None


async def _form_token(
    scope: Scope, receive: Receive, cookie: str | None
) -> tuple[Receive, str | None]:
    """Read the (size-limited) body, check its token, and hand back a receive that replays it."""
    body = b""
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        body += message.get("body", b"")
        if not message.get("more_body", False):
            break
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    kind = (_header(scope, b"content-type") or "").split(";")[0].strip().lower()
    token = ""
    if kind == "application/x-www-form-urlencoded":
        values = parse_qs(body.decode("latin-1"), max_num_fields=1000).get(FIELD, [""])
        token = values[0] if values else ""
    expired = "this form has expired: go back, reload the page and send it again"
    if cookie is None or not token:
        return replay, expired
    if not hmac.compare_digest(token.encode("latin-1"), token_for(cookie).encode()):
        return replay, expired
    return replay, None


# ---- headers, errors, timeouts ------------------------------------------------------------------


def _policy(path: str) -> bytes:
    if path.startswith("/api/v1/episodes/") and path.endswith("/export/html"):
        return CSP_SUMMARY.encode()
    return CSP.encode()


class SecurityHeaders:
    """Add the security headers to every HTTP response (errors included)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in HEADERS if k not in present]
                if b"content-security-policy" not in present:
                    headers.append((b"content-security-policy", _policy(path)))
                if b"cache-control" not in present and not path.startswith("/static/"):
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


class ServerErrors:
    """Log anything unforeseen and answer problem+json 500 (if nothing was sent yet)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking)
        except Exception:
            log.exception("unexpected error on %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise
            from backcare.web.problems import problem

            await problem(500, "Internal error",
                          "something went wrong on our side; nothing was saved")(
                scope, receive, send)  # fmt: skip


class BodyTimedOut(HTTPException):
    def __init__(self) -> None:
        super().__init__(408, "the request body stopped arriving")


class BodyTimeout:
    """Give up on a request whose body stalls for `seconds` between two pieces (408)."""

    def __init__(self, app: ASGIApp, seconds: float = BODY_TIMEOUT) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        complete = False

        async def timed() -> Message:
            nonlocal complete
            if complete:  # after the body, receive() waits for a disconnect: that is fine
                return await receive()
            try:
                with anyio.fail_after(self.seconds):
                    message = await receive()
            except TimeoutError:
                raise BodyTimedOut from None
            if message["type"] != "http.request" or not message.get("more_body", False):
                complete = True
            return message

        try:
            await self.app(scope, timed, send)
        except BodyTimedOut:
            from backcare.web.problems import problem

            await problem(408, "Request timeout", "the request body stopped arriving")(
                scope, receive, send
            )


def install(app: Any) -> None:
    """Add the middleware in the right order. Outermost first: the headers (so every answer
    carries them, errors included), the Host check, the catch-all, the body size and time
    limits (so the CSRF check below them reads a bounded body), then the CSRF check."""
    from backcare.web.pages import templates
    from backcare.web.problems import BodyLimit

    templates.env.globals["csrf_token"] = csrf_token
    app.add_middleware(CrossSiteCheck)
    app.add_middleware(BodyTimeout)
    app.add_middleware(BodyLimit)
    app.add_middleware(ServerErrors)
    app.add_middleware(HostCheck)
    app.add_middleware(SecurityHeaders)
