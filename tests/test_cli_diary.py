"""The diary from the command line, as a person would use it, on a temporary database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest


@pytest.fixture
def run(db_url: str):  # type: ignore[no-untyped-def]
    """Run the CLI against a fresh database (SQLite, then PostgreSQL)."""
    env = {**os.environ, "BACKCARE_DATABASE_URL": db_url, "BACKCARE_LOCALE": ""}

    def go(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "backcare", *args], input=stdin, capture_output=True,
            text=True, timeout=120, env=env,
        )  # fmt: skip

    return go


def test_a_week_of_diary(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps({"pain_score": 7, "cause_strain": "yes"}))
    onset = (date.today() - timedelta(days=7)).isoformat()
    r = run("episode", "start", "--answers", str(answers), "--onset", onset)
    assert r.returncode == 0, r.stderr
    assert "Episode 1 started" in r.stdout
    for days_ago, pain in [(6, 7), (5, 7), (4, 6), (3, 6), (2, 5), (1, 5)]:
        when = (date.today() - timedelta(days=days_ago)).isoformat() + "T09:00"
        r = run("log", str(pain), "--at", when, "--note", "stiff, better after heat",
                "-m", "ibuprofen", "--heat", "20")  # fmt: skip
        assert r.returncode == 0, r.stderr
    r = run("log", "4", "--note", "better after heat", "--json")
    out = json.loads(r.stdout)
    assert out["triage"] == "self_care" and out["raised_to"] is None
    r = run("progress")
    rows = {line.split("|")[0].strip(): line for line in r.stdout.splitlines() if "|" in line}
    assert r.returncode == 0
    assert "*" in rows["7"] and "*" in rows["4"]  # the first and the latest pain are plotted
    assert "*" not in rows["9"] and "*" not in rows["0"]
    assert "Am I recovering as expected?" in r.stdout
    data = json.loads(run("progress", "--json").stdout)
    # "latest" is the median of the last 36 hours: today's 4, and yesterday's 5 if recent enough
    assert 4.0 <= data["latest"] <= 4.5 and len(data["points"]) == 7
    listing = json.loads(run("episode", "list", "--json").stdout)
    assert listing[0]["entries"] == 7
    exported = json.loads(run("export", "--json").stdout)
    assert len(exported["episodes"][0]["entries"]) == 7


def test_red_flag_note_escalates_and_says_so(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run("episode", "start", "--text", "back spasm after lifting")
    r = run("log", "5", "--note", "I've wet myself and didn't notice")
    assert r.returncode == 0
    assert "warning sign" in r.stdout and "emergency department" in r.stdout.lower()
    listing = json.loads(run("episode", "list", "--json").stdout)
    assert listing[0]["current_level"] == "emergency" and listing[0]["level"] == "self_care"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["log", "12"], "pain must be"),
        (["log", "5", "--at", "2099-01-01T00:00"], "in the future"),
        (["log", "5", "--at", "yesterday-ish"], "is not a time"),
        (["log", "5", "--episode", "42"], "no episode 42"),
        (["episode", "start", "--text", "sore back", "--onset", "2099-01-01"], "in the future"),
    ],
)
def test_bad_input_exit_2_and_writes_nothing(run, args: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    run("episode", "start", "--text", "sore back after gardening")
    r = run(*args)
    assert r.returncode == 2 and message in r.stderr and "Traceback" not in r.stderr
    listing = json.loads(run("episode", "list", "--json").stdout)
    assert len(listing) == 1 and listing[0]["entries"] == 0


def test_log_without_an_episode(run) -> None:  # type: ignore[no-untyped-def]
    r = run("log", "5")
    assert r.returncode == 2 and "no open episode" in r.stderr


def test_forget_needs_confirmation(run) -> None:  # type: ignore[no-untyped-def]
    run("episode", "start", "--text", "sore back after gardening")
    r = run("forget")
    assert r.returncode == 2 and "--yes" in r.stderr
    r = run("forget", "--yes")
    assert r.returncode == 0 and "Deleted" in r.stdout
    assert json.loads(run("episode", "list", "--json").stdout) == []


def test_export_to_file(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run("episode", "start", "--text", "sore back after gardening")
    target = tmp_path / "me.json"
    r = run("export", "--output", str(target))
    assert r.returncode == 0 and json.loads(target.read_text())["episodes"]
    r = run("export", "--output", str(tmp_path / "missing" / "dir" / "x.json"))
    assert r.returncode == 2 and "cannot write" in r.stderr


def test_a_note_that_leaves_a_red_flag_open_is_asked_first(run) -> None:  # type: ignore[no-untyped-def]
    assert run("episode", "start", "--text", "back spasm lifting a box").returncode == 0
    r = run("log", "5", "--note", "a bit of numbness today")
    assert r.returncode == 2 and "--answer" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert json.loads(run("episode", "show").stdout)["entries"] == []  # nothing written
    r = run("log", "5", "--note", "a bit of numbness today", "--json",
            "--answer", "saddle_numbness=no", "--answer", "limb_numbness=yes",
            "--answer", "bilateral_leg_symptoms=no")  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["triage"] == "consultation_24h"
