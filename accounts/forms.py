from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.timezones import time_zone_choices, time_zone_choices_keeping
from accounts.widgets import TimeZoneSelect


class SignupForm(forms.Form):
    """Extra fields on allauth's sign-up form."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name", "placeholder": _("Anna Smith")}),
    )
    time_zone = forms.CharField(
        widget=forms.HiddenInput(attrs={"data-detect-time-zone": ""}), required=False
    )

    def signup(self, request, user: User) -> None:
        from accounts.services import user_signup_apply

        user_signup_apply(
            user=user,
            name=self.cleaned_data["name"],
            time_zone=self.cleaned_data.get("time_zone") or "",
        )


class ProfileForm(forms.ModelForm):
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,  # left out: the language stays as it is
        help_text=_("Pages and emails are written in this language."),
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"), choices=time_zone_choices, widget=TimeZoneSelect
    )

    class Meta:
        model = User
        fields = ["name", "language", "time_zone"]
        labels = {"name": _("Your name")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Not chosen yet: the language the page is in (the community's or the browser's).
        self.fields["language"].choices = settings.LANGUAGES
        self.initial["language"] = self.instance.language or get_language()
        self.fields["time_zone"].choices = time_zone_choices_keeping(self.instance.time_zone)
