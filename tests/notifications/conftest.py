"""A small world for the reminder emails: an intercessor and a coordinator in a group that
prays for Tomasz (with family and an urgent request), and a way to send one delivery now."""

from datetime import time

import pytest
from django.utils import timezone

from notifications.models import Delivery
from notifications.send import send_batch
from partnerships.models import Child, Role
from tests.factories import make_group, make_member, make_partner, make_request


@pytest.fixture
def world(community):
    intercessor = make_member(
        community, Role.INTERCESSOR, name="Daniel Okafor", time_zone="Europe/London"
    )
    coordinator = make_member(
        community, Role.COORDINATOR, name="Grace Whitfield", time_zone="Europe/London"
    )
    tomasz = make_partner(community, name="Tomasz Nowak", spouse_name="Anna", location="Kraków")
    Child.objects.create(partner=tomasz, name="Micah", birth_year=timezone.localdate().year - 7)
    visa = make_request(tomasz, text="Favour at the visa office", urgent=True)
    group = make_group(
        community,
        members=[intercessor, coordinator],
        partners=[tomasz],
        name="Tuesday Evening",
        weekday=(timezone.localdate().weekday() + 1) % 7,
        meeting_time=time(19, 30),
        place="The prayer room",
    )
    return {
        "intercessor": intercessor,
        "coordinator": coordinator,
        "tomasz": tomasz,
        "visa": visa,
        "group": group,
    }


def deliver(user, kind, topic="", **fields):
    today = timezone.localdate()
    delivery = Delivery.objects.create(
        user=user,
        kind=kind,
        topic=topic,
        local_date=fields.pop("local_date", today),
        due_at=timezone.now(),
        **fields,
    )
    assert send_batch([delivery.pk]) == []
    delivery.refresh_from_db()
    return delivery
