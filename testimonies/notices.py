"""The “your prayer was answered” email, sent through the reminder machinery as its own kind:
its own unsubscribe, one delivery per person per testimony. A sensitive partner appears by
alias only, with neither the title nor the story: just a link to the signed-in page."""

from __future__ import annotations

from django.template.defaultfilters import truncatechars
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from notifications import kinds
from notifications.emails import absolute
from notifications.kinds import KindSpec, Message, NothingToSend
from notifications.models import Delivery, Kind
from partnerships.models import Membership, Role
from testimonies.models import Testimony, TestimonyNotice, TestimonyStatus


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
