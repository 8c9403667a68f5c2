"""The application layer: every front end (CLI, web form, API) starts, logs, shows progress
and exports through the service, and the same inputs give the same outputs as calling the
service directly. Each front end runs on a fresh SQLite database of its own."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from backcare.errors import InputError
from backcare.knowledge.load import load_knowledge
from backcare.service import diary, exports
from backcare.store.db import sessions

ANSWERS = {"pain_score": 7, "cause_strain": "yes", "age": 44, "saddle_numbness": "no"}
NOTE = "stiff, better after heat"
ZONE = "Europe/London"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'backcare.db'}"
    monkeypatch.setenv("BACKCARE_DATABASE_URL", url)
    monkeypatch.setenv("BACKCARE_LOCALE", "en-GB")
    return url


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How often each service action ran: every front end must go through them."""
    seen = {"start_episode": 0, "log_entries": 0, "progress": 0, "export": 0}
    for module, name in ((diary, "start_episode"), (diary, "log_entries"),
                         (diary, "progress"), (exports, "export")):  # fmt: skip
        real = getattr(module, name)

        def spy(*a: Any, _real: Callable[..., Any] = real, _name: str = name, **kw: Any) -> Any:
            seen[_name] += 1
            return _real(*a, **kw)

        monkeypatch.setattr(module, name, spy)
    return seen


def _episode(data: dict[str, Any]) -> dict[str, Any]:
    """An episode's JSON without what differs from run to run (times, ids)."""
    out = {k: v for k, v in data.items() if k not in ("id", "started_at", "closed_at")}
    out["entries"] = [
        {k: v for k, v in e.items() if k not in ("id", "recorded_at", "medicines")}
        | {"medicines": [m["name"] for m in e["medicines"]]}
        for e in data["entries"]
    ]
    return out


def _logged(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in ("entry", "episode")}  # ids never reused


def _progress(data: dict[str, Any]) -> dict[str, Any]:
    return {**data, "points": [(round(d, 1), p) for d, p in data["points"]]}


def _ics(data: bytes) -> str:
    """The calendar without its stamps and ids (the time it was made, the episode's id)."""
    text = data.decode()
    return re.sub(r"^(DTSTAMP|UID|CREATED|LAST-MODIFIED)[:;].*\r?\n", "", text, flags=re.M)


def reference(entry: diary.NewEntry) -> dict[str, Any]:
    """The outputs of the service itself, for the same inputs."""
    kb = load_knowledge()
    with sessions().begin() as s:
        assessment = diary.assessment_from(kb, ANSWERS)
        diary.start_episode(s, kb, assessment)
    with sessions().begin() as s:
        logged = _logged(diary.log_entry(s, kb, entry).to_json())
    with sessions().begin() as s:
        progress = diary.progress(s, kb).to_json()
        shown = json.loads(json.dumps(diary.episode_json(s)))
        ics = exports.export(s, kb, "ics", None, ZONE).content
    with sessions().begin() as s:
        diary.forget(s)
    return {"logged": logged, "progress": _progress(progress), "episode": _episode(shown),
            "ics": _ics(ics)}  # fmt: skip


def _same(got: dict[str, Any], want: dict[str, Any]) -> None:
    for key in want:
        assert got[key] == want[key], key


FULL = diary.NewEntry(6, note=NOTE, medicines=(("ibuprofen", None),), heat_minutes=20)


def test_cli_gives_what_the_service_gives(db: str, calls: dict[str, int], tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from backcare.cli import app

    want = reference(FULL)
    runner = CliRunner()
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"answers": ANSWERS}))

    def run(*args: str) -> str:
        r = runner.invoke(app, list(args))
        assert r.exit_code == 0, r.output
        return r.stdout

    run("episode", "start", "--answers", str(answers))
    logged = json.loads(run("log", "6", "--note", NOTE, "-m", "ibuprofen", "--heat", "20",
                            "--json"))  # fmt: skip
    progress = json.loads(run("progress", "--json"))
    shown = json.loads(run("episode", "show"))
    ics = runner.invoke(app, ["export", "ics", "--tz", ZONE]).stdout_bytes
    _same({"logged": _logged(logged), "progress": _progress(progress),
           "episode": _episode(shown), "ics": _ics(ics)}, want)  # fmt: skip
    assert calls == {"start_episode": 2, "log_entries": 2, "progress": 2, "export": 2}


def test_api_gives_what_the_service_gives(db: str, calls: dict[str, int]) -> None:
    from backcare.web.app import app

    want = reference(FULL)
    with TestClient(app) as api:
        ep = api.post("/api/v1/episodes", json={"answers": ANSWERS}).json()["id"]
        body = {"pain": 6, "note": NOTE, "medicines": [{"name": "ibuprofen"}],
                "heat_minutes": 20}  # fmt: skip
        logged = api.post(f"/api/v1/episodes/{ep}/entries", json=body).json()
        progress = api.get(f"/api/v1/episodes/{ep}/progress").json()
        shown = api.get(f"/api/v1/episodes/{ep}").json()
        ics = api.get(f"/api/v1/episodes/{ep}/export/ics", params={"tz": ZONE}).content
    _same({"logged": _logged(logged), "progress": _progress(progress), "episode": _episode(shown),
           "ics": _ics(ics)}, want)  # fmt: skip
    assert calls == {"start_episode": 2, "log_entries": 2, "progress": 2, "export": 2}


