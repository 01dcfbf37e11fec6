"""The admin for operators: every model of the project is listed, searchable and readable;
nothing is changed around the app's services; a security-sensitive partner is an alias there."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from intercession.models import GroupMeeting, PrayerLog
from intercession.seasons.services import season_day_save
from partnerships.models import Child, RequestUpdate, Role
from tests.conftest import client_for
from tests.factories import (
    make_checkin,
    make_group,
    make_member,
    make_partner,
    make_request,
    make_season,
    make_testimony,
    make_user,
)

pytestmark = pytest.mark.django_db

PROJECT_APPS = ["accounts", "partnerships", "intercession", "testimonies", "notifications"]
CANARIES = ["CANARY-NAME", "CANARY-PLACE", "CANARY-REQUEST", "CANARY-FAMILY", "CANARY-NOTE"]


@pytest.fixture
def operator():
    return make_user(name="Olu Operator", is_staff=True, is_superuser=True)


@pytest.fixture
def secret(community, intercessor, coordinator):
    partner = make_partner(
        community,
        name="CANARY-NAME Zarina",
        location="CANARY-PLACE Khujand",
        spouse_name="CANARY-FAMILY spouse",
        sensitive=True,
        alias="Z. in Central Asia",
    )
    Child.objects.create(partner=partner, name="CANARY-FAMILY child", birth_year=2018)
    request = make_request(partner, text="CANARY-REQUEST visa")
    RequestUpdate.objects.create(request=request, text="CANARY-REQUEST update")
    make_checkin(partner, place="CANARY-PLACE teahouse", notes="CANARY-NOTE met")
    answered = make_request(
        partner, text="CANARY-REQUEST answered", status="answered", answered_on=timezone.localdate()
    )
    make_testimony(answered, author=coordinator, title="CANARY-NAME at last", story="CANARY-NOTE")
    group = make_group(community, members=[intercessor], partners=[partner])
    GroupMeeting.objects.create(group=group, met_on=timezone.localdate(), notes="CANARY-NOTE")
    PrayerLog.objects.create(
        user=intercessor, partner=partner, request=request, note="CANARY-NOTE private"
    )
    season, _ = make_season(
        community,
        title="CANARY-NAME's visa",
        purpose="CANARY-NOTE until it comes",
        partners=[partner],
        holder=intercessor,
    )
    season_day_save(
        season=season,
        day=season.starts_on,
        focus="Safety in CANARY-PLACE",
        scripture="Psalm 91",
        partners=[partner],
        requests=[request],
    )
    return partner


def project_models():
    return [m for label in PROJECT_APPS for m in apps.get_app_config(label).get_models()]


def test_every_model_of_the_project_is_in_the_admin():
    missing = [m.__name__ for m in project_models() if m not in admin.site._registry]
    assert not missing, f"register these in their app's admin.py: {missing}"


def test_every_list_and_every_row_opens_and_no_sensitive_word_shows(operator, secret):
    client = client_for(operator)
    for model in project_models():
        meta = model._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        page = client.get(changelist)
        assert page.status_code == 200, changelist
        html = page.content.decode()
        for row in model.objects.all()[:20]:
            detail = client.get(
                reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[row.pk])
            )
            assert detail.status_code == 200, (meta.label, row.pk)
            html += detail.content.decode()
        for canary in CANARIES:
            assert canary not in html, (meta.label, canary)
    assert (
        "Z. in Central Asia"
        in client.get(reverse("admin:partnerships_partner_changelist")).content.decode()
    )


def test_a_sensitive_partner_is_not_found_by_the_real_name(operator, secret):
    client = client_for(operator)
    url = reverse("admin:partnerships_partner_changelist")
    assert "Z. in Central Asia" not in client.get(url, {"q": "Zarina"}).content.decode()
    assert "Z. in Central Asia" in client.get(url, {"q": "Central Asia"}).content.decode()
    requests = reverse("admin:partnerships_prayerrequest_changelist")
    assert "0 results" in client.get(requests, {"q": "visa"}).content.decode()


def test_the_admin_changes_nothing(operator, secret, community):
    client = client_for(operator)
    change = reverse("admin:partnerships_partner_change", args=[secret.pk])
    response = client.post(change, {"alias": "Changed", "name": "Changed"})
    assert response.status_code == 403
    secret.refresh_from_db()
    assert secret.alias == "Z. in Central Asia"
    delete = reverse("admin:partnerships_community_delete", args=[community.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:partnerships_partner_add")).status_code == 403
    # People's accounts stay the operators' to manage.
    assert client.get(reverse("admin:accounts_user_add")).status_code == 200


def test_only_staff_reach_the_admin(community):
    member = make_member(community, role="coordinator")
    page = client_for(member).get(reverse("admin:partnerships_partner_changelist"))
    assert page.status_code == 302 and "/admin/login/" in page["Location"]


def test_an_operator_deleting_an_account_goes_through_the_apps_deletion(operator, community):
    """Prayers kept anonymously and counted, the notes blanked, the last coordinator refused."""
    only = make_member(community, Role.COORDINATOR)
    person = make_member(community, Role.INTERCESSOR)
    partner = make_partner(community)
    PrayerLog.objects.create(user=person, partner=partner, note="My own words")
    client = client_for(operator)

    refused = client.post(reverse("admin:accounts_user_delete", args=[only.pk]), {"post": "yes"})
    assert refused.status_code == 302 and User.objects.filter(pk=only.pk).exists()
    page = client.get(refused["Location"]).content.decode()
    assert "You are the only coordinator of" in page

    assert client.get(reverse("admin:accounts_user_delete", args=[person.pk])).status_code == 200
    client.post(reverse("admin:accounts_user_delete", args=[person.pk]), {"post": "yes"})
    assert not User.objects.filter(pk=person.pk).exists()
    [kept] = PrayerLog.objects.all()
    assert (kept.user, kept.note) == (None, "") and kept.former_person is not None
    changelist = client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert "delete_selected" not in changelist
