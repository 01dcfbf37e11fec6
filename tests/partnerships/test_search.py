"""Search finds what each member may see and nothing more, on both ways of searching: full
text on PostgreSQL, the words anywhere (``icontains``) elsewhere. The fallback runs on every
database; full text wherever the suite runs on PostgreSQL (as CI does)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import User
from partnerships.access import memberships_of
from partnerships.models import Child, Membership, Partner, Role
from partnerships.search import (
    MAX_QUERY,
    PER_KIND,
    SearchResults,
    checkin_search,
    partner_search,
    prayer_request_search,
    query_words,
    request_update_search,
    search,
)
from tests.conftest import client_for
from tests.factories import (
    give_two_factor,
    make_checkin,
    make_group,
    make_member,
    make_partner,
    make_request,
)

pytestmark = pytest.mark.django_db

CANARY = "Qzcanary"


# The fallback everywhere; full-text search too where the suite runs on PostgreSQL.
ON_POSTGRESQL = "postgresql" in settings.DATABASES["default"]["ENGINE"]
MODES = [False, True] if ON_POSTGRESQL else [False]


@pytest.fixture(params=MODES, ids=lambda full: "full_text" if full else "fallback")
def full_text(request) -> bool:
    return request.param


def member(user: User, community) -> Membership:
    """The membership as a page's loader finds it (two-factor read with it)."""
    return next(m for m in memberships_of(user) if m.community_id == community.pk)


def found(results: SearchResults) -> str:
    """Everything the results would show, as one text to look for canaries in."""
    parts: list[str] = list(results.hidden)
    for p in results.partners:
        parts += [p.name, p.location, p.spouse_name, p.organisation]
    for r in results.requests:
        parts += [r.text, r.answer_note, r.partner.name if r.sees_partner else r.partner.alias]
    for u in results.updates:
        parts += [u.text, u.request.partner.name if u.sees_partner else u.request.partner.alias]
    for c in results.checkins:
        parts += [c.notes, c.family_update, c.partner.name]
    return " ".join(parts)


@pytest.fixture
def world(community, coordinator, intercessor, partner, other_community, outsider):
    """Tomasz's profile (the partner visitor's, adopted by the intercessor's group) with a
    visa request; Samuel, whom nobody adopted; Yusuf, sensitive, adopted too; a partner of
    another community with the same words."""
    coordinator_user = coordinator
    tomasz = make_partner(
        community, name="Tomasz Nowak", user=partner, location="Kraków", spouse_name="Anna"
    )
    Child.objects.create(partner=tomasz, name="Micah", birth_year=2016)
    visa = make_request(tomasz, text="Anna's visa renewal at the consulate")
    visa.updates.create(text="The visa interview moved to Friday", created_by=coordinator_user)
    secret = make_request(tomasz, text="Visa money worries", visibility="coordinators")
    samuel = make_partner(community, name="Samuel Mensah", location="Accra")
    samuel_private = make_request(samuel, text="Samuel's visa for the conference")
    samuel_shared = make_request(
        samuel, text="Visa for the whole team", visibility="community", answer_note="Granted"
    )
    yusuf = make_partner(
        community,
        name=f"Yusuf {CANARY}name",
        location=f"{CANARY}place",
        spouse_name=f"{CANARY}spouse",
        sensitive=True,
        alias="A. in Central Asia",
    )
    Child.objects.create(partner=yusuf, name=f"{CANARY}child", birth_year=2018)
    yusuf_request = make_request(yusuf, text=f"Visa at the {CANARY}office")
    yusuf_request.updates.create(text=f"{CANARY}update visa", created_by=coordinator_user)
    make_checkin(yusuf, status="held", notes=f"Visa talk, {CANARY}notes")
    make_checkin(tomasz, status="held", notes="Talked about the visa and Micah's school")
    make_group(community, members=[intercessor], partners=[tomasz, yusuf])
    elsewhere = make_partner(other_community, name="Tomasz Elsewhere", location="Kraków")
    make_request(elsewhere, text="Visa elsewhere", visibility="community")
    return {
        "tomasz": tomasz,
        "visa": visa,
        "secret": secret,
        "samuel": samuel,
        "samuel_private": samuel_private,
        "samuel_shared": samuel_shared,
        "yusuf": yusuf,
        "yusuf_request": yusuf_request,
        "elsewhere": elsewhere,
    }


def texts(rows) -> set[str]:
    return {row.text for row in rows}


