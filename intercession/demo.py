"""Weekly groups and several weeks of prayer history for the demo community.

The intercession app is read through the app registry so that the demo of partnerships keeps
working on its own; the command that calls this lives in partnerships because it seeds both.
"""

from __future__ import annotations

from datetime import time, timedelta

from django.apps import apps
from django.utils import timezone

GROUPS = [
    (
        "Tuesday Evening",
        1,
        time(19, 30),
        "The prayer room",
        ["intercessor@example.org", "ruth@example.org", "samuel@example.org"],
        ["Tomasz", "Leila", "Marcus"],
    ),
    (
        "Friday Dawn",
        4,
        time(6, 30),
        "Video call",
        ["coordinator@example.org", "ruth@example.org"],
        ["Samuel", "Ravi & Priya"],
    ),
]
NOTES = [
    "Prayed Psalm 121 over them.",
    "Sensed peace about the next step.",
    "Isaiah 43:19 — a way in the wilderness.",
    "",
    "",
]


def seed_intercession(community, users_by_email, partners) -> None:
    group_model = apps.get_model("intercession", "IntercessorGroup")
    log_model = apps.get_model("intercession", "PrayerLog")
    meeting_model = apps.get_model("intercession", "GroupMeeting")
    by_first = {p.first_name: p for p in partners}
    now = timezone.now()
    for name, weekday, at, place, emails, adopted in GROUPS:
        group, created = group_model.objects.update_or_create(
            community=community,
            name=name,
            defaults={
                "weekday": weekday,
                "meeting_time": at,
                "time_zone": community.time_zone,
                "place": place,
                "leader": users_by_email[emails[0]],
            },
        )
        group.members.set([users_by_email[e] for e in emails])
        group.partners.set([by_first[first] for first in adopted])
        if not created:
            continue
        # Six weeks of prayer: each member prays most days for some of the group's requests.
        logs = []
        for day in range(42, 0, -1):
            for index, email in enumerate(emails):
                if (day + index) % 3 == 0:
                    continue
                user = users_by_email[email]
                for n, partner in enumerate(group.partners.all()):
                    request = (
                        partner.requests.filter(status="active")
                        .order_by("pk")[(day + n) % 3 : (day + n) % 3 + 1]
                        .first()
                    )
                    logs.append(
                        log_model(
                            user=user,
                            partner=partner,
                            request=request,
                            prayed_at=now - timedelta(days=day, hours=(index * 3) % 10),
                            note=NOTES[(day + index + n) % len(NOTES)],
                            fasted=day % 7 == 0,
                            shared_with_partner=(day + n) % 11 == 0,
                        )
                    )
        log_model.objects.bulk_create(logs)
        for week in (3, 2, 1):
            meeting = meeting_model.objects.create(
                group=group,
                met_on=(now - timedelta(days=7 * week)).date(),
                notes="Shared news, then prayed through each partner.",
                recorded_by=users_by_email[emails[0]],
            )
            meeting.attendees.set([users_by_email[e] for e in emails])
