"""Queries and time for the coordinator's pages at 1, 50 and 500 partners.

    .venv/bin/python bench/dashboard_queries.py            # SQLite in a temporary folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/epaphras_bench \
        .venv/bin/python bench/dashboard_queries.py

Each size runs on a fresh database that the script creates and drops.
"""

from pagebench import run, time_get

PAGES = ["dashboard", "partner_list", "checkin_list", "requests_review"]


def measure(size: int) -> dict:
    from django.test import Client
    from django.urls import reverse

    from partnerships.models import Role
    from tests.factories import make_community, make_member
    from tests.partnerships.test_dashboard import populate

    community = make_community()
    coordinator = make_member(community, Role.COORDINATOR)
    populate(community, size)
    client = Client()
    client.force_login(coordinator)
    return {
        page: time_get(client, reverse(f"partnerships:{page}", args=[community.slug]))
        for page in PAGES
    }


if __name__ == "__main__":
    run("partners", [1, 50, 500], PAGES, measure)
