"""A coordinator invites an intercessor on a phone; the intercessor joins from the email."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import expect

from partnerships.models import Membership, Role
from tests.browser.conftest import DESKTOP
from tests.factories import PASSWORD, make_community, make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, email: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_coordinator_invites_and_the_invitee_joins(new_page, screenshot):
    community = make_community(name="Riverside House of Prayer")
    coordinator = make_member(community, Role.COORDINATOR, name="Grace Whitfield")

    page = new_page()
    page.goto("/accounts/login/")
    screenshot(page, "sign-in-phone")
    sign_in(page, coordinator.email)
    expect(page.get_by_role("heading", name="Riverside House of Prayer")).to_be_visible()
    screenshot(page, "community-coordinator-phone")

    page.get_by_role("link", name="Invite someone").click()
    page.get_by_label("Email", exact=True).fill("hannah@example.org")
    page.get_by_label("Intercessor").check()
    page.get_by_role("button", name="Send invitation").click()
    expect(
        page.get_by_text("Invitation sent to hannah@example.org as intercessor.")
    ).to_be_visible()
    expect(page.get_by_text("hannah@example.org", exact=True)).to_be_visible()
    screenshot(page, "members-phone")

    [message] = mail.outbox
    link = re.search(r"https?://\S+/invitations/\S+/", message.body).group(0)

    invitee = new_page()
    invitee.goto(urlsplit(link).path)
    expect(invitee.get_by_text("You're invited")).to_be_visible()
    screenshot(invitee, "invitation-phone")
    invitee.get_by_role("link", name="Create my account").click()
    expect(invitee.get_by_label("Email")).to_have_value("hannah@example.org")
    invitee.get_by_label("Your name").fill("Hannah Reid")
    invitee.get_by_label("Password", exact=True).fill("a long and quiet prayer 7")
    invitee.get_by_label("Password (again)").fill("a long and quiet prayer 7")
    invitee.get_by_role("button", name="Sign up").click()
    invitee.get_by_role("button", name="Join Riverside House of Prayer").click()
    expect(
        invitee.get_by_text("Welcome to Riverside House of Prayer! You joined as intercessor.")
    ).to_be_visible()

    membership = Membership.objects.get(user__email="hannah@example.org")
    assert (membership.community, membership.role) == (community, Role.INTERCESSOR)
    assert membership.user.time_zone != ""

    # The coordinator now sees her among those who joined.
    page.reload()
    expect(page.get_by_text("Hannah Reid")).to_be_visible()


def test_tampered_invitation_link_shows_a_clear_page(new_page):
    page = new_page()
    response = page.goto("/invitations/not-a-real-token/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="This link doesn't work")).to_be_visible()


def test_sign_in_and_community_pages_on_desktop(new_page, screenshot):
    community = make_community(name="Riverside House of Prayer")
    coordinator = make_member(community, Role.COORDINATOR, name="Grace Whitfield")
    make_member(community, Role.INTERCESSOR, name="Daniel Okafor")
    page = new_page(viewport=DESKTOP)
    page.goto("/accounts/login/")
    screenshot(page, "sign-in-desktop")
    sign_in(page, coordinator.email)
    expect(page.get_by_role("heading", name="Riverside House of Prayer")).to_be_visible()
    screenshot(page, "community-coordinator-desktop")
    page.get_by_role("link", name="Members").first.click()
    expect(page.get_by_text("Daniel Okafor")).to_be_visible()
    screenshot(page, "members-desktop")
