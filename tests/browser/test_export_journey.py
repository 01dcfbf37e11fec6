"""A coordinator takes the community's data out, on a phone and a desktop: the menu leads to
the export page, which says what the files hold and which sensitive partner stays out; both
downloads arrive. A partner downloads their own data from their corner."""

import json
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, signed_in
from tests.exports.world import CANARIES, full_community

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_downloads_the_communitys_data(new_page, screenshot, tmp_path):
    world = full_community()
    page = new_page()
    signed_in(page, world.coordinator)
    page.goto(f"/c/{world.community.slug}/")
    page.locator("summary").filter(has_text="Menu").click()
    page.get_by_role("link", name="Export and backup").click()
    expect(page.get_by_role("heading", name="Export and backup")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text(
        "One security-sensitive partner will be left out"
    )
    screenshot(page, "export-phone")

    with page.expect_download() as download:
        page.get_by_role("button", name="Download spreadsheets (.zip)").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name.startswith(world.community.slug) and saved.suffix == ".zip"
    with zipfile.ZipFile(saved) as archive:
        assert "partners.csv" in archive.namelist()
        assert CANARIES[0] not in archive.read("partners.csv").decode("utf-8-sig")

    desktop = new_page(viewport=DESKTOP)
    signed_in(desktop, world.coordinator)
    desktop.goto(f"/c/{world.community.slug}/export/")
    screenshot(desktop, "export-desktop")
    with desktop.expect_download() as download:
        desktop.get_by_role("button", name="Download the backup (.json)").click()
    backup = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert backup["format"] == "epaphras-community"


def test_a_partner_downloads_their_own_data_from_their_corner(new_page, screenshot):
    world = full_community()
    page = new_page()
    signed_in(page, world.partner_user)
    page.goto(f"/c/{world.community.slug}/corner/")
    section = page.get_by_role("region", name="Your data")
    section.scroll_into_view_if_needed()
    screenshot(page, "export-partner-corner-phone")
    with page.expect_download() as download:
        section.get_by_role("button", name="Download my data").click()
    data = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert data["profile"]["name"] == "Tomasz Nowak"
