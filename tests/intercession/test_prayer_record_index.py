"""A prayer keeps its partner's community, however it was written; a person's prayer record
reads its page from the (person, community, time) index, not every prayer they ever made."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from intercession.models import PrayerLog
from intercession.selectors import prayer_log_list
from intercession.services import prayer_log_create
from partnerships.access import memberships_of
from partnerships.models import Role
from tests.factories import (
    make_community,
    make_group,
    make_member,
    make_partner,
    make_request,
)

pytestmark = pytest.mark.django_db


def test_every_way_of_writing_a_prayer_keeps_the_partners_community(community, intercessor):
    partner = make_partner(community)
    request = make_request(partner)
    make_group(community, members=[intercessor], partners=[partner])
    written = [
        PrayerLog.objects.create(user=intercessor, partner=partner),
        PrayerLog.objects.create(user=intercessor, partner_id=partner.pk),
        *PrayerLog.objects.bulk_create([PrayerLog(user=intercessor, partner_id=partner.pk)]),
        prayer_log_create(user=intercessor, partner=partner, prayer_request=request)[0],
    ]
    assert {log.community_id for log in written} == {community.pk}
    assert PrayerLog.objects.exclude(community_id=community.pk).count() == 0


def test_the_record_shows_only_this_communitys_prayers(community, intercessor):
    other = make_community()
    here, there = make_partner(community), make_partner(other)
    PrayerLog.objects.create(user=intercessor, partner=here)
    PrayerLog.objects.create(user=intercessor, partner=there)
    membership = next(m for m in memberships_of(intercessor) if m.community_id == community.pk)
    assert [log.partner_id for log in prayer_log_list(membership)] == [here.pk]


@pytest.mark.parametrize("elsewhere_every", [50, 2], ids=["most-here", "half-elsewhere"])
def test_a_page_of_the_record_is_read_from_an_index_and_stops_at_fifty(
    postgresql, community, intercessor, elsewhere_every
):
    partners = [make_partner(community) for _ in range(5)]
    elsewhere = make_partner(make_community())
    others = [make_member(community, Role.INTERCESSOR) for _ in range(4)]
    now = timezone.now()
    # The person's 5,000 prayers, some in another community, among 25,000.
    PrayerLog.objects.bulk_create(
        PrayerLog(
            user=intercessor if n % 5 == 0 else others[n % 4],
            partner=partners[n % 5] if n % elsewhere_every else elsewhere,
            prayed_at=now - timedelta(minutes=n),
        )
        for n in range(25_000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE intercession_prayerlog")
        membership = next(m for m in memberships_of(intercessor) if m.community_id == community.pk)
        sql, params = prayer_log_list(membership)[:50].query.sql_with_params()
        cursor.execute("EXPLAIN (ANALYZE, FORMAT TEXT) " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    scan = next(line for line in plan.splitlines() if "on intercession_prayerlog" in line)
    assert "Index Scan" in scan and "rows=50 loops" in scan, plan  # in order, stopped at fifty
