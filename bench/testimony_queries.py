"""Queries and time for the testimonies page and the partner's corner at 1, 50 and 500
published testimonies (each with three people who prayed and gave thanks).

    .venv/bin/python bench/testimony_queries.py     # or with DATABASE_URL=postgres://…
"""

from pagebench import run, time_get

PAGES = ["testimony_list", "testimony_print", "corner"]
SIZES = [1, 50, 500]


def measure(count: int) -> dict:
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from intercession.models import PrayerLog
    from partnerships.models import Role
    from testimonies.models import Thanks
    from tests.factories import (
        make_community,
        make_group,
        make_member,
        make_partner,
        make_request,
        make_testimony,
    )

    community = make_community()
    user = make_member(community, Role.PARTNER)
    partner = make_partner(community, user=user)
    people = [make_member(community, Role.INTERCESSOR) for _ in range(3)]
    make_group(community, members=people, partners=[partner])
    for n in range(count):
        request = make_request(partner, status="answered", answered_on=timezone.localdate())
        testimony = make_testimony(request, published=True, title=f"Answer {n}")
        for person in people:
            Thanks.objects.create(testimony=testimony, user=person)
            PrayerLog.objects.create(user=person, partner=partner, request=request)
    client = Client()
    client.force_login(user)
    return {
        page: time_get(client, reverse(f"testimonies:{page}", args=[community.slug]))
        for page in PAGES
    }


if __name__ == "__main__":
    run("testimonies", SIZES, PAGES, measure)
