from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntercessionConfig(AppConfig):
    """Weekly intercessor groups, the daily prayer list and the prayer record."""

    name = "intercession"
    verbose_name = _("Intercession")

    def ready(self) -> None:
        from accounts.services import account_leaving_register
        from intercession import notices
        from intercession.access import adopted
        from intercession.calendar import group_events
        from intercession.seasons import notices as season_notices
        from intercession.seasons.selectors import season_todos
        from intercession.seasons.services import season_hours_leave
        from intercession.services import group_places_leave, prayer_logs_forget
        from partnerships.calendar import feed_source_register
        from partnerships.models.partners import adoption_register
        from partnerships.selectors import todo_source_register
        from partnerships.services.communities import membership_ended_register

        adoption_register(adopted)
        feed_source_register(group_events)
        notices.register()
        season_notices.register()
        todo_source_register(season_todos)
        account_leaving_register(prayer_logs_forget)
        membership_ended_register(group_places_leave)
        membership_ended_register(season_hours_leave)
