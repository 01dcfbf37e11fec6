from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OverviewConfig(AppConfig):
    """Pages that bring several apps together: partnership health and a prayer request's page."""

    name = "overview"
    verbose_name = _("Overview")
