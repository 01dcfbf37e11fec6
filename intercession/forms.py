from typing import cast

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.timezones import time_zone_choices
from accounts.widgets import TimeZoneSelect
from intercession.models import IntercessorGroup
from intercession.services import MAX_NOTE_LENGTH
from partnerships.forms import PeopleField, PersonField
from partnerships.models import Partner, PartnerStatus, PrayerRequest
from partnerships.selectors import praying_user_list


class PartnersField(forms.ModelMultipleChoiceField):
    """Only coordinators form groups: they know every partner by name, but a sensitive partner
    by alias until they sign in with two-factor (``Membership.sees_sensitive``)."""

    real_names = True

    def label_from_instance(self, obj) -> str:
        return obj.name if self.real_names else obj.public_name


class GroupForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        label=_("Time zone"), choices=time_zone_choices, widget=TimeZoneSelect
    )
    link = forms.URLField(label=_("Video link"), required=False, assume_scheme="https")

    class Meta:
        model = IntercessorGroup
        fields = [
            "name",
            "weekday",
            "meeting_time",
            "time_zone",
            "place",
            "link",
            "members",
            "leader",
            "partners",
            "paused",
        ]
        field_classes = {"members": PeopleField, "leader": PersonField, "partners": PartnersField}
        widgets = {
            "meeting_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "members": forms.CheckboxSelectMultiple,
            "partners": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "members": _("Two or three is the guidance: small enough to pray for each other."),
            "partners": _("Start with three. More than five is a lot to carry every week."),
            "paused": _("A paused group keeps its history but gets no reminders and no list."),
        }

    def __init__(self, *args, community, sees_sensitive: bool, **kwargs):
        super().__init__(*args, **kwargs)
        people = praying_user_list(community)
        for name in ("members", "leader"):
            cast(forms.ModelChoiceField, self.fields[name]).queryset = people
        adopted = self.instance.partners.all() if self.instance.pk else Partner.objects.none()
        partners = cast(PartnersField, self.fields["partners"])
        offered = Partner.objects.filter(community=community).filter(
            Q(status=PartnerStatus.ACTIVE) | Q(pk__in=adopted.values("pk"))
        )
        if not sees_sensitive:
            offered = offered.exclude(sensitive=True)
        partners.queryset = offered.order_by("name")
        partners.real_names = sees_sensitive


class PrayerForm(forms.Form):
    """“I prayed”, for a request or for the partner as a whole."""

    request = forms.IntegerField(required=False, widget=forms.HiddenInput)
    partner = forms.IntegerField(required=False, widget=forms.HiddenInput)
    key = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("A note (optional)"),
        required=False,
        max_length=MAX_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "max_length": _(
                "Keep your note under %(limit_value)d characters (it has %(show_value)d)."
            )
        },
    )
    fasted = forms.BooleanField(label=_("I fasted"), required=False)
    share = forms.BooleanField(
        label=_("Share this with the partner as encouragement"), required=False
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("request") and not cleaned.get("partner"):
            raise forms.ValidationError(_("Say whom you prayed for."))
        return cleaned


class PrayerNoteForm(forms.Form):
    note = PrayerForm.base_fields["note"]
    fasted = PrayerForm.base_fields["fasted"]
    share = PrayerForm.base_fields["share"]


class MeetingForm(forms.Form):
    met_on = forms.DateField(label=_("Met on"), widget=forms.DateInput(attrs={"type": "date"}))
    attendees = forms.ModelMultipleChoiceField(
        label=_("Who came"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    requests = forms.ModelMultipleChoiceField(
        label=_("What you prayed for"),
        queryset=PrayerRequest.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, group, requests, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = group.members.order_by("name")
        self.fields["attendees"].label_from_instance = lambda user: user.display_name
        self.fields["requests"].queryset = requests
        self.fields["requests"].label_from_instance = lambda r: f"{r.partner.name}: {r.text[:120]}"
