from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.timezones import Weekday, time_zone_choices, time_zone_choices_keeping
from accounts.widgets import TimeZoneSelect
from notifications import kinds
from notifications.models import Kind, Preference


class ReminderSettingsForm(forms.Form):
    time_zone = forms.ChoiceField(
        label=_("Your time zone"), choices=time_zone_choices, widget=TimeZoneSelect
    )
    daily_enabled = forms.BooleanField(label=_("Send me my prayer list every day"), required=False)
    daily_time = forms.TimeField(
        label=_("At"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Enter a time such as 07:00.")},
    )
    weekly_enabled = forms.BooleanField(
        label=_("Remind me of my group's weekly meeting"), required=False
    )
    checkin_digest_enabled = forms.BooleanField(
        label=_("Tell me on Mondays which partners are due a check-in (coordinators)"),
        required=False,
    )
    checkin_eve_enabled = forms.BooleanField(
        label=_("Remind me the day before a check-in I go to"), required=False
    )
    testimony_enabled = forms.BooleanField(
        label=_("Tell me when a request I prayed for is answered"), required=False
    )

    season_hour_enabled = forms.BooleanField(
        label=_("Remind me a quarter of an hour before my hour in a season of prayer"),
        required=False,
    )

    encouragement_enabled = forms.BooleanField(
        label=_("Tell me each week who carried me in prayer"), required=False
    )
    encouragement_weekday = forms.TypedChoiceField(
        label=_("On"),
        choices=Weekday.choices,
        coerce=int,
        help_text=_("It comes at 08:00 your time, in a week when someone prayed for you."),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        time_zone = cast(forms.ChoiceField, self.fields["time_zone"])
        time_zone.choices = time_zone_choices_keeping(user.time_zone)
        # Offer only the reminders that can reach this person, in the words of their app.
        for spec in kinds.registered():
            switch = Preference.SWITCHES[spec.kind]
            if (
                spec.audience is not None
                and not spec.audience(User.objects.filter(pk=user.pk)).exists()
            ):
                del self.fields[switch]
                if spec.kind == Kind.DAILY:
                    del self.fields["daily_time"]
                if spec.kind == Kind.ENCOURAGEMENT:
                    del self.fields["encouragement_weekday"]
                continue
            label = spec.setting_label(user) if spec.setting_label else None
            if label:
                self.fields[switch].label = label
