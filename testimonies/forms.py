from django import forms
from django.utils.translation import gettext_lazy as _

from partnerships.models import PrayerRequest
from testimonies.models import Audience, Testimony

SCRIPTURE_MAX = Testimony._meta.get_field("scripture").max_length


class AnsweredRequestField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: PrayerRequest) -> str:
        return obj.text


class TestimonyForm(forms.Form):
    requests = AnsweredRequestField(
        label=_("Which answered request is this about?"),
        queryset=PrayerRequest.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose the answered request this testimony tells of."),
            "invalid_choice": _("That request is not one of this partner's answered requests."),
            "invalid_pk_value": _("That request is not one of this partner's answered requests."),
        },
    )
    title = forms.CharField(label=_("Title"), max_length=120)
    story = forms.CharField(
        label=_("What God did"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=5000,
        error_messages={"required": _("Tell the story: what did God do?")},
    )
    scripture = forms.CharField(
        label=_("Scripture"),
        required=False,
        max_length=SCRIPTURE_MAX,
        help_text=_("For example “Psalm 126:3”."),
        error_messages={
            "max_length": _(
                "Keep the scripture reference to %(limit_value)d characters, such as “Psalm 126:3”."
            )
        },
    )
    audience = forms.ChoiceField(
        label=_("Who may read it"), choices=Audience.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, answered, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requests"].queryset = answered
