"""The weekly prayer guide on paper: the group's partners, their families and this week's
requests in large type; paper leaves the building, so a sensitive partner is there by alias
alone and nothing kept for coordinators is printed."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from partnerships.models import CheckIn, Child, Role
from tests.conftest import client_for
from tests.factories import (
    give_two_factor,
    make_checkin,
    make_group,
    make_member,
    make_partner,
    make_request,
)

pytestmark = pytest.mark.django_db

CANARY = "Qzcanary"


@pytest.fixture
def group(community, coordinator, intercessor):
    tomasz = make_partner(
        community, name="Tomasz Nowak", location="Kraków", spouse_name="Anna", kind="pastor"
    )
    Child.objects.create(partner=tomasz, name="Micah", birth_year=2016)
    make_request(tomasz, text="Wisdom for the church plant", urgent=True)
    make_request(tomasz, text="Money worries, kept with coordinators", visibility="coordinators")
    visa = make_request(tomasz, text="Anna's visa renewal")
    visa.updates.create(text="Interview moved to Friday", created_by=coordinator)
    yusuf = make_partner(
        community,
        name=f"Yusuf {CANARY}name",
        location=f"{CANARY}place",
        spouse_name=f"{CANARY}spouse",
        organisation=f"{CANARY}org",
        sensitive=True,
        alias="A. in Central Asia",
    )
    Child.objects.create(partner=yusuf, name=f"{CANARY}child", birth_year=2018)
    request = make_request(yusuf, text=f"Favour at the {CANARY}office")
    request.updates.create(text=f"{CANARY}update", created_by=coordinator)
    make_request(
        yusuf,
        text=f"{CANARY}answered",
        status="answered",
        answered_on=timezone.localdate(),
        answer_note=f"{CANARY}answer",
    )
    checkin = make_checkin(yusuf, starts_in_days=-1, status="held")
    CheckIn.objects.filter(pk=checkin.pk).update(group_summary=f"{CANARY}summary")
    return make_group(
        community, members=[intercessor], partners=[tomasz, yusuf], name="Tuesday Evening"
    )


def guide(user, group) -> str:
    response = client_for(user).get(
        reverse("intercession:group_guide", args=[group.community.slug, group.pk])
    )
    assert response.status_code == 200
    return response.content.decode()


def test_the_guide_has_the_partners_families_and_this_weeks_requests(group, intercessor):
    page = guide(intercessor, group)
    assert "Prayer guide" in page and "Tuesday Evening" in page
    assert "Tomasz Nowak" in page and "Kraków" in page
    assert "Spouse: Anna · Child: Micah" in page
    assert "Wisdom for the church plant" in page and "Urgent" in page
    assert "Anna&#x27;s visa renewal" in page
    assert "Interview moved to Friday" in page  # since the last meeting
    assert "print.css" in page and 'class="site-header"' not in page


def test_nothing_kept_for_coordinators_goes_on_paper(group, coordinator):
    page = guide(coordinator, group)
    assert "Tomasz Nowak" in page
    assert "Money worries" not in page


@pytest.mark.parametrize("viewer", ["intercessor", "coordinator", "coordinator_two_factor"])
def test_a_sensitive_partner_is_on_paper_by_alias_only(group, viewer, request):
    user = request.getfixturevalue(viewer.removesuffix("_two_factor"))
    if viewer.endswith("two_factor"):
        give_two_factor(user)
    page = guide(user, group)
    assert "A. in Central Asia" in page
    assert CANARY not in page
    assert "Yusuf" not in page


def test_the_group_page_links_to_its_guide(group, intercessor):
    page = client_for(intercessor).get(
        reverse("intercession:group", args=[group.community.slug, group.pk])
    )
    assert "Print this week's guide" in page.content.decode()
    assert reverse("intercession:group_guide", args=[group.community.slug, group.pk]) in (
        page.content.decode()
    )


def test_an_intercessor_of_another_group_does_not_find_it(group, community):
    other = make_member(community, Role.INTERCESSOR)
    make_group(community, members=[other])
    response = client_for(other).get(
        reverse("intercession:group_guide", args=[community.slug, group.pk])
    )
    assert response.status_code == 404
