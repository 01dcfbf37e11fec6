"""The demo community's partners: every kind, families, requests in every state, check-ins."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from partnerships.models import (
    CheckIn,
    CheckInStatus,
    Child,
    Partner,
    PartnerKind,
    PrayerRequest,
    RequestStatus,
    RequestUpdate,
    ReviewState,
    Visibility,
)

PARTNERS: list[dict[str, Any]] = [
    {
        "name": "Tomasz Nowak",
        "kind": PartnerKind.CHURCH_PLANTER,
        "organisation": "Nowa Droga",
        "role_title": "Church planter",
        "location": "Kraków, Poland",
        "time_zone": "Europe/Warsaw",
        "spouse_name": "Anna",
        "children": [("Micah", 2019), ("Ruth", 2022)],
        "life_notes": "Anna's birthday is 3 March. Their tenth anniversary is in June.\n"
        "Carrying: finding a hall for Sunday gatherings.",
        "meeting_mode": "video",
        "video_link": "https://meet.example.org/tomasz",
        "linked": "partner@example.org",
    },
    {
        "name": "Leila Haddad",
        "kind": PartnerKind.MISSIONARY,
        "organisation": "Open Hands",
        "role_title": "Team leader",
        "location": "Almaty, Kazakhstan",
        "time_zone": "Asia/Almaty",
        "spouse_name": "Yusuf",
        "children": [("Sami", 2016)],
        "life_notes": "Visa renewal every spring. Yusuf teaches English.",
        "meeting_mode": "video",
        "sensitive": True,
        "alias": "L. in Central Asia",
    },
    {
        "name": "Marcus Bell",
        "kind": PartnerKind.MARKETPLACE,
        "organisation": "Bell & Daughters",
        "role_title": "Founder",
        "location": "Manchester",
        "time_zone": "Europe/London",
        "spouse_name": "Claire",
        "children": [("Esther", 2012), ("Jonah", 2015), ("Lydia", 2020)],
        "life_notes": "Runs a bakery that employs people leaving prison.",
        "meeting_mode": "lunch",
    },
    {
        "name": "Pastor Samuel Mensah",
        "kind": PartnerKind.PASTOR,
        "organisation": "Grace Chapel",
        "role_title": "Senior pastor",
        "location": "Leeds",
        "time_zone": "Europe/London",
        "spouse_name": "Abena",
        "children": [],
        "life_notes": "Recovering from knee surgery in the autumn.",
        "meeting_mode": "coffee",
    },
    {
        "name": "Hannah Fischer",
        "kind": PartnerKind.MINISTRY_LEADER,
        "organisation": "Campus Light",
        "role_title": "Student worker",
        "location": "Berlin",
        "time_zone": "Europe/Berlin",
        "spouse_name": "",
        "children": [],
        "life_notes": "Training twelve student leaders this year.",
        "meeting_mode": "phone",
        "status": "paused",
    },
    {
        "name": "Ravi & Priya Kumar",
        "kind": PartnerKind.OTHER,
        "organisation": "Household of Faith",
        "role_title": "Foster carers",
        "location": "Birmingham",
        "time_zone": "Europe/London",
        "spouse_name": "Priya",
        "children": [("Anya", 2018)],
        "life_notes": "Fostering two brothers since September.",
        "meeting_mode": "visit",
    },
]


def seed_partners(community, coordinator, users_by_email) -> list[Partner]:
    now = timezone.now()
    today = timezone.localdate()
    partners = []
    for spec in PARTNERS:
        spec = dict(spec)
        children = spec.pop("children")
        linked = spec.pop("linked", None)
        partner, created = Partner.objects.update_or_create(
            community=community,
            name=spec.pop("name"),
            defaults={
                **spec,
                "partnership_started": today - timedelta(days=400),
                "user": users_by_email.get(linked),
            },
        )
        partner.stewards.set([coordinator])
        partners.append(partner)
        if not created:
            continue
        Child.objects.bulk_create(Child(partner=partner, name=n, birth_year=y) for n, y in children)
        _history(partner, coordinator, now, today)
    return partners


def _history(partner, coordinator, now, today) -> None:
    first = partner.first_name
    # Monthly check-ins held over the last months; the most recent one a little while ago.
    last_gap = {"Marcus": 70, "Samuel": 45, "Leila": 20}.get(first, 12)
    for months_ago in (3, 2, 1):
        starts = (now - timedelta(days=last_gap + 30 * (months_ago - 1))).replace(
            hour=10, minute=0, second=0, microsecond=0
        )
        checkin = CheckIn.objects.create(
            partner=partner,
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
            mode=partner.meeting_mode,
            status=CheckInStatus.HELD,
            created_by=coordinator,
            notes=f"Good time with {first}. Talked about family first, then the work.",
        )
        checkin.attendees.set([coordinator])
    if first in {"Tomasz", "Ravi & Priya"}:
        starts = (now + timedelta(days=9)).replace(hour=10, minute=0, second=0, microsecond=0)
        upcoming = CheckIn.objects.create(
            partner=partner,
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
            mode=partner.meeting_mode,
            place="Café Nero, High Street" if first == "Ravi & Priya" else "",
            link=partner.video_link,
            created_by=coordinator,
        )
        upcoming.attendees.set([coordinator])
    requests = [
        ("For wisdom and favour in the next step of the work.", "ministry", False, 20, None),
        (
            f"Strength and rest for {partner.spouse_name or first} this month.",
            "family",
            True,
            25,
            None,
        ),
        ("Provision for the coming year's budget.", "finances", False, -10, None),
        ("Healing after the winter's long illness.", "health", False, 5, "answered"),
        ("A place to meet on Sundays.", "ministry", False, 5, "closed"),
    ]
    for text, category, urgent, review_in, status in requests:
        request = PrayerRequest.objects.create(
            partner=partner,
            text=text,
            category=category,
            urgent=urgent,
            visibility=Visibility.COORDINATORS
            if partner.sensitive and category == "family"
            else Visibility.GROUPS,
            review_on=today + timedelta(days=review_in),
            created_by=coordinator,
            created_at=now - timedelta(days=40),
        )
        if status == "answered":
            request.status = RequestStatus.ANSWERED
            request.answered_on = today - timedelta(days=30 * (len(partner.name) % 5))
            request.answer_note = "Fully recovered, and back at work with new energy."
        elif status == "closed":
            request.status, request.closed_at = RequestStatus.CLOSED, now - timedelta(days=3)
        request.save()
        if category == "ministry" and status is None:
            RequestUpdate.objects.create(
                request=request,
                text="Met two new families this week.",
                created_by=coordinator,
                created_at=now - timedelta(days=6),
            )
    if partner.user_id is not None:
        # Written by the partner themself, in a community with a sensitive partner: it waits
        # on the coordinator's home for review before it reaches anyone's list.
        PrayerRequest.objects.create(
            partner=partner,
            text=f"Favour at the city hall in {partner.location or 'town'} about the new hall.",
            category="ministry",
            review=ReviewState.WAITING,
            created_by=partner.user,
            created_at=now - timedelta(hours=5),
        )
