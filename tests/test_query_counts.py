"""Every page of the access matrix, for every visitor it answers, runs the same number of
queries with the community's data a few times larger: a page whose count grows with its
rows (an N+1) fails here."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from intercession.models import PrayerLog
from notifications.models import Delivery
from partnerships.models import Child, Role
from testimonies.models import TestimonyNotice
from tests.conftest import client_for
from tests.factories import (
    make_checkin,
    make_group,
    make_invitation,
    make_member,
    make_partner,
    make_request,
    make_testimony,
)
from tests.test_url_matrix import MATRIX, VISITORS, World, build_world

pytestmark = pytest.mark.django_db

# The most queries any page may run, session and sign-in included.
MOST_QUERIES = 12


def pages(world: World) -> Iterator[tuple[str, str, str, dict]]:
    for name, case in sorted(MATRIX.items()):
        if case.method == "GET":
            url = reverse(name, kwargs=case.kwargs(world))
            for visitor in VISITORS:
                yield name, visitor, url, case.data(world)


def counts(world: World) -> dict[tuple[str, str], int]:
    found = {}
    for name, visitor, url, data in pages(world):
        client = client_for(world.users[visitor])
        client.get(url, data)  # a first visit writes what a first visit writes (the session)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, data)
        if response.status_code == 200:
            found[name, visitor] = len(queries)
    return found


def grow(world: World, times: int) -> None:
    """More of everything each page lists: partners adopted by the visitors' groups, with
    families, requests (some held for review), updates, check-ins and testimonies; prayers,
    members, invitations, deliveries and notices."""
    community = world.community
    coordinator, intercessor = world.users["coordinator"], world.users["intercessor"]
    assert coordinator is not None and intercessor is not None
    partners = []
    for n in range(times):
        partner = make_partner(community, spouse_name=f"Spouse {n}")
        Child.objects.create(partner=partner, name=f"Child {n}", birth_year=2015)
        for k in range(2):
            request = make_request(partner, urgent=k == 0)
            request.updates.create(text=f"Update {k}", created_by=coordinator)
            PrayerLog.objects.create(user=intercessor, partner=partner, request=request)
            PrayerLog.objects.create(user=coordinator, partner=partner, request=request)
        # Held for review: the coordinators' queue lists them, their author still sees theirs.
        make_request(partner, review="waiting", created_by=intercessor)
        make_request(partner, review="flagged", flagged_by=intercessor, flagged_at=timezone.now())
        make_checkin(partner)
        answered = make_request(
            partner, status="answered", answered_on=timezone.localdate(), answer_note="Yes"
        )
        testimony = make_testimony(answered, author=coordinator, published=True)
        TestimonyNotice.objects.create(testimony=testimony, user=coordinator)
        partners.append(partner)
        make_member(community, Role.INTERCESSOR)
        make_invitation(community, invited_by=coordinator)
        Delivery.objects.create(
            user=intercessor,
            kind="daily",
            topic=f"{partner.pk}",
            local_date=timezone.localdate(),
            due_at=timezone.now(),
        )
    world.group.partners.add(*partners)
    # Seasons: more hours held, by more people, and each day's focus on more partners.
    season = world.season
    for n, member in enumerate(community.memberships.filter(role=Role.INTERCESSOR)[:times]):
        season.hours.get_or_create(user_id=member.user_id, hour=(n + 5) % 24, day=None)
        season.hours.get_or_create(user_id=member.user_id, hour=(n + 11) % 24, day=season.starts_on)
    for focus_day in season.focus_days.all():
        focus_day.partners.add(*partners)
    make_group(community, members=[intercessor, coordinator], partners=partners[:2])
    # The partner visitor's own profile gets more of its own too.
    for n in range(times):
        request = make_request(world.partner)
        PrayerLog.objects.create(user=intercessor, partner=world.partner, request=request)
        make_checkin(world.partner, starts_in_days=-(n + 2) * 30, status="held")


def test_no_page_runs_more_queries_for_more_rows():
    """Measured with a little of everything, then with four times as much: an empty list
    may skip its query, so both sizes have rows."""
    world = build_world()
    grow(world, 2)
    small = counts(world)
    grow(world, 6)
    large = counts(world)
    print(f"\n{len(small)} pages × visitors measured; most queries: {max(large.values())}")
    for page, n in sorted(large.items(), key=lambda item: -item[1])[:12]:
        print(f"  {n:>3}  {page}")
    assert len(small) >= 80 and small.keys() == large.keys()
    grown = {
        page: (small[page], large[page])
        for page in small
        if page in large and large[page] != small[page]
    }
    assert not grown, "queries grew with the rows (page, visitor): (before, after)\n" + "\n".join(
        f"{page}: {numbers}" for page, numbers in sorted(grown.items())
    )
    over = {page: n for page, n in large.items() if n > MOST_QUERIES}
    assert not over, f"pages over {MOST_QUERIES} queries (page, visitor): queries\n" + "\n".join(
        f"{page}: {n}" for page, n in sorted(over.items())
    )
