import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from intercession.models import PrayerLog
from intercession.services import prayer_log_create
from partnerships.models import Child, Role
from tests.conftest import client_for
from tests.factories import make_group, make_member, make_partner, make_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def adopted(community, intercessor):
    partner = make_partner(community, name="Tomasz Nowak", spouse_name="Anna")
    year = timezone.localdate().year
    Child.objects.create(partner=partner, name="Micah", birth_year=year - 7)
    Child.objects.create(partner=partner, name="Ruth", birth_year=year - 4)
    make_group(community, members=[intercessor], partners=[partner])
    return partner


def today(client, community, **params):
    return client.get(reverse("intercession:today", args=[community.slug]), params)


def pray(client, community, htmx=False, **data):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(reverse("intercession:pray", args=[community.slug]), data, **headers)


def test_today_shows_adopted_partners_with_family_and_requests_urgent_first(
    intercessor_client, community, adopted
):
    calm = make_request(adopted, text="Calm request")
    urgent = make_request(adopted, text="Urgent request", urgent=True)
    html = today(intercessor_client, community).content.decode()
    assert "Spouse: Anna · Children: Micah (7), Ruth (4)" in html
    assert html.index(urgent.text) < html.index(calm.text)
    assert (
        "You&#x27;ve prayed for 0 of 1 partner today." in html
        or "prayed for 0 of 1 partner" in html
    )


def test_least_prayed_requests_come_before_well_carried_ones(
    intercessor, intercessor_client, community, adopted
):
    carried = make_request(adopted, text="Well carried")
    forgotten = make_request(adopted, text="Forgotten")
    for _ in range(3):
        PrayerLog.objects.create(user=intercessor, partner=adopted, request=carried)
    html = today(intercessor_client, community).content.decode()
    assert html.index(forgotten.text) < html.index(carried.text)


def test_community_wide_requests_reach_everyone_but_coordinators_only_never(
    intercessor_client, community, adopted
):
    elsewhere = make_partner(community, name="Marcus Bell")
    make_request(elsewhere, text="For the whole community", visibility="community")
    make_request(elsewhere, text="Just for Marcus's group", visibility="groups")
    make_request(adopted, text="Coordinators only", visibility="coordinators")
    html = today(intercessor_client, community).content.decode()
    assert "For the whole community" in html
    assert "Just for Marcus" not in html and "Coordinators only" not in html


def test_paused_group_takes_its_partners_off_the_list(intercessor_client, community, adopted):
    adopted.intercessor_groups.update(paused=True)
    assert "Tomasz Nowak" not in today(intercessor_client, community).content.decode()


def test_i_prayed_without_javascript_records_and_offers_a_note(
    intercessor, intercessor_client, community, adopted
):
    request = make_request(adopted, text="Visa")
    back = reverse("intercession:today", args=[community.slug])
    response = pray(intercessor_client, community, request=request.pk, key="k1", next=back)
    log = PrayerLog.objects.get()
    assert (log.user, log.request, log.partner) == (intercessor, request, adopted)
    assert response["Location"] == f"{back}?prayed={log.pk}#request-{request.pk}"
    page = intercessor_client.get(response["Location"]).content.decode()
    assert "Amen. Your prayer is recorded." in page and "Prayed once" in page
    assert reverse("intercession:prayer_note", args=[community.slug, log.pk]) in page
    intercessor_client.post(
        reverse("intercession:prayer_note", args=[community.slug, log.pk]),
        {"note": "Psalm 121", "fasted": "on", "share": "on", "next": back},
    )
    log.refresh_from_db()
    assert (log.note, log.fasted, log.shared_with_partner) == ("Psalm 121", True, True)
    record = intercessor_client.get(
        reverse("intercession:record", args=[community.slug])
    ).content.decode()
    assert "Psalm 121" in record


def test_i_prayed_with_htmx_returns_the_card_with_the_new_count(
    intercessor_client, community, adopted
):
    request = make_request(adopted, text="Visa")
    response = pray(intercessor_client, community, htmx=True, request=request.pk, key="k1")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="request-{request.pk}"' in html and "Prayed once" in html and "Amen" in html
    assert "<html" not in html


