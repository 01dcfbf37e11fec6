from datetime import timedelta

from django import template
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.utils import timezone
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def prayed_when(value):
    """“just now”, “3 hours ago”, “2 days ago”: how long since a prayer."""
    if value is None:
        return ""
    if timezone.now() - value < timedelta(minutes=1):
        return _("just now")
    # naturaltime says “3 days, 2 hours ago”; the first part is enough on a phone.
    first = naturaltime(value).split(",")[0].strip()
    return first if first.endswith(_("ago")) else f"{first} {_('ago')}"
