from datetime import timedelta

from django import template
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def prayed_when(value):
    """“just now”, “3 hours ago”, “2 days ago”: how long since a prayer, in its largest unit
    (on a phone “3 days, 2 hours ago” is more than anyone needs)."""
    if value is None:
        return ""
    if timezone.now() - value < timedelta(minutes=1):
        return _("just now")
    return _("%(time)s ago") % {"time": timesince(value, depth=1)}
