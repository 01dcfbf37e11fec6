"""Every page a visitor of the access matrix opens, and allauth's pages, on a phone in Chromium,
has no accessibility violation of any impact by axe-core (the axe.min.js that
axe-playwright-python ships)."""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlencode

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from tests.browser.conftest import signed_in
from tests.conftest import client_for
from tests.test_html_valid import allauth_pages
from tests.test_url_matrix import ANON, COORDINATOR, MATRIX, VISITORS, World, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def full_pages(world: World) -> dict[str, list[str]]:
    """For each visitor, the addresses of the whole pages (not htmx fragments) they may open,
    allauth's own pages too."""
    pages: dict[str, list[str]] = {visitor: [] for visitor in VISITORS}
    for name, case in sorted(MATRIX.items()):
        if case.method != "GET":
            continue
        url = reverse(name, kwargs=case.kwargs(world))
        query = case.data(world)
        if query:
            url += "?" + urlencode(query, doseq=True)
        for visitor in VISITORS:
            response = client_for(world.users[visitor]).get(url)
            if response.status_code != 200 or "text/html" not in response["Content-Type"]:
                continue
            if b"<html" in response.content:
                pages[visitor].append(url)
    for url in allauth_pages():
        for visitor in (ANON, COORDINATOR):
            response = client_for(world.users[visitor]).get(url)
            if response.status_code == 200 and b"<html" in response.content:
                pages[visitor].append(url)
    return pages


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_page_has_no_axe_violation(new_page, screenshot, language):
    """In each language: Spanish words are longer, and a page's language must be declared."""
    world = build_world()
    axe = Axe()
    found, impacts, checked = [], Counter(), 0
    for visitor, urls in full_pages(world).items():
        page = new_page()
        page.set_extra_http_headers({"Accept-Language": language})
        user = world.users[visitor]
        if user is not None:
            user.language = language
            user.save(update_fields=["language"])
            signed_in(page, user)
        for url in urls:
            page.goto(url)
            assert page.locator("html").get_attribute("lang") == language, url
            results = axe.run(page).response
            checked += 1
            if visitor == "coordinator" and ("/print/" in url or "/guide/" in url):
                screenshot(page, f"axe-{language}-" + url.strip("/").replace("/", "-"))
            for violation in results["violations"]:
                impacts[violation["impact"]] += 1
                targets = [", ".join(node["target"]) for node in violation["nodes"][:3]]
                found.append(
                    f"{url} as {visitor}: {violation['impact']} {violation['id']}"
                    f" ({violation['help']}) at {'; '.join(targets)}"
                )
    assert checked >= 140
    assert not found, f"{dict(impacts)}:\n" + "\n".join(found)
