"""Small factories: plain functions that create rows the way the app would."""

from __future__ import annotations

import itertools

from allauth.account.models import EmailAddress

from accounts.models import User
from partnerships.models import Community, Invitation, Membership, Role

PASSWORD = "correct horse battery staple"
_seq = itertools.count(1)


def make_user(*, email: str | None = None, name: str = "", verified: bool = True, **fields) -> User:
    n = next(_seq)
    email = email or f"person{n}@example.org"
    user = User.objects.create_user(
        email=email, password=PASSWORD, name=name or f"Person {n}", **fields
    )
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    return user


def make_community(*, name: str | None = None, time_zone: str = "Europe/London") -> Community:
    n = next(_seq)
    name = name or f"Community {n}"
    return Community.objects.create(name=name, slug=f"community-{n}", time_zone=time_zone)


def make_member(community: Community, role: Role, **user_fields) -> User:
    user = make_user(**user_fields)
    Membership.objects.create(user=user, community=community, role=role)
    return user


def make_invitation(
    community: Community,
    *,
    email: str = "",
    role: Role = Role.INTERCESSOR,
    invited_by: User | None = None,
) -> Invitation:
    return Invitation.objects.create(
        community=community,
        email=email or f"invitee{next(_seq)}@example.org",
        role=role,
        invited_by=invited_by,
    )


def make_partner(community: Community, *, name: str = "", user: User | None = None, **fields):
    from partnerships.models import Partner, PartnerKind

    n = next(_seq)
    fields.setdefault("kind", PartnerKind.MISSIONARY)
    fields.setdefault("time_zone", "Europe/Warsaw")
    return Partner.objects.create(
        community=community, name=name or f"Partner {n}", user=user, **fields
    )


def make_request(partner, *, text: str = "", **fields):
    from partnerships.models import PrayerRequest

    return PrayerRequest.objects.create(
        partner=partner, text=text or f"Request {next(_seq)}", **fields
    )


def make_checkin(partner, *, starts_in_days: float = 7, hours: float = 1, **fields):
    from datetime import timedelta

    from django.utils import timezone

    from partnerships.models import CheckIn

    starts_at = timezone.now() + timedelta(days=starts_in_days)
    fields.setdefault("mode", "coffee")
    return CheckIn.objects.create(
        partner=partner, starts_at=starts_at, ends_at=starts_at + timedelta(hours=hours), **fields
    )


def png_bytes(size=(40, 30), color=(200, 120, 40)) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def make_group(community: Community, *, members=(), partners=(), name: str = "", **fields):
    from datetime import time

    from intercession.models import IntercessorGroup

    group = IntercessorGroup.objects.create(
        community=community,
        name=name or f"Group {next(_seq)}",
        weekday=fields.pop("weekday", 1),
        meeting_time=fields.pop("meeting_time", time(19, 30)),
        time_zone=fields.pop("time_zone", community.time_zone),
        **fields,
    )
    group.members.set(members)
    group.partners.set(partners)
    return group


def make_testimony(*requests, author=None, published: bool = False, **fields):
    """A testimony of answered requests of one partner, written straight to the database."""
    from django.utils import timezone

    from testimonies.models import Testimony

    testimony = Testimony.objects.create(
        partner=requests[0].partner,
        author=author,
        title=fields.pop("title", f"Answered {next(_seq)}"),
        story=fields.pop("story", "God answered."),
        status="published" if published else "draft",
        published_at=timezone.now() if published else None,
        **fields,
    )
    testimony.requests.set(requests)
    return testimony


def give_two_factor(user: User) -> None:
    """Two-factor sign-in (TOTP) on for ``user``, as after the setup page: a coordinator then
    sees security-sensitive partners' real data (Membership.sees_sensitive)."""
    from allauth.mfa.models import Authenticator

    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    user.__dict__.pop("has_two_factor", None)


def make_season(
    community: Community,
    *,
    holder: User | None = None,
    partners=(),
    starts_in_days: int = -2,
    days: int = 7,
    **fields,
):
    """A season of prayer in the community's zone (under way unless told), each day's focus on
    ``partners``; with ``holder``, the hour 3 of every day held by them. Returns the season and
    that hour (or None)."""
    from datetime import timedelta

    from django.utils import timezone

    from intercession.models import Season
    from intercession.seasons.services import next_reminder, season_day_save

    start = timezone.localdate() + timedelta(days=starts_in_days)
    season = Season.objects.create(
        community=community,
        title=fields.pop("title", f"Season {next(_seq)}"),
        starts_on=start,
        ends_on=start + timedelta(days=days - 1),
        time_zone=fields.pop("time_zone", community.time_zone),
        **fields,
    )
    for day in season.days():
        season_day_save(season=season, day=day, focus="Open doors", scripture="", partners=partners)
    season_hour = None
    if holder is not None:
        season_hour = season.hours.create(user=holder, hour=3, fasting=True)
        season_hour.remind_at = next_reminder(season_hour, timezone.now())
        season_hour.save(update_fields=["remind_at"])
    return season, season_hour
