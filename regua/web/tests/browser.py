"""Playwright's sync API driving Debian's Chromium against pytest-django's live server."""

import os
from pathlib import Path

import pytest
from django.db import connections

ROOT = Path(__file__).resolve().parents[3]
SHOTS = ROOT / "artifacts" / "screenshots"
DOCS_SHOTS = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--lang=pt-BR",
]


@pytest.fixture
def browser_page(live_server, monkeypatch):
    """A page in a fresh Chromium; the live server runs in its own thread."""
    from playwright.sync_api import sync_playwright

    # Playwright runs an event loop in this thread; Django's ORM in the test's
    # own code (fixtures, assertions) must still be allowed here.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium não encontrado em {CHROMIUM}: apt-get install chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="pt-BR")
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.base_url = live_server.url  # type: ignore[attr-defined]
        try:
            yield page
        finally:
            context.close()
            browser.close()
            # Playwright's greenlet gives the test body a context of its own, and
            # so its own database connection: close it, or the test database
            # cannot be dropped at the end of the run.
            connections.close_all()


def screenshot(page, name: str) -> Path:
    """Save the screen to artifacts/screenshots/NAME.png (and docs/screenshots when asked)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    from playwright.sync_api import Error

    try:
        page.screenshot(path=str(path), full_page=True)
    except Error:
        # A loaded machine's Chromium may answer "Unable to capture screenshot" once;
        # the picture is a record of the page, not what the test checks.
        page.wait_for_timeout(500)
        page.screenshot(path=str(path), full_page=True)
    # The README's pictures are refreshed on purpose, not by every test run.
    if os.environ.get("REGUA_SCREENSHOTS_TO_DOCS"):
        from PIL import Image

        DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
        # A 256-colour palette keeps the committed pictures small.
        with Image.open(path) as image:
            image.convert("RGB").quantize(256).save(DOCS_SHOTS / path.name, optimize=True)
    return path


def log_in(page, username: str, password: str) -> None:
    page.goto(page.base_url + "/entrar/")
    page.get_by_label("Usuário").fill(username)
    page.get_by_label("Senha").fill(password)
    page.get_by_role("button", name="Entrar").click()
    page.wait_for_url(page.base_url + "/")


@pytest.fixture
def worker():
    """`regua worker` beside the server: it runs the queued tasks (review batches, print
    batches) and delivers what they approved."""
    import threading

    from regua.delivery import outbox
    from regua.delivery.worker import Worker

    # No letters built ahead here: this worker is a thread beside the live server, not
    # the process of its own it is in production, and the tests time what they ask for.
    worker = Worker(interval=0.2, render_ahead=0)
    thread = threading.Thread(target=worker.run, name="test-worker", daemon=True)
    thread.start()
    yield thread
    outbox.SHUTDOWN.set()
    thread.join(120)
    outbox.SHUTDOWN.clear()
