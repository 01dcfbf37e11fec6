# ruff: noqa: E501 (rows of a spreadsheet are as long as they are)
"""A coordinator moves their partners in from the spreadsheet they kept: messy as real ones
are, checked row by row, fixed or skipped, imported all at once, never twice."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from imports.models import ImportJob, ImportRow, ImportStatus, RowStatus
from partnerships.models import Child, Partner, Role
from tests.conftest import client_for
from tests.factories import make_member, make_partner
from tests.imports.helpers import (
    commit,
    confirm_mapping,
    csv_file,
    latest_job,
    this_year_minus,
    upload,
    xlsx_file,
)

pytestmark = pytest.mark.django_db

MESSY = f"""Full Name ;Type;Organisation;City;E-Mail;Spouse;Kids;Partner since;Time zone;Sensitive;Alias;
Tomasz Nowak  ;Church planter;Hope Church;Pune, India; Tomasz.Nowak@Example.ORG ;Anna;Micah {this_year_minus(7)}, Ruth {this_year_minus(4)};43586;asia/kolkata;no;;
Grace Mensah;pastor;;Accra;grace@example.org;;;2019-05-01;;;;
Zarina K;Missionary;;Khujand;;;;01/05/2019;;yes;Z. in Central Asia;
tomasz nowak;church planter;Hope Church;Pune, India;tomasz.nowak@example.org;Anna;Micah {this_year_minus(7)}, Ruth {this_year_minus(4)};43586;Asia/Kolkata;NO;;
Peter Jones;Evangelist;;;;;;;;;;
Maria Lopez;missionary;;;;;;31/31/2019;;;;
Secret Person;missionary;;;;;;;;yes;;
;missionary;Nameless Mission;;;;;;;;;
Samuel Existing;pastor;;;;;;;;;;
Lena Berg;missionary;;Oslo;lena@example.org;;;;;;;
Lena Berg-Olsen;marketplace leader;;Bergen;LENA@example.org;;;;;;;

