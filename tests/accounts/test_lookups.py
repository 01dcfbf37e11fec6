"""Ids no integer column can hold match nothing, on every database."""

import pytest
from django.urls import reverse

from accounts.models import User
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_an_enormous_id_matches_nothing(coordinator):
    assert list(User.objects.filter(pk__in=[10**25, coordinator.pk])) == [coordinator]
    assert not User.objects.filter(pk__in=[10**25, -(10**25)]).exists()


def test_a_form_posting_enormous_ids_explains_instead_of_failing(community, coordinator):
    huge = "9" * 25
    response = client_for(coordinator).post(
        reverse("intercession:group_create", args=[community.slug]),
        {
            "name": "Tuesday Evening",
            "weekday": 1,
            "meeting_time": "19:30",
            "time_zone": "Europe/London",
            "members": [huge],
            "partners": [huge],
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()


@pytest.mark.parametrize("value", ["Europe/London", "Asia/Kolkata", "", "Not/AZone"])
def test_the_time_zone_menu_is_the_markup_django_would_write(value):
    from django import forms
    from django.test.html import parse_html

    from accounts.timezones import time_zone_choices
    from accounts.widgets import TimeZoneSelect

    choices = [*time_zone_choices(), ('"><script>', "<b>Odd</b> & co")]
    attrs = {"id": "id_time_zone", "aria-describedby": "id_time_zone_helptext"}
    ours = TimeZoneSelect(choices=choices).render("time_zone", value, attrs=attrs)
    django = forms.Select(choices=choices).render("time_zone", value, attrs=attrs)
    assert parse_html(ours) == parse_html(django)
    assert "<script>" not in ours and "<b>" not in ours
    assert ours.count(" selected") == (1 if value in dict(choices) else 0)
