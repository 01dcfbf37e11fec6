from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """Everything that leaves the app by email: the kinds other apps register, preferences and
    schedules, the delivery ledger, dispatcher, sender and sweeper, signed links, unsubscribe."""

    name = "notifications"
    verbose_name = _("Notifications")