def test_a_coordinator_finds_partners_by_name_place_and_family(
    world, community, coordinator, full_text
):
    me = member(coordinator, community)
    for query in ("Tomasz", "Kraków", "Anna", "Micah", "tomasz nowak"):
        assert [p.name for p in partner_search(me, query, full_text=full_text)] == [
            "Tomasz Nowak"
        ], query
    assert partner_search(me, "Accra", full_text=full_text)[0].name == "Samuel Mensah"
    assert partner_search(me, "nobody-here-at-all", full_text=full_text) == []


def test_a_coordinator_finds_requests_updates_and_checkin_notes(
    world, community, coordinator, full_text
):
    me = member(coordinator, community)
    requests = texts(prayer_request_search(me, "visa", full_text=full_text))
    assert requests == {
        "Anna's visa renewal at the consulate",
        "Visa money worries",
        "Samuel's visa for the conference",
        "Visa for the whole team",
    }
    assert texts(prayer_request_search(me, "granted", full_text=full_text)) == {
        "Visa for the whole team"
    }
    assert texts(request_update_search(me, "interview", full_text=full_text)) == {
        "The visa interview moved to Friday"
    }
    notes = checkin_search(me, "school", full_text=full_text)
    assert [c.partner.name for c in notes] == ["Tomasz Nowak"]
    # Words left out, as websearch reads them.
    assert texts(prayer_request_search(me, "visa -team -money", full_text=full_text)) == {
        "Anna's visa renewal at the consulate",
        "Samuel's visa for the conference",
    }


def test_an_outsider_finds_nothing_of_another_community(world, other_community, outsider):
    me = member(outsider, other_community)
    for full_text in MODES:
        results = search(me, "Tomasz visa", full_text=full_text)
        assert "Tomasz Nowak" not in found(results)
        results = search(me, "visa", full_text=full_text)
        assert texts(results.requests) == {"Visa elsewhere"}
    # And the page of the other community is not there for them.
    page = client_for(outsider).get(
        reverse("partnerships:search", kwargs={"slug": world["tomasz"].community.slug}),
        {"q": "visa"},
    )
    assert page.status_code == 404


def test_a_partner_finds_only_their_own_requests(world, community, partner, full_text):
    me = member(partner, community)
    results = search(me, "visa", full_text=full_text)
    assert texts(results.requests) == {
        "Anna's visa renewal at the consulate",
        "Visa money worries",  # their own, kept from the groups: not from them
    }
    assert texts(results.updates) == {"The visa interview moved to Friday"}
    assert results.checkins == []
    assert [p.name for p in results.partners] == []  # “visa” names no partner
    assert [p.name for p in search(me, "Samuel", full_text=full_text).partners] == []
    assert CANARY not in found(search(me, CANARY, full_text=full_text))


def test_an_intercessor_finds_no_coordinators_only_request_and_no_checkin_notes(
    world, community, intercessor, full_text
):
    me = member(intercessor, community)
    results = search(me, "visa", full_text=full_text)
    assert "Visa money worries" not in texts(results.requests)
    assert "Samuel's visa for the conference" not in texts(results.requests)  # not adopted
    assert "Visa for the whole team" in texts(results.requests)  # shared with everyone
    assert results.checkins == []
    assert search(me, "school", full_text=full_text).found is False
    # Samuel's page is not theirs to open: his shared request shows him by his public name,
    # with no link to his page (the request's page does the same).
    shared = next(r for r in results.requests if r.text == "Visa for the whole team")
    assert shared.sees_partner is False
    assert [p.name for p in search(me, "Samuel", full_text=full_text).partners] == []


def test_an_intercessor_whose_group_adopted_a_sensitive_partner_finds_them_as_their_pages_show(
    world, community, intercessor, full_text
):
    """Their partner page and Today show an adopted sensitive partner's name, place, family
    and requests to the group's intercessors: so does search."""
    me = member(intercessor, community)
    assert [p.alias for p in partner_search(me, f"{CANARY}place", full_text=full_text)] == [
        "A. in Central Asia"
    ]
    yusuf = next(
        r for r in prayer_request_search(me, "visa", full_text=full_text) if CANARY in r.text
    )
    assert yusuf.sees_partner is True


def test_a_coordinator_without_two_factor_does_not_find_a_sensitive_partner(
    world, community, coordinator, full_text
):
    me = member(coordinator, community)
    assert not me.sees_sensitive
    for query in (
        "Yusuf",
        f"{CANARY}name",
        f"{CANARY}place",
        f"{CANARY}spouse",
        f"{CANARY}child",
        f"{CANARY}office",
        f"{CANARY}update",
        f"{CANARY}notes",
        "visa",
    ):
        assert CANARY not in found(search(me, query, full_text=full_text)), query
    # By their alias they are found, as the partner list shows them: kept behind two-factor.
    results = search(me, "Central Asia", full_text=full_text)
    assert results.hidden == ["A. in Central Asia"] and results.partners == []


