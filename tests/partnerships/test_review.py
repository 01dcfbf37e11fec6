"""Review before it travels: requests written by partners (and anyone but a coordinator) wait
for a coordinator's approval, and any member who sees a request may flag its wording. A held
request is on no Today, in no email, on no group page and in no search until it is released."""

from datetime import time

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from notifications.models import Delivery
from partnerships import services
from partnerships.models import AuditEvent, PrayerRequest, RequestReview, Role
from tests.conftest import client_for
from tests.factories import make_group, make_member, make_partner, make_request
from tests.notifications.conftest import deliver

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(community, coordinator, intercessor):
    """Tomasz, a partner with his own account, adopted by the intercessor's group; and Leyla, a
    security-sensitive partner, so that the community holds new requests by default."""
    tomasz_user = make_member(community, Role.PARTNER, name="Tomasz Nowak")
    tomasz = make_partner(community, name="Tomasz Nowak", user=tomasz_user)
    leyla = make_partner(community, name="Leyla", sensitive=True, alias="L. in Central Asia")
    group = make_group(
        community,
        members=[intercessor, coordinator],
        partners=[tomasz],
        weekday=(timezone.localdate().weekday() + 1) % 7,
        meeting_time=time(19, 30),
    )
    return {"tomasz": tomasz, "tomasz_user": tomasz_user, "leyla": leyla, "group": group}


def write(partner, author, text="Pray for the meeting with the governor of Herat"):
    return services.prayer_request_create(
        partner=partner,
        text=text,
        category="ministry",
        urgent=False,
        visibility="groups",
        review_on=None,
        created_by=author,
    )


def today(user, community) -> str:
    return (
        client_for(user).get(reverse("intercession:today", args=[community.slug])).content.decode()
    )


def daily_email(user) -> str:
    mail.outbox.clear()
    Delivery.objects.filter(user=user).delete()  # one daily email a day: this one is anew
    deliver(user, "daily")
    return "".join(str(m.body) for m in mail.outbox)


def test_a_partners_request_waits_until_a_coordinator_approves_it(
    community, world, coordinator, intercessor
):
    held = write(world["tomasz"], world["tomasz_user"])
    assert held.review == "waiting"
    assert "governor of Herat" not in today(intercessor, community)
    assert "governor of Herat" not in daily_email(intercessor)
    # Its author sees that it waits, on the request and on their corner.
    author = client_for(world["tomasz_user"])
    page = author.get(reverse("overview:request", args=[community.slug, held.pk])).content.decode()
    assert "Waiting for review" in page and "governor of Herat" in page
    corner = author.get(reverse("testimonies:corner", args=[community.slug])).content.decode()
    assert "waiting for review" in corner.lower()
    # The coordinator's home counts it and the queue lists it.
    home = client_for(coordinator).get(reverse("partnerships:community", args=[community.slug]))
    assert "1 request waits for your review" in home.content.decode()
    queue = client_for(coordinator).get(reverse("partnerships:review_queue", args=[community.slug]))
    assert "governor of Herat" in queue.content.decode()

    response = client_for(coordinator).post(
        reverse("partnerships:request_approve", args=[community.slug, held.pk]),
        {"text": "Pray for the meeting with the governor"},
    )
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.review == "" and held.text == "Pray for the meeting with the governor"
    assert "meeting with the governor" in today(intercessor, community)
    assert "meeting with the governor" in daily_email(intercessor)


def test_held_requests_stay_out_of_group_pages_and_search(community, world, intercessor):
    held = write(world["tomasz"], world["tomasz_user"], text="Quietly for Herat")
    reader = client_for(intercessor)
    group = reader.get(reverse("intercession:group", args=[community.slug, world["group"].pk]))
    assert "Quietly for Herat" not in group.content.decode()
    found = reader.get(reverse("partnerships:search", args=[community.slug]), {"q": "Herat"})
    assert "Quietly for Herat" not in found.content.decode()
    assert (
        reader.get(reverse("overview:request", args=[community.slug, held.pk])).status_code == 404
    )


