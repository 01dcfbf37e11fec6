from __future__ import annotations

from accounts.models import User
from partnerships.models import CalendarFeed
from partnerships.models.calendar import new_feed_token


def calendar_feed_replace(*, user: User) -> CalendarFeed:
    """A new secret address; the old one stops working at once."""
    feed, created = CalendarFeed.objects.get_or_create(user=user)
    if not created:
        feed.token = new_feed_token()
        feed.save(update_fields=["token"])
    return feed


def calendar_feed_revoke(*, user: User) -> None:
    CalendarFeed.objects.filter(user=user).delete()
