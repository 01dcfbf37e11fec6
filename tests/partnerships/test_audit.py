"""The audit trail: who opened, changed or downloaded something of a sensitive partner."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from partnerships.models import AuditEvent, Role
from tests.conftest import client_for
from tests.factories import give_two_factor, make_checkin, make_member, make_partner, make_request
from tests.partnerships.test_partners import partner_form

pytestmark = pytest.mark.django_db


def trail(community) -> list[tuple[str, str, str, str]]:
    return [
        (e.user.display_name if e.user else "", e.alias, e.action, e.what)
        for e in AuditEvent.objects.filter(community=community).order_by("pk")
    ]


def test_opening_changing_and_downloading_a_sensitive_partner_is_recorded(community):
    grace = make_member(community, Role.COORDINATOR, name="Grace Whitfield")
    give_two_factor(grace)
    yusuf = make_partner(community, name="Yusuf Karimov", sensitive=True, alias="Y. in Asia")
    marcus = make_partner(community, name="Marcus Bell")
    request = make_request(yusuf)
    checkin = make_checkin(yusuf)
    client = client_for(grace)
    slug = community.slug
    client.get(reverse("partnerships:partner", args=[slug, yusuf.pk]))
    client.get(reverse("partnerships:partner", args=[slug, yusuf.pk]))  # again: not twice
    client.get(reverse("partnerships:partner", args=[slug, marcus.pk]))  # not sensitive
    client.get(reverse("overview:request", args=[slug, request.pk]))
    client.get(reverse("partnerships:checkin_ics", args=[slug, checkin.pk]))
    saved = client.post(
        reverse("partnerships:partner_edit", args=[slug, yusuf.pk]),
        partner_form(name="Yusuf Karimov", sensitive="on", alias="Y. in Asia"),
    )
    assert saved.status_code == 302
    refused = client.post(  # an invalid form changes nothing and is not written
        reverse("partnerships:partner_edit", args=[slug, yusuf.pk]),
        partner_form(name="", sensitive="on", alias="Y. in Asia"),
    )
    assert refused.status_code == 200
    client.post(reverse("partnerships:request_close", args=[slug, request.pk]))
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        client.get(reverse("partnerships:partner", args=[slug, yusuf.pk]))
    assert trail(community) == [
        ("Grace Whitfield", "Y. in Asia", "opened", "the partner's page"),
        ("Grace Whitfield", "Y. in Asia", "opened", f"request #{request.pk}"),
        ("Grace Whitfield", "Y. in Asia", "downloaded", f"calendar file of check-in #{checkin.pk}"),
        ("Grace Whitfield", "Y. in Asia", "changed", "the partner's profile"),
        ("Grace Whitfield", "Y. in Asia", "changed", f"request #{request.pk}"),
        ("Grace Whitfield", "Y. in Asia", "opened", "the partner's page"),
    ]
    page = client.get(reverse("partnerships:audit", args=[slug])).content.decode()
    assert "Grace Whitfield" in page and "Downloaded calendar file of check-in" in page
    assert "Yusuf" not in page  # by alias only