def test_double_tap_records_one_prayer(intercessor_client, community, adopted):
    request = make_request(adopted)
    pray(intercessor_client, community, htmx=True, request=request.pk, key="same")
    pray(intercessor_client, community, htmx=True, request=request.pk, key="same")
    pray(intercessor_client, community, htmx=True, request=request.pk, key="another-within-seconds")
    assert PrayerLog.objects.count() == 1
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):
        pray(intercessor_client, community, htmx=True, request=request.pk, key="a-minute-later")
    assert PrayerLog.objects.count() == 2


def test_taps_past_the_limit_are_refused_with_a_message(
    intercessor_client, community, adopted, settings
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "pray": "3/m"}
    requests = [make_request(adopted, text=f"Request {n}") for n in range(4)]
    for request in requests[:3]:
        pray(intercessor_client, community, htmx=True, request=request.pk, key=f"k{request.pk}")
    refused = pray(intercessor_client, community, htmx=True, request=requests[3].pk, key="k4")
    assert "Wait a moment, then tap again." in refused.content.decode()
    assert PrayerLog.objects.count() == 3
    with time_machine.travel(timezone.now() + timedelta(minutes=1, seconds=5)):
        pray(intercessor_client, community, htmx=True, request=requests[3].pk, key="k5")
    assert PrayerLog.objects.count() == 4


@pytest.mark.django_db(transaction=True)
def test_simultaneous_double_tap_records_one_prayer(postgresql, community, intercessor, adopted):
    request = make_request(adopted)
    barrier = threading.Barrier(4)
    results = []

    def tap():
        barrier.wait()
        try:
            results.append(
                prayer_log_create(
                    user=intercessor, partner=adopted, prayer_request=request, client_key="tap"
                )[1]
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=tap) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert PrayerLog.objects.filter(request=request).count() == 1
    assert results.count(True) == 1