def test_with_two_factor_the_coordinator_finds_them(world, community, coordinator, full_text):
    give_two_factor(coordinator)
    me = member(coordinator, community)
    assert me.sees_sensitive
    for query in (f"{CANARY}name", f"{CANARY}place", f"{CANARY}spouse", f"{CANARY}child"):
        assert [p.alias for p in partner_search(me, query, full_text=full_text)] == [
            "A. in Central Asia"
        ], query
    results = search(me, "visa", full_text=full_text)
    assert f"Visa at the {CANARY}office" in texts(results.requests)
    assert f"{CANARY}update visa" in texts(results.updates)
    assert any(CANARY in c.notes for c in results.checkins)
    assert search(me, "Central Asia", full_text=full_text).hidden == []


def test_results_are_bounded(world, community, coordinator, full_text):
    tomasz = world["tomasz"]
    for n in range(PER_KIND + 5):
        make_request(tomasz, text=f"Visa paper {n}")
    me = member(coordinator, community)
    assert len(prayer_request_search(me, "visa paper", full_text=full_text)) == PER_KIND


def test_hostile_queries_find_nothing_and_fail_nothing(world, community, coordinator, full_text):
    me = member(coordinator, community)
    for query in ('"', "-", "- - -", "or", "OR OR", "!!!", "':*", "a & | b", "(((", "\\", "%", "_"):
        results = search(me, query, full_text=full_text)
        assert isinstance(results, SearchResults), query
    assert search(me, "%", full_text=False).found is False  # not a LIKE wildcard


def test_query_words_read_as_websearch_reads_them():
    words = query_words('"visa renewal" or Kraków -money, (school)')
    assert words.wanted == ["visa", "renewal", "Kraków", "school"]
    assert words.unwanted == ["money"]


def url(community) -> str:
    return reverse("partnerships:search", kwargs={"slug": community.slug})


def test_the_page_groups_results_and_marks_the_words_found(world, community, coordinator):
    make_request(world["tomasz"], text="<b>Visa</b> & <script>alert(1)</script>")
    page = client_for(coordinator).get(url(community), {"q": "visa"}).content.decode()
    assert "Prayer requests" in page and "Updates on requests" in page
    assert "Anna&#x27;s <mark>visa</mark> renewal" in page
    assert "&lt;b&gt;<mark>Visa</mark>&lt;/b&gt; &amp; &lt;script&gt;" in page
    assert "<script>alert(1)</script>" not in page
    assert "Check-in notes" in page
    assert reverse("overview:request", kwargs={"slug": community.slug, "pk": world["visa"].pk})
    partners = client_for(coordinator).get(url(community), {"q": "Kraków"}).content.decode()
    assert "<mark>Kraków</mark>" in partners


def test_the_page_says_what_is_wrong_with_a_query(world, community, coordinator):
    client = client_for(coordinator)
    assert "Type a name, a place or a few words" in client.get(url(community), {"q": "  "}).text
    long = client.get(url(community), {"q": "visa " * 50})
    assert long.status_code == 200
    assert f"{MAX_QUERY} characters at most" in long.text
    assert "<mark>" not in long.text
    nothing = client.get(url(community), {"q": "zebra"}).text
    assert "Nothing found for “zebra”." in nothing
    assert client.get(url(community), {"q": "a\x00b"}).status_code == 400
    bare = client.get(url(community)).text
    assert "Nothing found" not in bare and "Type a name" not in bare and "autofocus" in bare


def test_the_page_names_an_unadopted_partner_as_the_request_page_does(
    world, community, intercessor
):
    Partner.objects.filter(pk=world["samuel"].pk).update(sensitive=True, alias="S. in West Africa")
    page = client_for(intercessor).get(url(community), {"q": "team"}).text
    assert "Visa for the whole <mark>team</mark>" in page
    assert "S. in West Africa" in page and "Samuel" not in page


def test_search_is_one_tap_from_the_header(world, community, intercessor):
    make_member(community, Role.INTERCESSOR)
    home = client_for(intercessor).get(
        reverse("intercession:today", kwargs={"slug": community.slug})
    )
    assert f'href="{url(community)}"' in home.text
