"""A coordinator on a phone moves their partners in from a spreadsheet: two rows are wrong,
one is fixed and one skipped, and the rest come in. A large file's progress bar follows the
worker and turns into the preview when the check is done."""

import pytest
from playwright.sync_api import expect

from imports.models import ImportJob, ImportStatus
from partnerships.models import Partner, Role
from tests.browser.conftest import DESKTOP, signed_in
from tests.factories import make_community, make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SPREADSHEET = (
    "\ufeffFull name;Type;Organisation;City;E-mail;Spouse;Children;Partner since\r\n"
    "Tomasz Nowak ;Church planter;Hope Church;Pune, India;Tomasz@Example.org;Anna;"
    "Micah 2019, Ruth 2022;43586\r\n"
    "Grace Mensah;Pastor;Living Word;Accra, Ghana;grace@example.org;Kofi;;2020-03-01\r\n"
    "Peter Jones;Evangelist;;Leeds;peter@example.org;;;\r\n"
    "Maria Lopez;Missionary;;Lima, Peru;maria@example.org;;;31/31/2019\r\n"
    "Samuel Osei;Marketplace leader;Osei Foods;Kumasi;samuel@example.org;Ama;Kwame 2016;\r\n"
).encode()


def test_a_coordinator_imports_partners_fixing_one_row_and_skipping_another(new_page, screenshot):
    community = make_community(name="Riverside House of Prayer")
    coordinator = make_member(community, Role.COORDINATOR, name="Grace Whitfield")
    page = new_page()
    signed_in(page, coordinator)
    page.goto(f"/c/{community.slug}/partners/")
    page.get_by_role("link", name="Or import them from a spreadsheet").click()
    expect(page.get_by_role("heading", name="Import from a spreadsheet")).to_be_visible()
    page.get_by_label("Spreadsheet").set_input_files(
        files=[{"name": "Partners 2025.csv", "mimeType": "text/csv", "buffer": SPREADSHEET}]
    )
    screenshot(page, "import-upload-phone")
    page.get_by_role("button", name="Upload and match columns").click()

    expect(page.get_by_role("heading", name="Match the columns")).to_be_visible()
    expect(page.get_by_label("Type")).to_have_value("kind")
    expect(page.get_by_label("Partner since")).to_have_value("partnership_started")
    screenshot(page, "import-mapping-phone")
    page.get_by_role("button", name="Check the rows").click()

    expect(page.get_by_role("heading", name="Check and import")).to_be_visible()
    expect(page.get_by_text("“Evangelist” is not a kind we know", exact=False)).to_be_visible()
    expect(page.get_by_text("“31/31/2019” is not a date we can read", exact=False)).to_be_visible()
    expect(page.get_by_role("button", name="Import 3 partners")).to_have_count(0)
    screenshot(page, "import-preview-phone")

    page.get_by_role("link", name="Fix row 4").click()
    expect(page.get_by_role("heading", name="Fix row 4")).to_be_visible()
    page.get_by_label("Kind").fill("Ministry leader")
    screenshot(page, "import-fix-row-phone")
    page.get_by_role("button", name="Save and check again").click()
    expect(page.get_by_text("Row 4 is fixed.")).to_be_visible()

    page.get_by_role("button", name="Skip row 5").click()
    expect(page.get_by_text("Row 5 is skipped.")).to_be_visible()
    page.get_by_role("link", name="New (4)").click()
    screenshot(page, "import-ready-phone")
    page.get_by_role("button", name="Import 4 partners").click()

    expect(page.get_by_text("4 partners imported.")).to_be_visible()
    expect(page.get_by_role("heading", name="Partners")).to_be_visible()
    for name in ("Tomasz Nowak", "Grace Mensah", "Peter Jones", "Samuel Osei"):
        expect(page.get_by_text(name, exact=True)).to_be_visible()
    expect(page.get_by_text("Maria Lopez")).to_have_count(0)
    expect(page.get_by_text("Spouse: Anna · Children: Micah", exact=False)).to_be_visible()
    screenshot(page, "import-partners-listed-phone")
    assert Partner.objects.get(name="Peter Jones").kind == "ministry_leader"

    desktop = new_page(viewport=DESKTOP)
    signed_in(desktop, coordinator)
    desktop.goto(f"/c/{community.slug}/import/")
    desktop.get_by_label("Spreadsheet").set_input_files(
        files=[{"name": "Partners 2025.csv", "mimeType": "text/csv", "buffer": SPREADSHEET}]
    )
    screenshot(desktop, "import-upload-desktop")
    desktop.get_by_role("button", name="Upload and match columns").click()
    screenshot(desktop, "import-mapping-desktop")
    desktop.get_by_role("button", name="Check the rows").click()
    # The same file again: nobody twice.
    expect(desktop.get_by_role("link", name="Already here (4)")).to_be_visible()
    desktop.get_by_role("link", name="Already here (4)").click()
    expect(desktop.get_by_text("Already here: Tomasz Nowak.")).to_be_visible()
    screenshot(desktop, "import-preview-desktop")


def test_the_progress_bar_follows_a_large_check_and_turns_into_the_preview(new_page, screenshot):
    community = make_community(name="Riverside House of Prayer")
    coordinator = make_member(community, Role.COORDINATOR, name="Grace Whitfield")
    job = ImportJob.objects.create(
        community=community,
        created_by=coordinator,
        kind="partners",
        file_name="All partners.xlsx",
        headers=["Name"],
        mapping={"Name": "name"},
        status=ImportStatus.CHECKING,
        total=5000,
        progress=1750,
    )
    for viewport, name in ((DESKTOP, "desktop"), (None, "phone")):
        page = new_page(viewport=viewport) if viewport else new_page()
        signed_in(page, coordinator)
        page.goto(f"/c/{community.slug}/import/{job.pk}/")
        expect(page.get_by_text("Checking row 1750 of 5000…")).to_be_visible()
        screenshot(page, f"import-progress-{name}")
    # The worker moves on: the bar follows without a reload.
    ImportJob.objects.filter(pk=job.pk).update(progress=4250)
    expect(page.get_by_text("Checking row 4250 of 5000…")).to_be_visible()
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.READY,
        progress=5000,
        counts={"rows": 0, "new": 0, "already": 0, "problems": 0, "skipped": 0},
    )
    expect(page.get_by_role("heading", name="Check and import")).to_be_visible()

    # Without JavaScript the page refreshes itself.
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.CHECKING, progress=10)
    plain = new_page(java_script_enabled=False)
    signed_in(plain, coordinator)
    plain.goto(f"/c/{community.slug}/import/{job.pk}/")
    expect(plain.get_by_text("Checking row 10 of 5000…")).to_be_visible()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.READY)
    expect(plain.get_by_role("heading", name="Check and import")).to_be_visible(timeout=8000)
