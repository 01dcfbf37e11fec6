"""A community with at least one row of every table a backup holds, and a sensitive partner
whose name, place and request carry canary strings that must not leave without two-factor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import User
from intercession.models import (
    DailyListVisit,
    GroupInvitation,
    GroupMeeting,
    GroupReminder,
    PrayerLog,
    RequestSnooze,
    Season,
    SeasonDay,
    SeasonHour,
)
from notifications.models import Preference
from partnerships.models import AuditEvent, Child, Community, Membership, Partner, Role
from testimonies.models import TestimonyNotice, Thanks
from tests.factories import (
    make_checkin,
    make_community,
    make_group,
    make_invitation,
    make_member,
    make_partner,
    make_request,
    make_testimony,
    png_bytes,
)

CANARIES = ("Zarafshan-Canary-Name", "Canary-Valley-Location", "canary-request-text-7731")


@dataclass
class Full:
    community: Community
    coordinator: User
    intercessor: User
    partner_user: User
    partner: Partner
    other: Partner
    sensitive: Partner
    sensitive_user: User


def full_community() -> Full:
    community = make_community(name="Riverside House of Prayer")
    coordinator = make_member(community, Role.COORDINATOR, name="Grace Whitfield")
    intercessor = make_member(community, Role.INTERCESSOR, name="Daniel Okafor")
    partner_user = make_member(community, Role.PARTNER, name="Tomasz Nowak")
    sensitive_user = make_member(community, Role.PARTNER, name=CANARIES[0])
    leaver = make_member(community, Role.INTERCESSOR, name="Ruth Former")
    now = timezone.now()
    for person in (coordinator, intercessor, partner_user):
        Preference.new(person, now).save()
    partner = make_partner(
        community,
        name="Tomasz Nowak",
        user=partner_user,
        location="Kraków",
        spouse_name="Anna",
        life_notes='=HYPERLINK("http://evil.example")',
        partnership_started=timezone.localdate() - timedelta(days=400),
    )
    partner.stewards.add(coordinator)
    partner.photo.save("p.jpg", ContentFile(png_bytes()))
    Child.objects.create(partner=partner, name="Micah", birth_year=2018)
    other = make_partner(community, name="Marcus Bell", location="Leeds")
    sensitive = make_partner(
        community,
        name=CANARIES[0],
        location=CANARIES[1],
        user=sensitive_user,
        sensitive=True,
        alias="Z. in Central Asia",
    )
    Child.objects.create(partner=sensitive, name="Canary-Child", birth_year=2020)
    make_invitation(community, invited_by=coordinator)
    make_invitation(community, email="sensitive.new@example.org", invited_by=coordinator)
    invited_partner = make_invitation(
        community, email="zarafshan-canary-name@example.org", role=Role.PARTNER
    )
    invited_partner.partner = sensitive
    invited_partner.save()

    held = make_checkin(partner, starts_in_days=-10, status="held", notes="Good coffee.")
    held.attendees.add(coordinator, partner_user)
    make_checkin(sensitive, starts_in_days=3, place=CANARIES[1])
    request = make_request(partner, text="For the visa", checkin=held, urgent=True)
    answered = make_request(
        partner, text="For Anna's surgery", status="answered", answered_on=timezone.localdate()
    )
    private = make_request(other, text="Marcus's private matter", visibility="coordinators")
    secret = make_request(sensitive, text=CANARIES[2])
    request.updates.create(text="Moved to Friday", created_by=coordinator)
    secret.updates.create(text="Canary-update", created_by=coordinator)
    AuditEvent.objects.create(
        community=community,
        partner=sensitive,
        alias=sensitive.alias,
        user=coordinator,
        action="opened",
        what="the partner's page",
    )

    group = make_group(
        community, members=[intercessor, coordinator], partners=[partner, other, sensitive]
    )
    group.leader = intercessor
    group.save()
    # An intercessor invited from a spreadsheet with a place kept in the group.
    GroupInvitation.objects.create(
        group=group,
        invitation=make_invitation(community, email="imported.intercessor@example.org"),
    )
    meeting = GroupMeeting.objects.create(
        group=group, met_on=timezone.localdate(), notes="We prayed.", recorded_by=intercessor
    )
    meeting.attendees.add(intercessor, coordinator)
    PrayerLog.objects.create(
        user=intercessor, partner=partner, request=request, note="Ps 121", shared_with_partner=True
    )
    PrayerLog.objects.create(user=coordinator, partner=other, request=private, fasted=True)
    PrayerLog.objects.create(
        user=intercessor, partner=partner, kind="group", group=group, meeting=meeting
    )
    PrayerLog.objects.create(
        user=intercessor, partner=sensitive, request=secret, note="canary prayer note"
    )
    PrayerLog.objects.create(user=leaver, partner=other)  # then Ruth left the community
    Membership.objects.filter(user=leaver).delete()
    # A prayer of someone who has since deleted their account: nobody's, counted once.
    PrayerLog.objects.create(user=None, former_person=48151623, partner=partner, request=request)
    DailyListVisit.objects.create(user=intercessor, community=community, seen_at=now)
    RequestSnooze.objects.create(user=intercessor, request=request, until=now + timedelta(days=7))
    GroupReminder.objects.create(group=group, user=intercessor, next_at=now, time_zone="UTC")
    season = Season.objects.create(
        community=community,
        title="Twenty-one days",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + timedelta(days=20),
        time_zone="Europe/London",
        created_by=coordinator,
    )
    focus = SeasonDay.objects.create(season=season, day=season.starts_on, focus="Families")
    focus.partners.add(partner, sensitive)
    focus.requests.add(request, secret)
    SeasonHour.objects.create(season=season, user=intercessor, hour=6, fasting=True)
    SeasonHour.objects.create(season=season, user=sensitive_user, hour=7, day=season.starts_on)

    testimony = make_testimony(answered, author=coordinator, published=True, title="Healed")
    TestimonyNotice.objects.create(testimony=testimony, user=intercessor, times_prayed=3)
    Thanks.objects.create(testimony=testimony, user=partner_user)
    make_testimony(
        make_request(sensitive, status="answered", answered_on=timezone.localdate()),
        author=coordinator,
        published=True,
        title="Canary-testimony",
    )
    return Full(
        community,
        coordinator,
        intercessor,
        partner_user,
        partner,
        other,
        sensitive,
        sensitive_user,
    )
