import pytest
from django.utils import timezone

from intercession.models import PrayerLog
from partnerships.models import Role
from tests.factories import make_group, make_member, make_partner, make_request


def pray(user, request, times: int = 1) -> None:
    PrayerLog.objects.bulk_create(
        PrayerLog(user=user, partner=request.partner, request=request) for _ in range(times)
    )


@pytest.fixture
def story(community, coordinator, intercessor, partner):
    """Tomasz (the partner visitor's own profile) with an answered request that Daniel
    (intercessor, in the adopting group) carried 12 times and Ruth 3 times."""
    tomasz = make_partner(community, name="Tomasz Nowak", user=partner, kind="church_planter")
    ruth = make_member(community, Role.INTERCESSOR, name="Ruth Lindqvist")
    make_group(community, members=[intercessor, ruth], partners=[tomasz])
    hall = make_request(
        tomasz,
        text="A hall for Sunday gatherings",
        status="answered",
        answered_on=timezone.localdate(),
        answer_note="The school lent us its hall.",
    )
    pray(intercessor, hall, 12)
    pray(ruth, hall, 3)
    return {"tomasz": tomasz, "hall": hall, "ruth": ruth}
