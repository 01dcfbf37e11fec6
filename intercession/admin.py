"""The admin for operators: every model of intercession listed and read, nothing changed
around the app's services (``OperatorAdmin``). A person's prayer notes and a group's meeting
notes are theirs: never shown; nor is what a coordinator wrote of a season (its title, its
purpose, a day's focus), which may name a sensitive partner."""

from django.contrib import admin

from accounts.admin import OperatorAdmin
from intercession.models import (
    DailyListVisit,
    GroupMeeting,
    GroupReminder,
    IntercessorGroup,
    PrayerLog,
    RequestSnooze,
    Season,
    SeasonDay,
    SeasonHour,
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


@admin.register(Season)
class SeasonAdmin(OperatorAdmin):
    list_display = ["__str__", "community", "starts_on", "ends_on", "time_zone"]
    list_filter = ["community"]
    search_fields = ["community__name"]
    date_hierarchy = "starts_on"
    private_fields = ("title", "purpose")


@admin.register(SeasonDay)
class SeasonDayAdmin(OperatorAdmin):
    list_display = ["__str__", "day"]
    search_fields = ["season__community__name"]
    private_fields = ("focus",)


@admin.register(SeasonHour)
class SeasonHourAdmin(OperatorAdmin):
    list_display = ["__str__", "hour", "day", "fasting", "remind_at"]
    list_filter = ["fasting"]
    search_fields = ["user__email"]
