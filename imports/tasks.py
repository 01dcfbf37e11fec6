from celery import shared_task

from imports import services


@shared_task
def check_import(job_id: int) -> None:
    services.import_check(job_id=job_id)


@shared_task
def commit_import(job_id: int) -> None:
    services.import_commit(job_id=job_id)


@shared_task
def discard_stale_imports() -> None:
    services.imports_discard_stale()
