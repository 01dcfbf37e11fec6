"""A second language: a person's own choice, else their community's, else the browser's; and
every email in the language of the person it goes to, whoever sends it."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.languages import recipient_language
from partnerships.models import Role
from tests.conftest import client_for
from tests.factories import make_member, make_user

pytestmark = pytest.mark.django_db

SPANISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "es-MX,es;q=0.9,en;q=0.5"}


def test_spanish_is_offered_because_its_catalogue_is_there(settings):
    assert ("es", "Español") in settings.LANGUAGES
    assert settings.LANGUAGES[0][0] == settings.LANGUAGE_CODE == "en"


def test_a_visitor_reads_the_sign_in_page_in_their_browsers_language(client):
    english = client.get(reverse("account_login"))
    assert english["Content-Language"] == "en" and "Sign in" in english.content.decode()
    spanish = client.get(reverse("account_login"), **SPANISH_BROWSER)
    html = spanish.content.decode()
    assert spanish["Content-Language"] == "es"
    assert '<html lang="es">' in html and "Iniciar sesión" in html


def test_the_profile_offers_the_browsers_language_until_one_is_chosen(client):
    user = make_user(name="Lucía")
    client.force_login(user)
    form = client.get(reverse("accounts:profile"), **SPANISH_BROWSER).context["form"]
    assert form["language"].value() == "es"
    response = client.post(
        reverse("accounts:profile"),
        {"name": "Lucía", "time_zone": "America/Lima", "language": "es"},
        follow=True,
    )
    user.refresh_from_db()
    assert user.language == "es"
    # The page, and the message saying so, in the language just chosen, whatever the browser.
    html = response.content.decode()
    assert "Tu perfil se ha guardado." in html and "Perfil, idioma y zona horaria" in html


def test_a_language_we_do_not_have_is_refused(client):
    user = make_user(language="es")
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"), {"name": "X", "time_zone": "UTC", "language": "tlh"}
    )
    assert "tlh" in response.content.decode() and response.status_code == 200
    user.refresh_from_db()
    assert user.language == "es"


def test_a_person_reads_the_app_in_their_own_language_whatever_the_browser(community):
    person = make_member(community, Role.INTERCESSOR, language="es")
    response = client_for(person).get(reverse("intercession:today", args=[community.slug]))
    assert response["Content-Language"] == "es"
    assert "Hoy" in response.content.decode()


def test_the_community_language_is_for_those_who_have_not_chosen(community):
    community.language = "es"
    community.save()
    unchosen = make_member(community, Role.INTERCESSOR)
    chosen = make_member(community, Role.INTERCESSOR, language="en")
    url = reverse("intercession:today", args=[community.slug])
    assert client_for(unchosen).get(url)["Content-Language"] == "es"
    assert client_for(chosen).get(url, **SPANISH_BROWSER)["Content-Language"] == "en"
    assert (recipient_language(unchosen), recipient_language(chosen)) == ("es", "en")


def test_without_a_choice_or_a_community_language_the_browser_decides(community):
    person = make_member(community, Role.INTERCESSOR)
    url = reverse("intercession:today", args=[community.slug])
    assert client_for(person).get(url, **SPANISH_BROWSER)["Content-Language"] == "es"
    assert recipient_language(person) == "en"


def test_coordinators_set_the_community_language(coordinator_client, community):
    response = coordinator_client.post(
        reverse("partnerships:community_settings", args=[community.slug]),
        {
            "name": community.name,
            "kind": community.kind,
            "time_zone": community.time_zone,
            "language": "es",
            "two_factor_for_sensitive": "on",
        },
    )
    assert response.status_code == 302
    community.refresh_from_db()
    assert community.language == "es"


def test_the_invitation_is_in_the_communitys_language(
    coordinator_client, community, django_capture_on_commit_callbacks
):
    community.language = "es"
    community.save()
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(
            reverse("partnerships:invitation_create", args=[community.slug]),
            {"email": "nueva@example.org", "role": "intercessor"},
        )
    [message] = mail.outbox
    assert message.subject.startswith("Estás invitado a")
    assert "Aceptar la invitación" in message.alternatives[0][0]


def test_the_sign_in_code_is_in_the_language_of_the_person_it_goes_to():
    make_user(email="intercesora@example.org", language="es")
    make_user(email="reader@example.org", language="en")
    url = reverse("account_request_login_code")
    Client().post(url, {"email": "intercesora@example.org"})
    Client().post(url, {"email": "reader@example.org"}, **SPANISH_BROWSER)
    spanish, english = mail.outbox
    assert "Código de inicio de sesión" in spanish.subject
    assert "Sign-In Code" in english.subject or "Sign-in code" in english.subject
