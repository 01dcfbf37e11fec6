from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TestimoniesConfig(AppConfig):
    """Answered prayer, told back to everyone who prayed."""

    name = "testimonies"
    verbose_name = _("Testimonies")

    def ready(self) -> None:
        from intercession.models import ReminderKind
        from intercession.reminders.content import register
        from testimonies.notices import latest_notice_topic, testimony_notice

        register(ReminderKind.TESTIMONY, testimony_notice, sample_topic=latest_notice_topic)
