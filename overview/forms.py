from django import forms
from django.utils.translation import gettext_lazy as _


class TypedConfirmationForm(forms.Form):
    """A deletion that cannot be undone asks for a word typed by hand: ``expected``, shown on
    the page. The service checks it again."""

    confirmation = forms.CharField(
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )

    def __init__(self, *args, expected: str, label: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.expected = expected
        self.fields["confirmation"].label = label

    def clean_confirmation(self) -> str:
        typed = " ".join(self.cleaned_data["confirmation"].split())
        if typed.casefold() != self.expected.casefold():
            raise forms.ValidationError(
                _("That is not “%(expected)s”. Type it exactly as shown to go on."),
                params={"expected": self.expected},
            )
        return typed
