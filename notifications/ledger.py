"""Writing deliveries: once per (person, kind, topic, local day), never to someone who turned
the kind off or whose address bounced. The dispatcher and the public door both write here."""

from __future__ import annotations

from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import Q

from accounts.models import User
from notifications import kinds
from notifications.models import Delivery, Preference


def muted(kind: str, user_ids: Iterable[int]) -> set[int]:
    """Who among these people does not want this kind: turned off, or their address bounced.
    Someone without a preference row has the defaults: every kind on."""
    switch = Preference.SWITCHES[kind]
    return set(
        Preference.objects.filter(user_id__in=list(user_ids))
        .filter(Q(**{switch: False}) | Q(bounced_at__isnull=False))
        .values_list("user_id", flat=True)
    )


def write(dues: Iterable[kinds.Due]) -> list[int]:
    """Write the deliveries these stand for; return the ids of those written now (not those
    already written for that day, by an earlier run or a racing one). A fixed number of
    queries however many there are: one per kind for the mute rule, one for time zones."""
    dues = list(dues)
    people_of: dict[str, set[int]] = {}
    for due in dues:
        people_of.setdefault(due.kind, set()).update(due.user_ids)
    silent = {kind: muted(kind, people) for kind, people in people_of.items()}
    need_zone = {pk for due in dues if due.local_date is None for pk in due.user_ids}
    zones = dict(User.objects.filter(pk__in=need_zone).values_list("pk", "time_zone"))
    rows: list[Delivery] = []
    for due in dues:
        topic = kinds.get(due.kind).topic(due.about)
        for user_id in sorted(set(due.user_ids) - silent[due.kind]):
            if due.local_date is not None:
                local_date = due.local_date
            elif user_id in zones:
                local_date = due.due_at.astimezone(ZoneInfo(zones[user_id])).date()
            else:
                continue  # the account is gone
            rows.append(
                Delivery(
                    user_id=user_id,
                    kind=due.kind,
                    topic=topic,
                    local_date=local_date,
                    due_at=due.due_at,
                    community_id=due.community_id,
                )
            )
    return insert(rows)


def insert(rows: list[Delivery]) -> list[int]:
    """Insert new delivery rows, leaving out any the unique constraint already holds."""
    if not rows:
        return []
    existing = set(
        Delivery.objects.filter(
            user_id__in={r.user_id for r in rows},
            kind__in={r.kind for r in rows},
            topic__in={r.topic for r in rows},
            local_date__in={r.local_date for r in rows},
        ).values_list("user_id", "kind", "topic", "local_date")
    )
    fresh = [r for r in rows if (r.user_id, r.kind, r.topic, r.local_date) not in existing]
    if not fresh:
        return []
    try:
        with transaction.atomic():
            return [d.pk for d in Delivery.objects.bulk_create(fresh, batch_size=500)]
    except IntegrityError:
        pass  # a racing dispatcher wrote some of them since: one at a time, then
    written = []
    for row in fresh:
        try:
            with transaction.atomic():
                row.pk = None
                row.save(force_insert=True)
        except IntegrityError:
            continue
        written.append(row.pk)
    return written
