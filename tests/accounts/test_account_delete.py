"""A person deletes their account: the page says what goes, the last coordinator of a
community is refused, and their prayers keep counting for the partners without their name."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.services import account_delete
from intercession.models import GroupReminder, IntercessorGroup, PrayerLog
from intercession.selectors import request_carried
from notifications.models import Delivery, Preference
from notifications.send import send_batch
from overview.selectors import dashboard_rows
from partnerships.models import CalendarFeed, Invitation, Membership, Role
from testimonies.selectors import corner_get
from testimonies.services import testimony_publish
from tests.conftest import client_for
from tests.factories import (
    PASSWORD,
    give_two_factor,
    make_group,
    make_invitation,
    make_member,
    make_partner,
    make_request,
    make_testimony,
)

pytestmark = pytest.mark.django_db

URL = reverse("overview:account_delete")


def reauthenticated(user: User):
    """A client signed in as ``user`` who has just given their password again, as deleting an
    account asks (allauth's reauthentication)."""
    client = client_for(user)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    return client


@pytest.fixture
def carried(community, coordinator, intercessor, partner):
    """Tomasz (whose own account is ``partner``) carried by Daniel (the intercessor, three
    prayers, one with a shared note) and by Grace (the coordinator, two prayers)."""
    tomasz = make_partner(community, name="Tomasz Nowak", user=partner)
    visa = make_request(tomasz, text="Favour at the visa office")
    group = make_group(community, members=[intercessor, coordinator], partners=[tomasz])
    for n in range(3):
        PrayerLog.objects.create(
            user=intercessor,
            partner=tomasz,
            request=visa,
            note="Daniel's own words" if n == 0 else "",
            shared_with_partner=n == 0,
            client_key=f"k{n}",
        )
    for _n in range(2):
        PrayerLog.objects.create(user=coordinator, partner=tomasz, request=visa)
    GroupReminder.objects.create(
        group=group, user=intercessor, next_at=timezone.now(), time_zone="Europe/London"
    )
    CalendarFeed.objects.create(user=intercessor)
    Preference.objects.create(user=intercessor)
    return {"tomasz": tomasz, "visa": visa, "group": group}


def numbers(carried, coordinator, partner) -> dict:
    """Every count of Tomasz's prayers that people see: his corner, the request's page, the
    coordinators' dashboard."""
    tomasz = carried["tomasz"]
    corner = corner_get(Membership.objects.get(user=partner), tomasz)
    request = request_carried(carried["visa"])
    (row,) = [r for r in dashboard_rows(Membership.objects.get(user=coordinator)) if r == tomasz]
    return {
        "corner": (corner.prayers_this_month, corner.people_this_month),
        "request": (request.times, request.people),
        "dashboard": (row.activity.last_7_days, row.activity.last_30_days),
    }


def test_the_page_names_what_goes(carried, intercessor, community):
    page = client_for(intercessor).get(URL).content.decode()
    assert community.name in page
    assert "Your place in a weekly group" in page
    assert "The note you wrote with a prayer" in page
    assert "Your reminder settings" in page
    assert "Your calendar feed" in page
    assert "Your 3 prayers keep counting" in page
    assert User.objects.filter(pk=intercessor.pk).exists()  # a GET deletes nothing


def test_deleting_keeps_every_count_of_their_prayers(carried, intercessor, coordinator, partner):
    before = numbers(carried, coordinator, partner)
    assert before == {"corner": (5, 2), "request": (5, 2), "dashboard": (5, 5)}
    corner_before = client_for(partner).get(
        reverse("testimonies:corner", kwargs={"slug": carried["tomasz"].community.slug})
    )
    assert "Daniel&#x27;s own words" in corner_before.content.decode()

    response = reauthenticated(intercessor).post(URL, {"confirmation": intercessor.email.upper()})

    assert response.status_code == 302 and response["Location"] == reverse("partnerships:home")
    assert not User.objects.filter(pk=intercessor.pk).exists()
    assert numbers(carried, coordinator, partner) == before
    corner = client_for(partner).get(
        reverse("testimonies:corner", kwargs={"slug": carried["tomasz"].community.slug})
    )
    page = corner.content.decode()
    assert re.search(r"prayed for 5 times\s+by 2 people", page)
    assert "Daniel" not in page
    kept = PrayerLog.objects.filter(user=None)
    assert kept.count() == 3
    assert set(kept.values_list("note", "shared_with_partner", "client_key")) == {("", False, "")}
    assert len(set(kept.values_list("former_person", flat=True))) == 1


def test_two_deleted_people_still_count_as_two(carried, intercessor, coordinator, partner):
    staying = make_member(carried["tomasz"].community, Role.COORDINATOR)  # so Grace may go
    before = numbers(carried, staying, partner)
    account_delete(user=intercessor)
    account_delete(user=coordinator)
    assert numbers(carried, staying, partner) == before


def test_what_was_theirs_alone_goes(carried, intercessor, community, coordinator):
    give_two_factor(intercessor)
    invited = make_invitation(community, email=intercessor.email.upper(), invited_by=coordinator)
    invited.accepted_by, invited.accepted_at = intercessor, timezone.now()
    invited.save()
    kept = make_invitation(community, invited_by=coordinator)
    account_delete(user=intercessor)
    assert list(Invitation.objects.all()) == [kept]
    assert not EmailAddress.objects.filter(email=intercessor.email).exists()
    assert not Authenticator.objects.filter(user_id=intercessor.pk).exists()
    assert not Membership.objects.filter(user_id=intercessor.pk).exists()
    assert not CalendarFeed.objects.filter(user_id=intercessor.pk).exists()
    assert not Preference.objects.filter(user_id=intercessor.pk).exists()
    assert not GroupReminder.objects.filter(user_id=intercessor.pk).exists()
    assert not IntercessorGroup.members.through.objects.filter(user_id=intercessor.pk).exists()


def test_the_last_coordinator_is_refused_and_nothing_changes(carried, community, coordinator):
    Membership.objects.filter(community=community, role=Role.COORDINATOR).exclude(
        user=coordinator
    ).delete()
    PrayerLog.objects.filter(user=coordinator).update(note="Grace's note")

    response = reauthenticated(coordinator).post(URL, {"confirmation": coordinator.email})

    assert response.status_code == 200
    assert f"You are the only coordinator of {community.name}" in response.content.decode()
    assert User.objects.filter(pk=coordinator.pk).exists()
    assert PrayerLog.objects.filter(user=coordinator, note="Grace's note").count() == 2
    with pytest.raises(ValidationError):
        account_delete(user=coordinator)


def test_a_coordinator_with_another_coordinator_may_go(carried, community, coordinator):
    make_member(community, Role.COORDINATOR)
    account_delete(user=coordinator)
    assert not User.objects.filter(pk=coordinator.pk).exists()


def test_the_wrong_confirmation_deletes_nothing(carried, intercessor):
    response = reauthenticated(intercessor).post(URL, {"confirmation": "someone@example.org"})
    assert response.status_code == 200
    assert "Type it exactly as shown" in response.content.decode()
    assert User.objects.filter(pk=intercessor.pk).exists()


def test_their_waiting_emails_are_not_sent(carried, intercessor):
    waiting = Delivery.objects.create(
        user=intercessor, kind="daily", local_date=timezone.localdate(), due_at=timezone.now()
    )
    account_delete(user=intercessor)
    assert send_batch([waiting.pk]) == []
    assert not mail.outbox


def test_publishing_a_testimony_after_they_left_tells_only_those_still_here(
    carried, intercessor, coordinator, partner
):
    account_delete(user=intercessor)
    answered = carried["visa"]
    answered.status = "answered"
    answered.answered_on = timezone.localdate()
    answered.save()
    testimony = make_testimony(answered, author=coordinator)
    testimony_publish(testimony=testimony)
    assert {notice.user_id for notice in testimony.notices.all()} == {partner.pk}


def test_an_open_session_alone_cannot_delete_the_account(carried, intercessor):
    """Someone at a computer left signed in: the password is asked first, then the deletion
    the person asked for goes ahead."""
    client = client_for(intercessor)
    response = client.post(URL, {"confirmation": intercessor.email})
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert User.objects.filter(pk=intercessor.pk).exists()
    wrong = client.post(response["Location"], {"password": "not the password"})
    assert wrong.status_code == 200 and User.objects.filter(pk=intercessor.pk).exists()
    client.post(response["Location"], {"password": PASSWORD})
    assert not User.objects.filter(pk=intercessor.pk).exists()


def test_everyone_reaches_the_page_from_their_profile(intercessor):
    page = client_for(intercessor).get(reverse("accounts:profile")).content.decode()
    assert URL in page
