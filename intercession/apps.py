from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntercessionConfig(AppConfig):
    """Weekly intercessor groups, the daily prayer list and the prayer record."""

    name = "intercession"
    verbose_name = _("Intercession")

    def ready(self) -> None:
        from intercession import notices
        from intercession.access import adopted
        from intercession.calendar import group_events
        from intercession.services import group_places_take
        from partnerships.calendar import feed_source_register
        from partnerships.models.partners import adoption_register
        from partnerships.services import invitation_acceptance_register

        adoption_register(adopted)
        invitation_acceptance_register(group_places_take)
        feed_source_register(group_events)
        notices.register()
