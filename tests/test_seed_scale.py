"""``manage.py seed_scale`` builds what it says, the same rows from the same seed, and refuses a
database that already has communities."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Exists, OuterRef

from accounts.models import User
from intercession.models import IntercessorGroup, PrayerLog
from partnerships.models import CheckIn, Community, Membership, Partner, PrayerRequest
from testimonies.models import Testimony

pytestmark = pytest.mark.django_db

SIZES = {
    "communities": 4,
    "partners": 40,
    "intercessors": 230,
    "groups": 14,
    "requests": 400,
    "prayers": 3000,
    "checkins": 80,
    "testimonies": 20,
    "busy_prayers": 500,
}


def seed(**sizes) -> str:
    out = io.StringIO()
    call_command("seed_scale", allow_production=True, stdout=out, **{**SIZES, **sizes})
    return out.getvalue()


def digest() -> list:
    return [
        list(Partner.objects.order_by("pk").values_list("name", "community__slug", "sensitive")),
        list(PrayerRequest.objects.order_by("pk").values_list("partner__name", "status", "urgent")),
        list(
            PrayerLog.objects.order_by("pk").values_list(
                "user__email", "partner__name", "request__text"
            )
        ),
    ]


def test_seed_scale_builds_the_sizes_asked_for_around_one_busy_community():
    printed = seed()
    assert Community.objects.count() == 4
    assert Partner.objects.count() == 40
    assert PrayerRequest.objects.count() == 400
    assert PrayerLog.objects.count() == 3000
    assert CheckIn.objects.count() == 80
    assert Testimony.objects.count() == 20
    intercessor = User.objects.get(email="intercessor@busy.example.org")
    groups = IntercessorGroup.objects.filter(members=intercessor)
    assert groups.count() == 2
    assert Partner.objects.filter(intercessor_groups__in=groups).distinct().count() == 6
    assert PrayerLog.objects.filter(user=intercessor).count() >= 500
    # Every prayer is by someone of the partner's own community.
    member = Membership.objects.filter(
        user=OuterRef("user"), community=OuterRef("partner__community")
    )
    assert not PrayerLog.objects.exclude(Exists(member)).exists()
    for role in ("coordinator", "intercessor", "partner"):
        assert f"{role}@busy.example.org" in printed
        assert User.objects.get(email=f"{role}@busy.example.org").check_password(
            "pray-without-ceasing"
        )


def test_the_same_seed_builds_the_same_rows_and_a_filled_database_is_refused():
    seed()
    first = digest()
    with pytest.raises(CommandError, match="already has communities"):
        seed()
    Community.objects.all().delete()
    User.objects.all().delete()
    seed()
    assert digest() == first


def test_sizes_too_small_for_the_busy_community_are_refused():
    with pytest.raises(CommandError, match="--partners must be at least"):
        seed(partners=5)
    assert not Community.objects.exists()
