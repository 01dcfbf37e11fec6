"""Playwright driving the system's Chromium against pytest-django's live server."""

import os
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("EPAPHRAS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 860}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: run `make browser` or set EPAPHRAS_CHROMIUM."
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server, settings):
    """Pages in fresh browser contexts (separate cookie jars), phone-sized unless told."""
    settings.SITE_URL = live_server.url
    contexts = []

    def make(viewport=PHONE, java_script_enabled=True, **options):
        context = browser.new_context(
            **options,
            viewport=viewport,
            base_url=live_server.url,
            java_script_enabled=java_script_enabled,
            device_scale_factor=2 if viewport == PHONE else 1,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def signed_in(page, user) -> None:
    """Open the app as ``user`` without the sign-in form (its own journeys go through it): a
    session made by Django's test client, handed to the browser as its cookie."""
    from django.conf import settings
    from django.shortcuts import resolve_url
    from django.test import Client

    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    cookie = {"name": name, "value": client.cookies[name].value, "domain": "localhost", "path": "/"}
    page.context.add_cookies([cookie])
    page.goto(resolve_url(settings.LOGIN_REDIRECT_URL))
