"""The emails of intercession: the daily prayer list and the weekly group reminder, and the
weekly reminder's schedule (a ``GroupReminder`` per member, at the member's own morning of the
meeting day). A sensitive partner appears by alias only, with no family names, no request text
and no place: just a link to the signed-in page. Registered with notifications in
``IntercessionConfig.ready()``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Exists, F, OuterRef
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.timezones import zone_city
from intercession import selectors
from intercession.models import GroupReminder, IntercessorGroup
from notifications import kinds, schedule
from notifications.emails import absolute
from notifications.kinds import Due, KindSpec, Message, NothingToSend
from notifications.models import Delivery, Kind
from notifications.tokens import action_token, list_action_token
from partnerships.models import Membership, Partner, PrayerRequest, Visibility
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
    """Whether a request's words may go by email: not a sensitive partner's, not one meant
    for coordinators only (mail is read by more people than the app), and not one held for
    review (the lists leave those out already; this is the last door)."""
    return (
        not request.partner.sensitive
        and request.visibility != Visibility.COORDINATORS
        and not request.is_held
    )


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
    # The meeting this reminder is for: the first after it fell due.
    meeting = next_meeting(group, delivery.due_at)
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
    there = meeting.astimezone(ZoneInfo(group.time_zone))
    here = meeting.astimezone(ZoneInfo(delivery.user.time_zone))
    context = {
        "group": group,
        # In the member's own time (the email is rendered in their zone) …
        "meeting": here,
        "zone_here": zone_city(delivery.user.time_zone),
        # … and in the group's, when the clocks there say something else.
        "meeting_there": there if there.replace(tzinfo=None) != here.replace(tzinfo=None) else None,
        "zone_there": zone_city(group.time_zone),
        "changes": changes,
        "partners": [p.public_name for p in week["partners"]],
        "group_url": absolute(reverse("intercession:group", args=[group.community.slug, group.pk])),
    }
    return "intercession/email/weekly", context, []


def next_meeting(group: IntercessorGroup, after: datetime) -> datetime:
    return schedule.next_weekly(group.weekday, group.meeting_time, ZoneInfo(group.time_zone), after)


def member_next_reminder(group: IntercessorGroup, zone: ZoneInfo, after: datetime) -> datetime:
    """A member's next reminder of the group's meeting, strictly after ``after``: 07:00 in the
    member's zone on the day of the meeting there, or 19:00 the evening before when the meeting
    falls before 09:00 their time."""
    meeting = next_meeting(group, after)
    for _ in range(3):
        local = meeting.astimezone(zone)
        if local.time() >= EARLY_MEETING:
            at = schedule.wall_clock(local.date(), WEEKLY_MORNING, zone)
        else:
            at = schedule.wall_clock(local.date() - timedelta(days=1), WEEKLY_EVENING_BEFORE, zone)
        if schedule.later(at, after):
            return at
        # Between this meeting's reminder and the meeting: the next one's.
        meeting = next_meeting(group, meeting)
    raise AssertionError("unreachable: a weekly meeting's reminder comes within three weeks")


def weekly_schedule(now: datetime) -> None:
    """Members of active groups without a reminder (new members, new or moved groups) get one,
    and members who moved to another time zone get one in their new zone."""
    missing = (
        IntercessorGroup.members.through.objects.filter(intercessorgroup__paused=False)
        .exclude(
            Exists(
                GroupReminder.objects.filter(
                    group_id=OuterRef("intercessorgroup_id"), user_id=OuterRef("user_id")
                )
            )
        )
        .select_related("intercessorgroup", "user")[:SCHEDULE_BATCH]
    )
    GroupReminder.objects.bulk_create(
        [
            GroupReminder(
                group=row.intercessorgroup,
                user=row.user,
                time_zone=row.user.time_zone,
                next_at=member_next_reminder(
                    row.intercessorgroup, ZoneInfo(row.user.time_zone), now
                ),
            )
            for row in missing
        ],
        ignore_conflicts=True,
    )
    moved = GroupReminder.objects.exclude(time_zone=F("user__time_zone")).select_related(
        "group", "user"
    )[:SCHEDULE_BATCH]
    for reminder in moved:
        zone = ZoneInfo(reminder.user.time_zone)
        GroupReminder.objects.filter(pk=reminder.pk, next_at=reminder.next_at).update(
            time_zone=reminder.user.time_zone,
            next_at=member_next_reminder(reminder.group, zone, now),
        )


def weekly_due(now: datetime) -> Iterator[Due]:
    """Claim each member's reminder that is due with a conditional UPDATE on the time it read,
    so two dispatchers never both take it, and move it on to the next meeting. A reminder whose
    member left the group is dropped; one of a paused group moves on without a message."""
    due = list(
        GroupReminder.objects.filter(next_at__lte=now)
        .select_related("group", "user")
        .order_by("next_at")[:SCHEDULE_BATCH]
    )
    if not due:
        return
    members = set(
        IntercessorGroup.members.through.objects.filter(
            intercessorgroup_id__in={r.group_id for r in due}, user_id__in={r.user_id for r in due}
        ).values_list("intercessorgroup_id", "user_id")
    )
    praying = set(
        Membership.objects.praying()
        .filter(user_id__in={r.user_id for r in due})
        .values_list("user_id", "community_id")
    )
    for reminder in due:
        group, old = reminder.group, reminder.next_at
        if (group.pk, reminder.user_id) not in members:
            GroupReminder.objects.filter(pk=reminder.pk, next_at=old).delete()
            continue
        claimed = GroupReminder.objects.filter(pk=reminder.pk, next_at=old).update(
            next_at=member_next_reminder(group, ZoneInfo(reminder.user.time_zone), now),
            time_zone=reminder.user.time_zone,
        )
        if not claimed or group.paused or (reminder.user_id, group.community_id) not in praying:
            continue
        # After downtime, still sent while its day is not over where the member is and the
        # meeting has not begun; otherwise nothing (never a backlog).
        zone = ZoneInfo(reminder.time_zone)
        local_date = old.astimezone(zone).date()
        if now >= schedule.local_day_end(local_date, zone) or now > next_meeting(group, old):
            continue
        yield Due(
            kind=Kind.WEEKLY,
            user_ids={reminder.user_id},
            due_at=old,
            local_date=local_date,
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