def test_a_coordinators_own_request_is_not_held(community, world, coordinator, intercessor):
    own = write(world["tomasz"], coordinator, text="For the new visa")
    assert own.review == ""
    assert "For the new visa" in today(intercessor, community)


def test_the_setting_off_means_no_holding(community, world, coordinator, intercessor):
    url = reverse("partnerships:community_settings", args=[community.slug])
    settings_page = client_for(coordinator).get(url).content.decode()
    assert "hold new requests for a coordinator&#x27;s review" in settings_page.lower()
    response = client_for(coordinator).post(
        url,
        {
            "name": community.name,
            "kind": community.kind,
            "time_zone": community.time_zone,
            "two_factor_for_sensitive": "on",
            "request_review": RequestReview.NEVER,
        },
    )
    assert response.status_code == 302
    community.refresh_from_db()
    request = write(world["tomasz"], world["tomasz_user"], text="For the new visa")
    assert request.review == ""
    assert "For the new visa" in today(intercessor, community)
    # Switching it is in the audit trail.
    assert AuditEvent.objects.filter(what__startswith="review of new requests").exists()


def test_by_default_only_communities_with_a_sensitive_partner_hold_requests(community, coordinator):
    user = make_member(community, Role.PARTNER)
    partner = make_partner(community, user=user)
    assert write(partner, user).review == ""
    make_partner(community, sensitive=True, alias="A. in the Gulf")
    assert write(partner, user).review == "waiting"
    community.request_review = RequestReview.ALWAYS
    community.save()
    partner.community.refresh_from_db()
    assert write(partner, user).review == "waiting"


def test_a_flag_takes_a_request_off_today_and_emails_until_a_coordinator_clears_it(
    community, world, coordinator, intercessor
):
    visa = make_request(world["tomasz"], text="For the visa office in Kabul")
    assert "visa office in Kabul" in today(intercessor, community)
    flagger = make_member(community, Role.INTERCESSOR, name="Ruth Reader")
    world["group"].members.add(flagger)
    response = client_for(flagger).post(
        reverse("partnerships:request_flag", args=[community.slug, visa.pk]),
        {"reason": "It names the city"},
    )
    assert response.status_code == 302
    assert "visa office in Kabul" not in today(intercessor, community)
    assert "visa office in Kabul" not in today(coordinator, community)  # everyone's Today
    email = daily_email(intercessor)
    # Not even as "a request: read it in the app": it is on nobody's list.
    assert "visa office in Kabul" not in email and "read it in the app" not in email
    # The coordinator sees why and by whom, on the request's page and in the queue.
    page = client_for(coordinator).get(reverse("overview:request", args=[community.slug, visa.pk]))
    assert "Ruth Reader" in page.content.decode() and "It names the city" in page.content.decode()
    home = client_for(coordinator).get(reverse("partnerships:community", args=[community.slug]))
    assert "1 request waits for your review" in home.content.decode()

    client_for(coordinator).post(
        reverse("partnerships:request_approve", args=[community.slug, visa.pk]), {"text": ""}
    )
    visa.refresh_from_db()
    assert visa.review == "" and visa.flagged_by is None
    assert "visa office in Kabul" in today(intercessor, community)
    assert "visa office in Kabul" in daily_email(intercessor)


def test_a_coordinators_edit_clears_a_flag(community, world, coordinator, intercessor):
    visa = make_request(world["tomasz"], text="For the visa office in Kabul")
    services.prayer_request_flag(prayer_request=visa, by=intercessor, reason="")
    assert "visa office" not in today(intercessor, community)
    response = client_for(coordinator).post(
        reverse("partnerships:request_edit", args=[community.slug, visa.pk]),
        {
            "text": "For the visa office",
            "category": "ministry",
            "visibility": "groups",
            "review_on": visa.review_on.isoformat(),
        },
    )
    assert response.status_code == 302
    assert "For the visa office" in today(intercessor, community)


