import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from partnerships.models import Invitation, Membership, Role
from partnerships.tokens import invitation_token
from tests.conftest import client_for
from tests.factories import PASSWORD, make_invitation, make_member

pytestmark = pytest.mark.django_db


def invite(client, community, email="new.person@example.org", role="intercessor"):
    url = reverse("partnerships:invitation_create", args=[community.slug])
    return client.post(url, {"email": email, "role": role})


def link_from(message) -> str:
    found = re.search(r"http://\S+/invitations/\S+/", message.body)
    assert found, f"no invitation link in:\n{message.body}"
    return found.group(0)


def test_coordinator_invites_by_email_with_a_signed_link(
    coordinator_client, community, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(coordinator_client, community, email="New.Person@Example.org")
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role) == ("new.person@example.org", Role.INTERCESSOR)
    [message] = mail.outbox
    assert message.to == ["new.person@example.org"]
    assert community.name in message.subject
    assert invitation_token(invitation).split(":")[0] in link_from(message)
    html = message.alternatives[0][0]
    assert "Accept the invitation" in html
    members = coordinator_client.get(reverse("partnerships:members", args=[community.slug]))
    assert "new.person@example.org" in members.content.decode()


def test_inviting_the_same_address_again_refreshes_the_open_invitation(
    coordinator_client, community, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(coordinator_client, community, role="intercessor")
        invite(coordinator_client, community, email="NEW.person@example.org", role="partner")
    invitation = Invitation.objects.get()
    assert invitation.role == Role.PARTNER
    assert len(mail.outbox) == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "not-an-email", "role": "intercessor"}, "Enter a valid email address."),
        ({"email": "", "role": "intercessor"}, "This field is required."),
        ({"email": "a@example.org", "role": "bishop"}, "“bishop” is not a role here."),
    ],
)
def test_bad_invitations_are_explained(coordinator_client, community, data, message):
    url = reverse("partnerships:invitation_create", args=[community.slug])
    response = coordinator_client.post(url, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Invitation.objects.exists()
    assert not mail.outbox


def test_inviting_an_existing_member_says_so(coordinator_client, community, intercessor):
    response = invite(coordinator_client, community, email=intercessor.email.upper())
    assert "is already a member of Riverside House of Prayer" in response.content.decode()
    assert not Invitation.objects.exists()


def test_newcomer_signs_up_from_the_link_and_lands_in_the_community(client, community):
    invitation = make_invitation(community, email="anna@example.org", role=Role.PARTNER)
    url = reverse("partnerships:invitation", args=[invitation_token(invitation)])
    page = client.get(url).content.decode()
    assert "Create my account" in page and community.name in page
    response = client.post(
        reverse("account_signup") + f"?next={url}",
        {
            "name": "Anna Baker",
            "email": "anna@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    # The link proved the address: no verification step, straight back to the invitation.
    assert response.status_code == 302 and response["Location"] == url
    response = client.post(url)
    assert response["Location"] == reverse("partnerships:community", args=[community.slug])
    user = User.objects.get(email="anna@example.org")
    assert user.name == "Anna Baker"
    assert Membership.objects.get(user=user, community=community).role == Role.PARTNER
    assert EmailAddress.objects.get(user=user).verified
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    assert (
        "Welcome to Riverside House of Prayer" in client.get(response["Location"]).content.decode()
    )


def test_existing_user_accepts_and_gains_a_second_community(community, other_community):
    user = make_member(other_community, Role.COORDINATOR, email="eli@example.org")
    invitation = make_invitation(community, email="ELI@example.org", role=Role.INTERCESSOR)
    client = client_for(user)
    url = reverse("partnerships:invitation", args=[invitation_token(invitation)])
    assert "Join Riverside House of Prayer" in client.get(url).content.decode()
    client.post(url)
    roles = dict(Membership.objects.filter(user=user).values_list("community_id", "role"))
    assert roles == {community.pk: Role.INTERCESSOR, other_community.pk: Role.COORDINATOR}


def test_someone_else_signed_in_cannot_accept(community, outsider):
    invitation = make_invitation(community, email="intended@example.org")
    client = client_for(outsider)
    url = reverse("partnerships:invitation", args=[invitation_token(invitation)])
    page = client.get(url).content.decode()
    assert "This invitation was sent to intended@example.org" in page
    client.post(url)
    assert not Membership.objects.filter(user=outsider, community=community).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_used_link_shows_a_clear_page(community, intercessor):
    invitation = make_invitation(community, email=intercessor.email)
    invitation.accepted_at = timezone.now()
    invitation.save()
    response = client_for(None).get(
        reverse("partnerships:invitation", args=[invitation_token(invitation)])
    )
    assert response.status_code == 410
    assert "This invitation was already used" in response.content.decode()


def test_withdrawn_link_shows_a_clear_page(coordinator_client, community):
    invitation = make_invitation(community)
    coordinator_client.post(
        reverse("partnerships:invitation_revoke", args=[community.slug, invitation.pk])
    )
    response = client_for(None).get(
        reverse("partnerships:invitation", args=[invitation_token(invitation)])
    )
    assert response.status_code == 410
    assert "This invitation was withdrawn" in response.content.decode()


def test_expired_link_shows_a_clear_page_and_resending_revives_it(
    coordinator_client, community, django_capture_on_commit_callbacks
):
    invitation = make_invitation(community)
    token = invitation_token(invitation)
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        response = client_for(None).get(reverse("partnerships:invitation", args=[token]))
        assert response.status_code in {404, 410}
        assert "This invitation has expired" in response.content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            coordinator_client.post(
                reverse("partnerships:invitation_resend", args=[community.slug, invitation.pk])
            )
        fresh = client_for(None).get(urlsplit(link_from(mail.outbox[-1])).path)
        assert fresh.status_code == 200


@pytest.mark.parametrize(
    "token", ["garbage", "eyJpIjo1fQ:1abcde:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"]
)
def test_tampered_link_shows_a_clear_page(client, token):
    response = client.get(reverse("partnerships:invitation", args=[token]))
    assert response.status_code == 404
    assert "This link doesn't work" in response.content.decode()


def test_token_for_another_invitation_cannot_be_forged(client, community):
    invitation = make_invitation(community)
    token = invitation_token(invitation)
    forged = token.replace(token.split(":")[0], "eyJpIjo5OTl9")  # {"i":999}
    response = client.get(reverse("partnerships:invitation", args=[forged]))
    assert "This link doesn't work" in response.content.decode()


def test_coordinator_cannot_touch_invitations_of_another_community(
    coordinator_client, community, other_community
):
    foreign = make_invitation(other_community)
    response = coordinator_client.post(
        reverse("partnerships:invitation_revoke", args=[community.slug, foreign.pk])
    )
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.revoked_at is None


def test_invitations_past_the_hourly_limit_are_refused_and_not_sent(
    coordinator_client, community, settings, django_capture_on_commit_callbacks
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "invite": "2/h"}
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(2):
            assert (
                invite(coordinator_client, community, email=f"p{n}@example.org").status_code == 302
            )
        refused = invite(coordinator_client, community, email="p2@example.org")
    assert refused.status_code == 200
    assert "You have sent many invitations in the last hour." in refused.content.decode()
    assert sorted(Invitation.objects.values_list("email", flat=True)) == [
        "p0@example.org",
        "p1@example.org",
    ]
    assert len(mail.outbox) == 2
    # Sending one again counts too, and says why it did not go.
    resend = reverse(
        "partnerships:invitation_resend", args=[community.slug, Invitation.objects.first().pk]
    )
    page = coordinator_client.post(resend, follow=True).content.decode()
    assert "You have sent many invitations in the last hour." in page
    assert len(mail.outbox) == 2
    with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=1)):
        assert invite(coordinator_client, community, email="p2@example.org").status_code == 302
