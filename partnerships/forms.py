from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.timezones import time_zone_choices
from partnerships.models import Community, Role


class CommunityForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=time_zone_choices,
        help_text=_("Where most of your community prays. Each person can still set their own."),
    )

    class Meta:
        model = Community
        fields = ["name", "kind", "time_zone"]
        labels = {"name": _("Community name"), "kind": _("What kind of community is it?")}
        widgets = {"name": forms.TextInput(attrs={"placeholder": _("Riverside House of Prayer")})}
        error_messages = {
            "name": {
                "max_length": _(
                    "Keep the name to %(limit_value)d characters or fewer (it has %(show_value)d)."
                ),
                "required": _("Give your community a name."),
            }
        }

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Give your community a name."))
        return name


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "placeholder": "name@example.org"}),
    )
    role = forms.ChoiceField(
        label=_("Invite as"),
        choices=Role.choices,
        initial=Role.INTERCESSOR,
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": _(
                "“%(value)s” is not a role here. Choose coordinator, intercessor or partner."
            ),
        },
    )


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, widget=forms.RadioSelect)
