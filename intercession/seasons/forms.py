from __future__ import annotations

from datetime import date, datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

from django import forms
from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.timezones import time_zone_choices
from accounts.widgets import TimeZoneSelect
from intercession.forms import PartnersField
from intercession.models import Season, SeasonDay
from intercession.seasons.selectors import HourCoverage
from partnerships.models import Partner, PartnerStatus, PrayerRequest


class SeasonForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        label=_("The chain's clock"),
        choices=time_zone_choices,
        widget=TimeZoneSelect,
        help_text=_("The twenty-four hours are this zone's; everyone sees them in their own time."),
    )

    class Meta:
        model = Season
        fields = ["title", "purpose", "starts_on", "ends_on", "time_zone"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "purpose": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "title": _("For example “Twenty-one days for the visa decision”."),
            "purpose": _("What the community prays and fasts for. Shown on the season's page."),
        }


class RequestsField(forms.ModelMultipleChoiceField):
    """A request by its partner's name (the alias of a sensitive one, to a coordinator without
    two-factor sign-in) and the start of its text."""

    real_names = True

    def label_from_instance(self, obj) -> str:
        partner = obj.partner
        return f"{partner.name if self.real_names else partner.public_name}: {obj.text[:100]}"


class SeasonDayForm(forms.ModelForm):
    class Meta:
        model = SeasonDay
        fields = ["focus", "scripture", "partners", "requests"]
        field_classes = {"partners": PartnersField, "requests": RequestsField}
        widgets = {
            "partners": forms.CheckboxSelectMultiple,
            "requests": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "focus": _("For example “Their children at the new school”."),
            "scripture": _("For example “Isaiah 62:6–7”."),
            "partners": _(
                "Intercessors see the partners their groups adopted, and requests shared with "
                "the whole community."
            ),
            "requests": _(
                "Chosen requests are prayed that day; for a partner without any, their most "
                "pressing ones."
            ),
        }

    def __init__(self, *args: Any, membership, **kwargs: Any):
        super().__init__(*args, **kwargs)
        community, sees_sensitive = membership.community, membership.sees_sensitive
        partners = cast(PartnersField, self.fields["partners"])
        offered = Partner.objects.filter(community=community, status=PartnerStatus.ACTIVE)
        if not sees_sensitive:
            offered = offered.exclude(sensitive=True)
        partners.queryset = offered.order_by("name")
        partners.real_names = sees_sensitive
        requests = cast(RequestsField, self.fields["requests"])
        requests.queryset = (
            PrayerRequest.objects.visible_to(membership)
            .active()
            .filter(partner__status=PartnerStatus.ACTIVE)
            .select_related("partner")
            .order_by("partner__name", "-urgent", "-created_at")
        )
        requests.real_names = sees_sensitive


def _time(moment: datetime) -> str:
    return formats.time_format(moment, "H:i")


class HourForm(forms.Form):
    """Take an hour of the chain: the choices are the season's hours, labelled in the reader's
    own time, with whether someone holds them."""

    hour = forms.TypedChoiceField(label=_("Hour (your time)"), coerce=int)
    day = forms.TypedChoiceField(
        label=_("On"),
        coerce=date.fromisoformat,
        empty_value=None,
        required=False,
    )
    fasting = forms.BooleanField(label=_("I will fast"), required=False)

    def __init__(
        self,
        *args: Any,
        season: Season,
        hours: list[HourCoverage],
        days: list[date],
        zone: ZoneInfo,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        choices = []
        for slot in hours:
            state = {
                "open": _("nobody yet"),
                "partial": _("some days held"),
                "full": _("held every day"),
            }[slot.state]
            choices.append((slot.hour, f"{_time(slot.starts)}–{_time(slot.ends)} · {state}"))
        hour = cast(forms.TypedChoiceField, self.fields["hour"])
        hour.choices = choices
        day = cast(forms.TypedChoiceField, self.fields["day"])
        day.choices = [("", _("Every day of the season"))] + [
            (d.isoformat(), formats.date_format(d, gettext("l j F"))) for d in days
        ]
        if season.time_zone != str(zone):
            hour.help_text = _(
                "Shown at your own time; the days are the season's (its clock is %(zone)s)."
            ) % {"zone": season.time_zone}
