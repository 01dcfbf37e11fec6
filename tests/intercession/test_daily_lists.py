"""The daily email builds every recipient's list at once, applying the visibility rules in
memory: here held to the same answers as ``visible_to``, for every kind of member and every
case the rules draw a line through, and to a fixed number of queries."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from intercession.selectors import (
    _Community,
    adopted_partners,
    daily_list_key,
    daily_lists,
    visible_today,
)
from partnerships.access import memberships_of
from partnerships.models import Membership, Partner, PartnerStatus, PrayerRequest, Role
from tests.factories import make_community, make_group, make_member, make_partner, make_request

pytestmark = pytest.mark.django_db


def build():
    community, other = make_community(), make_community()
    community.two_factor_for_sensitive = True
    community.save()
    people = {
        "coordinator": make_member(community, Role.COORDINATOR),
        "coordinator with two-factor": make_member(community, Role.COORDINATOR),
        "intercessor": make_member(community, Role.INTERCESSOR),
        "intercessor in a paused group": make_member(community, Role.INTERCESSOR),
        "intercessor in no group": make_member(community, Role.INTERCESSOR),
    }
    Authenticator.objects.create(
        user=people["coordinator with two-factor"], type=Authenticator.Type.TOTP, data={}
    )
    # The first intercessor also prays in another community.
    Membership.objects.create(user=people["intercessor"], community=other, role=Role.INTERCESSOR)
    adopted = make_partner(community, name="Adopted")
    sensitive = make_partner(community, name="Sensitive", sensitive=True, alias="S. in the East")
    not_adopted = make_partner(community, name="Not adopted")
    ended = make_partner(community, name="Ended", status=PartnerStatus.ENDED)
    paused_only = make_partner(community, name="Paused group's")
    elsewhere = make_partner(other, name="Elsewhere")
    make_group(community, members=[people["intercessor"]], partners=[adopted, sensitive, ended])
    paused = make_group(
        community, members=[people["intercessor in a paused group"]], partners=[paused_only]
    )
    paused.paused = True
    paused.save()
    make_group(other, members=[people["intercessor"]], partners=[elsewhere])
    for partner in (adopted, sensitive, not_adopted, ended, paused_only, elsewhere):
        for visibility in ("groups", "community", "coordinators"):
            make_request(partner, text=f"{partner.name} {visibility}", visibility=visibility)
        make_request(
            partner, text=f"{partner.name} answered", status="answered", answered_on="2026-11-01"
        )
    return people


def test_the_rules_in_memory_give_what_visible_to_gives_for_every_member():
    people = build()
    memberships = [m for user in people.values() for m in memberships_of(user)]
    assert len(memberships) == 6
    adopted = adopted_partners([m.user_id for m in memberships])
    checked = 0
    for membership in memberships:
        community = _Community()
        for partner in Partner.objects.filter(
            community_id=membership.community_id, status=PartnerStatus.ACTIVE
        ):
            community.partners[partner.pk] = partner
        community.requests = list(
            PrayerRequest.objects.filter(
                partner__community_id=membership.community_id,
                partner__status=PartnerStatus.ACTIVE,
                status="active",
            ).values_list("pk", "partner_id", "urgent", "created_at", "visibility")
        )
        prayable, rows = visible_today(
            membership, community, adopted.get((membership.user_id, membership.community_id), set())
        )
        expected_partners = set(
            Partner.objects.visible_to(membership)
            .filter(status=PartnerStatus.ACTIVE)
            .values_list("pk", flat=True)
        )
        expected_requests = set(
            PrayerRequest.objects.visible_to(membership)
            .filter(partner__status=PartnerStatus.ACTIVE)
            .active()
            .values_list("pk", flat=True)
        )
        assert prayable == expected_partners, membership
        assert {pk for pk, *_ in rows} == expected_requests, membership
        checked += bool(expected_requests)
    assert checked == 6  # every member sees something, so the comparison means something


def test_every_list_of_a_batch_comes_in_a_fixed_number_of_queries():
    people = build()
    memberships = [m for user in people.values() for m in memberships_of(user)]
    adopted = adopted_partners([m.user_id for m in memberships])
    with CaptureQueriesContext(connection) as queries:
        lists = daily_lists(memberships, adopted)
    assert len(queries) <= 5
    for membership in memberships:
        daily = lists[membership.pk]
        names = {card.partner.name for card in daily.cards}
        texts = {r.text for card in daily.cards for r in card.requests}
        assert "Ended" not in names and not any(t.startswith("Ended") for t in texts)
        assert not any(t.endswith("answered") for t in texts)
        if membership.role == Role.INTERCESSOR:
            assert not any(t.endswith("coordinators") for t in texts)
    assert set(lists) == {m.pk for m in memberships}
    # Members who see the same partners share one list.
    keys = {daily_list_key(m, adopted) for m in memberships}
    assert len({id(daily) for daily in lists.values()}) == len(keys)
