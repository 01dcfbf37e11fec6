"""A coordinator on a phone meets a security-sensitive partner before turning on two-factor
sign-in: the alias, and the way to turn it on; then sets it up with an authenticator app,
sees the partner, and is asked for a code at the next sign-in."""

import re

import pytest
from playwright.sync_api import expect

from partnerships.models import Role
from tests.browser.conftest import DESKTOP
from tests.browser.test_invitation_journey import sign_in
from tests.factories import PASSWORD, make_community, make_member, make_partner, make_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def current_code(secret: str) -> str:
    from allauth.mfa.totp.internal.auth import (
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def test_a_coordinator_turns_on_two_factor_to_see_a_sensitive_partner(new_page, screenshot):
    community = make_community(name="Riverside House of Prayer")
    coordinator = make_member(
        community, Role.COORDINATOR, name="Grace Whitfield", email="grace@example.org"
    )
    yusuf = make_partner(
        community,
        name="Yusuf Karimov",
        spouse_name="Dilnoza",
        location="Samarkand",
        sensitive=True,
        alias="Y. in Central Asia",
    )
    make_request(yusuf, text="Favour with the neighbours who ask questions")
    make_partner(community, name="Marcus Bell", kind="marketplace")

    page = new_page()
    sign_in(page, coordinator.email)
    page.goto(f"/c/{community.slug}/partners/")
    expect(page.get_by_role("complementary", name="Security")).to_contain_text(
        "One security-sensitive partner (Y. in Central Asia) is shown to you by alias only"
    )
    expect(page.get_by_text("Marcus Bell")).to_be_visible()
    expect(page.get_by_text("Yusuf")).to_have_count(0)
    screenshot(page, "two-factor-locked-partners-phone")

    # The partner's own account is shown by alias too, without its address.
    yusuf.user = make_member(
        community, Role.PARTNER, name="Yusuf Karimov", email="yusuf@example.org"
    )
    yusuf.save()
    page.goto(f"/c/{community.slug}/members/")
    expect(page.get_by_text("Y. in Central Asia", exact=True)).to_be_visible()
    expect(page.get_by_text("yusuf@example.org")).to_have_count(0)
    screenshot(page, "two-factor-locked-members-phone")
    page.goto(f"/c/{community.slug}/settings/")
    page.get_by_label("Two-factor sign-in before sensitive partners").uncheck()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Only a coordinator who signs in with two-factor")).to_be_visible()
    screenshot(page, "two-factor-settings-refused-phone")

    page.goto(f"/c/{community.slug}/partners/{yusuf.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Turn on two-factor sign-in to see Y. in Central Asia"
    )
    expect(page.get_by_text("Samarkand")).to_have_count(0)
    screenshot(page, "two-factor-required-phone")

    page.get_by_role("link", name="Turn on two-factor sign-in").click()
    # Changing how one signs in asks for the password again, however recent the sign-in.
    expect(page.get_by_role("heading", name="Confirm access")).to_be_visible()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    secret = page.locator("#authenticator_secret").input_value()
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret), secret
    screenshot(page, "two-factor-setup-phone")
    page.get_by_label("Authenticator code").fill(current_code(secret))
    page.get_by_role("button", name=re.compile("Activate", re.I)).click()
    expect(page.get_by_text(re.compile("recovery codes", re.I)).first).to_be_visible()
    screenshot(page, "two-factor-recovery-codes-phone")

    page.goto(f"/c/{community.slug}/partners/{yusuf.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Yusuf Karimov")
    expect(page.get_by_text("Samarkand").first).to_be_visible()
    expect(page.get_by_role("complementary", name="Security")).to_have_count(0)
    screenshot(page, "two-factor-partner-seen-phone")
    page.goto(f"/c/{community.slug}/audit/")
    expect(page.get_by_role("row").filter(has_text="Opened the partner's page")).to_have_count(1)
    expect(page.get_by_text("Yusuf")).to_have_count(0)
    screenshot(page, "audit-trail-phone")
    desktop = new_page(viewport=DESKTOP)
    desktop.context.add_cookies(page.context.cookies())
    desktop.goto(f"/c/{community.slug}/audit/")
    expect(desktop.get_by_role("heading", name="Audit trail")).to_be_visible()
    screenshot(desktop, "audit-trail-desktop")

    # The next sign-in asks for a code from the app as well.
    page.context.clear_cookies()
    sign_in(page, coordinator.email)
    expect(page.get_by_role("heading", name="Two-factor sign-in")).to_be_visible()
    screenshot(page, "two-factor-sign-in-code-phone")
    page.get_by_role("textbox", name="Code").fill(current_code(secret))
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"/c/{community.slug}/partners/")
    expect(page.get_by_text("Yusuf Karimov")).to_be_visible()
