"""Pages in a real browser: Debian's Chromium driven by Playwright against a live server."""

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import uvicorn
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

from competenze.main import create_app
from tests.factories import auth, create_participant

CHROMIUM = "/usr/bin/chromium"
# Flags for a sandboxed CI machine: no GPU, no sandbox as root, and no background calls to
# Google's services, which this machine's closed network would refuse at every start.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


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
        assert thread.is_alive(), "the live server did not start"
        assert time.monotonic() < deadline, "the live server did not start"
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


SCREENSHOTS = Path(__file__).resolve().parents[1] / "var" / "screenshots"


@dataclass
class Visit:
    """A page opened in Chromium, with what it asked for and what the browser complained of."""

    page: object
    requests: list = field(default_factory=list)
    console: list = field(default_factory=list)


@pytest.fixture
def visit(browser, live_server):
    pages = []

    def open_page(path: str, *, width: int = 1000) -> Visit:
        page = browser.new_page(viewport={"width": width, "height": 900})
        seen = Visit(page)
        page.on("request", lambda request: seen.requests.append(request.url))
        page.on("console", lambda message: seen.console.append(f"{message.type}: {message.text}"))
        response = page.goto(f"{live_server}{path}")
        seen.status = response.status
        pages.append(seen)
        return seen

    yield open_page
    for seen in pages:  # every page loaded only what this service serves, and the CSP held
        assert all(url.startswith(live_server) or url.startswith("data:") for url in seen.requests), seen.requests
        # (An error page's own status is logged as a failed load: that one is expected.)
        complaints = [m for m in seen.console if "Content Security Policy" in m or m.startswith("error")]
        own = f"error: Failed to load resource: the server responded with a status of {seen.status} "
        assert [m for m in complaints if not (seen.status >= 400 and m.startswith(own))] == [], seen.console


def accessible(page) -> None:
    """axe-core finds no serious or critical violation (WCAG 2.2 AA rules included)."""
    results = Axe().run(
        page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}
    )
    grave = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not grave, [(v["id"], v["help"], [n["target"] for n in v["nodes"]]) for v in grave]


def screenshot(page, name: str, *, full_page: bool = True) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def _dossier(client, world, **person):
    h = auth(client, world.counsellor_a)
    participant = create_participant(client, h, **person)
    base = f"/api/v1/participants/{participant['id']}"
    client.post(
        f"{base}/language-assessments",
        headers=h,
        json={
            "language": "it",
            "method": "placement_test",
            "instrument": "Test CPIA",
            "levels": {"listening": "B1", "reading": "A2"},
        },
    )
    client.post(
        f"{base}/digital-assessments",
        headers=h,
        json={"method": "counsellor_observation", "levels": {"1.1": 3, "1.2": 2, "4.2": 4}},
    )
    client.post(
        f"{base}/education",
        headers=h,
        json={
            "isced_level": 6,
            "title": "إجازة في الأدب العربي",
            "institution": "جامعة دمشق",
            "country": "SY",
            "documents": "available",
        },
    )
    dossier = client.post(f"{base}/dossiers", headers=h, json={"profile": "public"}).json()
    return h, participant, dossier, dossier["verification_url"].rsplit("/", 1)[1]


def test_the_verification_page_names_every_code_and_isolates_what_people_typed(client, world, visit):
    _, _, _, code = _dossier(client, world, given_names="Olena", family_name="<i>Bondarenko</i>")
    seen = visit(f"/verify/{code}")
    page = seen.page
    verdict = page.locator("[data-verdict]")
    assert verdict.get_attribute("data-verdict") == "valid"
    assert "Valido" in verdict.inner_text()
    body = page.locator("main").inner_text()
    assert "Olena <i>Bondarenko</i>" in body  # user text shows as typed, never as markup
    assert page.locator("main i").count() == 0
    row = page.locator("td[data-language]", has_text="Italiano").locator("xpath=..").locator("td").all_inner_texts()
    assert row[:3] == ["Italiano / Italian", "B1", "A2"]
    assert "Alfabetizzazione su informazioni e dati / Information and data literacy: livello" in body
    assert "Navigare, ricercare e filtrare dati, informazioni e contenuti digitali / Browsing, searching" in body
    assert "Proteggere i dati personali e la privacy / Protecting personal data and privacy: 4" in body
    # A right-to-left institution stays inside its own isolate: the comma and the country
    # around it keep their places.
    title, institution = (
        page.locator("main li bdi", has_text=text).bounding_box() for text in ("إجازة في الأدب العربي", "جامعة دمشق")
    )
    assert title["x"] + title["width"] <= institution["x"]  # in the line's own order, left to right
    assert "جامعة دمشق (Siria)" in body
    accessible(page)
    screenshot(page, "verify-valid")


def test_a_revoked_or_replaced_dossier_shows_the_verdict_and_who_but_no_content(client, world, visit):
    h, participant, dossier, code = _dossier(client, world, given_names="محمد", family_name="الأحمد")
    client.post(f"/api/v1/participants/{participant['id']}/dossiers", headers=h, json={"profile": "public"})
    seen = visit(f"/verify/{code}")
    page = seen.page
    assert page.locator("[data-verdict]").get_attribute("data-verdict") == "superseded"
    body = page.locator("main").inner_text()
    assert "A newer version exists (version 2)" in body
    assert page.locator("[data-field=holder] bdi").inner_text() == "محمد الأحمد"
    assert "Comune A" in body
    assert "Lingue" not in body
    assert "جامعة دمشق" not in body
    assert "DigComp" not in body
    accessible(page)
    screenshot(page, "verify-superseded")

    newest = client.get(f"/api/v1/participants/{participant['id']}/dossiers", headers=h).json()[0]
    client.post(f"/api/v1/dossiers/{newest['id']}/revoke", headers=h, json={"reason": "Errore"})
    seen = visit(f"/verify/{newest['verification_url'].rsplit('/', 1)[1]}")
    assert seen.page.locator("[data-verdict]").get_attribute("data-verdict") == "revoked"
    body = seen.page.locator("main").inner_text()
    assert "محمد الأحمد" in body
    assert "Italiano" not in body
    assert "not in force" in body


def test_an_unknown_code_gets_the_html_error_page_in_a_browser(visit):
    seen = visit("/verify/no-such-code")
    assert seen.status == 404
    assert "Errore 404" in seen.page.content()
    assert seen.page.locator("h1").inner_text() == "Not found"
    accessible(seen.page)


def test_the_api_documentation_runs_from_the_service_own_files_under_its_csp(visit):
    seen = visit("/docs")
    seen.page.wait_for_selector(".swagger-ui .info .title", timeout=20000)
    assert "competenze" in seen.page.locator(".swagger-ui .info .title").inner_text()
    assert seen.page.locator(".opblock").count() >= 50  # every operation is listed
    assert any(url.endswith("/static/swagger/swagger-ui-bundle.js") for url in seen.requests)
    screenshot(seen.page, "docs", full_page=False)  # the top: title, servers, the first operations
