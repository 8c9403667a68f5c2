"""'Is it normal it still hurts?': with an open episode, every front end answers from the
person's diary against the expected course; without one, the general answer stands, and a
question never creates a database or a person."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

ANSWERS = {"pain_score": 7, "cause_strain": "yes", "age": 44, "saddle_numbness": "no"}
QUESTION = "is it normal it still hurts after 2 weeks?"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "backcare.db"
    monkeypatch.setenv("BACKCARE_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("BACKCARE_LOCALE", "en-GB")
    return path


@pytest.fixture
def api(db: Path) -> Iterator[TestClient]:
    from backcare.web.app import app

    with TestClient(app) as c:
        yield c


def _stalled_episode(api: TestClient) -> int:
    onset = (datetime.now(UTC) - timedelta(days=15)).date().isoformat()
    ep = int(api.post("/api/v1/episodes", json={"answers": ANSWERS, "onset": onset}).json()["id"])
    now = datetime.now(UTC).replace(microsecond=0)
    entries = [
        {"pain": 7, "recorded_at": (now - timedelta(days=14 - 2 * i)).isoformat()} for i in range(8)
    ]
    r = api.post(f"/api/v1/episodes/{ep}/entries/batch", json={"entries": entries})
    assert r.status_code == 201, r.text
    return ep


def _mine(row: dict[str, Any]) -> bool:
    return "my_course" in row["items"] and "today is day 15" in row["answer"]


def test_api_answers_from_the_diary(api: TestClient) -> None:
    _stalled_episode(api)
    row = api.post("/api/v1/ask", json={"question": QUESTION}).json()
    assert _mine(row), row["answer"]
    assert "higher than expected" in row["answer"] or "improvement" in row["answer"]
    assert row["sources"] and all(s["section"] for s in row["sources"])
    # A general question is not about the diary, even with an episode open.
    general = api.post("/api/v1/ask", json={"question": "how long does a back spasm last"})
    assert "my_course" not in general.json()["items"]


def test_a_red_flag_in_the_question_comes_first(api: TestClient) -> None:
    _stalled_episode(api)
    q = "is it normal it still hurts and now I cant feel my bum when I wipe?"
    row = api.post("/api/v1/ask", json={"question": q}).json()
    assert row["triage"] == "emergency" and "my_course" not in row["items"]


def test_without_an_episode_the_general_answer_stands(api: TestClient) -> None:
    row = api.post("/api/v1/ask", json={"question": QUESTION}).json()
    assert row["answered"] and "my_course" not in row["items"]


def test_cli_and_page_answer_from_the_diary(api: TestClient) -> None:
    from typer.testing import CliRunner

    from backcare.cli import app

    _stalled_episode(api)
    r = CliRunner().invoke(app, ["ask", "--json", QUESTION])
    assert r.exit_code == 0, r.output
    assert _mine(json.loads(r.stdout))
    page = api.get("/ask", params={"q": QUESTION}).text
    assert "today is day 15" in page


def test_a_question_creates_no_database(db: Path) -> None:
    from typer.testing import CliRunner

    from backcare.cli import app

    r = CliRunner().invoke(app, ["ask", "--json", QUESTION])
    assert r.exit_code == 0, r.output
    assert "my_course" not in json.loads(r.stdout)["items"]
    assert not db.exists()
