"""The command line, run as a person would: real processes, real exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest


def run(
    *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    import os

    full_env = {**os.environ, "BACKCARE_LOCALE": "", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "backcare", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env=full_env,
    )


def answers(tmp_path: Path, data: object, name: str = "a.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return str(path)


def test_help() -> None:
    r = run("--help")
    assert r.returncode == 0 and "assess" in r.stdout and "triage" in r.stdout


def test_assess_json(tmp_path: Path) -> None:
    path = answers(tmp_path, {"answers": {"pain_score": 6, "cause_strain": "yes", "age": 40}})
    r = run("assess", "--answers", path, "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["disposition"] == "self_care"
    assert out["recovery"]["min_days"] == 21 and out["plan"]["phases"]
    assert out["emergency_number"] == "911"


def test_assess_flat_answers_and_locale(tmp_path: Path) -> None:
    path = answers(tmp_path, {"chest_pain": True})
    r = run("assess", "--answers", path, "--json", env={"BACKCARE_LOCALE": "en-GB"})
    out = json.loads(r.stdout)
    assert out["disposition"] == "emergency_ambulance" and out["emergency_number"] == "999"
    assert "999" in out["action"]


def test_assess_text_output(tmp_path: Path) -> None:
    path = answers(tmp_path, {"pain_score": 3, "cause_posture": "yes"})
    r = run("assess", "--answers", path)
    assert r.returncode == 0
    assert "Look after it at home" in r.stdout and "30 minutes" in r.stdout
    assert "not a diagnosis" in r.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ({"answers": {"pain_score": 11}}, "out of range"),
        ({"answers": {"bogus_finding": "yes"}}, "unknown finding"),
        ("{not json", "malformed JSON"),
        ([1, 2], "expected a JSON object"),
    ],
)
def test_bad_answers_exit_2_with_one_line(tmp_path: Path, content: object, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    r = run("assess", "--answers", str(path), "--json")
    assert r.returncode == 2
    assert message in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and r.stdout == ""


def test_missing_answers_file_exit_2(tmp_path: Path) -> None:
    r = run("assess", "--answers", str(tmp_path / "nope.json"))
    assert r.returncode == 2 and "cannot read" in r.stderr


def test_interactive_assessment_stops_early_on_emergency() -> None:
    # Screens: none of the ambulance signs (two screens), then "some" on the bladder and bowel
    # screen with its first question (bladder control) answered yes.
    r = run("assess", stdin="n\nn\ny\ny\n" + "n\n" * 40)
    assert r.returncode == 0, r.stderr
    assert "emergency department" in r.stdout.lower()
    assert "How bad is the pain" not in r.stdout
    assert r.stdout.count("Any of these?") == 3  # stopped after the screen that settled it


def test_plan_command(tmp_path: Path) -> None:
    path = answers(tmp_path, {"pain_score": 4})
    r = run("plan", "--answers", path, "--json")
    plan = json.loads(r.stdout)
    assert [p["id"] for p in plan["phases"]] == ["first_48h", "following_weeks", "prevention"]


def test_kb_commands() -> None:
    assert run("kb", "check").returncode == 0
    rows = json.loads(run("kb", "findings", "--json").stdout)
    ids = {r["id"] for r in rows}
    assert {"bladder_control_loss", "pain_score", "age"} <= ids
    assert all(r["question"] for r in rows)


def test_triage_json_lines_in_order() -> None:
    texts = ["I have chest pain", "sore back after gardening", "I've wet myself and my back hurts"]
    r = run("triage", "--json", "-", stdin="\n".join(texts) + "\n")
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert [x["disposition"] for x in rows] == ["emergency_ambulance", "self_care", "emergency"]
    assert all("findings" in x and "reasons" in x for x in rows)


def test_triage_text_shows_words_and_reasons() -> None:
    r = run("triage", "--no-ask", "can't feel my bum when I wipe")
    assert r.returncode == 0
    assert "feel my bum" in r.stdout and "cauda equina" in r.stdout


def test_triage_empty_text_is_a_clear_error() -> None:
    r = run("triage", "   ")
    assert r.returncode == 2 and "empty" in r.stderr


@pytest.mark.parametrize(("reply", "level"), [("n", "self_care"), ("y", "emergency")])
def test_triage_asks_the_question_that_settles_an_unclear_red_flag(reply: str, level: str) -> None:
    text = "sore back after lifting, I think I might have some numbness around my bottom"
    # The interview's screens: none of the ambulance signs (two screens), then the bladder,
    # bowel and saddle screen one by one (the saddle question is the fifth), then "none" for
    # every other screen and "not sure" for the numbers.
    pelvis = "y\nn\nn\nn\nn\n" + f"{reply}\nn\n"
    rest = "n\n" * 4 + "n\n?\n?\n?\n" + "n\n" * 4
    r = run("triage", "--ask", text, stdin="n\nn\n" + pelvis + rest)
    assert r.returncode == 0, r.stderr
    assert "when you wipe" in r.stdout
    title = {"self_care": "Look after it at home", "emergency": "emergency department"}[level]
    assert title in r.stdout


def test_triage_keeps_unclear_flags_when_input_ends() -> None:
    r = run("triage", "--ask", "I think my bum might be numb", stdin="")
    assert r.returncode == 0 and "emergency department" in r.stdout


def test_assess_and_plan_resolve_the_locale_by_one_rule(tmp_path: Path) -> None:
    # The answers file says en-GB and the environment en-AU: the file's locale wins for both
    # commands (an explicit --locale would win over both).
    path = answers(tmp_path, {"answers": {"chest_pain": "yes"}, "locale": "en-GB"})
    env = {"BACKCARE_LOCALE": "en-AU"}
    assessed = json.loads(run("assess", "--answers", path, "--json", env=env).stdout)
    planned = json.loads(run("plan", "--answers", path, "--json", env=env).stdout)
    assert assessed["emergency_number"] == "999"
    assert "999" in json.dumps(planned) and "000" not in json.dumps(planned)
    explicit = run("assess", "--answers", path, "--json", "--locale", "en-NZ", env=env)
    assert json.loads(explicit.stdout)["emergency_number"] == "111"


def test_the_streaming_modes_skip_the_parser_but_answer_the_same() -> None:
    # `backcare triage --json -` (and ask, interview) bypass Typer for a faster cold start;
    # the output must be what the parsed command gives for the same input.
    import subprocess
    import sys
    from pathlib import Path

    exe = str(Path(sys.executable).with_name("backcare"))
    text = "my back went lifting a box and now my left foot is numb\n"
    fast = subprocess.run([exe, "triage", "--json", "-"], input=text, capture_output=True,
                          text=True, check=True)  # fmt: skip
    parsed = subprocess.run([exe, "triage", "-", "--json"], input=text, capture_output=True,
                            text=True, check=True)  # fmt: skip
    assert fast.stdout == parsed.stdout and fast.stdout.count("\n") == 1
