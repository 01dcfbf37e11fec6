from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntercessionConfig(AppConfig):
    """Weekly intercessor groups, the daily prayer list and the prayer record."""

    name = "intercession"
    verbose_name = _("Intercession")

    def ready(self) -> None:
        from intercession import notices
        from intercession.access import adopted
        from partnerships.models.partners import adoption_register

        adoption_register(adopted)
        notices.register()
