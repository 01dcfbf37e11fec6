"""A member leaves a community; a coordinator ends a partnership, then deletes the partner's
data after reading what goes."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db.models import ForeignKey, ManyToManyRel, OneToOneRel
from django.urls import reverse
from django.utils import timezone

from intercession.models import GroupReminder, IntercessorGroup, PrayerLog
from intercession.selectors import daily_list
from notifications import kinds
from notifications.models import Delivery, DeliveryStatus
from notifications.send import send_batch
from partnerships import services
from partnerships.models import (
    AuditEvent,
    CheckInStatus,
    Child,
    Membership,
    Partner,
    PartnerStatus,
    RequestUpdate,
    Role,
)
from testimonies.models import TestimonyNotice
from tests.conftest import client_for
from tests.factories import (
    give_two_factor,
    make_checkin,
    make_group,
    make_member,
    make_partner,
    make_request,
    make_testimony,
    png_bytes,
)

pytestmark = pytest.mark.django_db


def url(name: str, partner: Partner) -> str:
    return reverse(name, kwargs={"slug": partner.community.slug, "pk": partner.pk})


# A member leaves ---------------------------------------------------------------------------


def test_a_member_reads_what_happens_then_leaves(community, intercessor, coordinator):
    tomasz = make_partner(community)
    group = make_group(community, members=[intercessor, coordinator], partners=[tomasz])
    group.leader = intercessor
    group.save()
    GroupReminder.objects.create(
        group=group, user=intercessor, next_at=timezone.now(), time_zone="Europe/London"
    )
    PrayerLog.objects.create(user=intercessor, partner=tomasz)
    client = client_for(intercessor)
    leave = reverse("partnerships:community_leave", kwargs={"slug": community.slug})

    page = client.get(leave).content.decode()
    assert f"Leave {community.name}?" in page and "Your prayers keep counting" in page
    assert Membership.objects.filter(user=intercessor, community=community).exists()

    response = client.post(leave)

    assert response["Location"] == reverse("partnerships:home")
    assert not Membership.objects.filter(user=intercessor, community=community).exists()
    assert list(group.members.all()) == [coordinator]
    group.refresh_from_db()
    assert group.leader is None
    assert not GroupReminder.objects.filter(user=intercessor).exists()
    assert PrayerLog.objects.filter(user=intercessor, partner=tomasz).count() == 1
    today = reverse("intercession:today", kwargs={"slug": community.slug})
    assert client.get(today).status_code == 404


def test_leaving_one_community_keeps_the_groups_of_another(community, other_community):
    person = make_member(community, Role.INTERCESSOR)
    Membership.objects.create(user=person, community=other_community, role=Role.INTERCESSOR)
    elsewhere = make_group(other_community, members=[person])
    services.membership_leave(membership=Membership.objects.get(user=person, community=community))
    assert list(elsewhere.members.all()) == [person]


def test_the_last_coordinator_cannot_leave(community, coordinator):
    client = client_for(coordinator)
    leave = reverse("partnerships:community_leave", kwargs={"slug": community.slug})
    response = client.post(leave, follow=True)
    assert f"You are the only coordinator of {community.name}" in response.content.decode()
    assert Membership.objects.filter(user=coordinator, community=community).exists()


def test_a_coordinator_leaves_when_another_remains(community, coordinator):
    make_member(community, Role.COORDINATOR)
    services.membership_leave(membership=Membership.objects.get(user=coordinator))
    assert not Membership.objects.filter(user=coordinator).exists()


def test_the_profile_lists_each_community_to_leave(community, intercessor):
    page = client_for(intercessor).get(reverse("accounts:profile")).content.decode()
    assert reverse("partnerships:community_leave", kwargs={"slug": community.slug}) in page


# A partnership ends ------------------------------------------------------------------------


@pytest.fixture
def tomasz(community, coordinator, intercessor):
    """Tomasz, adopted by the intercessor's group, with a request, a check-in coming up and a
    testimony."""
    tomasz = make_partner(community, name="Tomasz Nowak", spouse_name="Anna")
    make_group(community, members=[intercessor], partners=[tomasz], name="Tuesday Evening")
    make_request(tomasz, text="Favour at the visa office")
    return tomasz


def test_ending_a_partnership_takes_them_off_every_list(
    tomasz, community, coordinator, intercessor
):
    checkin = make_checkin(tomasz)
    intercessor_membership = Membership.objects.get(user=intercessor)
    assert [card.partner for card in daily_list(intercessor_membership).cards] == [tomasz]
    client = client_for(coordinator)

    page = client.get(url("partnerships:partner_end", tomasz)).content.decode()
    assert "End the partnership with Tomasz Nowak?" in page
    assert "Their scheduled check-in is cancelled" in page
    tomasz.refresh_from_db()
    assert tomasz.status == PartnerStatus.ACTIVE  # a GET changes nothing

    response = client.post(url("partnerships:partner_end", tomasz))

    assert response["Location"] == url("partnerships:partner", tomasz)
    tomasz.refresh_from_db()
    checkin.refresh_from_db()
    assert tomasz.status == PartnerStatus.ENDED
    assert checkin.status == CheckInStatus.CANCELLED
    assert daily_list(intercessor_membership).cards == []
    assert not Partner.objects.adopted_by([intercessor.pk]).exists()
    group = IntercessorGroup.objects.get(name="Tuesday Evening")
    group_page = client_for(intercessor).get(
        reverse("intercession:group", kwargs={"slug": community.slug, "pk": group.pk})
    )
    assert "Tomasz" not in group_page.content.decode()
    # History stays readable to coordinators.
    detail = client.get(url("partnerships:partner", tomasz)).content.decode()
    assert "Favour at the visa office" in detail and "Delete their data" in detail


def test_an_ended_partners_reminders_do_not_go(tomasz, coordinator):
    checkin = make_checkin(tomasz, starts_in_days=1)
    checkin.attendees.add(coordinator)
    waiting = Delivery.objects.create(
        user=coordinator,
        kind="checkin_eve",
        topic=kinds.get("checkin_eve").topic(checkin.pk),
        local_date=timezone.localdate(),
        due_at=timezone.now(),
    )
    services.partner_end(partner=tomasz, by=Membership.objects.get(user=coordinator))
    assert send_batch([waiting.pk]) == []
    waiting.refresh_from_db()
    assert waiting.status == DeliveryStatus.SKIPPED and not mail.outbox


# A partner's data is deleted ---------------------------------------------------------------


@pytest.fixture
def ended(tomasz, coordinator, intercessor, partner):
    """Tomasz, ended, with everything a partnership gathers: family, photo, requests with
    updates, check-ins with notes, prayers with notes, a testimony and its notices, an
    invitation, his own account."""
    tomasz.user = partner
    tomasz.photo.save("p.png", ContentFile(png_bytes()))
    tomasz.save()
    Child.objects.create(partner=tomasz, name="Micah", birth_year=2018)
    visa = tomasz.requests.get()
    RequestUpdate.objects.create(request=visa, text="Interview on Friday", created_by=coordinator)
    answered = make_request(tomasz, status="answered", answered_on=timezone.localdate())
    make_checkin(tomasz, starts_in_days=-30, notes="He is tired", status="held")
    make_checkin(tomasz, starts_in_days=10)  # cancelled as the partnership ends
    PrayerLog.objects.create(user=intercessor, partner=tomasz, request=visa, note="Psalm 121")
    testimony = make_testimony(answered, author=coordinator, published=True)
    TestimonyNotice.objects.create(testimony=testimony, user=intercessor)
    tomasz.invitations.create(
        community=tomasz.community, email="tomasz@example.org", role=Role.PARTNER
    )
    tomasz.stewards.add(coordinator)
    services.partner_end(partner=tomasz, by=Membership.objects.get(user=coordinator))
    tomasz.refresh_from_db()
    return tomasz


def rows_naming(partner_pk):
    """Every row of every model that points at the partner (foreign keys and many-to-many
    tables), counted: what deleting them must leave at zero."""
    found = {}
    for relation in Partner._meta.get_fields():
        if isinstance(relation, ManyToManyRel):
            through = relation.through
            column = next(
                f.name
                for f in through._meta.get_fields()
                if isinstance(f, ForeignKey) and f.related_model is Partner
            )
            found[through.__name__] = through.objects.filter(**{column: partner_pk}).count()
        elif isinstance(relation, OneToOneRel) or relation.one_to_many:
            model = relation.related_model
            found[model.__name__] = model.objects.filter(
                **{relation.field.name: partner_pk}
            ).count()
        elif relation.many_to_many and relation.concrete:  # Partner.stewards
            through = relation.remote_field.through
            found[through.__name__] = through.objects.filter(partner_id=partner_pk).count()
    return found


def test_the_page_names_what_goes_and_asks_for_the_name(ended, coordinator):
    page = client_for(coordinator).get(url("overview:partner_delete", ended)).content.decode()
    for said in [
        "Delete everything about Tomasz Nowak?",
        "the photo",
        "The family: their spouse's and child's names.",
        "2 prayer requests with its update",
        "2 check-ins (one with notes)",
        "1 prayer logged for them, with its note",
        "1 testimony",
        "The invitation to their own page.",
        "Their own account stays a member",
        "Type “Tomasz Nowak” to delete their data",
    ]:
        assert said in page, said


def test_deleting_a_partner_leaves_no_row_that_names_them(
    ended, coordinator, django_capture_on_commit_callbacks
):
    pk, photo = ended.pk, Path(ended.photo.path)
    assert photo.exists()
    before = rows_naming(pk)
    assert all(before[name] for name in ["Child", "PrayerRequest", "CheckIn", "PrayerLog"])
    assert all(before[name] for name in ["Testimony", "Invitation", "Partner_stewards"])
    assert before["IntercessorGroup_partners"] == 1

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(coordinator).post(
            url("overview:partner_delete", ended), {"confirmation": " tomasz  NOWAK "}
        )

    assert response["Location"] == reverse(
        "partnerships:partner_list", kwargs={"slug": ended.community.slug}
    )
    assert not Partner.objects.filter(pk=pk).exists()
    assert set(rows_naming(pk).values()) == {0}
    assert not RequestUpdate.objects.filter(text="Interview on Friday").exists()
    assert not TestimonyNotice.objects.exists()
    assert not photo.exists()
    listing = client_for(coordinator).get(response["Location"]).content.decode()
    assert "Tomasz" not in listing


def test_the_wrong_name_deletes_nothing(ended, coordinator):
    response = client_for(coordinator).post(
        url("overview:partner_delete", ended), {"confirmation": "Tomasz"}
    )
    assert response.status_code == 200
    assert "Type it exactly as shown" in response.content.decode()
    assert Partner.objects.filter(pk=ended.pk).exists()
    with pytest.raises(ValidationError):
        services.partner_delete(
            partner=ended, by=Membership.objects.get(user=coordinator), confirmation="Tom"
        )


def test_only_an_ended_partnership_can_be_deleted(tomasz, coordinator):
    client = client_for(coordinator)
    response = client.post(url("overview:partner_delete", tomasz), {"confirmation": tomasz.name})
    assert response["Location"] == url("partnerships:partner_end", tomasz)
    assert Partner.objects.filter(pk=tomasz.pk).exists()
    with pytest.raises(ValidationError):
        services.partner_delete(
            partner=tomasz, by=Membership.objects.get(user=coordinator), confirmation=tomasz.name
        )


def test_an_outsider_cannot_delete_another_communitys_partner(ended, outsider):
    client = client_for(outsider)
    assert client.get(url("overview:partner_delete", ended)).status_code == 404
    response = client.post(url("overview:partner_delete", ended), {"confirmation": ended.name})
    assert response.status_code == 404
    assert client.post(url("partnerships:partner_end", ended)).status_code == 404
    assert Partner.objects.filter(pk=ended.pk).exists()


def test_waiting_emails_about_a_deleted_partner_do_not_go(ended, coordinator, intercessor):
    checkin = make_checkin(ended, starts_in_days=1)
    checkin.attendees.add(coordinator)
    testimony = ended.testimonies.get()
    today, now = timezone.localdate(), timezone.now()
    waiting = [
        Delivery.objects.create(
            user=coordinator,
            kind="checkin_eve",
            topic=kinds.get("checkin_eve").topic(checkin.pk),
            local_date=today,
            due_at=now,
        ),
        Delivery.objects.create(
            user=intercessor,
            kind="testimony",
            topic=kinds.get("testimony").topic(testimony.pk),
            local_date=today,
            due_at=now,
        ),
    ]
    services.partner_delete(
        partner=ended, by=Membership.objects.get(user=coordinator), confirmation=ended.name
    )
    assert send_batch([d.pk for d in waiting]) == []
    assert {d.status for d in Delivery.objects.filter(pk__in=[d.pk for d in waiting])} == {
        DeliveryStatus.SKIPPED
    }
    assert not mail.outbox


def test_a_sensitive_partners_trail_keeps_only_the_alias(community, coordinator):
    give_two_factor(coordinator)
    hidden = make_partner(community, name="CANARY-NAME", alias="A. in Central Asia", sensitive=True)
    by = Membership.objects.get(user=coordinator)
    services.partner_end(partner=hidden, by=by)
    hidden.refresh_from_db()
    services.partner_delete(partner=hidden, by=by, confirmation="a. in central asia")
    events = AuditEvent.objects.filter(community=community)
    assert [e.what for e in events] == [
        "the partner's data (deleted)",
        "the partnership (ended)",
    ]
    assert set(events.values_list("alias", flat=True)) == {"A. in Central Asia"}
    assert not Partner.objects.filter(name="CANARY-NAME").exists()


def test_the_trail_of_a_partner_no_longer_sensitive_loses_their_name(community, coordinator):
    """A partner made not sensitive had their last events recorded under the name they then
    went by (``audit_record``'s ``was_sensitive``): deleting them leaves none of it."""
    once_hidden = make_partner(community, name="CANARY-NAME", status="ended")
    AuditEvent.objects.create(
        community=community, partner=once_hidden, alias="CANARY-NAME", action="changed", what="x"
    )
    services.partner_delete(
        partner=once_hidden, by=Membership.objects.get(user=coordinator), confirmation="canary-name"
    )
    assert not AuditEvent.objects.filter(alias__contains="CANARY").exists()
