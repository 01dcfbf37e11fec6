"""The app on a phone with a poor signal: it installs (manifest, icons, a service worker that
controls the page), Today opens without a signal from the copy kept on the phone with a banner,
"I prayed" taps made offline wait and are each recorded once when the signal returns, and
signing out forgets the copy."""

import json
import re
import time

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from intercession.models import PrayerLog
from partnerships.models import RequestStatus, Role
from tests.browser.conftest import signed_in
from tests.factories import make_community, make_group, make_member, make_partner, make_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def setup_world():
    community = make_community(name="Riverside House of Prayer")
    intercessor = make_member(community, Role.INTERCESSOR, name="Daniel Okafor")
    partner = make_partner(community, name="Tomasz Nowak", spouse_name="Anna")
    visa = make_request(partner, text="Favour at the visa office on Thursday", urgent=True)
    hall = make_request(partner, text="A hall for Sunday gatherings")
    make_group(community, members=[intercessor], partners=[partner])
    return community, intercessor, partner, visa, hall


def controlled(page) -> None:
    """Wait until the service worker is active and controls this page."""
    page.evaluate("navigator.serviceWorker.ready")
    if not page.evaluate("!!navigator.serviceWorker.controller"):
        page.wait_for_function("!!navigator.serviceWorker.controller")


def kept_pages(page) -> list[str]:
    return page.evaluate(
        """async () => {
            if (!(await caches.has("epaphras-pages"))) return [];
            const cache = await caches.open("epaphras-pages");
            return (await cache.keys()).map((r) => new URL(r.url).pathname);
        }"""
    )


def test_the_app_installs(new_page):
    community, intercessor, *_ = setup_world()
    page = new_page()
    signed_in(page, intercessor)
    href = page.evaluate("document.querySelector('link[rel=manifest]').href")
    assert page.locator('link[rel="apple-touch-icon"]').count() == 1
    safari = page.locator('meta[name="apple-mobile-web-app-capable"]')
    assert safari.get_attribute("content") == "yes"
    response = page.request.get(href)
    assert response.ok
    manifest = json.loads(response.text())
    assert manifest["name"] == "Epaphras"
    assert manifest["short_name"]
    assert manifest["start_url"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#1f4e5f"
    assert manifest["background_color"] == "#f5efe5"
    icons = {(icon["sizes"], icon.get("purpose", "any")): icon["src"] for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= set(icons)
    for (sizes, _purpose), src in icons.items():
        icon = page.request.get(page.evaluate(f"new URL({src!r}, {href!r}).href"))
        assert icon.ok and icon.headers["content-type"] == "image/png", src
        width = int.from_bytes(icon.body()[16:20], "big")  # the PNG header's width
        assert f"{width}x{width}" == sizes, src

    controlled(page)
    scope = page.evaluate("navigator.serviceWorker.ready.then((r) => r.scope)")
    assert scope == page.url.split("/c/")[0] + "/"
    script = page.evaluate("navigator.serviceWorker.controller.scriptURL")
    assert script.endswith("/sw.js")


def test_today_offline_then_two_prayers_sent_once(new_page, screenshot):
    community, intercessor, partner, visa, hall = setup_world()
    page = new_page()
    signed_in(page, intercessor)
    today = f"/c/{community.slug}/today/"
    controlled(page)
    page.goto(today)  # now fetched through the worker, which keeps a copy
    page.goto(f"/c/{community.slug}/partners/{partner.pk}/")
    assert set(kept_pages(page)) >= {today, f"/c/{community.slug}/partners/{partner.pk}/"}
    banner = page.locator("#offline-banner")
    expect(banner).to_be_hidden()

    page.context.set_offline(True)
    page.goto(today)
    expect(page.get_by_role("heading", name="Today")).to_be_visible()
    expect(banner).to_be_visible()
    expect(banner).to_have_attribute("role", "status")
    expect(banner).to_contain_text("You are offline: this is Today as of")
    screenshot(page, "today-offline-phone")

    for request in (visa, hall):
        card = page.locator(f"#request-{request.pk}")
        card.get_by_role("button", name="I prayed").click()
        expect(card).to_contain_text("Saved, will send when you are back online.")
    assert PrayerLog.objects.count() == 0
    screenshot(page, "today-offline-waiting-phone")

    # The kept copy, opened again offline, still shows both taps as waiting.
    page.goto(today)
    expect(page.get_by_text("Saved, will send when you are back online.")).to_have_count(2)
    assert PrayerLog.objects.count() == 0

    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.context.set_offline(False)
    expect(page.get_by_text("Amen ✓ Sent.")).to_have_count(2)
    assert sorted(PrayerLog.objects.values_list("request_id", flat=True)) == sorted(
        [visa.pk, hall.pk]
    )
    assert len(posts) == 2
    assert waiting_taps(page) == 0  # nothing left waiting
    screenshot(page, "today-back-online-phone")

    # Reloading sends nothing again.
    page.reload()
    expect(banner).to_be_hidden()
    page.wait_for_load_state("networkidle")
    assert len(posts) == 2
    assert PrayerLog.objects.count() == 2


def test_signing_out_forgets_the_kept_pages(new_page):
    community, intercessor, *_ = setup_world()
    page = new_page()
    signed_in(page, intercessor)
    controlled(page)
    page.goto(f"/c/{community.slug}/today/")
    assert kept_pages(page)
    page.locator("details.menu summary").click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"^http://[^/]+/$"))
    assert kept_pages(page) == []

    page.context.set_offline(True)
    response = page.goto(f"/c/{community.slug}/today/")
    assert response is not None and response.status == 503
    assert "Tomasz" not in page.content()