@pytest.mark.django_db(transaction=True)
def test_two_taps_with_different_keys_at_the_same_instant_are_one_prayer(
    postgresql, community, adopted
):
    """25 people each tap twice at once with different form keys (two tabs, or the page and
    the email's link), 50 taps at the same instant: 25 prayers, each person's first tap new
    and the second the same one."""
    request = make_request(adopted)
    people = [make_member(community, Role.INTERCESSOR) for _ in range(25)]
    taps = [(person, f"tab-{n}") for person in people for n in range(2)]
    barrier = threading.Barrier(len(taps))
    results: dict[int, list[bool]] = {person.pk: [] for person in people}

    def tap(person, key):
        barrier.wait()
        try:
            _log, created = prayer_log_create(
                user=person, partner=adopted, prayer_request=request, client_key=key
            )
            results[person.pk].append(created)
        finally:
            connection.close()

    threads = [threading.Thread(target=tap, args=tap_args) for tap_args in taps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert PrayerLog.objects.filter(request=request).count() == 25
    assert sorted(map(sorted, results.values())) == [[False, True]] * 25


def test_prayer_for_a_request_you_cannot_see_is_not_found_and_not_recorded(
    intercessor_client, community, adopted, other_community
):
    hidden = make_request(adopted, visibility="coordinators")
    foreign = make_request(make_partner(other_community))
    not_adopted = make_request(make_partner(community))
    for request in (hidden, foreign, not_adopted):
        assert pray(intercessor_client, community, request=request.pk).status_code == 404
    assert (
        pray(intercessor_client, community, partner=make_partner(community).pk).status_code == 404
    )
    assert not PrayerLog.objects.exists()


@pytest.mark.parametrize("status", ["answered", "closed"])
def test_prayer_for_a_finished_request_is_explained_and_not_recorded(
    intercessor_client, community, adopted, status
):
    request = make_request(
        adopted, status=status, answered_on=timezone.localdate() if status == "answered" else None
    )
    response = pray(intercessor_client, community, request=request.pk, key="x")
    message = f"This request is already {status}"
    assert message in intercessor_client.get(response["Location"]).content.decode()
    htmx = pray(intercessor_client, community, htmx=True, request=request.pk, key="y")
    assert message in htmx.content.decode() and htmx["HX-Reswap"] == "beforeend"
    assert not PrayerLog.objects.exists()


def test_overlong_note_is_explained_and_nothing_recorded(intercessor_client, community, adopted):
    request = make_request(adopted)
    response = pray(intercessor_client, community, htmx=True, request=request.pk, note="x" * 1001)
    assert "Keep your note under 1000 characters (it has 1001)." in response.content.decode()
    assert not PrayerLog.objects.exists()


def test_partner_prayer_and_progress(intercessor_client, community, adopted):
    pray(intercessor_client, community, partner=adopted.pk, key="p")
    html = today(intercessor_client, community).content.decode()
    assert "prayed for 1 of 1 partner today" in html.replace("&#x27;", "'")


def test_shared_note_reaches_the_partner_private_one_does_not(community, intercessor, adopted):
    request = make_request(adopted, text="Visa")
    PrayerLog.objects.create(
        user=intercessor,
        partner=adopted,
        request=request,
        note="Shared word",
        shared_with_partner=True,
    )
    PrayerLog.objects.create(
        user=intercessor, partner=adopted, request=request, note="Private word"
    )
    partner_user = make_member(community, Role.PARTNER)
    adopted.user = partner_user
    adopted.save()
    html = (
        client_for(partner_user)
        .get(reverse("overview:request", args=[community.slug, request.pk]))
        .content.decode()
    )
    assert "Shared word" in html and "Private word" not in html
    assert "Prayed 2 times" in html


def test_what_changed_since_the_last_visit(intercessor_client, community, adopted):
    today(intercessor_client, community)
    with time_machine.travel(timezone.now() + timedelta(hours=3)):
        make_request(adopted, text="Brand new need")
    with time_machine.travel(timezone.now() + timedelta(hours=5)):
        html = today(intercessor_client, community).content.decode()
    assert "New since your last visit" in html and "Brand new need" in html


def test_someone_else_cannot_annotate_my_prayer(community, intercessor, adopted):
    log = PrayerLog.objects.create(user=intercessor, partner=adopted)
    other = make_member(community, Role.INTERCESSOR)
    response = client_for(other).post(
        reverse("intercession:prayer_note", args=[community.slug, log.pk]), {"note": "mine now"}
    )
    assert response.status_code == 403
    log.refresh_from_db()
    assert log.note == ""


def populate(community, intercessor, partners: int, logs: int) -> None:
    people = [make_partner(community, spouse_name="Anna") for _ in range(partners)]
    for partner in people:
        Child.objects.create(partner=partner, name="Micah", birth_year=2019)
        make_request(partner, urgent=True)
        make_request(partner)
    make_group(community, members=[intercessor], partners=people)
    requests = [r for p in people for r in p.requests.all()]
    PrayerLog.objects.bulk_create(
        PrayerLog(
            user=intercessor,
            partner_id=requests[i % len(requests)].partner_id,
            request=requests[i % len(requests)],
            note="n",
        )
        for i in range(logs)
    )


def count_queries(client, url) -> int:
    client.get(url)  # the first visit of the day writes its bookkeeping row
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["today", "record", "pray_through", "group"])
def test_pages_run_the_same_number_of_queries_at_any_size(
    community, intercessor, intercessor_client, page
):
    def url():
        from intercession.models import IntercessorGroup

        if page == "group":
            group = IntercessorGroup.objects.order_by("pk").first()
            return reverse("intercession:group", args=[community.slug, group.pk])
        return reverse(f"intercession:{page}", args=[community.slug])

    populate(community, intercessor, partners=1, logs=1)
    small = count_queries(intercessor_client, url())
    PrayerLog.objects.all().delete()
    from intercession.models import IntercessorGroup

    IntercessorGroup.objects.all().delete()
    populate(community, intercessor, partners=12, logs=240)
    large = count_queries(intercessor_client, url())
    assert small == large, f"{page}: {small} queries small, {large} large"
