"""The web app and REST API through the ASGI test client: pages, API, problem details, limits."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from typing import Any

import pytest

with warnings.catch_warnings():  # starlette's notice about its own httpx client
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from backcare.web.app import app


class FormClient(TestClient):
    """A test client that fills in each form's CSRF token, as the page would."""

    def post(self, url: str, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        data = kwargs.get("data")
        if isinstance(data, dict) and not str(url).startswith("/api/"):
            kwargs["data"] = {**data, "csrf_token": form_token(self)}
        return super().post(url, *args, **kwargs)


def form_token(client: TestClient) -> str:
    page = TestClient.get(client, "/")
    found = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page.text)
    assert found, "the page has no CSRF token"
    return found.group(1)


@pytest.fixture
def client(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("BACKCARE_DATABASE_URL", db_url)
    monkeypatch.setenv("BACKCARE_LOCALE", "en-GB")
    with FormClient(app) as c:
        yield c


@pytest.fixture
def api() -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


def test_every_page_has_the_disclaimer_and_landmarks(client: TestClient) -> None:
    for path in ("/", "/check", "/diary", "/ask", "/sources", "/data", "/ask?q=ice+or+heat"):
        r = client.get(path)
        assert r.status_code == 200, path
        assert "not a diagnosis" in r.text and '<main id="main"' in r.text and 'lang="en"' in r.text
        assert "tel:999" in r.text


def test_describe_to_self_care_and_plan(client: TestClient) -> None:
    r = client.post("/describe", data={"text": "sore lower back after gardening, no numbness"})
    assert r.status_code == 200
    assert "Look after it at home" in r.text and "20-minute" in r.text
    assert "every 30 minutes" in r.text and "Start a diary" in r.text


def test_guided_check_stops_at_once_for_an_emergency(client: TestClient) -> None:
    r = client.get("/check")
    assert "stuck on the floor" in r.text
    r = client.post("/check", data={"answers": "{}", "finding": "unable_to_move", "answer": "no"})
    assert "chest" in r.text.lower()
    r = client.post("/check", data={"answers": '{"unable_to_move": "no"}',
                                    "finding": "chest_pain", "answer": "yes"})  # fmt: skip
    assert "Call 999" in r.text and 'href="tel:999"' in r.text
    assert "Next" not in r.text


def test_guided_check_rejects_a_bad_answer_kindly(client: TestClient) -> None:
    r = client.post("/check", data={"answers": "{}", "finding": "pain_score", "answer": "lots"})
    assert r.status_code == 200 and "expected a number" in r.text


def test_diary_from_result_to_chart(client: TestClient) -> None:
    r = client.post("/episodes", data={"source": '{"text": "back spasm lifting"}'},
                    follow_redirects=False)  # fmt: skip
    assert r.status_code == 303 and r.headers["location"] == "/diary"
    r = client.post("/diary", data={"pain": "6", "note": "better after heat"})
    assert r.status_code == 200 and "Saved." in r.text and "<svg" in r.text
    r = client.post("/diary", data={"pain": "6", "note": "I have wet myself"})
    assert "warning sign" in r.text and "emergency" in r.text


def test_api_triage_and_assess(client: TestClient) -> None:
    r = client.post("/api/v1/triage", json={"text": "I can't feel my bum when I wipe"})
    assert r.status_code == 200 and r.json()["disposition"] == "emergency"
    r = client.post("/api/v1/assess", json={"answers": {"pain_score": 4, "cause_overuse": True}})
    body = r.json()
    assert body["disposition"] == "self_care" and body["plan"]["phases"]
    assert body["emergency_number"] == "999"


def test_api_diary_round_trip(client: TestClient) -> None:
    r = client.post("/api/v1/episodes", json={"answers": {"pain_score": 7}})
    assert r.status_code == 201
    ep = r.json()["id"]
    entry = {"pain": 5, "note": "stiff", "medicines": [{"name": "ibuprofen"}]}
    r = client.post(f"/api/v1/episodes/{ep}/entries", json=entry)
    assert r.status_code == 201 and r.json()["triage"] == "self_care"
    assert client.get(f"/api/v1/episodes/{ep}/progress").json()["status"]
    for kind, mime in (("fhir", "application/fhir+json"), ("pdf", "application/pdf"),
                       ("html", "text/html"), ("ics", "text/calendar")):  # fmt: skip
        r = client.get(f"/api/v1/episodes/{ep}/export/{kind}")
        assert r.status_code == 200 and r.headers["content-type"].startswith(mime), kind
    assert client.get("/api/v1/export").json()["episodes"]
    assert client.delete("/api/v1/me").json() == {"deleted_episodes": 1}
    assert client.get("/api/v1/episodes").json() == []


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("post", "/api/v1/triage", {"text": ""}, 422),
        ("post", "/api/v1/triage", {"nope": 1}, 422),
        ("post", "/api/v1/assess", {"answers": {"pain_score": 11}}, 422),
        ("post", "/api/v1/assess", {"answers": {"no_such": "yes"}}, 422),
        ("get", "/api/v1/episodes/99", None, 404),
        ("post", "/api/v1/episodes/99/entries", {"pain": 3}, 404),
        ("post", "/api/v1/episodes", {"answers": {}, "text": "both"}, 422),
    ],
)
def test_api_errors_are_problem_details(client: TestClient, method: str, path: str,
                                        body: object, status: int) -> None:  # fmt: skip
    r = getattr(client, method)(path, json=body) if body is not None else client.get(path)
    assert r.status_code == status
    assert r.headers["content-type"] == "application/problem+json"
    problem = r.json()
    assert problem["status"] == status and problem["title"] and problem["detail"]


def test_invalid_entries_write_nothing(client: TestClient) -> None:
    ep = client.post("/api/v1/episodes", json={"text": "sore back"}).json()["id"]
    for bad in ({"pain": 12}, {"pain": 3, "recorded_at": "2099-01-01T00:00:00Z"},
                {"pain": 3, "stiffness": -1}):  # fmt: skip
        assert client.post(f"/api/v1/episodes/{ep}/entries", json=bad).status_code == 422
    assert client.get(f"/api/v1/episodes/{ep}").json()["entries"] == []


def test_body_size_limit(api: TestClient) -> None:
    r = api.post("/api/v1/triage", content=b"x" * 70_000,
                 headers={"content-type": "application/json"})  # fmt: skip
    assert r.status_code == 413 and r.headers["content-type"] == "application/problem+json"


def test_openapi_is_served(api: TestClient) -> None:
    spec = api.get("/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    for path in ("/api/v1/assess", "/api/v1/triage", "/api/v1/ask", "/api/v1/episodes",
                 "/api/v1/episodes/{episode_id}/entries", "/api/v1/episodes/{episode_id}/progress",
                 "/api/v1/plan", "/api/v1/export"):  # fmt: skip
        assert path in spec["paths"], path


def test_ask_page_cites_sources(api: TestClient) -> None:
    r = api.get("/ask", params={"q": "can I drive on muscle relaxers?"})
    assert "Sources" in r.text and "<cite>" in r.text and "drive" in r.text.lower()


def test_unknown_page_is_a_friendly_404(api: TestClient) -> None:
    r = api.get("/no/such/page")
    assert r.status_code == 404 and "Back to the start" in r.text