def test_web_form_gives_what_the_service_gives(db: str, calls: dict[str, int]) -> None:
    from backcare.web.app import app

    from .test_web import FormClient

    want = reference(diary.NewEntry(6, note=NOTE))
    with FormClient(app) as web:
        r = web.post("/episodes", data={"source": json.dumps({"answers": ANSWERS})},
                     follow_redirects=False)  # fmt: skip
        assert r.status_code == 303
        page = web.post("/diary", data={"pain": "6", "note": NOTE}).text
        assert "Saved." in page
        data = web.get("/data").text
        ep = int(re.search(r"/api/v1/episodes/(\d+)/export/ics", data).group(1))  # type: ignore[union-attr]
        shown = web.get(f"/api/v1/episodes/{ep}").json()
        ics = web.get(f"/api/v1/episodes/{ep}/export/ics", params={"tz": ZONE}).content
    assert want["progress"]["message"] in page.replace("&#39;", "'")
    _same({"episode": _episode(shown), "ics": _ics(ics)}, {k: want[k] for k in ("episode", "ics")})
    assert calls["start_episode"] == 2 and calls["log_entries"] == 2
    assert calls["progress"] >= 2 and calls["export"] == 2


# ---- batches ------------------------------------------------------------------------------


def _backlog(days: int = 5) -> list[dict[str, Any]]:
    now = datetime.now(UTC).replace(microsecond=0)
    return [
        {"pain": 7 - i // 2, "recorded_at": (now - timedelta(days=days - i)).isoformat(),
         "note": NOTE, "heat_minutes": 20}
        for i in range(days)
    ]  # fmt: skip


@pytest.fixture
def api(db: str) -> Iterator[TestClient]:
    from backcare.web.app import app

    with TestClient(app) as c:
        yield c


def _start(api: TestClient) -> int:
    onset = (datetime.now(UTC) - timedelta(days=6)).date().isoformat()
    r = api.post("/api/v1/episodes", json={"answers": ANSWERS, "onset": onset})
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def test_a_batch_stores_every_entry_in_one_call(api: TestClient) -> None:
    ep = _start(api)
    r = api.post(f"/api/v1/episodes/{ep}/entries/batch", json={"entries": _backlog()})
    assert r.status_code == 201, r.text
    results = r.json()
    assert len(results) == 5 and all(x["triage"] == "self_care" for x in results)
    assert len({x["entry"] for x in results}) == 5
    assert len(api.get(f"/api/v1/episodes/{ep}").json()["entries"]) == 5


def test_a_bad_entry_in_a_batch_stores_none_and_names_it(api: TestClient) -> None:
    ep = _start(api)
    entries = _backlog()
    entries[3]["recorded_at"] = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    r = api.post(f"/api/v1/episodes/{ep}/entries/batch", json={"entries": entries})
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    assert "entry 4" in r.json()["detail"]
    assert api.get(f"/api/v1/episodes/{ep}").json()["entries"] == []


def test_a_batch_with_an_open_red_flag_asks_first_and_stores_none(api: TestClient) -> None:
    ep = _start(api)
    entries = _backlog()
    entries[1]["note"] = "a bit of numbness today"
    r = api.post(f"/api/v1/episodes/{ep}/entries/batch", json={"entries": entries})
    assert r.status_code == 409 and "entry 2" in r.json()["detail"]
    assert api.get(f"/api/v1/episodes/{ep}").json()["entries"] == []


@pytest.mark.parametrize("body", [{"entries": []}, {"entries": [{"pain": 11}]}, {"pain": 3},
                                  {"entries": [{"pain": True}]}])  # fmt: skip
def test_a_malformed_batch_is_a_problem(api: TestClient, body: dict[str, Any]) -> None:
    ep = _start(api)
    r = api.post(f"/api/v1/episodes/{ep}/entries/batch", json=body)
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"


# ---- rules decided once -------------------------------------------------------------------


def test_one_time_zone_rule_for_exports(monkeypatch: pytest.MonkeyPatch) -> None:
    assert exports.resolve_zone("Europe/London") == "Europe/London"
    monkeypatch.setattr(exports, "local_zone", lambda: "Australia/Sydney")
    assert exports.resolve_zone(None) == "Australia/Sydney"
    with pytest.raises(InputError, match="unknown time zone"):
        exports.resolve_zone("Mars/Olympus")


def test_an_unknown_time_zone_is_refused_by_cli_and_api(db: str, api: TestClient) -> None:
    from typer.testing import CliRunner

    from backcare.cli import app

    ep = _start(api)
    r = api.get(f"/api/v1/episodes/{ep}/export/ics", params={"tz": "Mars/Olympus"})
    assert r.status_code == 422 and "unknown time zone" in r.json()["detail"]
    result = CliRunner().invoke(app, ["export", "ics", "--tz", "Mars/Olympus"])
    assert isinstance(result.exception, InputError)
