from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnershipsConfig(AppConfig):
    name = "partnerships"
    verbose_name = _("Partnerships")

    def ready(self) -> None:
        from accounts.languages import language_fallback_register
        from accounts.services import account_leaving_register
        from partnerships import notices
        from partnerships.selectors import community_language
        from partnerships.services import account_leaving

        notices.register()
        account_leaving_register(account_leaving)
        language_fallback_register(community_language)
