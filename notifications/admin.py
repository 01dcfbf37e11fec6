"""The admin for operators: reminder preferences, the delivery ledger and the workers'
heartbeat, listed and read (``OperatorAdmin``): the ledger is changed only by the dispatcher,
the workers and the sweeper."""

from django.contrib import admin

from accounts.admin import OperatorAdmin
from notifications.models import Delivery, Heartbeat, Preference


@admin.register(Preference)
class PreferenceAdmin(OperatorAdmin):
    list_display = ["__str__", "daily_enabled", "daily_time", "daily_next_at", "bounced_at"]
    list_filter = ["daily_enabled", "weekly_enabled", "encouragement_enabled"]
    search_fields = ["user__email"]


@admin.register(Delivery)
class DeliveryAdmin(OperatorAdmin):
    list_display = ["__str__", "kind", "status", "due_at", "attempts", "sent_at"]
    list_filter = ["kind", "status"]
    search_fields = ["user__email", "topic"]
    date_hierarchy = "due_at"
    show_full_result_count = False


@admin.register(Heartbeat)
class HeartbeatAdmin(OperatorAdmin):
    list_display = ["name", "at"]
