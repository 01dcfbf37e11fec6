from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from partnerships.models import PrayerRequest, RequestStatus, Role
from tests.conftest import client_for
from tests.factories import make_member, make_partner, make_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner(community):
    return make_partner(community, name="Tomasz Nowak")


def url(name, community, obj):
    namespace = "overview" if name == "request" else "partnerships"
    return reverse(f"{namespace}:{name}", args=[community.slug, obj.pk])


def test_coordinator_adds_a_request_reviewed_in_a_month(coordinator_client, community, partner):
    response = coordinator_client.post(
        url("request_create", community, partner),
        {
            "text": "Wisdom for the visa interview",
            "category": "ministry",
            "urgent": "on",
            "visibility": "groups",
            "review_on": "",
        },
    )
    assert response.status_code == 302
    request = PrayerRequest.objects.get()
    assert request.urgent and request.status == RequestStatus.ACTIVE
    today = timezone.localdate()
    assert 28 <= (request.review_on - today).days <= 31
    page = coordinator_client.get(url("partner", community, partner)).content.decode()
    assert "Wisdom for the visa interview" in page and "Urgent" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": ""}, "This field is required."),
        ({"text": "x" * 2001}, "Ensure this value has at most 2000 characters"),
        ({"category": "weather"}, "Select a valid choice."),
        ({"review_on": "2001-01-01"}, "Choose a review date from today on."),
    ],
)
def test_bad_requests_are_explained(coordinator_client, community, partner, data, message):
    form = {"text": "Something", "category": "family", "visibility": "groups", "review_on": ""}
    form.update(data)
    response = coordinator_client.post(url("request_create", community, partner), form)
    assert message in response.content.decode()
    assert not PrayerRequest.objects.exists()


def test_update_answer_and_close(coordinator_client, community, partner):
    surgery = make_request(partner, text="Surgery on Monday")
    coordinator_client.post(url("request_update", community, surgery), {"text": "Moved to Friday"})
    assert surgery.updates.get().text == "Moved to Friday"
    coordinator_client.post(
        url("request_answer", community, surgery),
        {"answer_note": "It went well", "answered_on": timezone.localdate().isoformat()},
    )
    surgery.refresh_from_db()
    assert surgery.status == RequestStatus.ANSWERED and surgery.answer_note == "It went well"
    # An answered request takes no more updates, and says why.
    response = coordinator_client.post(
        url("request_update", community, surgery), {"text": "More"}, follow=True
    )
    assert "This request is already answered." in response.content.decode()
    assert surgery.updates.count() == 1

    other = make_request(partner, text="A hall for Sundays")
    coordinator_client.post(url("request_close", community, other))
    other.refresh_from_db()
    assert other.status == RequestStatus.CLOSED and other.closed_at is not None
    page = coordinator_client.get(url("partner", community, partner)).content.decode()
    assert "Answered and closed" in page and "A hall for Sundays" in page


def test_answer_in_the_future_is_refused(coordinator_client, community, partner):
    request = make_request(partner)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = coordinator_client.post(
        url("request_answer", community, request),
        {"answer_note": "x", "answered_on": tomorrow},
        follow=True,
    )
    assert (
        "An answer can&#x27;t be dated in the future." in response.content.decode()
        or "An answer can't be dated in the future." in response.content.decode()
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.ACTIVE


def test_stale_requests_wait_in_needs_an_update_instead_of_expiring(
    coordinator_client, community, partner
):
    stale = make_request(
        partner, text="Old request", review_on=timezone.localdate() + timedelta(days=3)
    )
    fresh = make_request(
        partner, text="Fresh request", review_on=timezone.localdate() + timedelta(days=40)
    )
    review = reverse("partnerships:requests_review", args=[community.slug])
    assert "Old request" not in coordinator_client.get(review).content.decode()
    with time_machine.travel(timezone.now() + timedelta(days=10)):
        html = coordinator_client.get(review).content.decode()
        assert "Old request" in html and "Fresh request" not in html
        # An update counts as a review and takes it off the list for a month.
        coordinator_client.post(url("request_update", community, stale), {"text": "Still waiting"})
        assert "Old request" not in coordinator_client.get(review).content.decode()
    stale.refresh_from_db()
    assert stale.status == RequestStatus.ACTIVE
    assert fresh.status == RequestStatus.ACTIVE


def test_partner_adds_and_answers_their_own_requests_only(community, partner):
    user = make_member(community, Role.PARTNER)
    partner.user = user
    partner.save()
    other = make_partner(community)
    theirs = make_request(other, text="Not yours")
    client = client_for(user)
    response = client.post(
        url("request_create", community, partner),
        {
            "text": "Pray for Anna's health",
            "category": "health",
            "visibility": "groups",
            "review_on": "",
        },
    )
    assert response.url == f"/c/{community.slug}/"  # back to their corner
    mine = PrayerRequest.objects.get(text="Pray for Anna's health")
    assert mine.created_by == user
    assert (
        client.post(url("request_answer", community, theirs), {"answer_note": "x"}).status_code
        == 404
    )
    assert client.get(url("request", community, theirs)).status_code == 404
    assert client.get(url("request_create", community, other)).status_code == 404


def test_coordinators_only_requests_never_reach_intercessors(
    intercessor_client, community, partner
):
    hidden = make_request(partner, visibility="coordinators", text="Private matter")
    shared = make_request(partner, visibility="community", text="Community-wide")
    assert intercessor_client.get(url("request", community, hidden)).status_code == 404
    assert intercessor_client.get(url("request", community, shared)).status_code == 200
    # Seeing a request never lets an intercessor change it.
    assert intercessor_client.post(url("request_close", community, shared)).status_code == 403


def test_requests_of_another_community_are_not_found(
    coordinator_client, community, other_community
):
    foreign = make_request(make_partner(other_community))
    for name in ("request", "request_edit"):
        assert coordinator_client.get(url(name, community, foreign)).status_code == 404
    assert coordinator_client.post(url("request_close", community, foreign)).status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == RequestStatus.ACTIVE


def test_a_community_request_shows_an_unadopted_sensitive_partner_by_alias(community, intercessor):
    secret = make_partner(community, name="Zarina Canaryname", sensitive=True, alias="Z. away")
    shared = make_request(secret, text="For everyone", visibility="community")
    page = client_for(intercessor).get(url("request", community, shared)).content.decode()
    assert "Z. away" in page and "Canaryname" not in page
    assert reverse("partnerships:partner", args=[community.slug, secret.pk]) not in page