def until(condition, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def waiting_taps(page) -> int:
    return page.evaluate(
        """() => new Promise((resolve) => {
            const open = indexedDB.open("epaphras-offline");
            open.onsuccess = () => {
                const read = open.result.transaction("prayers").objectStore("prayers").count();
                read.onsuccess = () => resolve(read.result);
            };
        })"""
    )


def test_a_shared_phone_never_shows_or_sends_the_last_persons(new_page):
    """Daniel's session ends without signing out (he closes the tab with a tap waiting); Ruth
    signs in on the same phone. She meets nothing of his, and his tap is not sent as hers."""
    community, intercessor, partner, visa, hall = setup_world()
    page = new_page()
    signed_in(page, intercessor)
    controlled(page)
    today = f"/c/{community.slug}/today/"
    page.goto(today)
    page.context.set_offline(True)
    page.goto(today)
    page.locator(f"#request-{visa.pk}").get_by_role("button", name="I prayed").click()
    expect(page.get_by_text("Saved, will send when you are back online.")).to_be_visible()
    assert waiting_taps(page) == 1
    context = page.context
    page.close()

    context.set_offline(False)
    other = make_community(name="Hillside Prayer")
    ruth = make_member(other, Role.INTERCESSOR, name="Ruth Mensah")
    page = context.new_page()
    signed_in(page, ruth)
    page.wait_for_function(
        "localStorage.getItem('epaphras-offline-owner') === document.body.dataset.offlineOwner"
    )
    assert today not in kept_pages(page)
    assert waiting_taps(page) == 0
    assert PrayerLog.objects.count() == 0


def test_a_tap_that_never_arrived_is_sent_on_the_next_load_and_a_refusal_is_shown(
    new_page, screenshot
):
    community, intercessor, partner, visa, hall = setup_world()
    page = new_page()
    signed_in(page, intercessor)
    controlled(page)
    page.goto(f"/c/{community.slug}/today/")

    # The phone believes it is online, but the tap never reaches the server.
    page.route("**/pray/", lambda route: route.abort("internetdisconnected"))
    page.locator(f"#request-{visa.pk}").get_by_role("button", name="I prayed").click()
    expect(page.get_by_text("Saved, will send when you are back online.")).to_be_visible()
    assert PrayerLog.objects.count() == 0
    page.unroute("**/pray/")
    page.reload()  # the next page load sends it
    assert until(lambda: waiting_taps(page) == 0)
    assert list(PrayerLog.objects.values_list("request_id", flat=True)) == [visa.pk]
    banner = page.locator("#offline-banner")
    expect(banner).to_contain_text("The prayers kept on this phone while offline are now recorded.")
    screenshot(page, "today-sent-on-load-phone")

    # Offline, a tap for a request that is answered before the signal returns.
    page.context.set_offline(True)
    card = page.locator(f"#request-{hall.pk}")
    card.get_by_role("button", name="I prayed").click()
    expect(card).to_contain_text("Saved, will send when you are back online.")
    hall.status, hall.answered_on = RequestStatus.ANSWERED, timezone.localdate()
    hall.save(update_fields=["status", "answered_on"])
    page.context.set_offline(False)
    expect(card).to_contain_text("This request is already answered")
    assert PrayerLog.objects.count() == 1
    assert waiting_taps(page) == 0
    screenshot(page, "today-refused-after-offline-phone")
