"""Pages in a real browser: Debian's Chromium driven by Playwright against a live server."""

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import uvicorn
from playwright.sync_api import sync_playwright

from competenze.main import create_app
from tests.factories import auth, create_participant

CHROMIUM = "/usr/bin/chromium"
# Flags for a sandboxed CI machine: no GPU, no sandbox as root, and no background calls to
# Google's services, which this machine's closed network would refuse at every start.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


@contextmanager
def running_server(settings) -> Iterator[str]:
    """A second server on the same database, with an app of its own, as a second worker
    process would be. Sharing the test client's app would share its middleware between two
    event loops in two threads (the SQLite turn lock is per loop): a request of one loop
    waiting on a turn released by the other is never woken, and the test hangs."""
    app = create_app(settings)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the live server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def live_server(settings):
    with running_server(settings) as base:
        yield base


@pytest.fixture
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield chromium
        chromium.close()


def test_the_verification_page_shows_verdict_person_and_levels_in_a_browser(client, world, live_server, browser):
    h = auth(client, world.counsellor_a)
    participant = create_participant(client, h, given_names="Olena", family_name="<i>Bondarenko</i>")
    base = f"/api/v1/participants/{participant['id']}"
    client.post(f"{base}/language-assessments", headers=h, json={
        "language": "it", "method": "placement_test", "levels": {"listening": "B1", "reading": "A2"}})
    dossier = client.post(f"{base}/dossiers", headers=h, json={"profile": "public"}).json()
    code = dossier["verification_url"].rsplit("/", 1)[1]
    page = browser.new_page()
    page.goto(f"{live_server}/verify/{code}")
    verdict = page.locator("[data-verdict]")
    assert verdict.get_attribute("data-verdict") == "valid"
    assert "Valido" in verdict.inner_text()
    body = page.locator("main").inner_text()
    assert "Olena <i>Bondarenko</i>" in body  # user text shows as typed, never as markup
    assert page.locator("main i").count() == 0
    cells = page.locator("td:text-is('it')").locator("xpath=..").locator("td").all_inner_texts()
    assert cells[:3] == ["it", "B1", "A2"]

    client.post(f"/api/v1/dossiers/{dossier['id']}/revoke", headers=h, json={"reason": "Errore"})
    page.reload()
    assert page.locator("[data-verdict]").get_attribute("data-verdict") == "revoked"


def test_an_unknown_code_gets_the_html_error_page_in_a_browser(live_server, browser):
    page = browser.new_page()
    response = page.goto(f"{live_server}/verify/no-such-code")
    assert response.status == 404
    assert "Errore 404" in page.content() and page.locator("h1").inner_text() == "Not found"
