"""Answered prayer for the demo community: prayers logged for answered requests, testimonies
told back to those who prayed, and thanks given. Safe to run again: what exists is kept."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from intercession.models import PrayerLog
from partnerships.models import PrayerRequest, RequestStatus
from testimonies import services
from testimonies.models import Audience, Testimony, Thanks

STORIES = {
    "Tomasz": (
        "Anna is well again",
        "All winter we asked you to pray for Anna's health. In February the doctors were "
        "still unsure; by March she was walking the children to school again. Last week she "
        "led worship at our Sunday gathering for the first time since autumn.\n\n"
        "We read your notes on the hard days. Thank you for not letting go.",
        "Psalm 30:11",
        Audience.COMMUNITY,
    ),
    "Marcus": (
        "Back at the bakery with new energy",
        "Marcus is fully recovered and back at work. He says the team noticed the change "
        "before he did, and two of them asked why he seemed so at peace.",
        "",
        Audience.PARTNER_AND_GROUPS,
    ),
}


def seed_testimonies(community, users_by_email, partners) -> None:
    now = timezone.now()
    by_first = {p.first_name: p for p in partners}
    for first, (title, story, scripture, audience) in STORIES.items():
        partner = by_first[first]
        answered = PrayerRequest.objects.filter(
            partner=partner, status=RequestStatus.ANSWERED
        ).first()
        if answered is None or Testimony.objects.filter(requests=answered).exists():
            continue
        # The weeks before the answer: the adopting group carried this request.
        members = list(
            User.objects.filter(intercessor_groups__partners=partner).distinct().order_by("pk")
        )
        PrayerLog.objects.bulk_create(
            PrayerLog(
                user=user,
                partner=partner,
                request=answered,
                prayed_at=now - timedelta(days=60 - 3 * day, hours=index),
            )
            for index, user in enumerate(members)
            for day in range(12 - index * 3)
        )
        author = partner.user or users_by_email["coordinator@example.org"]
        testimony = services.testimony_create(
            partner=partner,
            author=author,
            title=title,
            story=story,
            scripture=scripture,
            audience=audience,
            requests=[answered],
        )
        services.testimony_publish(testimony=testimony)
        Testimony.objects.filter(pk=testimony.pk).update(published_at=now - timedelta(days=2))
        Thanks.objects.bulk_create(Thanks(testimony=testimony, user=user) for user in members[:2])
    # A draft waiting for the coordinator, so the dashboard shows both states.
    if not Testimony.objects.filter(partner__community=community, status="draft").exists():
        waiting = (
            PrayerRequest.objects.filter(partner__community=community, status="answered")
            .exclude(testimonies__isnull=False)
            .filter(~Q(partner__sensitive=True))
            .select_related("partner")
            .first()
        )
        if waiting is not None:
            services.testimony_create(
                partner=waiting.partner,
                author=users_by_email["coordinator@example.org"],
                title="Healing after a long winter",
                story=waiting.answer_note or "Healed and back at work.",
                requests=[waiting],
            )
