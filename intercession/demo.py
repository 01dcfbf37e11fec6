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
        ["coordinator@example.org", "ruth@example.org", "intercesora@example.org"],
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
    seed_season(community, users_by_email, partners)


# The season of prayer under way in the demo: who holds which hour of its clock (every day,
# unless a day of the season is given), and who fasts.
SEASON_HOURS = [
    ("intercessor@example.org", 6, None, True),
    ("intercessor@example.org", 21, 2, False),
    ("ruth@example.org", 22, None, False),
    ("ruth@example.org", 5, None, True),
    ("samuel@example.org", 3, None, False),
    ("samuel@example.org", 19, None, False),
    ("coordinator@example.org", 12, None, False),
    ("coordinator@example.org", 7, 5, True),
    ("coordinator@example.org", 13, 6, False),
]
SEASON_FOCUS = [
    ("The visa office's decision", "Proverbs 21:1", ["Tomasz"]),
    ("Their children at the new school", "Isaiah 54:13", ["Tomasz"]),
    ("The church plant's first leaders", "2 Timothy 2:2", ["Samuel"]),
    ("Open doors in the city", "Colossians 4:3", ["Leila"]),
    ("Integrity in business", "Micah 6:8", ["Marcus"]),
    ("Rest for those who carry much", "Matthew 11:28", ["Ravi & Priya"]),
    ("Thanksgiving for answers so far", "Psalm 126:3", []),
]


def seed_season(community, users_by_email, partners) -> None:
    """Twenty-one days of prayer and fasting, begun four days ago, with its first week's focus
    and hours held around the clock (some still open)."""
    from intercession.models import Season
    from intercession.seasons.services import season_day_save, season_hour_take, season_save
    from partnerships.models import Membership

    title = "Twenty-one days for the visa decision"
    if Season.objects.filter(community=community, title=title).exists():
        return
    today = timezone.localdate()
    season = season_save(
        community=community,
        created_by=users_by_email["coordinator@example.org"],
        fields={
            "title": title,
            "purpose": "Tomasz and Anna wait on a visa that decides whether they stay. We pray "
            "around the clock, and some of us fast, until the answer comes.",
            "starts_on": today - timedelta(days=4),
            "ends_on": today + timedelta(days=16),
            "time_zone": community.time_zone,
        },
    )
    by_first = {p.first_name: p for p in partners}
    for offset, (focus, scripture, names) in enumerate(SEASON_FOCUS):
        season_day_save(
            season=season,
            day=season.starts_on + timedelta(days=offset + 2),
            focus=focus,
            scripture=scripture,
            partners=[by_first[n] for n in names],
        )
    for email, hour, day, fasting in SEASON_HOURS:
        membership = Membership.objects.get(community=community, user=users_by_email[email])
        membership.user = users_by_email[email]
        season_hour_take(
            season=season,
            membership=membership,
            hour=hour,
            day=None if day is None else today + timedelta(days=day),
            fasting=fasting,
        )
