"""The emails of intercession: the daily prayer list and the weekly group reminder, and the
weekly reminder's schedule (each group's ``reminder_next_at``). A sensitive partner appears by
alias only, with no family names, no request text and no place: just a link to the signed-in
page. Registered with notifications in ``IntercessionConfig.ready()``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from intercession import selectors
from intercession.models import IntercessorGroup
from notifications import kinds, schedule
from notifications.emails import absolute
from notifications.kinds import Due, KindSpec, Message, NothingToSend
from notifications.models import Delivery, Kind
from notifications.tokens import action_token, list_action_token
from partnerships.models import PRAYING_ROLES, Membership, Partner, PrayerRequest, Visibility
from partnerships.notices import praying

# The weekly group reminder goes out on the morning of the meeting day, or the evening before
# when the group meets early.
WEEKLY_MORNING = time(7, 0)
WEEKLY_EVENING_BEFORE = time(19, 0)
EARLY_MEETING = time(9, 0)
# Groups given a next reminder in one dispatcher run, at most.
SCHEDULE_BATCH = 2000


class DailyBatch:
    """What the messages of one sending batch share, loaded once for all their recipients:
    the praying memberships of the people with a daily list, the partners their groups adopt,
    and the daily lists themselves, as people who see the same partners get the same list."""

    def __init__(self, deliveries: Iterable[Delivery]):
        user_ids = {d.user_id for d in deliveries}
        self.memberships: dict[int, list[Membership]] = defaultdict(list)
        self.adopted: dict[tuple[int, int], set[int]] = {}
        self.lists: dict[int, selectors.DailyList] | None = None
        if not user_ids:
            return
        for membership in (
            Membership.objects.praying()
            .filter(user_id__in=user_ids)
            .select_related("community", "user")
            .with_two_factor()
        ):
            membership.user.has_two_factor = membership.two_factor
            self.memberships[membership.user_id].append(membership)
        self.adopted = selectors.adopted_partners(user_ids)

    def praying_memberships(self, user) -> list[Membership]:
        memberships = self.memberships[user.pk]
        for membership in memberships:
            # The delivery's own user object takes the place of the one loaded here.
            user.has_two_factor = membership.user.has_two_factor
            membership.user = user
        return memberships

    def daily_list(self, membership) -> selectors.DailyList:
        if self.lists is None:
            # Every list of the batch at once, in a fixed number of queries.
            everyone = [m for ms in self.memberships.values() for m in ms]
            self.lists = selectors.daily_lists(everyone, self.adopted)
        found = self.lists.get(membership.pk)
        return found if found is not None else selectors.daily_list(membership)


def mailable(request: PrayerRequest) -> bool:
    """Whether a request's words may go by email: not a sensitive partner's, and not one
    meant for coordinators only (mail is read by more people than the app)."""
    return not request.partner.sensitive and request.visibility != Visibility.COORDINATORS


def daily_message(delivery: Delivery, batch: DailyBatch) -> Message:
    user = delivery.user
    zone = ZoneInfo(user.time_zone)
    if timezone.now() >= schedule.local_day_end(delivery.local_date, zone):
        raise NothingToSend("the day it was for is over")
    sections: list[dict[str, Any]] = []

    def link(name: str, action: str, target_id: int) -> str:
        token = action_token(action=action, user_id=user.pk, target_id=target_id)
        return absolute(reverse(name, args=[token]))

    for membership in batch.praying_memberships(user):
        daily = batch.daily_list(membership)
        if not daily.cards:
            continue
        today_url = absolute(reverse("intercession:today", args=[membership.community.slug]))
        cards = []
        for card in daily.cards:
            partner = card.partner
            mailed = [r for r in card.requests if mailable(r)]
            cards.append(
                {
                    "name": partner.public_name,
                    "short_name": partner.public_name if partner.sensitive else partner.first_name,
                    "sensitive": partner.sensitive,
                    "family": "" if partner.sensitive else partner.family_summary,
                    "requests": [
                        {
                            "pk": r.pk,
                            "text": r.text,
                            "urgent": r.urgent,
                            "prayed_url": link("intercession:prayed_link", "prayed", r.pk),
                            "snooze_url": link("intercession:snooze_link", "snooze", r.pk),
                        }
                        for r in mailed
                    ],
                    "hidden_requests": len(card.requests) - len(mailed),
                    "urgent": card.urgent,
                }
            )
        sections.append({"community": membership.community, "cards": cards, "today_url": today_url})
    if not sections:
        raise NothingToSend("no partners on the list yet")
    names = [c["short_name"] for s in sections for c in s["cards"]]
    mailed = [r["pk"] for s in sections for c in s["cards"] for r in c["requests"]]
    context = {
        "sections": sections,
        "names": names,
        # “I prayed for all of these”: the requests this email shows.
        "prayed_all_url": absolute(
            reverse(
                "intercession:prayed_all_link",
                args=[list_action_token(action="prayed_all", user_id=user.pk, target_ids=mailed)],
            )
        )
        if mailed
        else "",
        # “Not today”: no list tomorrow.
        "not_today_url": link(
            "notifications:not_today",
            "not_today",
            (delivery.local_date + timedelta(days=1)).toordinal(),
        ),
    }
    return "intercession/email/daily", context, []


def weekly_message(delivery: Delivery, shared: object) -> Message:
    group_id = delivery.about_id
    group = (
        IntercessorGroup.objects.select_related("community")
        .filter(pk=group_id, paused=False)
        .first()
        if group_id is not None
        else None
    )
    if group is None:
        raise NothingToSend("the group is paused or gone")
    membership = Membership.objects.filter(user=delivery.user, community=group.community).first()
    if membership is None or not group.members.filter(pk=delivery.user_id).exists():
        raise NothingToSend("no longer in the group")
    membership.user = delivery.user
    week = selectors.group_week(group, membership)
    if not week["partners"]:
        raise NothingToSend("the group has no active partners")
    zone = ZoneInfo(group.time_zone)
    meeting = schedule.wall_clock(
        delivery.local_date + timedelta(days=(group.weekday - delivery.local_date.weekday()) % 7),
        group.meeting_time,
        zone,
    )
    if timezone.now() > meeting:
        raise NothingToSend("the meeting has begun")

    def change(what: str, partner: Partner, text: str, shown: bool) -> dict:
        return {"what": what, "partner": partner.public_name, "text": text if shown else ""}

    changes = [
        *(change("answered", r.partner, r.text, mailable(r)) for r in week["answered"]),
        *(
            change("checkin", c.partner, c.group_summary, not c.partner.sensitive)
            for c in week["checkin_news"]
        ),
        *(change("new", r.partner, r.text, mailable(r)) for r in week["new_requests"]),
        *(
            change("update", u.request.partner, u.text, mailable(u.request))
            for u in week["updates"]
        ),
    ]
    context = {
        "group": group,
        "meeting": meeting,
        "changes": changes,
        "partners": [p.public_name for p in week["partners"]],
        "group_url": absolute(reverse("intercession:group", args=[group.community.slug, group.pk])),
    }
    return "intercession/email/weekly", context, []


def weekly_reminder_slot(meeting_weekday: int, meeting_time: time) -> tuple[int, time]:
    """(weekday, time) of the weekly reminder for a group meeting at this weekday and time."""
    if meeting_time >= EARLY_MEETING:
        return meeting_weekday, WEEKLY_MORNING
    return (meeting_weekday - 1) % 7, WEEKLY_EVENING_BEFORE


def group_next_reminder(group: IntercessorGroup, after: datetime) -> datetime:
    weekday, at = weekly_reminder_slot(group.weekday, group.meeting_time)
    return schedule.next_weekly(weekday, at, ZoneInfo(group.time_zone), after)


def weekly_schedule(now: datetime) -> None:
    """Active groups without a next reminder (new, or moved to another day) get one."""
    for group in IntercessorGroup.objects.filter(paused=False, reminder_next_at__isnull=True)[
        :SCHEDULE_BATCH
    ]:
        IntercessorGroup.objects.filter(pk=group.pk, reminder_next_at__isnull=True).update(
            reminder_next_at=group_next_reminder(group, now)
        )


def weekly_due(now: datetime) -> Iterator[Due]:
    """Claim each group whose reminder is due with a conditional UPDATE on the time it read, so
    two dispatchers never both take it, and move it on to next week."""
    groups = IntercessorGroup.objects.filter(paused=False, reminder_next_at__lte=now).order_by(
        "reminder_next_at"
    )[:SCHEDULE_BATCH]
    for group in groups:
        zone = ZoneInfo(group.time_zone)
        old = group.reminder_next_at
        assert old is not None
        claimed = IntercessorGroup.objects.filter(pk=group.pk, reminder_next_at=old).update(
            reminder_next_at=group_next_reminder(group, now)
        )
        if not claimed:
            continue
        _weekday, at = weekly_reminder_slot(group.weekday, group.meeting_time)
        occurrence = schedule.late_occurrence(old, at, zone, now, timedelta(days=7))
        if occurrence is None:
            continue
        members = group.members.filter(
            memberships__community_id=group.community_id,
            memberships__role__in=PRAYING_ROLES,
        )
        yield Due(
            kind=Kind.WEEKLY,
            user_ids=set(members.values_list("pk", flat=True)),
            due_at=occurrence,
            local_date=occurrence.astimezone(zone).date(),
            about=group.pk,
            community_id=group.community_id,
        )


def weekly_sample(user: User) -> int:
    group = user.intercessor_groups.filter(paused=False).order_by("pk").first()
    if group is None:
        raise LookupError(f"{user.email} is in no active weekly group.")
    return group.pk


def register() -> None:
    kinds.register(
        KindSpec(
            kind=Kind.DAILY,
            build=daily_message,
            audience=praying,
            prepare=DailyBatch,
        )
    )
    kinds.register(
        KindSpec(
            kind=Kind.WEEKLY,
            build=weekly_message,
            about="group",
            audience=praying,
            schedule=weekly_schedule,
            due=weekly_due,
            sample=weekly_sample,
        )
    )
