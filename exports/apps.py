from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    """Taking a community's data out: spreadsheets, the JSON backup and its restore, and a
    partner's own data."""

    name = "exports"
    verbose_name = _("Export and backup")
