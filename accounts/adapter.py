from allauth.account.adapter import DefaultAccountAdapter
from django.utils import translation

from accounts.languages import chosen_or_default_language
from accounts.models import User


class AccountAdapter(DefaultAccountAdapter):
    """allauth's emails (sign-in codes, confirmations, password resets) in the language of
    the person they go to, whoever asks for them; to an unknown address, the page's."""

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        user = context.get("user")
        if not isinstance(user, User):
            user = User.objects.filter(email__iexact=email).first()
        language = (chosen_or_default_language(user) if user else "") or translation.get_language()
        with translation.override(language):
            super().send_mail(template_prefix, email, context)
