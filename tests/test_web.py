"""The web app and REST API through the ASGI test client: pages, API, problem details, limits."""

from __future__ import annotations

import html
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


def state_of(page: str) -> dict[str, str]:
    """The hidden interview state and step count of a screen page."""
    fields = dict(re.findall(r'name="(state|shown)" value="([^"]*)"', page))
    return {k: html.unescape(v) for k, v in fields.items()}


def none_of_these(client: TestClient, page: str, limit: int = 15) -> tuple[str, int]:
    """Answer "None of these" (numbers unknown) on every screen; the final page and the count."""
    for n in range(limit):
        if 'name="state"' not in page:
            return page, n
        page = client.post("/check", data={**state_of(page), "action": "none"}).text
    raise AssertionError("the interview did not end")


def test_describe_opens_the_interview_then_the_plan(client: TestClient) -> None:
    r = client.post("/describe", data={"text": "sore lower back after gardening, no numbness"})
    assert r.status_code == 200
    assert "Look after it at home" not in r.text  # a description never ends the assessment
    assert "stuck on the floor" in r.text and "None of these" in r.text
    page, screens = none_of_these(client, r.text)
    assert 8 <= screens <= 12
    assert "Look after it at home" in page and "20-minute" in page
    assert "every 30 minutes" in page and "Start a diary" in page


def test_text_read_as_absent_is_shown_pre_answered(client: TestClient) -> None:
    r = client.post("/describe", data={"text": "back spasm, no problems with my bladder"})
    page = r.text
    for _ in range(4):
        if "bladder" in page and "checked" in page:
            break
        page = client.post("/check", data={**state_of(page), "action": "none"}).text
    assert re.search(r'name="q_bladder_control_loss" value="no" checked', page)


def test_guided_check_stops_at_once_for_an_ambulance_sign(client: TestClient) -> None:
    r = client.get("/check")
    assert "stuck on the floor" in r.text
    asked = set(re.findall(r'name="(q_\w+)"', r.text))
    data = {
        **state_of(r.text),
        "action": "next",
        **dict.fromkeys(asked, "no"),
        "q_chest_pain": "yes",
    }
    r = client.post("/check", data=data)
    assert "Call 999" in r.text and 'href="tel:999"' in r.text
    assert 'name="state"' not in r.text


def test_guided_check_asks_again_for_a_missing_or_bad_answer(client: TestClient) -> None:
    r = client.get("/check")
    r2 = client.post("/check", data={**state_of(r.text), "action": "next"})
    assert r2.status_code == 200 and "Please answer each question" in r2.text
    r3 = client.post("/check", data={**state_of(r.text), "action": "none",
                                     "q_chest_pain": "lots"})  # fmt: skip
    assert r3.status_code == 200 and "answer yes, no or not sure" in r3.text


def test_api_interview_round_trip(client: TestClient) -> None:
    state: dict[str, object] = {"text": "back went into spasm lifting the shopping", "answers": {}}
    for _ in range(15):
        body = client.post("/api/v1/interview", json=state).json()
        if body["complete"]:
            break
        for q in body["screen"]["questions"]:
            number = q["answer_type"] == "number"
            everyday = {"age": 40}.get(q["finding"], 3)
            value = (
                q["prefilled"] if q["prefilled"] is not None else (everyday if number else False)
            )
            state["answers"][q["finding"]] = value  # type: ignore[index]
    assert body["complete"] and body["disposition"]["level"] == "self_care"
    assert body["plan"]["phases"]
    r = client.post("/api/v1/interview", json={"answers": {"no_such": True}})
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"


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
    progress = client.get(f"/api/v1/episodes/{ep}/progress").json()
    # one entry of 5 against a start of 7 on day 0: better than the typical course
    assert progress["status"] in ("improving", "as_expected") and progress["day"] == 0
    assert progress["latest"] == 5 and progress["escalation"] is None
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


def test_a_diary_note_with_an_open_red_flag_asks_before_saving(client: TestClient) -> None:
    client.post("/episodes", data={"source": '{"text": "back spasm lifting"}'})
    r = client.post("/diary", data={"pain": "5", "note": "a bit of numbness today"})
    assert r.status_code == 200 and "About what you wrote" in r.text
    assert "Saved." not in r.text
    r = client.post("/diary", data={"pain": "5", "note": "a bit of numbness today",
                                    "q_saddle_numbness": "no", "q_limb_numbness": "yes",
                                    "q_bilateral_leg_symptoms": "no"})  # fmt: skip
    assert "Saved." in r.text or "warning sign" in r.text


def test_api_entry_follow_up_is_409_then_saved_with_answers(client: TestClient) -> None:
    ep = client.post("/api/v1/episodes", json={"text": "back spasm lifting"}).json()["id"]
    entry = {"pain": 4, "note": "having some trouble with the toilet"}
    r = client.post(f"/api/v1/episodes/{ep}/entries", json=entry)
    assert r.status_code == 409 and r.headers["content-type"] == "application/problem+json"
    asked = [q["finding"] for q in r.json()["follow_up"]["questions"]]
    assert "urinary_retention" in asked
    assert client.get(f"/api/v1/episodes/{ep}").json()["entries"] == []  # nothing written
    r = client.post(f"/api/v1/episodes/{ep}/entries",
                    json={**entry, "answers": {a: "no" for a in asked}})  # fmt: skip
    assert r.status_code == 201 and r.json()["triage"] == "self_care"


def test_an_emergency_shows_the_call_button_while_the_ambulance_screens_finish(
    client: TestClient,
) -> None:
    r = client.post("/describe", data={"text": "since my back went I have wet myself twice"})
    assert "Call 999" in r.text and "A few quick questions" in r.text  # and a screen to answer
    assert 'name="state"' in r.text
