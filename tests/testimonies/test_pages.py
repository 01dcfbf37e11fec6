"""The testimonies pages, the partner's corner, and what each person may read there."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from intercession.models import PrayerLog
from partnerships.models import Role
from testimonies.models import Testimony, Thanks
from tests.conftest import client_for
from tests.factories import (
    give_two_factor,
    make_checkin,
    make_group,
    make_member,
    make_partner,
    make_request,
    make_testimony,
)

pytestmark = pytest.mark.django_db


def url(name, community, *args, **query):
    path = reverse(f"testimonies:{name}", args=[community.slug, *args])
    if query:
        path += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return path


def test_an_answered_request_offers_a_testimony_prefilled(story, partner_client, community):
    hall = story["hall"]
    page = partner_client.get(reverse("overview:request", args=[community.slug, hall.pk]))
    create = url("testimony_create", community, request=hall.pk)
    assert create in page.content.decode()
    form = partner_client.get(create).content.decode()
    assert "Answered: A hall for Sunday gatherings" in form
    assert "The school lent us its hall." in form


def test_write_publish_and_tell(story, partner_client, community):
    hall = story["hall"]
    response = partner_client.post(
        url("testimony_create", community, request=hall.pk),
        {
            "requests": [hall.pk],
            "title": "A hall at last",
            "story": "The school lent us its hall.",
            "scripture": "Psalm 126:3",
            "audience": "community",
        },
    )
    testimony = Testimony.objects.get()
    assert response.url == url("testimony", community, testimony.pk)
    assert testimony.status == "draft" and testimony.author.name == "Tomasz Partner"
    response = partner_client.post(url("testimony_publish", community, testimony.pk), follow=True)
    assert "Published. 2 people who prayed for it are being told." in response.content.decode()
    again = partner_client.post(url("testimony_publish", community, testimony.pk), follow=True)
    assert "This testimony is already published." in again.content.decode()
    assert testimony.notices.count() == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"story": ""}, "Tell the story: what did God do?"),
        ({"scripture": "Psalm " * 20}, "Keep the scripture reference to 60 characters"),
        (
            {"requests": "OTHER"},
            "That request is not one of this partner&#x27;s answered requests.",
        ),
        (
            {"requests": "9999999"},
            "That request is not one of this partner&#x27;s answered requests.",
        ),
    ],
)
def test_bad_input_is_explained_on_the_page(story, partner_client, community, change, message):
    hall = story["hall"]
    other = make_request(
        make_partner(community), status="answered", answered_on=timezone.localdate()
    )
    data = {
        "requests": [hall.pk],
        "title": "A hall at last",
        "story": "The school lent us its hall.",
        "audience": "community",
        **change,
    }
    if data["requests"] == "OTHER":
        data["requests"] = [hall.pk, other.pk]
    response = partner_client.post(url("testimony_create", community, request=hall.pk), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Testimony.objects.exists()


def test_list_is_newest_first_and_filters_by_partner_and_kind(story, coordinator, community):
    older = make_testimony(story["hall"], published=True, title="Older answer")
    Testimony.objects.filter(pk=older.pk).update(
        published_at=timezone.now() - timezone.timedelta(days=3)
    )
    pastor = make_partner(community, name="Samuel Mensah", kind="pastor")
    newer = make_testimony(
        make_request(pastor, status="answered", answered_on=timezone.localdate()),
        published=True,
        title="Newer answer",
    )
    client = client_for(coordinator)
    page = client.get(url("testimony_list", community)).content.decode()
    assert page.index("Newer answer") < page.index("Older answer")
    by_partner = client.get(url("testimony_list", community, partner=pastor.pk)).content.decode()
    assert "Newer answer" in by_partner and "Older answer" not in by_partner
    by_kind = client.get(url("testimony_list", community, kind="church_planter")).content.decode()
    assert "Older answer" in by_kind and "Newer answer" not in by_kind
    printed = client.get(url("testimony_print", community, kind="pastor")).content.decode()
    assert "Newer answer" in printed and "Older answer" not in printed
    assert newer.story in printed


def test_intercessors_read_what_is_meant_for_them(story, community, intercessor):
    outside = make_member(community, Role.INTERCESSOR)  # in no group, never prayed for it
    hall = story["hall"]
    for_groups = make_testimony(hall, published=True, audience="groups", title="For the groups")
    leila = make_partner(community, name="Leila Haddad", sensitive=True, alias="L. in the Gulf")
    for_all = make_testimony(
        make_request(leila, status="answered", answered_on=timezone.localdate()),
        published=True,
        audience="community",
        title="For everyone",
    )
    draft = make_testimony(hall, title="Not yet")
    page = client_for(intercessor).get(url("testimony_list", community)).content.decode()
    assert "For the groups" in page and "For everyone" in page and "Not yet" not in page
    assert "L. in the Gulf" in page and "Leila" not in page
    stranger = client_for(outside)
    page = stranger.get(url("testimony_list", community)).content.decode()
    assert "For everyone" in page and "For the groups" not in page
    assert stranger.get(url("testimony", community, for_groups.pk)).status_code == 404
    assert stranger.get(url("testimony", community, draft.pk)).status_code == 404
    assert stranger.get(url("testimony", community, for_all.pk)).status_code == 200


def test_a_partner_never_sees_another_partners_private_requests(story, partner_client, community):
    other = make_partner(community, name="Marcus Bell")
    private = make_request(
        other, text="Marcus private matter", status="answered", answered_on=timezone.localdate()
    )
    shared = make_testimony(private, published=True, audience="community", title="Marcus news")
    page = partner_client.get(url("testimony", community, shared.pk)).content.decode()
    assert "Marcus news" in page and "Marcus private matter" not in page
    corner = partner_client.get(url("corner", community)).content.decode()
    assert "Marcus private matter" not in corner


def test_give_thanks_once_each(story, intercessor, community):
    testimony = make_testimony(story["hall"], published=True)
    client = client_for(intercessor)
    thanks = url("testimony_thanks", community, testimony.pk)
    partial = client.post(thanks, headers={"HX-Request": "true"}).content.decode()
    assert "You gave thanks" in partial and "1 gave thanks" in partial and "<html" not in partial
    again = client.post(thanks, follow=True).content.decode()
    assert "You have already given thanks for this one." in again
    assert Thanks.objects.count() == 1


def test_coordinators_unpublish_and_see_testimonies_on_the_dashboard(
    story, coordinator_client, community
):
    testimony = make_testimony(story["hall"], published=True, title="A hall at last")
    dashboard = coordinator_client.get(reverse("overview:dashboard", args=[community.slug]))
    assert "A hall at last" in dashboard.content.decode()
    response = coordinator_client.post(url("testimony_unpublish", community, testimony.pk))
    assert response.status_code == 302
    testimony.refresh_from_db()
    assert testimony.status == "draft" and testimony.published_at is not None


def test_the_partners_corner(story, partner, partner_client, community, intercessor):
    tomasz = story["tomasz"]
    make_checkin(tomasz, starts_in_days=5)
    PrayerLog.objects.create(
        user=intercessor, partner=tomasz, note="Psalm 121 for you", shared_with_partner=True
    )
    PrayerLog.objects.create(
        user=intercessor, partner=tomasz, note="private", shared_with_partner=False
    )
    make_request(tomasz, text="Visas for the family", urgent=True)
    make_testimony(story["hall"], published=True, title="A hall at last")
    home = partner_client.get(reverse("partnerships:community", args=[community.slug]))
    assert home.url == url("corner", community)
    page = partner_client.get(home.url).content.decode()
    assert "Daniel and Ruth" in page  # first names of the adopting group
    assert "This month you were prayed for 17 times by 2 people." in page
    assert "Psalm 121 for you" in page and "private" not in page
    assert "Visas for the family" in page and "A hall at last" in page
    assert "Add to my calendar" in page


def test_a_partner_without_a_profile_is_shown_the_home_page(partner_client, community):
    response = partner_client.get(url("corner", community))
    assert response.url == reverse("partnerships:community", args=[community.slug])
    assert partner_client.get(response.url).status_code == 200


def _queries(client, path) -> int:
    client.get(path)  # the first visit remembers the community in the session
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def add_testimonies(story, community, count):
    people = [make_member(community, Role.INTERCESSOR) for _ in range(3)]
    for n in range(count):
        request = make_request(story["tomasz"], status="answered", answered_on=timezone.localdate())
        testimony = make_testimony(request, published=True, title=f"Answer {n}")
        for person in people:
            Thanks.objects.create(testimony=testimony, user=person)
            PrayerLog.objects.create(user=person, partner=story["tomasz"], request=request)


@pytest.mark.parametrize("page", ["testimony_list", "corner"])
def test_pages_run_a_constant_number_of_queries(story, partner_client, community, page):
    make_group(
        community, members=[make_member(community, Role.INTERCESSOR)], partners=[story["tomasz"]]
    )
    add_testimonies(story, community, 1)
    one = _queries(partner_client, url(page, community))
    add_testimonies(story, community, 49)
    fifty = _queries(partner_client, url(page, community))
    assert one == fifty, (one, fifty)


def test_a_sensitive_partner_who_writes_for_everyone_stays_behind_the_alias(community, intercessor):
    user = make_member(community, Role.PARTNER, name="Zarina Realname")
    secret = make_partner(
        community, name="Zarina Realname", user=user, sensitive=True, alias="Z. in Central Asia"
    )
    make_group(community, members=[intercessor], partners=[secret])
    testimony = make_testimony(
        make_request(secret, status="answered", answered_on=timezone.localdate()),
        author=user,
        published=True,
        audience="community",
    )
    client = client_for(intercessor)
    for page in (url("testimony_list", community), url("testimony", community, testimony.pk)):
        content = client.get(page).content.decode()
        assert "Z. in Central Asia" in content and "Realname" not in content, page


def test_the_printed_sheet_is_only_what_the_whole_community_may_read(
    story, coordinator, coordinator_client, community
):
    give_two_factor(coordinator)  # else the sensitive partner is left out altogether
    secret = make_partner(community, name="Zarina Realname", sensitive=True, alias="Z. away")
    private = make_request(
        secret,
        text="REQUEST-CANARY",
        status="answered",
        answered_on=timezone.localdate(),
        visibility="coordinators",
    )
    make_testimony(private, published=True, audience="community", title="For everyone")
    make_testimony(story["hall"], published=True, audience="groups", title="Groups only")
    sheet = coordinator_client.get(url("testimony_print", community)).content.decode()
    assert "For everyone" in sheet and "Z. away" in sheet
    assert "Groups only" not in sheet and "Realname" not in sheet and "REQUEST-CANARY" not in sheet


@pytest.mark.parametrize(
    ("visibility", "audience", "prefilled"),
    [
        ("community", "community", True),
        ("groups", "groups", True),
        ("coordinators", "groups", False),
    ],
)
def test_the_form_never_offers_a_private_request_to_the_whole_community(
    community, coordinator_client, visibility, audience, prefilled
):
    tomasz = make_partner(community, name="Tomasz Nowak")
    answered = make_request(
        tomasz,
        text="Private words",
        status="answered",
        answered_on=timezone.localdate(),
        visibility=visibility,
    )
    response = coordinator_client.get(url("testimony_create", community, request=answered.pk))
    form = response.context["form"]
    assert form.initial["audience"] == audience
    assert ("Answered: Private words" in response.content.decode()) is prefilled


def test_an_intercessor_writes_only_about_partners_their_groups_adopted(community, intercessor):
    elsewhere = make_partner(community, name="Marcus Bell")
    public = make_request(
        elsewhere, status="answered", answered_on=timezone.localdate(), visibility="community"
    )
    client = client_for(intercessor)
    assert client.get(url("testimony_create", community, request=public.pk)).status_code == 404
    page = client.get(reverse("overview:request", args=[community.slug, public.pk]))
    assert "Share a testimony" not in page.content.decode()


def test_the_request_page_links_only_testimonies_the_reader_may_read(story, community):
    outside = make_member(community, Role.INTERCESSOR)
    hall = story["hall"]
    hall.visibility = "community"
    hall.save()
    hidden = make_testimony(hall, published=True, audience="groups")
    page = client_for(outside).get(reverse("overview:request", args=[community.slug, hall.pk]))
    assert url("testimony", community, hidden.pk) not in page.content.decode()


@pytest.mark.parametrize("value", ["²", "-1", "99999999999999999999", "abc"])
def test_odd_filters_and_ids_are_ignored_not_errors(story, coordinator_client, community, value):
    for name in ("testimony_list", "testimony_print", "testimony_create"):
        response = coordinator_client.get(url(name, community, partner=value, request=value))
        assert response.status_code == 200, (name, value)


def test_editing_keeps_requests_the_editor_cannot_see(story, community, intercessor):
    secret_request = make_request(
        story["tomasz"],
        text="Coordinators only",
        status="answered",
        answered_on=timezone.localdate(),
        visibility="coordinators",
    )
    testimony = make_testimony(story["hall"], secret_request, author=intercessor)
    response = client_for(intercessor).post(
        url("testimony_edit", community, testimony.pk),
        {
            "requests": [story["hall"].pk],
            "title": "Edited",
            "story": "Still true.",
            "audience": "groups",
        },
    )
    assert response.status_code == 302
    assert set(testimony.requests.all()) == {story["hall"], secret_request}
