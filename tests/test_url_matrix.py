"""Every URL pattern of the project against every kind of visitor.

Anonymous visitors go to sign in, outsiders (members of another community) get 404, the wrong
role gets 403. The first test fails when a URL pattern exists that this matrix does not cover:
add new URLs here with the answer each visitor should get.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import User
from imports.models import ImportJob
from intercession.models import IntercessorGroup, PrayerLog, Season, SeasonHour
from notifications.tokens import action_token, list_action_token, unsubscribe_token
from partnerships.models import (
    CalendarFeed,
    CheckIn,
    Community,
    Invitation,
    Membership,
    Partner,
    PrayerRequest,
    Role,
)
from partnerships.tokens import invitation_token
from testimonies.models import Testimony
from tests.conftest import client_for
from tests.factories import (
    make_checkin,
    make_community,
    make_group,
    make_import,
    make_invitation,
    make_member,
    make_partner,
    make_request,
    make_season,
    make_testimony,
    png_bytes,
)

ANON, OUTSIDER, PARTNER, INTERCESSOR, COORDINATOR = (
    "anonymous",
    "outsider",
    "partner",
    "intercessor",
    "coordinator",
)
VISITORS = [ANON, OUTSIDER, PARTNER, INTERCESSOR, COORDINATOR]
LOGIN = "login"  # expected: a redirect to the sign-in page


@dataclass
class World:
    """One community with a member of each role, and an outsider from another community.

    ``partner`` is the partner visitor's own profile, with a request and a check-in; the
    partner visitor must reach those and nothing of ``other_partner``.
    """

    community: Community
    users: dict[str, User | None]  # None: the anonymous visitor
    invitation: Invitation
    other_member: Membership
    partner: Partner
    other_partner: Partner
    request: PrayerRequest
    checkin: CheckIn
    feed: CalendarFeed
    group: IntercessorGroup
    prayer: PrayerLog
    answered: PrayerRequest
    testimony: Testimony
    draft: Testimony
    season: Season
    season_hour: SeasonHour  # the intercessor visitor's
    ended_partner: Partner
    import_job: ImportJob

    @property
    def coordinator(self) -> User:
        coordinator = self.users[COORDINATOR]
        assert coordinator is not None
        return coordinator

    @property
    def slug(self) -> str:
        return self.community.slug


@dataclass
class Case:
    expect: dict[str, int | str]
    kwargs: Callable[[World], dict] = lambda w: {}
    method: str = "GET"
    data: Callable[[World], dict] = field(default=lambda w: {})


def members_only(ok: int = 200) -> dict:
    return {ANON: LOGIN, OUTSIDER: 404, PARTNER: ok, INTERCESSOR: ok, COORDINATOR: ok}


def coordinators_only(ok: int = 200) -> dict:
    return {ANON: LOGIN, OUTSIDER: 404, PARTNER: 403, INTERCESSOR: 403, COORDINATOR: ok}


def signed_in(ok: int = 200) -> dict:
    return {ANON: LOGIN, OUTSIDER: ok, PARTNER: ok, INTERCESSOR: ok, COORDINATOR: ok}


def slug(w: World) -> dict:
    return {"slug": w.slug}


def praying(ok: int = 200) -> dict:
    """Coordinators and intercessors pray; partners are prayed for."""
    return {ANON: LOGIN, OUTSIDER: 404, PARTNER: 403, INTERCESSOR: ok, COORDINATOR: ok}


def group_kwargs(w: World) -> dict:
    return {"slug": w.slug, "pk": w.group.pk}


def own_partner_only(ok: int = 200) -> dict:
    """Coordinators and the partner themself; intercessors only through their groups."""
    return {ANON: LOGIN, OUTSIDER: 404, PARTNER: ok, INTERCESSOR: 404, COORDINATOR: ok}


def partner_kwargs(w: World) -> dict:
    return {"slug": w.slug, "pk": w.partner.pk}


def request_kwargs(w: World) -> dict:
    return {"slug": w.slug, "pk": w.request.pk}


def checkin_kwargs(w: World) -> dict:
    return {"slug": w.slug, "pk": w.checkin.pk}


def season_kwargs(w: World) -> dict:
    return {"slug": w.slug, "pk": w.season.pk}


def published_testimony_kwargs(w: World) -> dict:
    return {"slug": w.slug, "pk": w.testimony.pk}


def draft_kwargs(w: World) -> dict:
    return {"slug": w.slug, "pk": w.draft.pk}


def import_kwargs(w: World) -> dict:
    return {"slug": w.slug, "pk": w.import_job.pk}


def import_row_kwargs(w: World) -> dict:
    return {"slug": w.slug, "pk": w.import_job.pk, "number": 3}


MATRIX: dict[str, Case] = {
    "healthz": Case(dict.fromkeys(VISITORS, 200)),
    # The service worker is the same script for everyone; it keeps no one's pages itself.
    "service_worker": Case(dict.fromkeys(VISITORS, 200)),
    "partnerships:home": Case(
        {ANON: 200, OUTSIDER: 302, PARTNER: 302, INTERCESSOR: 302, COORDINATOR: 302}
    ),
    "partnerships:community_list": Case(signed_in()),
    "partnerships:community_create": Case(signed_in()),
    # Anyone holding the link sees the invitation; only the invited address can accept it.
    "partnerships:invitation": Case(
        dict.fromkeys(VISITORS, 200), kwargs=lambda w: {"token": invitation_token(w.invitation)}
    ),
    # Intercessors are taken to their daily list, a partner to their corner.
    "partnerships:community": Case({**members_only(), INTERCESSOR: 302, PARTNER: 302}, kwargs=slug),
    "partnerships:community_settings": Case(coordinators_only(), kwargs=slug),
    "partnerships:members": Case(coordinators_only(), kwargs=slug),
    "partnerships:invitation_create": Case(coordinators_only(), kwargs=slug),
    "partnerships:member_edit": Case(
        coordinators_only(), kwargs=lambda w: {"slug": w.slug, "pk": w.other_member.pk}
    ),
    "partnerships:member_remove": Case(
        coordinators_only(302),
        kwargs=lambda w: {"slug": w.slug, "pk": w.other_member.pk},
        method="POST",
    ),
    "partnerships:invitation_resend": Case(
        coordinators_only(302),
        kwargs=lambda w: {"slug": w.slug, "pk": w.invitation.pk},
        method="POST",
    ),
    "partnerships:invitation_revoke": Case(
        coordinators_only(302),
        kwargs=lambda w: {"slug": w.slug, "pk": w.invitation.pk},
        method="POST",
    ),
    "accounts:profile": Case(signed_in()),
    # Leaving and deleting: a page saying what happens (GET); the act is its form's POST.
    "partnerships:community_leave": Case(members_only(), kwargs=slug),
    "overview:account_delete": Case(signed_in()),
    "partnerships:partner_end": Case(coordinators_only(), kwargs=partner_kwargs),
    "overview:partner_delete": Case(
        coordinators_only(),
        kwargs=lambda w: {"slug": w.slug, "pk": w.ended_partner.pk},
    ),
    # Partnerships: partner profiles, requests, check-ins, dashboard, calendar.
    "overview:dashboard": Case(coordinators_only(), kwargs=slug),
    "partnerships:partner_list": Case(members_only(), kwargs=slug),
    "partnerships:partner_create": Case(coordinators_only(), kwargs=slug),
    "partnerships:partner": Case(own_partner_only(), kwargs=partner_kwargs),
    "partnerships:partner_edit": Case(own_partner_only(), kwargs=partner_kwargs),
    "partnerships:partner_photo": Case(own_partner_only(), kwargs=partner_kwargs),
    "partnerships:partner_invite": Case(
        coordinators_only(302),
        kwargs=lambda w: {"slug": w.slug, "pk": w.other_partner.pk},
        method="POST",
        data=lambda w: {"email": "someone.new@example.org"},
    ),
    "partnerships:request_create": Case(own_partner_only(), kwargs=partner_kwargs),
    "partnerships:checkin_create": Case(coordinators_only(), kwargs=partner_kwargs),
    "partnerships:requests_review": Case(coordinators_only(), kwargs=slug),
    "overview:request": Case(own_partner_only(), kwargs=request_kwargs),
    "partnerships:request_edit": Case(own_partner_only(), kwargs=request_kwargs),
    "partnerships:request_update": Case(
        own_partner_only(302),
        kwargs=request_kwargs,
        method="POST",
        data=lambda w: {"text": "Surgery moved to Friday"},
    ),
    "partnerships:request_answer": Case(
        own_partner_only(302),
        kwargs=request_kwargs,
        method="POST",
        data=lambda w: {"answer_note": "The visa came through", "answered_on": "2026-01-02"},
    ),
    "partnerships:request_close": Case(own_partner_only(302), kwargs=request_kwargs, method="POST"),
    # Review before it travels (tests/partnerships/test_review.py): the queue and its decisions
    # are the coordinators'; anyone who sees a request may flag it.
    "partnerships:review_queue": Case(coordinators_only(), kwargs=slug),
    "partnerships:request_approve": Case(
        coordinators_only(302),
        kwargs=request_kwargs,
        method="POST",
        data=lambda w: {"text": "For the visa"},
    ),
    "partnerships:request_send_back": Case(
        coordinators_only(302),
        kwargs=request_kwargs,
        method="POST",
        data=lambda w: {"note": "Leave out the city"},
    ),
    "partnerships:request_flag": Case(
        own_partner_only(302),
        kwargs=request_kwargs,
        method="POST",
        data=lambda w: {"reason": "It names the city"},
    ),
    "partnerships:checkin_list": Case(coordinators_only(), kwargs=slug),
    "partnerships:checkin": Case(own_partner_only(), kwargs=checkin_kwargs),
    "partnerships:checkin_edit": Case(coordinators_only(), kwargs=checkin_kwargs),
    "partnerships:checkin_status": Case(
        coordinators_only(302),
        kwargs=checkin_kwargs,
        method="POST",
        data=lambda w: {"status": "cancelled"},
    ),
    "partnerships:checkin_notes": Case(coordinators_only(), kwargs=checkin_kwargs),
    "partnerships:checkin_next": Case(coordinators_only(302), kwargs=checkin_kwargs, method="POST"),
    "partnerships:checkin_ics": Case(own_partner_only(), kwargs=checkin_kwargs),
    "partnerships:calendar_settings": Case(signed_in()),
    "partnerships:calendar_feed_create": Case(signed_in(302), method="POST"),
    "partnerships:calendar_feed_revoke": Case(signed_in(302), method="POST"),
    # The secret token is the key: calendar apps cannot sign in.
    "partnerships:calendar_feed": Case(
        dict.fromkeys(VISITORS, 200), kwargs=lambda w: {"token": w.feed.token}
    ),
    # Intercession: the daily list, prayers, the record, weekly groups.
    "intercession:today": Case(praying(), kwargs=slug),
    "intercession:pray": Case(
        praying(302),
        kwargs=slug,
        method="POST",
        data=lambda w: {"partner": w.other_partner.pk, "key": "matrix"},
    ),
    # The prayer is the coordinator's own: nobody else may annotate it.
    "intercession:prayer_note": Case(
        {ANON: LOGIN, OUTSIDER: 404, PARTNER: 403, INTERCESSOR: 403, COORDINATOR: 302},
        kwargs=lambda w: {"slug": w.slug, "pk": w.prayer.pk},
        method="POST",
        data=lambda w: {"note": "Psalm 121"},
    ),
    "intercession:pray_through": Case(praying(), kwargs=slug),
    "intercession:record": Case(praying(), kwargs=slug),
    "intercession:group_list": Case(praying(), kwargs=slug),
    "intercession:group_create": Case(coordinators_only(), kwargs=slug),
    "intercession:group": Case(praying(), kwargs=group_kwargs),
    "intercession:group_edit": Case(coordinators_only(), kwargs=group_kwargs),
    "intercession:group_guide": Case(praying(), kwargs=group_kwargs),
    "intercession:meeting_create": Case(praying(), kwargs=group_kwargs),
    # Seasons of prayer: everyone who prays sees them and takes hours; coordinators declare.
    "intercession:season_list": Case(praying(), kwargs=slug),
    "intercession:season_create": Case(coordinators_only(), kwargs=slug),
    "intercession:season": Case(praying(), kwargs=season_kwargs),
    "intercession:season_edit": Case(coordinators_only(), kwargs=season_kwargs),
    "intercession:season_day_edit": Case(
        coordinators_only(), kwargs=lambda w: {"slug": w.slug, "pk": w.season.pk, "number": 1}
    ),
    "intercession:season_hour_take": Case(
        praying(302),
        kwargs=season_kwargs,
        method="POST",
        data=lambda w: {"hour": 4, "day": "", "fasting": "on"},
    ),
    # Only the one who holds an hour may give it up: it is nobody else's to find.
    "intercession:season_hour_release": Case(
        {ANON: LOGIN, OUTSIDER: 404, PARTNER: 403, INTERCESSOR: 302, COORDINATOR: 404},
        kwargs=lambda w: {"slug": w.slug, "pk": w.season.pk, "hour_pk": w.season_hour.pk},
        method="POST",
    ),
    # Reminders: settings, the deliveries ledger, and the signed links of reminder emails,
    # which work without signing in (the signature is the key; acting needs a POST).
    "notifications:reminder_settings": Case(signed_in()),
    "partnerships:deliveries": Case(coordinators_only(), kwargs=slug),
    "partnerships:audit": Case(coordinators_only(), kwargs=slug),
    # Search: each member finds what they may see (tests/partnerships/test_search.py).
    "partnerships:search": Case(members_only(), kwargs=slug, data=lambda w: {"q": "request"}),
    "intercession:prayed_link": Case(
        dict.fromkeys(VISITORS, 200),
        kwargs=lambda w: {
            "token": action_token(action="prayed", user_id=w.coordinator.pk, target_id=w.request.pk)
        },
    ),
    "intercession:prayed_all_link": Case(
        dict.fromkeys(VISITORS, 200),
        kwargs=lambda w: {
            "token": list_action_token(
                action="prayed_all", user_id=w.coordinator.pk, target_ids=[w.request.pk]
            )
        },
    ),
    "intercession:snooze_link": Case(
        dict.fromkeys(VISITORS, 200),
        kwargs=lambda w: {
            "token": action_token(action="snooze", user_id=w.coordinator.pk, target_id=w.request.pk)
        },
    ),
    "notifications:not_today": Case(
        dict.fromkeys(VISITORS, 200),
        kwargs=lambda w: {
            "token": action_token(
                action="not_today",
                user_id=w.coordinator.pk,
                target_id=(timezone.localdate() + timedelta(days=1)).toordinal(),
            )
        },
    ),
    "notifications:unsubscribe": Case(
        dict.fromkeys(VISITORS, 200),
        kwargs=lambda w: {"token": unsubscribe_token(user_id=w.coordinator.pk, kind="daily")},
    ),
    # Testimonies. ``testimony`` is published for the partner visitor and the groups adopting
    # them (not the intercessor's group), written by a coordinator; ``draft`` is not published.
    "testimonies:testimony_list": Case(members_only(), kwargs=slug),
    "testimonies:testimony_print": Case(members_only(), kwargs=slug),
    "testimonies:testimony_create": Case(
        own_partner_only(), kwargs=slug, data=lambda w: {"request": w.answered.pk}
    ),
    "testimonies:testimony": Case(own_partner_only(), kwargs=published_testimony_kwargs),
    "testimonies:testimony_edit": Case(
        {ANON: LOGIN, OUTSIDER: 404, PARTNER: 403, INTERCESSOR: 404, COORDINATOR: 200},
        kwargs=published_testimony_kwargs,
    ),
    "testimonies:testimony_publish": Case(
        {ANON: LOGIN, OUTSIDER: 404, PARTNER: 404, INTERCESSOR: 404, COORDINATOR: 302},
        kwargs=draft_kwargs,
        method="POST",
    ),
    "testimonies:testimony_unpublish": Case(
        {ANON: LOGIN, OUTSIDER: 404, PARTNER: 403, INTERCESSOR: 404, COORDINATOR: 302},
        kwargs=published_testimony_kwargs,
        method="POST",
    ),
    "testimonies:testimony_thanks": Case(
        own_partner_only(302), kwargs=published_testimony_kwargs, method="POST"
    ),
    "testimonies:corner": Case(
        {ANON: LOGIN, OUTSIDER: 404, PARTNER: 200, INTERCESSOR: 403, COORDINATOR: 403},
        kwargs=slug,
    ),
    "testimonies:notifications": Case(signed_in()),
    # The encouragement email's link: the partner's own corner, everyone else home.
    "testimonies:my_corner": Case(signed_in(302)),
    # Moving in: importing partners and intercessors from a spreadsheet.
    "imports:start": Case(coordinators_only(), kwargs=slug),
    "imports:job": Case(coordinators_only(), kwargs=import_kwargs),
    "imports:mapping": Case(coordinators_only(), kwargs=import_kwargs),
    "imports:progress": Case(coordinators_only(), kwargs=import_kwargs),
    "imports:row": Case(coordinators_only(), kwargs=import_row_kwargs),
    "imports:row_skip": Case(coordinators_only(302), kwargs=import_row_kwargs, method="POST"),
    "imports:problems_skip": Case(coordinators_only(302), kwargs=import_kwargs, method="POST"),
    "imports:commit": Case(coordinators_only(302), kwargs=import_kwargs, method="POST"),
    "imports:discard": Case(coordinators_only(302), kwargs=import_kwargs, method="POST"),
    # Export and backup: a community's files are its coordinators'; a partner downloads
    # their own data. Downloads are POSTs (each is written in the audit trail).
    "exports:export_home": Case(signed_in(302)),
    "exports:export": Case(coordinators_only(), kwargs=slug),
    "exports:spreadsheets": Case(coordinators_only(), kwargs=slug, method="POST"),
    "exports:backup": Case(coordinators_only(), kwargs=slug, method="POST"),
    "exports:mine": Case(
        {ANON: LOGIN, OUTSIDER: 404, PARTNER: 200, INTERCESSOR: 403, COORDINATOR: 403},
        kwargs=slug,
        method="POST",
    ),
}

# URL namespaces and packages whose views carry their own authorization.
DELEGATED_NAMESPACES = {"admin"}  # Django admin: staff only
DELEGATED_MODULES = ("allauth.",)  # sign-in, sign-up, email, password, two-factor


def all_patterns(resolver=None, namespace: str | None = None, prefix: str = ""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            inner = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from all_patterns(pattern, inner, prefix + str(pattern.pattern))
        else:
            assert isinstance(pattern, URLPattern)
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield name, namespace, prefix + str(pattern.pattern), pattern.callback


def is_delegated(namespace: str | None, callback) -> bool:
    root = (namespace or "").split(":")[0]
    return root in DELEGATED_NAMESPACES or callback.__module__.startswith(DELEGATED_MODULES)


def project_patterns():
    return [(n, route) for n, ns, route, cb in all_patterns() if not is_delegated(ns, cb)]


def test_every_project_url_pattern_is_in_the_matrix():
    patterns = project_patterns()
    unnamed = [route for name, route in patterns if not name]
    assert not unnamed, f"Name these URL patterns so the matrix can cover them: {unnamed}"
    names = {name for name, _ in patterns}
    missing = sorted(names - MATRIX.keys())
    assert not missing, f"URL patterns missing from the access matrix: {missing}"
    stale = sorted(MATRIX.keys() - names)
    assert not stale, f"Matrix entries for URL patterns that no longer exist: {stale}"


def test_matrix_covers_every_visitor():
    for name, case in MATRIX.items():
        assert set(case.expect) == set(VISITORS), name


@pytest.fixture
def world(db) -> World:
    return build_world()


def build_world() -> World:
    community = make_community()
    other = make_community()
    coordinator = make_member(community, Role.COORDINATOR)
    partner_user = make_member(community, Role.PARTNER)
    intercessor = make_member(community, Role.INTERCESSOR)
    users: dict[str, User | None] = {
        ANON: None,
        OUTSIDER: make_member(other, Role.COORDINATOR),
        PARTNER: partner_user,
        INTERCESSOR: intercessor,
        COORDINATOR: coordinator,
    }
    make_member(community, Role.COORDINATOR)  # so removing a coordinator stays allowed
    other_member = Membership.objects.get(user=make_member(community, Role.INTERCESSOR))
    invitation = make_invitation(community, invited_by=coordinator)
    partner = make_partner(community, user=partner_user)
    partner.photo.save("p.png", ContentFile(png_bytes()))
    other_partner = make_partner(community)
    group = make_group(community, members=[intercessor], partners=[other_partner])
    prayer = PrayerLog.objects.create(user=coordinator, partner=other_partner)
    answered = make_request(partner, status="answered", answered_on=timezone.localdate())
    testimony = make_testimony(answered, author=coordinator, audience="groups", published=True)
    draft = make_testimony(answered, author=coordinator)
    season, season_hour = make_season(community, holder=intercessor, partners=[other_partner])
    return World(
        community,
        users,
        invitation,
        other_member,
        partner=partner,
        other_partner=other_partner,
        request=make_request(partner),
        checkin=make_checkin(partner),
        feed=CalendarFeed.objects.create(user=coordinator),
        group=group,
        prayer=prayer,
        answered=answered,
        testimony=testimony,
        draft=draft,
        season=season,
        season_hour=season_hour,
        ended_partner=make_partner(community, status="ended"),
        import_job=make_import(community, created_by=coordinator),
    )


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_access(world, name):
    """Every visitor against one URL. Each request runs in a savepoint rolled back after it, so
    every visitor finds the world as it was built (a coordinator's POST does not change what
    the next visitor meets), at the cost of one world per URL rather than per visit."""
    case = MATRIX[name]
    url = reverse(name, kwargs=case.kwargs(world))
    wrong = []
    for visitor in VISITORS:
        client = client_for(world.users[visitor])
        with transaction.atomic():
            response = getattr(client, case.method.lower())(url, case.data(world))
            transaction.set_rollback(True)
        expected = case.expect[visitor]
        cache_control = response.get("Cache-Control", "")
        if "no-store" not in cache_control or "private" not in cache_control:
            wrong.append(f"as {visitor}: Cache-Control {cache_control!r}, expected no-store")
        if expected == LOGIN:
            location = response.get("Location", "")
            if response.status_code != 302 or not location.startswith(reverse("account_login")):
                wrong.append(f"as {visitor}: {response.status_code} {location}, expected sign-in")
        elif response.status_code != expected:
            wrong.append(f"as {visitor}: {response.status_code}, expected {expected}")
    assert not wrong, f"{case.method} {url} " + "; ".join(wrong)


@pytest.mark.parametrize(
    "url",
    [
        "/calendar/%00.ics",
        "/c/%00/partners/",
        "/accounts/login/?next=%00",
        "/?q=a%00b",
    ],
)
def test_a_nul_byte_anywhere_in_the_address_is_a_clear_400(world, url):
    """PostgreSQL refuses NUL bytes: before this, ``/calendar/%00.ics`` was a server error."""
    for visitor in (ANON, COORDINATOR):
        response = client_for(world.users[visitor]).get(url)
        assert response.status_code == 400, (visitor, url)
        assert "Something in that request was wrong" in response.content.decode()


def test_wrong_method_is_refused(world):
    client = client_for(world.users[COORDINATOR])
    for name, case in MATRIX.items():
        if case.method == "POST":
            response = client.get(reverse(name, kwargs=case.kwargs(world)))
            assert response.status_code == 405, name


def test_delegated_allauth_pages_answer_anonymous_visitors(db, client):
    """allauth guards its own pages; none of the parameterless ones may fail for a visitor."""
    checked = 0
    for name, namespace, route, callback in all_patterns():
        if not is_delegated(namespace, callback) or namespace or "<" in route or "(?P" in route:
            continue
        response = client.get(reverse(name))
        assert response.status_code in {200, 302}, (name, response.status_code)
        checked += 1
    assert checked >= 10


def test_admin_is_for_staff_only(world):
    url = reverse("admin:index")
    for visitor in VISITORS:
        response = client_for(world.users[visitor]).get(url)
        assert response.status_code == 302, visitor
        assert response["Location"].startswith(reverse("admin:login"))
