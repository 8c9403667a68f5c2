"""Issue 13: one test per probe of the local server's defences. Each failed on the code before
the fix: cross-site writes, DNS rebinding, missing headers, CDN docs, stalls under parallel
writes, 5xx on bad input, leaky files, reused ids, echoed notices, bidi text, stalled bodies."""

from __future__ import annotations

import asyncio
import json
import os
import re
import stat
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from backcare.web.app import app

EVIL = {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
TEMPLATES = Path(__file__).resolve().parent.parent / "src" / "backcare" / "web" / "templates"


@pytest.fixture
def client(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("BACKCARE_DATABASE_URL", db_url)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def sqlite_client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("BACKCARE_DATABASE_URL", f"sqlite:///{tmp_path / 'web.db'}")
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def token(client: TestClient, path: str = "/") -> str:
    """The form token on `path` ("" when the page has none, so that the tests of other probes
    still reach them on code without CSRF tokens)."""
    found = re.search(r'name="csrf_token" value="([0-9a-f]+)"', client.get(path).text)
    return found.group(1) if found else ""


def episode(client: TestClient) -> int:
    r = client.post("/api/v1/episodes", json={"text": "sore back after lifting"})
    assert r.status_code == 201
    return int(r.json()["id"])


# ---- 1. CSRF ----------------------------------------------------------------------------------


def test_a_cross_site_form_cannot_delete_everything(client: TestClient) -> None:
    ep = episode(client)
    tok = token(client, "/data")
    r = client.post("/data/forget", data={"confirm": "yes", "csrf_token": tok}, headers=EVIL,
                    follow_redirects=False)  # fmt: skip
    assert r.status_code == 403
    r = client.post("/data/forget", data={"confirm": "yes"}, follow_redirects=False)  # no token
    assert r.status_code == 403
    assert client.get(f"/api/v1/episodes/{ep}").status_code == 200
    r = client.post("/data/forget", data={"confirm": "yes", "csrf_token": tok},
                    follow_redirects=False)  # fmt: skip
    assert r.status_code == 303 and client.get("/api/v1/episodes").json() == []


@pytest.mark.parametrize(
    ("path", "data"),
    [("/diary", {"pain": "5"}), ("/episodes", {"source": '{"text": "back spasm"}'}),
     ("/describe", {"text": "sore back"}), ("/check", {"state": "{}", "action": "none"})],
)  # fmt: skip
def test_every_form_needs_its_token_and_the_same_origin(
    client: TestClient, path: str, data: dict[str, str]
) -> None:
    episode(client)
    tok = token(client)
    assert len(tok) == 64
    assert client.post(path, data=data, follow_redirects=False).status_code == 403
    assert client.post(path, data={**data, "csrf_token": "0" * 64}).status_code == 403
    r = client.post(path, data={**data, "csrf_token": tok}, headers=EVIL)
    assert r.status_code == 403
    r = client.post(path, data={**data, "csrf_token": tok}, headers={"Sec-Fetch-Site": "same-site"})
    assert r.status_code == 403  # another port on localhost is "same-site", not same-origin
    same = {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}
    r = client.post(path, data={**data, "csrf_token": tok}, headers=same, follow_redirects=False)
    assert r.status_code in (200, 303)
    # Under Referrer-Policy: no-referrer, browsers send Origin: null with their own forms.
    r = client.post(path, data={**data, "csrf_token": tok}, follow_redirects=False,
                    headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"})  # fmt: skip
    assert r.status_code in (200, 303)


def test_a_token_is_bound_to_its_cookie(client: TestClient) -> None:
    tok = token(client)
    with TestClient(app) as other:
        other.get("/")  # a different cookie
        assert (
            other.post("/describe", data={"text": "sore back", "csrf_token": tok}).status_code
            == 403
        )


def test_the_json_api_refuses_other_sites_and_other_content_types(client: TestClient) -> None:
    ep = episode(client)
    r = client.post(f"/api/v1/episodes/{ep}/entries", content=b'{"pain": 3}',
                    headers={"content-type": "text/plain"})  # fmt: skip
    assert r.status_code == 422
    r = client.post(f"/api/v1/episodes/{ep}/entries", json={"pain": 3}, headers=EVIL)
    assert r.status_code == 403 and r.headers["content-type"] == "application/problem+json"
    assert client.post(f"/api/v1/episodes/{ep}/close", headers=EVIL).status_code == 403
    assert client.delete("/api/v1/me", headers=EVIL).status_code == 403
    assert client.get(f"/api/v1/episodes/{ep}").json()["entries"] == []
    same = {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}
    r = client.post(f"/api/v1/episodes/{ep}/entries", json={"pain": 3}, headers=same)
    assert r.status_code == 201


def test_the_secret_is_private(client: TestClient) -> None:
    token(client)
    from backcare.store.db import data_dir

    path = data_dir() / "secret.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(bytes.fromhex(path.read_text())) == 32


# ---- 2. Host allow-list -----------------------------------------------------------------------


def test_a_foreign_host_is_refused(
    sqlite_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    r = sqlite_client.get("/api/v1/export", headers={"Host": "rebind.attacker.example:8000"})
    assert r.status_code == 400 and "person" not in r.text
    r = sqlite_client.delete("/api/v1/me", headers={"Host": "rebind.attacker.example"})
    assert r.status_code == 400
    for host in ("127.0.0.1:8000", "localhost:8000", "[::1]:8000", "LOCALHOST"):
        assert sqlite_client.get("/api/v1/questionnaire", headers={"Host": host}).status_code == 200
    for bad in ("[::1", "127.0.0.1:80x", "", "127.0.0.1.nip.io"):
        assert sqlite_client.get("/", headers={"Host": bad}).status_code == 400, bad
    monkeypatch.setenv("BACKCARE_SERVE_HOST", "192.168.1.20")  # backcare serve --host 192.168.1.20
    assert sqlite_client.get("/", headers={"Host": "192.168.1.20:8000"}).status_code == 200


def test_serve_passes_its_host_and_client_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn
    from typer.testing import CliRunner

    from backcare.cli import app as cli

    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: seen.update(kw))
    monkeypatch.delenv("BACKCARE_SERVE_HOST", raising=False)
    result = CliRunner().invoke(cli, ["serve", "--host", "192.168.1.20", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert os.environ.pop("BACKCARE_SERVE_HOST") == "192.168.1.20"
    assert seen["timeout_keep_alive"] == 5 and seen["limit_concurrency"] >= 100
    assert seen["h11_max_incomplete_event_size"] <= 64 * 1024


# ---- 3. headers, no inline script, offline docs -----------------------------------------------


def test_every_response_has_the_security_headers(sqlite_client: TestClient) -> None:
    responses = [
        sqlite_client.get(p) for p in ("/", "/check", "/data", "/diary", "/api/v1/docs",
                                       "/api/v1/openapi.json", "/static/style.css", "/nope")
    ]  # fmt: skip
    responses.append(sqlite_client.get("/", headers={"Host": "evil.example"}))
    responses.append(sqlite_client.post("/api/v1/triage", content=b"x" * 70_000,
                                        headers={"content-type": "application/json"}))  # fmt: skip
    for r in responses:
        h = r.headers
        csp = h["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp, r.url
        assert "frame-ancestors 'none'" in csp and h["x-frame-options"] == "DENY"
        assert h["x-content-type-options"] == "nosniff" and h["referrer-policy"] == "no-referrer"


def test_templates_have_no_inline_script_handler_or_style() -> None:
    for path in TEMPLATES.glob("*.html"):
        html = path.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path.name
        assert not re.search(r"\son[a-z]+\s*=", html, re.I), path.name
        assert not re.search(r"\sstyle\s*=|<style", html, re.I), path.name


def test_api_docs_come_from_the_package(sqlite_client: TestClient) -> None:
    page = sqlite_client.get("/api/v1/docs").text
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert assets and all(a.startswith("/static/") for a in assets), assets
    assert "<script>" not in page
    for asset in assets:
        assert sqlite_client.get(asset).status_code == 200, asset


# ---- 4. parallel writers ----------------------------------------------------------------------


def test_100_parallel_entry_writes_all_finish(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKCARE_DATABASE_URL", db_url)

    async def run() -> tuple[list[int], int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as c:
            r = await c.post("/api/v1/episodes", json={"text": "back spasm lifting"})
            ep = r.json()["id"]

            async def write(i: int) -> int:
                r = await c.post(f"/api/v1/episodes/{ep}/entries",
                                 json={"pain": i % 11, "note": f"entry {i}"})  # fmt: skip
                return r.status_code

            codes = await asyncio.wait_for(asyncio.gather(*(write(i) for i in range(100))), 90)
            stored = (await c.get(f"/api/v1/episodes/{ep}")).json()["entries"]
            return list(codes), len(stored)

    codes, stored = asyncio.run(run())
    assert codes == [201] * 100 and stored == 100


# ---- 5. bad input is 4xx problem+json ----------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {"pain": 3, "medicines": [{"name": "ibuprofen", "taken_at": "2026-01-01T10:00:00"}]},
        {"pain": 3, "recorded_at": "2026-01-01T10:00:00"},
        {"pain": 3, "medicines": [{"name": "ibuprofen", "taken_at": "0001-01-01T00:00:00Z"}]},
        {"pain": 3, "medicines": [{"name": "ibuprofen", "taken_at": 0}]},
        {"pain": 3, "recorded_at": 0},
        {"pain": True},
        {"pain": "3"},
        {"pain": 3.0},
        {"pain": 3, "stiffness": False},
    ],
)
def test_bad_entries_are_422_problems(sqlite_client: TestClient, body: dict[str, Any]) -> None:
    ep = episode(sqlite_client)
    r = sqlite_client.post(f"/api/v1/episodes/{ep}/entries", json=body)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert sqlite_client.get(f"/api/v1/episodes/{ep}").json()["entries"] == []


def test_deep_nesting_is_a_4xx(sqlite_client: TestClient) -> None:
    tok = token(sqlite_client)
    deep = "[" * 5000 + "]" * 5000
    deep_object = '{"a":' * 5000 + "1" + "}" * 5000
    for path, field in (("/check", "state"), ("/episodes", "source")):
        for value in (deep, deep_object):
            r = sqlite_client.post(path, data={field: value, "csrf_token": tok})
            assert 400 <= r.status_code < 500, (path, r.status_code)
    r = sqlite_client.post("/api/v1/episodes", content=('{"text":' + deep + "}").encode(),
                           headers={"content-type": "application/json"})  # fmt: skip
    assert 400 <= r.status_code < 500 and r.headers["content-type"] == "application/problem+json"


def test_a_chunked_body_over_the_limit_is_413(sqlite_client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(20):
            yield b" " * 4096

    r = sqlite_client.post("/api/v1/triage", content=chunks(),
                           headers={"content-type": "application/json"})  # fmt: skip
    assert r.status_code == 413 and r.headers["content-type"] == "application/problem+json"


def test_anything_unforeseen_is_a_logged_problem_500(
    sqlite_client: TestClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import backcare.questionnaire

    def broken(*_: Any, **__: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(backcare.questionnaire, "intake", broken)
    r = sqlite_client.get("/api/v1/questionnaire")
    assert r.status_code == 500 and r.headers["content-type"] == "application/problem+json"
    assert r.json()["status"] == 500 and "boom" not in r.text
    assert r.headers["x-frame-options"] == "DENY"
    assert any("boom" in (rec.exc_text or "") or rec.exc_info for rec in caplog.records)


FORMS = {
    "/describe": ("text",),
    "/check": ("state", "shown", "action", "q_unable_to_move", "q_chest_pain", "q_pain_score"),
    "/episodes": ("source",),
    "/diary": ("pain", "note"),
    "/data/forget": ("confirm",),
}


def _containers(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3)


json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    _containers,
    max_leaves=10,
).map(json.dumps)
nested = st.tuples(st.integers(1, 9000), st.sampled_from(["[]", '{"a":}'])).map(
    lambda t: t[1][:-1] * t[0] + "0" * (t[1] != "[]") + t[1][-1] * t[0]
)  # JSON nested up to 9,000 deep
field = (
    st.text(max_size=200)
    | json_like
    | nested
    | st.sampled_from(
        [
            "",
            "yes",
            "no",
            "?",
            "none",
            "next",
            "pain_score",
            "unable_to_move",
            "-1",
            "11",
            "5",
            "1e999",
            "NaN",
            '{"text": null, "answers": {}}',
            '{"answers": {"pain_score": 99}}',
        ]
    )
)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(path=st.sampled_from(sorted(FORMS)), data=st.data())
def test_forms_never_fail_with_a_5xx(sqlite_client: TestClient, path: str, data: Any) -> None:
    values = {name: data.draw(field, label=name) for name in FORMS[path]
              if data.draw(st.booleans(), label=f"send {name}")}  # fmt: skip
    if path == "/data/forget":
        values["confirm"] = "no"  # keep the episode for the other draws
    if not sqlite_client.get("/api/v1/episodes").json():
        episode(sqlite_client)
    r = sqlite_client.post(path, data={**values, "csrf_token": token(sqlite_client)},
                           follow_redirects=False)  # fmt: skip
    assert r.status_code < 500, (path, values, r.text[-500:])


# ---- 6. private data -----------------------------------------------------------------------------


def test_database_files_are_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from backcare.store import repo
    from backcare.store.db import _sessions, data_dir, database_url

    old = os.umask(0o022)
    try:
        monkeypatch.delenv("BACKCARE_DATABASE_URL", raising=False)
        monkeypatch.setenv("BACKCARE_DATA_DIR", str(tmp_path / "data"))
        url = database_url()
        with _sessions(url).begin() as session:
            repo.local_person(session)
        assert stat.S_IMODE(data_dir().stat().st_mode) == 0o700
        files = list(data_dir().glob("backcare.db*"))
        assert files
        for f in files:
            assert stat.S_IMODE(f.stat().st_mode) == 0o600, f.name
    finally:
        os.umask(old)
        _sessions.cache_clear()


def test_ids_are_never_reused_after_forget(client: TestClient) -> None:
    ids = [episode(client) for _ in range(3)]
    assert client.delete("/api/v1/me").json() == {"deleted_episodes": 3}
    assert episode(client) > max(ids)


EPISODE_ROW = (
    "INSERT INTO episode ({id}person_id, onset_date, started_at, findings, level, current_level,"
    " disposition, recovery, plan) VALUES ({value}1, '2026-01-01', :t, '[]', 'self_care',"
    " 'self_care', '{{}}', '{{}}', '{{}}')"
)
ENTRY_ROW = (
    "INSERT INTO entry (id, episode_id, person_id, recorded_at, created_at, pain, symptoms,"
    " therapy, exercises, triage_level, triage) VALUES (1, 3, 1, :t, :t, 4, '[]', '[]', '[]',"
    " 'self_care', '{}')"
)


def test_migration_0002_keeps_data_and_stops_id_reuse(tmp_path: Path) -> None:
    import sqlalchemy as sa

    from backcare.store.db import make_engine, migrate

    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    migrate(engine, "0001")  # a database as the released version created it
    now = {"t": "2026-01-01 10:00:00"}
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO person (id, name, created_at) VALUES (1, 'me', :t)"), now)
        for i in (1, 2, 3):
            conn.execute(sa.text(EPISODE_ROW.format(id="id, ", value=":i, ")), {**now, "i": i})
        conn.execute(sa.text(ENTRY_ROW), now)
    migrate(engine, "0002")
    with engine.begin() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == "0002"
        assert conn.execute(sa.text("SELECT count(*) FROM episode")).scalar() == 3
        assert conn.execute(sa.text("SELECT count(*) FROM entry")).scalar() == 1  # no cascade
        sql = conn.execute(sa.text("SELECT sql FROM sqlite_master WHERE name='episode'")).scalar()
        assert "AUTOINCREMENT" in str(sql)
        conn.execute(sa.text("DELETE FROM episode WHERE id = 3"))
        conn.execute(sa.text(EPISODE_ROW.format(id="", value="")), now)
        assert conn.execute(sa.text("SELECT max(id) FROM episode")).scalar() == 4  # not 3 again
        assert conn.execute(sa.text("SELECT count(*) FROM entry")).scalar() == 0  # FKs back on
    engine.dispose()


def test_notices_come_from_a_fixed_set(sqlite_client: TestClient) -> None:
    r = sqlite_client.get("/", params={"message": "Your data is corrupt: call 0800 SCAM now"})
    assert "SCAM" not in r.text
    assert "All your data has been deleted." in sqlite_client.get("/?message=deleted").text
    tok = token(sqlite_client, "/data")
    r = sqlite_client.post("/data/forget", data={"confirm": "yes", "csrf_token": tok},
                           follow_redirects=False)  # fmt: skip
    assert r.headers["location"] == "/?message=deleted"


def test_bidi_controls_are_stripped_from_stored_text(sqlite_client: TestClient) -> None:
    ep = episode(sqlite_client)
    body = {"pain": 3, "note": "better \u202eafter heat\u202c", "symptoms": ["stiff\u2066ness"],
            "exercises": ["walk\u200f"], "medicines": [{"name": "ibu\u202dprofen"}]}  # fmt: skip
    assert sqlite_client.post(f"/api/v1/episodes/{ep}/entries", json=body).status_code == 201
    entry = sqlite_client.get(f"/api/v1/episodes/{ep}").json()["entries"][0]
    assert entry["note"] == "better after heat" and entry["symptoms"] == ["stiffness"]
    assert entry["exercises"] == ["walk"] and entry["medicines"][0]["name"] == "ibuprofen"


def test_a_stalled_body_gets_408() -> None:
    from backcare.web.security import BodyTimeout

    async def run() -> list[dict[str, Any]]:
        sent: list[dict[str, Any]] = []
        parts = [{"type": "http.request", "body": b'{"text": "sore', "more_body": True}]

        async def receive() -> dict[str, Any]:
            if parts:
                return parts.pop()
            await asyncio.sleep(3600)  # the client stopped sending
            raise AssertionError

        async def send(message: Any) -> None:
            sent.append(message)

        scope = {"type": "http", "method": "POST", "path": "/api/v1/triage", "headers": [
            (b"host", b"127.0.0.1"), (b"content-type", b"application/json")],
            "query_string": b"", "root_path": ""}  # fmt: skip
        await BodyTimeout(app, seconds=0.2)(scope, receive, send)  # type: ignore[arg-type]
        return sent

    sent = asyncio.run(asyncio.wait_for(run(), 10))
    assert sent[0]["type"] == "http.response.start" and sent[0]["status"] == 408
