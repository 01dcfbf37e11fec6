"""Queries and time for an intercessor's pages: 1 partner / 1 prayer, then 50 / 1,000, then
500 / 10,000.

    .venv/bin/python bench/intercession_queries.py     # or with DATABASE_URL=postgres://…
"""

from pagebench import run, time_get

PAGES = ["today", "pray_through", "record", "group"]
SIZES = [(1, 1), (50, 1_000), (500, 10_000)]


def measure(size: tuple[int, int]) -> dict:
    partners, logs = size
    from django.test import Client
    from django.urls import reverse

    from intercession.models import IntercessorGroup
    from partnerships.models import Role
    from tests.factories import make_community, make_member
    from tests.intercession.test_today import populate

    community = make_community()
    intercessor = make_member(community, Role.INTERCESSOR)
    populate(community, intercessor, partners=partners, logs=logs)
    client = Client()
    client.force_login(intercessor)
    group = IntercessorGroup.objects.get()
    return {
        page: time_get(
            client,
            reverse(
                f"intercession:{page}",
                args=[community.slug, group.pk] if page == "group" else [community.slug],
            ),
        )
        for page in PAGES
    }


if __name__ == "__main__":
    run("partners/prayers", SIZES, PAGES, measure)
