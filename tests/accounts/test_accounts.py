import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def signup(client, **data):
    form = {
        "name": "Miriam Hale",
        "email": "miriam@example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "time_zone": "Africa/Nairobi",
    }
    form.update(data)
    return client.post(reverse("account_signup"), form)


def code_from(message) -> str:
    found = re.search(r"^\s*([A-Z0-9]{4}-?[A-Z0-9]{4}|[0-9]{6})\s*$", message.body, re.MULTILINE)
    assert found, f"no code in:\n{message.body}"
    return found.group(1)


def test_sign_up_with_email_then_verify_with_the_emailed_code(client):
    response = signup(client)
    assert response.status_code == 302
    user = User.objects.get(email="miriam@example.org")
    assert (user.name, user.time_zone) == ("Miriam Hale", "Africa/Nairobi")
    assert not EmailAddress.objects.get(user=user).verified
    [message] = mail.outbox
    response = client.post(reverse("account_email_verification_sent"), {"code": code_from(message)})
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    home = client.get(reverse("partnerships:home"), follow=True)
    assert home.context["user"] == user


def answers(client, url_name: str, email: str) -> tuple:
    """What a visitor sees after submitting ``email``: the status, where it leads, and the
    text of the page it leads to (without the form's CSRF token)."""
    response = client.post(reverse(url_name), {"email": email, **SIGNUP_EXTRA.get(url_name, {})})
    location = response.get("Location", "")
    page = client.get(location).content.decode() if location else response.content.decode()
    page = re.sub(r'(csrfmiddlewaretoken" value=|"X-CSRFToken": )"[^"]+"', "", page)
    return response.status_code, location, page.replace(email, "ADDRESS")


SIGNUP_EXTRA = {
    "account_signup": {"name": "Miriam Hale", "password1": PASSWORD, "password2": PASSWORD},
}


@pytest.mark.parametrize(
    "url_name", ["account_signup", "account_reset_password", "account_request_login_code"]
)
def test_no_page_tells_whether_an_address_has_an_account(url_name):
    """Sign-up, password reset and the sign-in code answer a known and an unknown address
    alike (a fresh browser each, as an attacker would); only the email that arrives
    differs, and it goes to that address's owner."""
    from django.test import Client

    make_user(email="known@example.org")
    known = answers(Client(), url_name, "known@example.org")
    unknown = answers(Client(), url_name, "nobody@example.org")
    assert known == unknown
    assert User.objects.count() == 1 + (url_name == "account_signup")
    assert sorted(m.to[0] for m in mail.outbox) == ["known@example.org", "nobody@example.org"]


def test_sign_up_with_an_address_already_used_is_told_by_email(client):
    make_user(email="miriam@example.org")
    response = signup(client, email="Miriam@Example.org")
    assert response.status_code == 302
    assert User.objects.count() == 1
    [message] = mail.outbox
    assert message.to == ["Miriam@Example.org"] or message.to == ["miriam@example.org"]
    assert "already" in message.body.lower()


def test_unknown_browser_time_zone_is_ignored_not_fatal(client):
    signup(client, time_zone="Not/AZone")
    assert User.objects.get(email="miriam@example.org").time_zone == "UTC"


def test_sign_in_by_emailed_code_needs_no_password(client):
    user = make_user(email="partner@example.org")
    client.post(reverse("account_request_login_code"), {"email": "partner@example.org"})
    [message] = mail.outbox
    response = client.post(reverse("account_confirm_login_code"), {"code": code_from(message)})
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).context["user"] == user


def test_forgotten_password_reset(client):
    make_user(email="forgetful@example.org")
    client.post(reverse("account_reset_password"), {"email": "forgetful@example.org"})
    [message] = mail.outbox
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", message.body).group(1)
    form_url = client.get(link)["Location"]
    response = client.post(
        form_url, {"password1": "a new long passphrase 42", "password2": "a new long passphrase 42"}
    )
    assert response.status_code == 302
    client.logout()
    assert client.login(email="forgetful@example.org", password="a new long passphrase 42")


def test_profile_time_zone_must_exist(client):
    user = make_user()
    client.force_login(user)
    response = client.post(reverse("accounts:profile"), {"name": "X", "time_zone": "Atlantis/City"})
    assert "Select a valid choice" in response.content.decode()
    user.refresh_from_db()
    assert user.time_zone == "UTC"
    client.post(reverse("accounts:profile"), {"name": "Xavier", "time_zone": "Asia/Tehran"})
    user.refresh_from_db()
    assert (user.name, user.time_zone) == ("Xavier", "Asia/Tehran")


def test_sign_in_page_speaks_of_email_not_username(client):
    html = client.get(reverse("account_login")).content.decode()
    assert 'type="email"' in html
    assert "username" not in html.lower()


def test_sign_in_pages_speak_in_sentence_case(client):
    html = client.get(reverse("account_login")).content.decode()
    assert ">Sign in<" in html.replace("\n", "").replace("  ", "") or "Sign in" in html
    assert "Sign In" not in html and "Remember Me" not in html


@pytest.mark.parametrize(
    ("proxies", "forwarded", "seen"),
    [
        (0, "203.0.113.9", "10.0.0.2"),  # no proxy trusted: the header is anyone's to write
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # what the client wrote is ignored
        (2, "203.0.113.9, 10.0.0.7", "203.0.113.9"),
    ],
)
def test_the_client_address_behind_trusted_proxies(rf, settings, proxies, forwarded, seen):
    from accounts.ratelimits import client_ip

    settings.ALLAUTH_TRUSTED_PROXY_COUNT = proxies
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == seen


def test_signed_out_after_the_idle_timeout_not_before(client, settings):
    import time_machine
    from django.utils import timezone

    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    user = make_user()
    client.force_login(user)
    profile = reverse("accounts:profile")
    start = timezone.now()
    assert client.get(profile).status_code == 200
    for minutes in (20, 40, 60):  # each request within 30 minutes of the one before
        with time_machine.travel(start + timezone.timedelta(minutes=minutes)):
            assert client.get(profile).status_code == 200, minutes
    with time_machine.travel(start + timezone.timedelta(minutes=95)):
        response = client.get(profile)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    with time_machine.travel(start + timezone.timedelta(minutes=96)):
        page = client.get(response["Location"]).content.decode()
    assert "You were signed out after a while without activity." in page


def test_changing_email_password_or_two_factor_asks_for_the_password_again(client):
    """Ten minutes after signing in (a session left open on a shared computer), none of the
    three can be changed without the password: the password form asks for the current one,
    and adding an email or turning on two-factor sends to "confirm access" first."""
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    user = make_user()
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    with time_machine.travel(timezone.now() + timedelta(minutes=10)):
        change = client.post(
            reverse("account_change_password"),
            {"password1": "a new long passphrase 42", "password2": "a new long passphrase 42"},
        )
        assert change.status_code == 200 and "oldpassword" in change.content.decode()
        added = client.post(
            reverse("account_email"), {"action_add": "", "email": "taken.over@example.org"}
        )
        activate = client.get(reverse("mfa_activate_totp"))
    for response in (added, activate):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not EmailAddress.objects.filter(email="taken.over@example.org").exists()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
