from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo community that ``make run`` opens on: each app seeds its own part (its
    ``demo.py``); ``seed_demo`` puts them together, above every app."""

    name = "demo"
    verbose_name = "Demo data"
