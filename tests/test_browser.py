"""Real-browser tests: Playwright driving Debian's Chromium against `backcare serve`, with axe-core
checking every page visited for serious accessibility violations (WCAG 2.1 AA rules)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import ROOT

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.fixture(scope="module")
def axe_js() -> str:
    result = subprocess.run(["bash", str(ROOT / "scripts" / "test-browser")],
                            capture_output=True, text=True)  # fmt: skip
    if result.returncode != 0:
        pytest.fail(f"browser test tools could not be set up: {result.stderr[-2000:]}")
    return Path(result.stdout.strip().splitlines()[-1]).read_text()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    db = tmp_path_factory.mktemp("browser") / "web.db"
    env = {**os.environ, "BACKCARE_DATABASE_URL": f"sqlite:///{db}", "BACKCARE_LOCALE": ""}
    proc = subprocess.Popen(
        [sys.executable, "-m", "backcare", "serve", "--port", str(port)], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("the server did not start")
    yield url
    proc.terminate()
    proc.wait(timeout=30)


@pytest.fixture(scope="module")
def browser(axe_js: str) -> Iterator[Any]:
    """Chromium, launched only after `axe_js` has made sure it is installed (a fresh machine
    has none until scripts/test-browser installs it)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A phone-sized page; the test fails if any page broke its Content-Security-Policy."""
    context = browser.new_context(viewport={"width": 390, "height": 844})  # a phone
    page = context.new_page()
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text)
            if "Content Security Policy" in m.text else None)  # fmt: skip
    yield page
    context.close()
    assert not violations, violations


def no_serious_violations(page: Any, axe_js: str) -> None:
    page.evaluate(axe_js)  # not a <script> tag: the page's CSP (script-src 'self') forbids those
    result = page.evaluate(
        "axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    serious = [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} node(s))"
        for v in result["violations"] if v["impact"] in ("serious", "critical")
    ]  # fmt: skip
    assert not serious, f"{page.url}: {serious}"


def finish_interview(page: Any) -> None:
    """Answer "None of these" on every screen of the interview until the result shows."""
    for _ in range(15):
        button = page.get_by_role("button", name="None of these")
        if button.count() == 0:
            return
        button.click()
    raise AssertionError("the interview did not end")


def test_guided_check_to_an_emergency(page: Any, server: str, axe_js: str) -> None:
    page.goto(server + "/")
    no_serious_violations(page, axe_js)
    page.get_by_role("link", name="Answer a guided check").click()
    no_serious_violations(page, axe_js)
    groups = page.locator("fieldset")
    for i in range(groups.count()):  # a screen of grouped questions: no to each...
        groups.nth(i).get_by_label("No", exact=True).check()
    chest = page.locator("fieldset", has_text="chest")
    chest.get_by_label("Yes", exact=True).check()  # ...but yes to chest pain
    page.get_by_role("button", name="Next").click()
    call = page.get_by_role("link", name="Call 911")
    assert call.is_visible() and call.get_attribute("href") == "tel:911"
    assert call.bounding_box()["height"] >= 44  # large target
    no_serious_violations(page, axe_js)


def test_free_text_to_self_care(page: Any, server: str, axe_js: str) -> None:
    page.goto(server + "/")
    page.get_by_label("Describe your back pain in your own words").fill(
        "My lower back went into spasm lifting a box yesterday. No numbness, bladder fine."
    )
    page.get_by_role("button", name="Check my symptoms").click()
    no_serious_violations(page, axe_js)  # the first screen
    finish_interview(page)
    assert page.get_by_role("heading", name="Look after it at home").is_visible()
    assert "Your plan" in page.content()
    page.get_by_role("button", name="Start a 20-minute ice/heat timer").click()
    page.get_by_text("Time left").wait_for()
    no_serious_violations(page, axe_js)


def test_a_diary_week_with_the_chart(page: Any, server: str, axe_js: str) -> None:
    page.goto(server + "/")
    page.get_by_label("Describe your back pain in your own words").fill(
        "back spasm after gardening, pain 7/10"
    )
    page.get_by_role("button", name="Check my symptoms").click()
    finish_interview(page)
    page.get_by_role("button", name="Start a diary to track this").click()
    assert page.url.endswith("/diary")
    for pain in ("7", "6", "6", "5", "4", "4", "3"):
        page.get_by_label(pain, exact=True).check()
        page.get_by_label("Anything to add? (optional)").fill("stiff in the morning")
        page.get_by_role("button", name="Save entry").click()
        assert page.get_by_role("status").first.inner_text() == "Saved."
    assert page.locator("figure svg circle").count() == 7
    assert "Am I recovering as expected?" in page.content()
    no_serious_violations(page, axe_js)


def test_asking_a_question(page: Any, server: str, axe_js: str) -> None:
    page.goto(server + "/ask")
    page.get_by_label("Your question about back spasms").fill("can I drive on muscle relaxers?")
    page.get_by_role("button", name="Ask").click()
    answer = page.locator(".answer").inner_text().lower()
    assert "drive" in answer and "sources" in answer
    no_serious_violations(page, axe_js)


def test_readable_at_200_percent_zoom(browser: Any, server: str) -> None:
    context = browser.new_context(viewport={"width": 640, "height": 800}, device_scale_factor=2)
    page = context.new_page()
    page.goto(server + "/")
    page.evaluate("document.body.style.zoom = '200%'")
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth * 2.05")
    assert not overflow  # no sideways scrolling beyond the zoomed width
    context.close()


def test_api_docs_work_offline_under_the_csp(page: Any, server: str) -> None:
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(server) else None)
    page.goto(server + "/api/v1/docs")
    page.get_by_text("/api/v1/triage").first.wait_for(timeout=15_000)
    assert not outside, outside  # nothing from a CDN
