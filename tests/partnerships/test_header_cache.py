"""The header (menu and tabs) is drawn once and then taken from the cache: keyed by everything
it shows, so it is never another person's, another community's, or out of date."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from partnerships.models import Membership, Role
from tests.conftest import client_for
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def header(client, url) -> str:
    html = client.get(url).content.decode()
    return html[html.index("<header") : html.index("</header>")]


def test_the_header_is_each_persons_own_and_follows_every_change(community):
    ruth = make_member(community, Role.INTERCESSOR, name="Ruth Lindqvist")
    grace = make_member(community, Role.COORDINATOR, name="Grace Whitfield")
    url = reverse("testimonies:testimony_list", args=[community.slug])
    ruths = client_for(ruth)
    assert "Ruth Lindqvist" in header(ruths, url)
    assert "Members" not in header(ruths, url)  # a coordinator's tab
    graces = header(client_for(grace), url)
    assert "Grace Whitfield" in graces and "Ruth Lindqvist" not in graces
    assert "Members" in graces

    community.name = "Riverside Prayer Room"
    community.save()
    assert "Riverside Prayer Room" in header(ruths, url)
    Membership.objects.filter(user=ruth, community=community).update(role=Role.COORDINATOR)
    assert "Members" in header(ruths, url)
    ruth.name = "Ruth L."
    ruth.save()
    assert "Ruth L." in header(ruths, url)
    # The tab of the page one is on is marked, whichever page drew the header first.
    today = header(ruths, reverse("intercession:today", args=[community.slug]))
    assert re.search(r'href="[^"]*/today/" aria-current="page"', today)


def test_the_sign_out_form_carries_this_sessions_token(community):
    ruth = make_member(community, Role.INTERCESSOR)
    url = reverse("testimonies:testimony_list", args=[community.slug])
    tokens = set()
    for _ in range(2):  # two sessions of the same person, one after the other
        client = client_for(ruth)
        client.get(url)  # the first page sets the token cookie
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', header(client, url))
        assert match
        tokens.add(match.group(1))
        client.handler.enforce_csrf_checks = True
        signed_out = client.post(reverse("account_logout"), {"csrfmiddlewaretoken": match.group(1)})
        assert signed_out.status_code == 302
    assert len(tokens) == 2
