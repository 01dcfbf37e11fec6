"""Intercessors come in from a list of names, emails and groups: each one is invited by
email, and joins their weekly group on accepting."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from imports.models import ImportStatus, RowStatus
from partnerships.models import Invitation, Role
from partnerships.services import invitation_accept
from tests.factories import make_group, make_invitation, make_member, make_user
from tests.imports.helpers import commit, confirm_mapping, csv_file, latest_job, upload

pytestmark = pytest.mark.django_db

PEOPLE = """Name,E-mail address,Prayer group
Ruth Okafor, Ruth.Okafor@Example.org ,Tuesday evening
Ben Carter,ben@example.org,tuesday EVENING
No Address,,
Already Member,{member},
Already Invited,invited@example.org,
Lost Soul,lost@example.org,Friday dawn
Joining Member,{joining},Tuesday Evening
Grouped Member,{grouped},Tuesday evening
"""


def test_intercessors_are_invited_and_join_their_group_on_accepting(
    community, coordinator, coordinator_client, django_capture_on_commit_callbacks
):
    group = make_group(community, name="Tuesday evening", members=[coordinator])
    member = make_member(community, Role.INTERCESSOR)
    joining = make_member(community, Role.INTERCESSOR)
    make_invitation(community, email="invited@example.org")
    data = csv_file(
        PEOPLE.format(
            member=member.email.upper(), joining=joining.email, grouped=coordinator.email
        ),
        encoding="utf-8",
    )
    upload(coordinator_client, community.slug, data, name="people.csv", kind="intercessors")
    job = latest_job()
    assert job.mapping == {"Name": "name", "E-mail address": "email", "Prayer group": "group"}
    confirm_mapping(coordinator_client, community.slug, job)
    job.refresh_from_db()
    rows = {row.number: row for row in job.rows.all()}
    assert rows[2].status == rows[3].status == RowStatus.NEW
    assert rows[4].problems == ["Email: The email is missing."]
    assert rows[5].status == RowStatus.ALREADY
    assert rows[5].match.startswith("already a member")
    assert rows[6].match == "already invited"
    assert rows[7].problems == ["Group: There is no group called “Friday dawn” here."]
    # A member already here joins the group in their row; one already in it is left alone.
    assert rows[8].status == RowStatus.NEW
    assert rows[8].joins == "Already a member; joins Tuesday evening."
    assert rows[9].status == RowStatus.ALREADY and not rows[9].joins

    # Fix the unknown group by choosing one of the community's groups; skip the row with no
    # address.
    row_url = reverse("imports:row", args=[community.slug, job.pk, 7])
    form = coordinator_client.get(row_url)
    assert "The file says “Friday dawn”." in form.content.decode()
    coordinator_client.post(
        row_url, {"name": "Lost Soul", "email": "lost@example.org", "group": "Tuesday evening"}
    )
    coordinator_client.post(reverse("imports:row_skip", args=[community.slug, job.pk, 4]))
    job.refresh_from_db()
    assert job.counts == {
        "rows": 8,
        "new": 4,
        "already": 3,
        "problems": 0,
        "skipped": 1,
        "joins": 1,
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = commit(coordinator_client, community.slug, job)
    assert response["Location"] == reverse("partnerships:members", args=[community.slug])
    members_page = coordinator_client.get(response["Location"]).content.decode()
    assert "3 intercessors invited. One member added to their group." in members_page
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert (job.counts["imported"], job.counts["joined"]) == (3, 1)
    assert joining in group.members.all()
    invited = Invitation.objects.filter(community=community, role=Role.INTERCESSOR)
    assert sorted(invited.values_list("email", flat=True)) == [
        "ben@example.org",
        "invited@example.org",
        "lost@example.org",
        "ruth.okafor@example.org",
    ]
    assert sorted(message.to[0] for message in mail.outbox) == [
        "ben@example.org",
        "lost@example.org",
        "ruth.okafor@example.org",
    ]

    ruth = make_user(email="ruth.okafor@example.org", name="Ruth Okafor")
    invitation_accept(invitation=invited.get(email="ruth.okafor@example.org"), user=ruth)
    assert set(group.members.all()) == {coordinator, joining, ruth}
    waiting = group.waiting_invitations.values_list("invitation__email", flat=True)
    assert sorted(waiting) == ["ben@example.org", "lost@example.org"]


def test_an_intercessor_file_can_hold_a_thousand_people(community, coordinator_client):
    rows = "".join(f"Person {n},p{n}@example.org\n" for n in range(1001))
    response = upload(
        coordinator_client,
        community.slug,
        csv_file("Name,Email\n" + rows),
        name="many.csv",
        kind="intercessors",
    )
    assert "each gets an invitation email, so one file may hold up to 1000" in (
        response.content.decode()
    )
    assert latest_job() is None


def test_the_columns_must_include_the_email_and_each_field_once(community, coordinator_client):
    upload(
        coordinator_client,
        community.slug,
        csv_file("Name,Mail,Other\nAnna,anna@example.org,x\n"),
        name="p.csv",
        kind="intercessors",
    )
    job = latest_job()
    response = confirm_mapping(coordinator_client, community.slug, job, Mail="", Other="name")
    text = response.content.decode()
    assert "Choose the column that holds the email." in text
    assert "“Name” is chosen for more than one column." in text
    job.refresh_from_db()
    assert job.status == ImportStatus.MAPPING and not job.rows.exists()
