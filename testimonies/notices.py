"""The emails of testimonies, each its own kind with its own unsubscribe:

- “your prayer was answered”, one delivery per person per testimony. A sensitive partner
  appears by alias only, with neither the title nor the story: just a link to the signed-in
  page.
- the partner's weekly encouragement, on the day they chose: who carried them, how often, the
  notes intercessors shared, what was answered. A sensitive partner's says only that they were
  carried this week, with a link to the signed-in corner: no name, no community, no request,
  no intercessor.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.template.defaultfilters import truncatechars
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from notifications import kinds
from notifications.emails import absolute
from notifications.kinds import KindSpec, Message, NothingToSend
from notifications.models import Delivery, Kind
from partnerships.models import Membership, Partner, PartnerStatus, Role
from testimonies.models import Testimony, TestimonyNotice, TestimonyStatus
from testimonies.selectors import carried_week, partner_profiles_of


def latest_notice(user: User) -> int:
    """The last testimony this person was told of, to send its notice again."""
    notice = TestimonyNotice.objects.filter(user=user).order_by("-created_at").first()
    if notice is None:
        raise LookupError(f"{user.email} has not been told of a testimony yet.")
    return notice.testimony_id


def setting_label(user: User) -> str | None:
    if Membership.objects.filter(user=user, role=Role.PARTNER).exists():
        return _("Tell me when a request I prayed for, or one of my own, is answered")
    return None


def testimony_notice(delivery: Delivery, shared: object) -> Message:
    testimony_id = delivery.about_id
    testimony = (
        Testimony.objects.select_related("partner__community")
        .filter(pk=testimony_id, status=TestimonyStatus.PUBLISHED)
        .first()
        if testimony_id is not None
        else None
    )
    if testimony is None:
        raise NothingToSend("the testimony was unpublished or removed")
    notice = TestimonyNotice.objects.filter(testimony=testimony, user=delivery.user).first()
    if notice is None:
        raise NothingToSend("no notice for this person")
    partner = testimony.partner
    about_you = testimony.is_about(delivery.user)
    context = {
        "about_you": about_you,
        # For the partner: how many of those who prayed hear of it with them.
        "told": testimony.notices.exclude(user=delivery.user).count() if about_you else 0,
        "name": partner.public_name,
        "sensitive": partner.sensitive,
        "title": "" if partner.sensitive else testimony.title,
        "excerpt": "" if partner.sensitive else truncatechars(testimony.story, 400),
        "scripture": "" if partner.sensitive else testimony.scripture,
        "times": notice.times_prayed,
        "community": partner.community,
        "testimony_url": absolute(
            reverse("testimonies:testimony", args=[partner.community.slug, testimony.pk])
        ),
    }
    return "testimonies/email/notice", context, []


def partnered(users: QuerySet[User]) -> QuerySet[User]:
    """The people an encouragement can reach: partner members linked to an active profile."""
    return users.filter(
        Exists(
            Partner.objects.filter(
                user=OuterRef("pk"),
                status=PartnerStatus.ACTIVE,
                community__memberships__user=OuterRef("pk"),
                community__memberships__role=Role.PARTNER,
            )
        )
    )


def encouragement_sample(user: User) -> None:
    if not partnered(User.objects.filter(pk=user.pk)).exists():
        raise LookupError(f"{user.email} is not linked to an active partner profile.")


def encouragement_message(delivery: Delivery, shared: object) -> Message:
    """The seven days before the email fell due, for each of the person's partner profiles
    someone prayed for."""
    end = delivery.due_at
    start = end - timedelta(days=7)
    sections: list[dict[str, Any]] = []
    for partner in partner_profiles_of(delivery.user):
        week = carried_week(partner, start, end)
        if not week.prayers:
            continue
        if partner.sensitive:
            # Only that they were carried: not the count, not a name, not the community.
            sections.append({"sensitive": True})
            continue
        sections.append(
            {
                "sensitive": False,
                "community": partner.community.name,
                "prayers": week.prayers,
                "people": week.people,
                "more_people": week.more_people,
                "groups": [
                    {"name": g.name, "members": [m.first_name for m in g.members.all()]}
                    for g in week.groups
                ],
                "notes": [
                    {"name": log.user.first_name if log.user else _("Someone"), "text": log.note}
                    for log in week.notes
                ],
                "answered": [r.text for r in week.answered],
            }
        )
    if not sections:
        raise NothingToSend("nobody logged a prayer for them this week")
    return (
        "testimonies/email/encouragement",
        {
            "sections": sections,
            "for_partner": True,
            "corner_url": absolute(reverse("testimonies:my_corner")),
        },
        [],
    )


def register() -> None:
    kinds.register(
        KindSpec(
            kind=Kind.TESTIMONY,
            build=testimony_notice,
            about="testimony",
            sample=latest_notice,
            setting_label=setting_label,
        )
    )
    kinds.register(
        KindSpec(
            kind=Kind.ENCOURAGEMENT,
            build=encouragement_message,
            audience=partnered,
            sample=encouragement_sample,
        )
    )