def test_a_request_sent_back_waits_again_once_its_author_rewords_it(community, world, coordinator):
    held = write(world["tomasz"], world["tomasz_user"])
    client_for(coordinator).post(
        reverse("partnerships:request_send_back", args=[community.slug, held.pk]),
        {"note": "Leave out the city, please"},
    )
    held.refresh_from_db()
    assert held.review == "sent_back"
    author = client_for(world["tomasz_user"])
    page = author.get(reverse("overview:request", args=[community.slug, held.pk])).content.decode()
    assert "Leave out the city, please" in page
    author.post(
        reverse("partnerships:request_edit", args=[community.slug, held.pk]),
        {
            "text": "Pray for the meeting with the governor",
            "category": "ministry",
            "visibility": "groups",
            "review_on": held.review_on.isoformat(),
        },
    )
    held.refresh_from_db()
    assert held.review == "waiting" and held.text == "Pray for the meeting with the governor"


def test_approvals_and_flags_of_sensitive_partners_are_audited(
    community, world, coordinator, intercessor
):
    community.two_factor_for_sensitive = False  # the coordinator sees Leyla without it
    community.save()
    request = make_request(world["leyla"], visibility="community", text="For L.")
    client_for(coordinator).post(
        reverse("partnerships:request_flag", args=[community.slug, request.pk]), {"reason": ""}
    )
    client_for(coordinator).post(
        reverse("partnerships:request_approve", args=[community.slug, request.pk]), {"text": ""}
    )
    trail = list(AuditEvent.objects.filter(partner=world["leyla"]).values_list("what", flat=True))
    assert f"request #{request.pk} (flagged)" in trail
    assert f"request #{request.pk} (approved)" in trail


def test_an_intercessor_cannot_approve_and_an_outsider_gets_404(
    community, world, intercessor, outsider
):
    held = write(world["tomasz"], world["tomasz_user"])
    url = reverse("partnerships:request_approve", args=[community.slug, held.pk])
    assert client_for(intercessor).post(url, {"text": ""}).status_code == 403
    assert client_for(outsider).post(url, {"text": ""}).status_code == 404
    flag = reverse("partnerships:request_flag", args=[community.slug, held.pk])
    assert client_for(outsider).post(flag, {"reason": ""}).status_code == 404
    held.refresh_from_db()
    assert held.review == "waiting"


def test_bad_input_is_told_and_changes_nothing(community, world, coordinator):
    held = write(world["tomasz"], world["tomasz_user"])
    reviewer = client_for(coordinator)
    response = reviewer.post(
        reverse("partnerships:request_send_back", args=[community.slug, held.pk]),
        {"note": "  "},
        follow=True,
    )
    assert "This field is required" in response.content.decode() or "Say what" in (
        response.content.decode()
    )
    response = reviewer.post(
        reverse("partnerships:request_approve", args=[community.slug, held.pk]),
        {"text": "x" * 2001},
        follow=True,
    )
    held.refresh_from_db()
    assert held.review == "waiting" and "governor of Herat" in held.text
    released = make_request(world["tomasz"])
    response = reviewer.post(
        reverse("partnerships:request_approve", args=[community.slug, released.pk]),
        {"text": ""},
        follow=True,
    )
    assert "not waiting for review" in response.content.decode()
    assert PrayerRequest.objects.get(pk=released.pk).review == ""


def test_the_queue_runs_the_same_few_queries_for_more_requests(community, world, coordinator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    reviewer = client_for(coordinator)
    url = reverse("partnerships:review_queue", args=[community.slug])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert reviewer.get(url).status_code == 200
        return len(captured)

    write(world["tomasz"], world["tomasz_user"])
    queries()  # the first page of a session also fills the header's cache
    one = queries()
    for n in range(5):
        write(world["tomasz"], world["tomasz_user"], text=f"Request {n}")
        services.prayer_request_flag(
            prayer_request=make_request(world["tomasz"]), by=coordinator, reason=f"{n}"
        )
    print(f"\nreview queue: {one} queries with 1 held, {queries()} with 11")
    assert queries() == one <= 12
