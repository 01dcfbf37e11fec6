"""Everything about one partner, for the partner themself: their profile and family, their
requests with updates, their check-ins, who prays for them and how often (as their corner
shows it: groups and first names, counts, the notes shared with them, never a private note),
and the testimonies about them they may read. One JSON file."""

from __future__ import annotations

from typing import Any, TextIO
from zoneinfo import ZoneInfo

from django.db.models import Count, Prefetch
from django.db.models.functions import TruncMonth
from django.utils import timezone

from accounts.models import User
from exports.backup import dumps, photo_content
from intercession.models import IntercessorGroup, PrayerLog, people_count
from partnerships.models import CheckIn, Membership, Partner, PrayerRequest
from testimonies.models import Testimony

FORMAT = "epaphras-partner"
VERSION = 1


def partner_data_write(out: TextIO, membership: Membership, partner: Partner) -> None:
    out.write(dumps(partner_data(membership, partner)))
    out.write("\n")


def partner_data(membership: Membership, partner: Partner) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now(),
        "community": membership.community.name,
        "profile": _profile(partner),
        "requests": _requests(partner),
        "checkins": _checkins(partner),
        "prayed_for_you": _prayed(partner),
        "testimonies": _testimonies(membership, partner),
    }


def _profile(partner: Partner) -> dict[str, Any]:
    return {
        "name": partner.name,
        "kind": partner.get_kind_display(),
        "organisation": partner.organisation,
        "role": partner.role_title,
        "location": partner.location,
        "time_zone": partner.time_zone,
        "spouse": partner.spouse_name,
        "children": [
            {"name": child.name, "birth_year": child.birth_year} for child in partner.children.all()
        ],
        "life_notes": partner.life_notes,
        "preferred_way_to_meet": partner.get_meeting_mode_display(),
        "video_call_link": partner.video_link,
        "partnership_started": partner.partnership_started,
        "status": partner.get_status_display(),
        "check_in_rhythm": partner.get_cadence_days_display(),
        "alias": partner.alias if partner.sensitive else "",
        "photo_jpeg_base64": photo_content(partner),
    }


def _requests(partner: Partner) -> list[dict[str, Any]]:
    requests = (
        PrayerRequest.objects.filter(partner=partner)
        .annotate(times=Count("prayer_logs"))
        .prefetch_related("updates__created_by")
        .order_by("created_at", "pk")
    )
    return [
        {
            "request": r.text,
            "category": r.get_category_display(),
            "urgent": r.urgent,
            "who_may_see_it": r.get_visibility_display(),
            "status": r.get_status_display(),
            "added": r.created_at,
            "answered_on": r.answered_on,
            "what_happened": r.answer_note,
            "times_prayed_for": r.times,
            "updates": [
                {
                    "update": u.text,
                    "when": u.created_at,
                    "by": u.created_by.display_name if u.created_by else "",
                }
                for u in sorted(r.updates.all(), key=lambda u: (u.created_at, u.pk))
            ],
        }
        for r in requests
    ]


def _checkins(partner: Partner) -> list[dict[str, Any]]:
    checkins = (
        CheckIn.objects.filter(partner=partner)
        .prefetch_related(Prefetch("attendees", queryset=User.objects.order_by("name", "pk")))
        .order_by("starts_at", "pk")
    )
    return [
        {
            "starts": c.starts_at,
            "ends": c.ends_at,
            "how": c.get_mode_display(),
            "place": c.place,
            "video_link": c.link,
            "status": c.get_status_display(),
            "who_goes": [person.display_name for person in c.attendees.all()],
        }
        for c in checkins
    ]


def _prayed(partner: Partner) -> dict[str, Any]:
    zone = ZoneInfo(partner.time_zone)
    groups = (
        IntercessorGroup.objects.filter(partners=partner)
        .prefetch_related(Prefetch("members", queryset=User.objects.order_by("name", "pk")))
        .order_by("name", "pk")
    )
    months = (
        PrayerLog.objects.filter(partner=partner)
        .annotate(month=TruncMonth("prayed_at", tzinfo=zone))
        .values("month")
        .annotate(prayers=Count("pk"), people=people_count())
        .order_by("month")
    )
    shared = (
        PrayerLog.objects.filter(partner=partner, shared_with_partner=True)
        .exclude(note="")
        .select_related("user")
        .order_by("prayed_at", "pk")
    )
    return {
        "groups": [
            {
                "name": g.name,
                "meets_on": g.get_weekday_display(),
                "members": [member.first_name for member in g.members.all()],
                "paused": g.paused,
            }
            for g in groups
        ],
        "by_month": [
            {
                "month": row["month"].strftime("%Y-%m"),
                "prayers": row["prayers"],
                "people": row["people"],
            }
            for row in months
        ],
        "notes_shared_with_you": [
            {"note": log.note, "by": log.user.first_name if log.user else "", "when": log.prayed_at}
            for log in shared
        ],
    }


def _testimonies(membership: Membership, partner: Partner) -> list[dict[str, Any]]:
    testimonies = (
        Testimony.objects.visible_to(membership)
        .filter(partner=partner)
        .select_related("author", "partner")
        .order_by("created_at", "pk")
    )
    return [
        {
            "title": t.title,
            "what_god_did": t.story,
            "scripture": t.scripture,
            "shared_by": t.author_label(),
            "status": t.get_status_display(),
            "published": t.published_at,
        }
        for t in testimonies
    ]
