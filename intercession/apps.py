from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntercessionConfig(AppConfig):
    """Weekly intercessor groups, the daily prayer list, the prayer record and reminders."""

    name = "intercession"
    verbose_name = _("Intercession")
