from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TestimoniesConfig(AppConfig):
    """Answered prayer, told back to everyone who prayed."""

    name = "testimonies"
    verbose_name = _("Testimonies")

    def ready(self) -> None:
        from partnerships.selectors import todo_source_register
        from testimonies import notices
        from testimonies.selectors import drafts_todo

        notices.register()
        todo_source_register(drafts_todo)
