"""The admin for operators: every model of intercession listed and read, nothing changed
around the app's services (``OperatorAdmin``). A person's prayer notes and a group's meeting
notes are theirs: never shown."""

from django.contrib import admin

from accounts.admin import OperatorAdmin
from intercession.models import (
    DailyListVisit,
    GroupInvitation,
    GroupMeeting,
    GroupReminder,
    IntercessorGroup,
    PrayerLog,
    RequestSnooze,
)


@admin.register(IntercessorGroup)
class IntercessorGroupAdmin(OperatorAdmin):
    list_display = ["name", "community", "weekday", "meeting_time", "time_zone", "paused"]
    list_filter = ["paused", "weekday", "community"]
    search_fields = ["name", "community__name"]


@admin.register(PrayerLog)
class PrayerLogAdmin(OperatorAdmin):
    list_display = ["__str__", "user", "community", "kind", "fasted", "prayed_at"]
    list_filter = ["kind", "fasted", "shared_with_partner"]
    search_fields = ["user__email", "community__name"]
    date_hierarchy = "prayed_at"
    private_fields = ("note", "client_key")
    # A million rows: no count of all of them on every page.
    show_full_result_count = False


@admin.register(GroupMeeting)
class GroupMeetingAdmin(OperatorAdmin):
    list_display = ["__str__", "group", "met_on"]
    search_fields = ["group__name"]
    private_fields = ("notes",)


@admin.register(DailyListVisit)
class DailyListVisitAdmin(OperatorAdmin):
    list_display = ["__str__", "community", "seen_at"]
    search_fields = ["user__email"]


@admin.register(RequestSnooze)
class RequestSnoozeAdmin(OperatorAdmin):
    list_display = ["__str__", "until"]
    search_fields = ["user__email"]


@admin.register(GroupReminder)
class GroupReminderAdmin(OperatorAdmin):
    list_display = ["__str__", "next_at", "time_zone"]
    search_fields = ["user__email", "group__name"]


@admin.register(GroupInvitation)
class GroupInvitationAdmin(OperatorAdmin):
    list_display = ["__str__", "group", "created_at"]
    search_fields = ["group__name", "invitation__email"]