"""


def rows_by_number(job: ImportJob) -> dict[int, ImportRow]:
    return {row.number: row for row in job.rows.all()}


def test_a_messy_spreadsheet_is_read_checked_and_imported(community, coordinator_client):
    make_partner(community, name="Samuel  existing")
    response = upload(coordinator_client, community.slug, csv_file(MESSY), name="Partners.csv")
    job = latest_job()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "imports:mapping", kwargs={"slug": community.slug, "pk": job.pk}
    )
    # A BOM, semicolons, a trailing delimiter and trailing spaces in the headings: the
    # headings are read clean and guessed.
    assert job.headers[:3] == ["Full Name", "Type", "Organisation"]
    assert job.mapping["Full Name"] == "name"
    assert job.mapping["E-Mail"] == "email"
    assert job.mapping["Kids"] == "children"
    assert job.mapping["Partner since"] == "partnership_started"
    assert job.mapping["City"] == "location"
    page = coordinator_client.get(response["Location"])
    assert "Match the columns" in page.content.decode()

    response = confirm_mapping(coordinator_client, community.slug, job)
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.READY
    rows = rows_by_number(job)
    assert len(rows) == 11  # the blank line at the end is no row
    assert rows[2].status == RowStatus.NEW
    assert rows[2].values["email"] == "Tomasz.Nowak@Example.ORG"
    assert rows[3].status == RowStatus.NEW
    assert rows[4].status == RowStatus.NEW
    # The same row again, in other case and spacing: left out by itself.
    assert rows[5].status == RowStatus.ALREADY
    assert rows[5].note == "Repeats row 2."
    assert rows[6].problems == [
        "Kind: “Evangelist” is not a kind we know. Use one of: missionary, marketplace "
        "leader, pastor, church planter, ministry leader, other."
    ]
    assert rows[7].problems == [
        "Partnership started: “31/31/2019” is not a date we can read. Write it like 2019-05-01."
    ]
    assert rows[8].problems == ["Alias: A security-sensitive partner needs an alias."]
    assert rows[9].problems == ["Name: The name is missing."]
    assert rows[10].status == RowStatus.ALREADY
    assert rows[10].match == "Samuel  existing"
    assert rows[11].status == RowStatus.NEW
    assert rows[12].status == RowStatus.PROBLEM
    assert "Same email as row 11" in rows[12].note
    assert job.counts == {
        "rows": 11,
        "new": 4,
        "already": 2,
        "problems": 5,
        "skipped": 0,
        "joins": 0,
    }

    preview = coordinator_client.get(reverse("imports:job", args=[community.slug, job.pk]))
    text = preview.content.decode()
    assert "is not a kind we know" in text and "Row 6" in text
    # Importing is refused while problems are left.
    commit(coordinator_client, community.slug, job)
    assert not Partner.objects.filter(name="Grace Mensah").exists()

    coordinator_client.post(reverse("imports:problems_skip", args=[community.slug, job.pk]))
    job.refresh_from_db()
    assert job.counts["skipped"] == 5 and job.counts["problems"] == 0
    response = commit(coordinator_client, community.slug, job)
    assert response["Location"] == reverse("partnerships:partner_list", args=[community.slug])
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert job.counts["imported"] == 4
    assert not job.rows.exists() and not job.file

    tomasz = Partner.objects.get(community=community, name="Tomasz Nowak")
    assert tomasz.kind == "church_planter"
    assert tomasz.location == "Pune, India"
    assert tomasz.time_zone == "Asia/Kolkata"
    assert tomasz.spouse_name == "Anna"
    assert tomasz.partnership_started == date(2019, 5, 1)  # Excel's serial 43586
    assert [(c.name, c.birth_year) for c in Child.objects.filter(partner=tomasz)] == [
        ("Micah", this_year_minus(7)),
        ("Ruth", this_year_minus(4)),
    ]
    grace = Partner.objects.get(name="Grace Mensah")
    assert grace.time_zone == community.time_zone  # none given: the community's
    assert grace.partnership_started == date(2019, 5, 1)
    zarina = Partner.objects.get(name="Zarina K")
    assert zarina.sensitive and zarina.alias == "Z. in Central Asia"
    assert zarina.partnership_started == date(2019, 5, 1)  # day first, in London
    assert Partner.objects.filter(community=community).count() == 5


def test_a_second_import_of_the_same_file_adds_nobody(community, coordinator_client):
    for _attempt in range(2):
        upload(coordinator_client, community.slug, csv_file(MESSY), name="partners.csv")
        job = latest_job()
        confirm_mapping(coordinator_client, community.slug, job)
        coordinator_client.post(reverse("imports:problems_skip", args=[community.slug, job.pk]))
        job.refresh_from_db()
        if _attempt == 0:
            assert job.counts["new"] == 5
            commit(coordinator_client, community.slug, job)
    assert Partner.objects.filter(community=community).count() == 5
    assert job.counts["new"] == 0
    assert job.counts["already"] == 6  # rows 2–5, 10 and 11; the rest have problems
    rows = rows_by_number(job)
    assert rows[2].match == "Tomasz Nowak" and rows[4].match == "Z. in Central Asia"
    page = coordinator_client.get(
        reverse("imports:job", args=[community.slug, job.pk]), {"show": "already"}
    )
    assert "Already here: Tomasz Nowak." in page.content.decode()
    assert "There is nothing new to import" in page.content.decode()


def test_an_xlsx_workbook_with_real_dates_comes_in(community, coordinator_client):
    from datetime import datetime

    data = xlsx_file(
        [
            ["Partner", "Kind", "Since", "Kids", "Time zone"],
            # A workbook keeps dates without a time zone, and whole numbers as floats.
            ["Anna Nowak", "Missionary", datetime(2018, 9, 3), "Jan 2017", "Europe/Warsaw"],  # noqa: DTZ001
            ["Ben Otieno", "Business", 43586, None, None],
            ["Cara Diaz", "Pastor", "someday", None, "Mars/Olympus"],
        ]
    )
    upload(coordinator_client, community.slug, data, name="Partners.xlsx")
    job = latest_job()
    assert job.mapping == {
        "Partner": "name",
        "Kind": "kind",
        "Since": "partnership_started",
        "Kids": "children",
        "Time zone": "time_zone",
    }
    confirm_mapping(coordinator_client, community.slug, job)
    rows = rows_by_number(job)
    assert rows[4].problems == [
        "Time zone: “Mars/Olympus” is not a time zone we know. Use a name like Europe/Warsaw.",
        "Partnership started: “someday” is not a date we can read. Write it like 2019-05-01.",
    ]
    # Fixed in the preview: the row is checked again and can come in.
    response = coordinator_client.post(
        reverse("imports:row", args=[community.slug, job.pk, 4]),
        {
            "name": "Cara Diaz",
            "kind": "Pastor",
            "partnership_started": "2020-01-15",
            "time_zone": "america/bogota",
            "children": "",
        },
    )
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.counts["problems"] == 0 and job.counts["new"] == 3
    commit(coordinator_client, community.slug, job)
    anna = Partner.objects.get(name="Anna Nowak")
    assert anna.partnership_started == date(2018, 9, 3)
    assert anna.time_zone == "Europe/Warsaw"
    assert [(c.name, c.birth_year) for c in anna.children.all()] == [("Jan", 2017)]
    assert Partner.objects.get(name="Ben Otieno").kind == "marketplace"
    cara = Partner.objects.get(name="Cara Diaz")
    assert (cara.time_zone, cara.partnership_started) == ("America/Bogota", date(2020, 1, 15))


def test_a_fix_that_is_still_wrong_says_so(community, coordinator_client):
    upload(coordinator_client, community.slug, csv_file("Name,Kind\nAnna,farmer\n"), name="a.csv")
    job = latest_job()
    confirm_mapping(coordinator_client, community.slug, job)
    url = reverse("imports:row", args=[community.slug, job.pk, 2])
    response = coordinator_client.post(url, {"name": "Anna", "kind": "fisher"}, follow=True)
    text = response.content.decode()
    assert "Row 2 still has a problem." in text and "“fisher” is not a kind we know" in text
    assert rows_by_number(job)[2].edited


def test_imports_are_the_coordinators_of_their_own_community(
    community, other_community, coordinator_client, outsider_client
):
    upload(coordinator_client, community.slug, csv_file("Name\nAnna\n"), name="a.csv")
    job = latest_job()
    url = reverse("imports:job", args=[community.slug, job.pk])
    assert outsider_client.get(url).status_code == 404
    # The outsider's own community does not reach it either.
    outsider_slug = outsider_client.get("/").url.split("/")[2]
    assert (
        outsider_client.get(reverse("imports:job", args=[outsider_slug, job.pk])).status_code == 404
    )
    # A partner file may hold sensitive partners' names: another coordinator who may not see
    # sensitive partners yet (no two-factor) does not open it; its importer does.
    other = make_member(community, Role.COORDINATOR)
    assert client_for(other).get(url).status_code == 403
    assert coordinator_client.get(url).status_code == 302  # to the columns, not yet matched


def test_imports_left_unfinished_for_two_weeks_are_thrown_away_with_their_files(
    community, coordinator, coordinator_client, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from imports import tasks

    upload(coordinator_client, community.slug, csv_file("Name\nAnna\n"), name="old.csv")
    old = latest_job()
    upload(coordinator_client, community.slug, csv_file("Name\nBen\n"), name="new.csv")
    recent = latest_job()
    ImportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=15))
    storage, name = old.file.storage, old.file.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.discard_stale_imports()
    assert list(ImportJob.objects.all()) == [recent]
    assert not storage.exists(name) and recent.file.storage.exists(recent.file.name)


def test_the_partner_list_and_the_members_page_lead_coordinators_to_the_import(
    community, coordinator_client, intercessor_client
):
    start = reverse("imports:start", args=[community.slug])
    partners = coordinator_client.get(reverse("partnerships:partner_list", args=[community.slug]))
    assert f'href="{start}?kind=partners"' in partners.content.decode()
    members = coordinator_client.get(reverse("partnerships:members", args=[community.slug]))
    assert f'href="{start}?kind=intercessors"' in members.content.decode()
    page = coordinator_client.get(f"{start}?kind=intercessors").content.decode()
    assert re.search(r'<input[^>]*value="intercessors"[^>]*checked', page)
    others = intercessor_client.get(reverse("partnerships:partner_list", args=[community.slug]))
    assert start not in others.content.decode()
