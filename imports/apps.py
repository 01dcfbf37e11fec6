from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    """Moving in: a community's partners and intercessors from the spreadsheets they kept."""

    name = "imports"
    verbose_name = _("Imports")
