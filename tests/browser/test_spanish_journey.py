"""A Spanish-speaking intercessor on her phone: allauth's sign-in page in her browser's Spanish,
then Today, a season of prayer and her daily email in the Spanish she chose, whoever sends it."""

import pytest
from django.core import mail
from django.utils import timezone, translation
from playwright.sync_api import expect

from partnerships.models import Child, Role
from tests.browser.conftest import DESKTOP
from tests.factories import (
    PASSWORD,
    make_community,
    make_group,
    make_member,
    make_partner,
    make_request,
    make_season,
)
from tests.notifications.conftest import deliver

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_intercesora_prays_in_spanish_from_sign_in_to_her_daily_email(new_page, screenshot):
    community = make_community(name="Casa de Oración Riverside", time_zone="America/Mexico_City")
    lucia = make_member(
        community,
        Role.INTERCESSOR,
        email="intercesora@example.org",
        name="Lucía Ramírez",
        time_zone="America/Mexico_City",
        language="es",
    )
    tomasz = make_partner(community, name="Tomasz Nowak", kind="church_planter", spouse_name="Anna")
    Child.objects.create(partner=tomasz, name="Micah", birth_year=timezone.localdate().year - 7)
    visa = make_request(tomasz, text="Favour at the visa office on Thursday", urgent=True)
    make_group(community, members=[lucia], partners=[tomasz])
    season, _ = make_season(
        community,
        title="Veintiún días por el visado",
        starts_in_days=0,
        days=21,
        partners=[tomasz],
        purpose="Tomasz y Anna esperan un visado. Oramos a todas horas hasta que llegue.",
    )

    page = new_page(locale="es-MX")
    page.goto("/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", name="Iniciar sesión")).to_be_visible()
    screenshot(page, "es-sign-in-phone")
    page.locator("input[name=login]").fill(lucia.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()

    page.goto(f"/c/{community.slug}/today/")
    expect(page.get_by_role("heading", name="Hoy")).to_be_visible()
    expect(page.get_by_text("Cónyuge: Anna · Hijo: Micah (7)")).to_be_visible()
    card = page.locator(f"#request-{visa.pk}")
    expect(card).to_contain_text("Nadie ha orado todavía")
    card.get_by_role("button", name="Oré").click()
    expect(card).to_contain_text("Orado una vez en total")
    expect(page.locator("#today-progress")).to_contain_text("Hoy has orado por 1 de 1 compañero.")
    screenshot(page, "es-today-phone")

    page.goto(f"/c/{community.slug}/seasons/{season.pk}/")
    expect(page.get_by_role("heading", name="A todas horas")).to_be_visible()
    expect(page.get_by_text("24 horas todavía libres")).to_be_visible()
    screenshot(page, "es-season-phone")
    desk = new_page(viewport=DESKTOP)
    desk.context.add_cookies(page.context.cookies())
    desk.goto(f"/c/{community.slug}/seasons/{season.pk}/")
    screenshot(desk, "es-season-desktop")

    page.goto("/profile/")
    expect(page.get_by_label("Idioma")).to_have_value("es")
    screenshot(page, "es-profile-phone")

    # The worker sends in English unless the recipient reads Spanish.
    with translation.override("en"):
        deliver(lucia, "daily")
    (message,) = mail.outbox
    assert message.subject.startswith("Ora hoy por Tomasz")
    inbox = new_page()
    inbox.set_content(message.alternatives[0][0])
    expect(inbox.get_by_text("Buenos días, Lucía")).to_be_visible()
    expect(inbox.get_by_role("link", name="Oré").first).to_be_visible()
    expect(inbox.get_by_text("I prayed")).to_have_count(0)
    screenshot(inbox, "es-email-daily-phone")
