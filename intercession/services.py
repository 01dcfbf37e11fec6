"""Writes of the intercession app: groups, prayers, group meetings."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.timezones import local_to_aware
from intercession.models import (
    DailyListVisit,
    GroupMeeting,
    GroupReminder,
    IntercessorGroup,
    PrayerKind,
    PrayerLog,
    RequestSnooze,
)
from partnerships.models import Community, Membership, Partner, PrayerRequest
from partnerships.selectors import praying_user_list

MAX_NOTE_LENGTH = 1000
# The numbers that stand for people who deleted their account (``PrayerLog.former_person``):
# far above any account's id, so that counting people by id-or-number counts each once.
FORMER_PERSON_FIRST = 2**40
FORMER_PERSON_SPAN = 2**62
# Two taps on the same “I prayed” this close together are one prayer.
DOUBLE_TAP_WINDOW = timedelta(seconds=10)
# Said when one person's taps go past settings.RATE_LIMITS["pray"] (30 a minute by default).
TOO_MANY_PRAYERS = gettext_lazy(
    "That is many taps of “I prayed” in one minute. Wait a moment, then tap again."
)
# How long after praying a person can still add or change their note.
NOTE_EDIT_WINDOW = timedelta(hours=24)
MANY_PARTNERS = 5
# How long “snooze this request” keeps it off one's own daily list.
SNOOZE_FOR = timedelta(days=7)


@transaction.atomic
def group_save(
    *,
    community: Community,
    group: IntercessorGroup | None = None,
    fields: dict[str, Any],
    members: Iterable[User],
    partners: Iterable[Partner],
) -> IntercessorGroup:
    members, partners = list(members), list(partners)
    allowed = set(
        praying_user_list(community)
        .filter(pk__in=[u.pk for u in members])
        .values_list("pk", flat=True)
    )
    if any(user.pk not in allowed for user in members):
        raise ValidationError({"members": _("Members must be intercessors or coordinators here.")})
    if not members:
        raise ValidationError({"members": _("A group needs at least one member.")})
    if any(partner.community_id != community.pk for partner in partners):
        raise ValidationError({"partners": _("Adopt partners of this community only.")})
    leader = fields.get("leader")
    if leader is not None and leader.pk not in {user.pk for user in members}:
        raise ValidationError({"leader": _("The leader must be one of the members.")})
    group = group or IntercessorGroup(community=community)
    timing = ("weekday", "meeting_time", "time_zone", "paused")
    moved = any(name in fields and getattr(group, name) != fields[name] for name in timing)
    for name, value in fields.items():
        setattr(group, name, value)
    group.full_clean()
    group.save()
    if moved:
        # The dispatcher gives each member a reminder at the new time.
        GroupReminder.objects.filter(group=group).delete()
    group.members.set(members)
    group.partners.set(partners)
    return group


def _check_note(note: str) -> str:
    note = note.strip()
    if len(note) > MAX_NOTE_LENGTH:
        raise ValidationError(
            {
                "note": _("Keep your note under %(limit)d characters (it has %(count)d).")
                % {"limit": MAX_NOTE_LENGTH, "count": len(note)}
            }
        )
    return note


def prayer_log_create(
    *,
    user: User,
    partner: Partner,
    prayer_request: PrayerRequest | None = None,
    note: str = "",
    fasted: bool = False,
    share: bool = False,
    client_key: str | None = None,
) -> tuple[PrayerLog, bool]:
    """Record that ``user`` prayed for ``partner`` (or one of their requests).

    Returns the prayer and whether it is new: the same form key, or the same target within a
    few seconds, is the same prayer. The caller has already checked the user may see it.
    """
    if prayer_request is not None:
        if prayer_request.partner_id != partner.pk:
            raise ValueError("The request does not belong to this partner.")
        if not prayer_request.is_active:
            raise ValidationError(
                _(
                    "This request is already %(status)s, so there is nothing to record. "
                    "Thank you for having carried it."
                )
                % {"status": prayer_request.get_status_display().lower()}
            )
    note = _check_note(note)
    client_key = (client_key or "").strip()[:40]
    try:
        with transaction.atomic():
            # One person's taps take turns. The lock on their row is held until this prayer is
            # written, so a second tap (another tab, the email's link, a retry), whatever its
            # key, finds the first and is the same prayer: the database decides, not a race
            # between a read and a write.
            User.objects.select_for_update().only("pk").get(pk=user.pk)
            existing = _same_prayer(user, partner, prayer_request, client_key)
            if existing is not None:
                return existing, False
            log = PrayerLog.objects.create(
                user=user,
                partner=partner,
                request=prayer_request,
                note=note,
                fasted=fasted,
                shared_with_partner=share and bool(note),
                client_key=client_key,
            )
    except IntegrityError:
        # The key is taken by an earlier prayer of this person's (a key is unique per person).
        return PrayerLog.objects.get(user=user, client_key=client_key), False
    return log, True


def _same_prayer(
    user: User, partner: Partner, prayer_request: PrayerRequest | None, client_key: str
) -> PrayerLog | None:
    """The prayer this tap repeats: the one sent with the same form key, or one for the same
    partner or request within the double-tap window."""
    if client_key:
        existing = PrayerLog.objects.filter(user=user, client_key=client_key).first()
        if existing is not None:
            return existing
    return PrayerLog.objects.filter(
        user=user,
        partner=partner,
        request=prayer_request,
        kind=PrayerKind.PERSONAL,
        prayed_at__gte=timezone.now() - DOUBLE_TAP_WINDOW,
    ).first()


def group_places_leave(membership: Membership) -> None:
    """When someone leaves a community (registered with ``membership_ended_register``): they
    leave its weekly groups, lead none of them, and hear of none of their meetings."""
    in_community = {"intercessorgroup__community_id": membership.community_id}
    IntercessorGroup.members.through.objects.filter(
        user_id=membership.user_id, **in_community
    ).delete()
    IntercessorGroup.objects.filter(
        community_id=membership.community_id, leader_id=membership.user_id
    ).update(leader=None)
    GroupReminder.objects.filter(
        user_id=membership.user_id, group__community_id=membership.community_id
    ).delete()


def prayer_logs_forget(user: User) -> int:
    """Before ``user``'s account goes (registered with ``account_leaving_register``): their
    prayers stay, counted on every partner's page, corner and dashboard, but no longer say who
    prayed or what they wrote. One random number stands for them on all of their prayers, so
    “by N people” counts them once. Returns how many prayers were kept."""
    return PrayerLog.objects.filter(user=user).update(
        former_person=secrets.randbelow(FORMER_PERSON_SPAN) + FORMER_PERSON_FIRST,
        note="",
        shared_with_partner=False,
        client_key="",
    )


def prayer_note_add(
    *, log: PrayerLog, user: User, note: str, fasted: bool, share: bool
) -> PrayerLog:
    if log.user_id != user.pk:
        raise PermissionDenied
    if timezone.now() - log.prayed_at > NOTE_EDIT_WINDOW:
        raise ValidationError(_("Notes can be added within a day of praying."))
    log.note = _check_note(note)
    log.fasted = fasted
    log.shared_with_partner = share and bool(log.note)
    log.save(update_fields=["note", "fasted", "shared_with_partner"])
    return log


@transaction.atomic
def meeting_create(
    *,
    group: IntercessorGroup,
    met_on: date,
    attendees: Iterable[User],
    requests: Iterable[PrayerRequest],
    notes: str,
    recorded_by: User,
) -> GroupMeeting:
    """Record a weekly meeting, and one group prayer for each request prayed."""
    zone = ZoneInfo(group.time_zone)
    today = timezone.localdate(timezone=zone)
    if met_on > today:
        raise ValidationError({"met_on": _("A meeting can't be recorded before it happens.")})
    attendees, requests = list(attendees), list(requests)
    member_ids = set(group.members.values_list("pk", flat=True))
    if any(user.pk not in member_ids for user in attendees):
        raise ValidationError({"attendees": _("Only the group's members can be marked present.")})
    adopted = set(group.partners.values_list("pk", flat=True))
    prayable = set(
        PrayerRequest.objects.for_groups()
        .values_list("pk", flat=True)
        .filter(pk__in=[r.pk for r in requests])
    )
    if any(
        r.partner_id not in adopted or not r.is_active or r.pk not in prayable for r in requests
    ):
        raise ValidationError({"requests": _("Pick active requests of this group's partners.")})
    meeting = GroupMeeting.objects.create(
        group=group, met_on=met_on, notes=notes.strip(), recorded_by=recorded_by
    )
    meeting.attendees.set(attendees)
    prayed_at = (
        timezone.now()
        if met_on == today
        else local_to_aware(datetime.combine(met_on, time(12)), zone)
    )
    PrayerLog.objects.bulk_create(
        PrayerLog(
            user=recorded_by,
            partner_id=r.partner_id,
            request=r,
            kind=PrayerKind.GROUP,
            group=group,
            meeting=meeting,
            prayed_at=prayed_at,
        )
        for r in requests
    )
    return meeting


def daily_visit_touch(*, user: User, community: Community) -> datetime | None:
    """Note this visit to the daily list; return when the one before it was, if any.

    Visits within half an hour count as one, so reloading keeps showing the same changes.
    """
    now = timezone.now()
    visit, created = DailyListVisit.objects.get_or_create(
        user=user, community=community, defaults={"seen_at": now}
    )
    if created:
        return None
    if now - visit.seen_at > timedelta(minutes=30):
        visit.previous_seen_at, visit.seen_at = visit.seen_at, now
        visit.save(update_fields=["previous_seen_at", "seen_at"])
    return visit.previous_seen_at


def request_snooze(*, user: User, prayer_request: PrayerRequest) -> RequestSnooze:
    """Keep a request off this person's own daily list for ``SNOOZE_FOR``; snoozing again
    starts the week again. The caller has already checked the user may see it."""
    snooze, _created = RequestSnooze.objects.update_or_create(
        user=user, request=prayer_request, defaults={"until": timezone.now() + SNOOZE_FOR}
    )
    return snooze


def prayers_record_all(*, user: User, prayer_requests: Iterable[PrayerRequest], key: str) -> int:
    """“I prayed for all of these”: a prayer for each request, under a form key of ``key`` and
    the request, so that the same press again records nothing more. Requests answered or
    closed since are passed over. Returns how many prayers are new. The caller has already
    checked the user may see them."""
    recorded = 0
    for prayer_request in prayer_requests:
        try:
            _log, created = prayer_log_create(
                user=user,
                partner=prayer_request.partner,
                prayer_request=prayer_request,
                client_key=f"{key}:{prayer_request.pk}",
            )
        except ValidationError:
            continue
        recorded += created
    return recorded
