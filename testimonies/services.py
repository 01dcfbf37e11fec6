"""Writing, publishing and answering testimonies. Each function holds its transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from intercession.models import PrayerLog
from notifications.models import Kind
from notifications.services import delivery_queue, delivery_resume
from partnerships.models import Partner, PrayerRequest, RequestStatus
from testimonies.models import Audience, Testimony, TestimonyNotice, TestimonyStatus, Thanks

# A CharField, so it has a max_length.
SCRIPTURE_MAX = cast(int, Testimony._meta.get_field("scripture").max_length)


def _cleaned(
    *,
    partner: Partner,
    title: str,
    story: str,
    scripture: str,
    audience: str,
    requests: Iterable[PrayerRequest],
) -> dict:
    errors: dict[str, str] = {}
    title, story, scripture = title.strip(), story.strip(), scripture.strip()
    if not title:
        errors["title"] = _("Give the testimony a title.")
    if not story:
        errors["story"] = _("Tell the story: what did God do?")
    if len(scripture) > SCRIPTURE_MAX:
        errors["scripture"] = _(
            "Keep the scripture reference to %(max)d characters, such as “Psalm 126:3”."
        ) % {"max": SCRIPTURE_MAX}
    if audience not in Audience.values:
        errors["audience"] = _("Choose who may read it.")
    requests = list(requests)
    if not requests:
        errors["requests"] = _("Choose the answered request this testimony tells of.")
    elif any(r.partner_id != partner.pk or r.status != RequestStatus.ANSWERED for r in requests):
        errors["requests"] = _("A testimony tells of answered requests of its own partner only.")
    if errors:
        raise ValidationError(errors)
    return {
        "title": title,
        "story": story,
        "scripture": scripture,
        "audience": audience,
        "requests": requests,
    }


@transaction.atomic
def testimony_create(
    *,
    partner: Partner,
    author: User,
    title: str,
    story: str,
    scripture: str = "",
    audience: str = Audience.COMMUNITY,
    requests: Iterable[PrayerRequest],
) -> Testimony:
    """A draft: nobody but its author and the coordinators sees it until it is published."""
    data = _cleaned(
        partner=partner,
        title=title,
        story=story,
        scripture=scripture,
        audience=audience,
        requests=requests,
    )
    answered = data.pop("requests")
    testimony = Testimony.objects.create(partner=partner, author=author, **data)
    testimony.requests.set(answered)
    return testimony


@transaction.atomic
def testimony_edit(
    *,
    testimony: Testimony,
    title: str,
    story: str,
    scripture: str = "",
    audience: str,
    requests: Iterable[PrayerRequest],
) -> Testimony:
    testimony = Testimony.objects.select_for_update().select_related("partner").get(pk=testimony.pk)
    data = _cleaned(
        partner=testimony.partner,
        title=title,
        story=story,
        scripture=scripture,
        audience=audience,
        requests=requests,
    )
    testimony.requests.set(data.pop("requests"))
    for field, value in data.items():
        setattr(testimony, field, value)
    testimony.updated_at = timezone.now()
    testimony.save()
    if testimony.is_published:
        # Newly added requests bring their own people who prayed.
        _notify_those_who_prayed(testimony)
    return testimony


@transaction.atomic
def testimony_publish(*, testimony: Testimony) -> int:
    """Publish, and tell everyone who prayed for its requests who has not been told yet.
    Returns how many people were told now."""
    testimony = Testimony.objects.select_for_update().select_related("partner").get(pk=testimony.pk)
    if testimony.is_published:
        raise ValidationError(_("This testimony is already published."))
    testimony.status = TestimonyStatus.PUBLISHED
    testimony.published_at = testimony.published_at or timezone.now()
    testimony.updated_at = timezone.now()
    testimony.save(update_fields=["status", "published_at", "updated_at"])
    # Emails skipped because it was unpublished before they went are sent now: until then
    # nobody got them, so this is still the first time.
    delivery_resume(kind=Kind.TESTIMONY, about=testimony.pk)
    return _notify_those_who_prayed(testimony)


@transaction.atomic
def testimony_unpublish(*, testimony: Testimony) -> Testimony:
    """Back to a draft. Those already told are not told again if it is published again."""
    testimony = Testimony.objects.select_for_update().get(pk=testimony.pk)
    if not testimony.is_published:
        raise ValidationError(_("This testimony is not published."))
    testimony.status = TestimonyStatus.DRAFT
    testimony.updated_at = timezone.now()
    testimony.save(update_fields=["status", "updated_at"])
    return testimony


def _notify_those_who_prayed(testimony: Testimony) -> int:
    """One notice per person, ever (unique constraint), and with it one email: to everyone
    still in the community who prayed for its requests, and to the partner. The author wrote
    it and needs no notice. Returns how many of those who prayed were told now."""
    prayers = PrayerLog.objects.filter(
        request__in=testimony.requests.all(),
        user__is_active=True,
        user__memberships__community_id=testimony.partner.community_id,
    )
    if testimony.author_id is not None:
        prayers = prayers.exclude(user_id=testimony.author_id)
    carried: dict[int, int] = dict(
        prayers.exclude(user__testimony_notices__testimony=testimony)
        .values_list("user_id")
        .annotate(times=Count("pk"))
    )
    told_of_prayers = len(carried)
    partner_user = testimony.partner.user_id
    if (
        partner_user is not None
        and partner_user != testimony.author_id
        and partner_user not in carried
        and not TestimonyNotice.objects.filter(testimony=testimony, user_id=partner_user).exists()
        and testimony.partner.community.memberships.filter(user_id=partner_user).exists()
    ):
        carried[partner_user] = 0
    if not carried:
        return 0
    TestimonyNotice.objects.bulk_create(
        [
            TestimonyNotice(testimony=testimony, user_id=user_id, times_prayed=times)
            for user_id, times in carried.items()
        ]
    )
    delivery_queue(
        kind=Kind.TESTIMONY,
        user_ids=carried,
        about=testimony.pk,
        community_id=testimony.partner.community_id,
    )
    return told_of_prayers


def thanks_give(*, testimony: Testimony, user: User) -> bool:
    """Give thanks once. Returns False when this person already had."""
    if not Testimony.objects.published().filter(pk=testimony.pk).exists():
        raise ValidationError(_("Thanks can be given once the testimony is published."))
    if testimony.author_id == user.pk:
        raise ValidationError(_("This is your own testimony: the thanks are for others to give."))
    try:
        with transaction.atomic():
            Thanks.objects.create(testimony=testimony, user=user)
    except IntegrityError:
        return False
    return True


def notices_mark_read(*, user: User, testimony: Testimony | None = None) -> int:
    notices = TestimonyNotice.objects.filter(user=user, read_at__isnull=True)
    if testimony is not None:
        notices = notices.filter(testimony=testimony)
    return notices.update(read_at=timezone.now())
