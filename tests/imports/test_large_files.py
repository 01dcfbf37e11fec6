"""Large files are checked and imported by a worker while the page shows a progress bar;
whatever happens, an import is all or nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from imports import services, tasks
from imports.models import ImportStatus
from partnerships.models import Child, Partner
from tests.imports.helpers import commit, confirm_mapping, csv_file, latest_job, upload

pytestmark = pytest.mark.django_db


def partners_csv(count: int, *, start: int = 0) -> bytes:
    lines = ["Name;Kind;Location;Email;Spouse;Children;Started"]
    for n in range(start, start + count):
        lines.append(
            f"Partner {n:05d};missionary;City {n % 50};p{n}@example.org;Spouse {n};"
            f"Child {chr(65 + n % 26)} 2015;{43000 + n % 900}"
        )
    return csv_file("\n".join(lines) + "\n")


def test_five_thousand_rows_are_checked_and_imported_in_the_background(
    community, coordinator_client, django_capture_on_commit_callbacks
):
    upload(coordinator_client, community.slug, partners_csv(5000), name="all.csv")
    job = latest_job()
    job_url = reverse("imports:job", args=[community.slug, job.pk])
    progress_url = reverse("imports:progress", args=[community.slug, job.pk])
    with django_capture_on_commit_callbacks() as queued:
        response = confirm_mapping(coordinator_client, community.slug, job)
    assert response["Location"] == job_url
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKING and job.total == 5000
    page = coordinator_client.get(job_url).content.decode()
    assert "Checking your file" in page and 'data-hx-get="' + progress_url in page
    fragment = coordinator_client.get(progress_url, headers={"HX-Request": "true"})
    assert "Checking row 0 of 5000" in fragment.content.decode()
    assert "<html" not in fragment.content.decode()

    for callback in queued:  # the worker's turn: tasks run eagerly in tests
        callback()
    job.refresh_from_db()
    assert job.status == ImportStatus.READY and job.progress == 5000
    assert job.counts == {
        "rows": 5000,
        "new": 5000,
        "already": 0,
        "problems": 0,
        "skipped": 0,
        "joins": 0,
    }
    done = coordinator_client.get(progress_url, headers={"HX-Request": "true"})
    assert done["HX-Redirect"] == job_url

    with django_capture_on_commit_callbacks() as queued:
        response = commit(coordinator_client, community.slug, job)
    assert response["Location"] == job_url
    assert "Importing 5000 rows, all at once" in coordinator_client.get(job_url).content.decode()
    assert not Partner.objects.filter(community=community).exists()
    for callback in queued:
        callback()
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.counts["imported"] == 5000
    assert Partner.objects.filter(community=community).count() == 5000
    assert Child.objects.filter(partner__community=community).count() == 5000
    assert "5000 partners imported." in coordinator_client.get(job_url).content.decode()


def test_the_task_is_the_plain_function(community, coordinator_client, monkeypatch):
    upload(coordinator_client, community.slug, partners_csv(3), name="few.csv")
    job = latest_job()
    services.import_map(job=job, mapping=job.mapping)
    calls = []
    monkeypatch.setattr(services, "import_check", lambda job_id: calls.append(job_id))
    tasks.check_import(job.pk)
    assert calls == [job.pk]


def test_checking_reports_progress_as_it_goes(community, coordinator_client, monkeypatch):
    upload(coordinator_client, community.slug, partners_csv(600), name="many.csv")
    job = latest_job()
    services.import_map(job=job, mapping=job.mapping)
    seen = []
    report = services._report_progress

    def spy(job_id: int, done: int, **kwargs) -> None:
        report(job_id, done, **kwargs)
        seen.append(type(job).objects.get(pk=job_id).progress)

    monkeypatch.setattr(services, "_report_progress", spy)
    tasks.check_import(job.pk)
    assert seen == [250, 500, 600]
    # Run again (a worker that died half way is followed by another): the same result.
    type(job).objects.filter(pk=job.pk).update(status=ImportStatus.CHECKING)
    tasks.check_import(job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.READY and job.counts["new"] == 600


@pytest.mark.parametrize("error", [RuntimeError("disk full"), ValueError("bad")])
def test_a_failure_on_a_late_row_leaves_nothing_of_the_earlier_ones(
    community, coordinator_client, monkeypatch, error, django_capture_on_commit_callbacks
):
    upload(coordinator_client, community.slug, partners_csv(300), name="p.csv")
    job = latest_job()
    confirm_mapping(coordinator_client, community.slug, job)
    import imports.resources

    real_save = imports.resources.partner_save
    saved = []

    def failing_save(**kwargs):
        if len(saved) == 280:  # in the second round of rows: the first round is in by now
            raise error
        saved.append(real_save(**kwargs))
        return saved[-1]

    monkeypatch.setattr(imports.resources, "partner_save", failing_save)
    with django_capture_on_commit_callbacks(execute=True):
        response = commit(coordinator_client, community.slug, job)
    assert len(saved) == 280
    assert not Partner.objects.filter(community=community).exists()
    assert not Child.objects.exists()
    job.refresh_from_db()
    assert job.status == ImportStatus.READY  # checked again, ready to try once more
    assert job.errors[0] == "Nothing was imported."
    assert "Row 282: This row could not be saved" in job.errors[1]
    assert job.rows.count() == 300 and job.file
    page = coordinator_client.get(response["Location"]).content.decode()
    assert "Nothing was imported." in page

    monkeypatch.setattr(imports.resources, "partner_save", real_save)
    commit(coordinator_client, community.slug, job)
    assert Partner.objects.filter(community=community).count() == 300


@pytest.mark.django_db(transaction=True)
def test_the_import_reports_progress_while_its_transaction_is_open(postgresql, monkeypatch):
    """On PostgreSQL the import's progress is written through a connection of its own, so
    the page sees it move while not one partner is visible yet."""
    import threading

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connections

    from imports.models import ImportJob
    from partnerships.models import Role
    from tests.factories import make_community, make_member

    community = make_community()
    coordinator = make_member(community, Role.COORDINATOR)
    job = services.import_start(
        community=community,
        created_by=coordinator,
        kind="partners",
        upload=SimpleUploadedFile("p.csv", partners_csv(600)),
    )
    job = services.import_check(job_id=services.import_map(job=job, mapping=job.mapping).pk)
    assert job is not None
    services.import_commit_start(job=job)
    seen: list[tuple[int, int]] = []
    write = services._progress_aside

    def write_and_look(job_id: int, done: int) -> None:
        write(job_id, done)
        try:  # as the progress page would: from another connection
            seen.append(
                (
                    ImportJob.objects.get(pk=job_id).progress,
                    Partner.objects.filter(community=community).count(),
                )
            )
        finally:
            connections.close_all()

    monkeypatch.setattr(services, "_progress_aside", write_and_look)
    assert threading.current_thread() is threading.main_thread()
    services.import_commit(job_id=job.pk)
    assert seen == [(250, 0), (500, 0), (600, 0)]
    assert Partner.objects.filter(community=community).count() == 600
