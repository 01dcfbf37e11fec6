"""The admin for operators: every model of partnerships listed, searched and read; nothing
changed around the app's services (``OperatorAdmin``). Security-sensitive partners appear by
alias only: their names, places, family, request texts and notes are neither shown nor
searched."""

from django.contrib import admin
from django.db.models import Q

from accounts.admin import OperatorAdmin
from partnerships.models import (
    AuditEvent,
    CalendarFeed,
    CheckIn,
    Child,
    Community,
    Invitation,
    Membership,
    Partner,
    PrayerRequest,
    RequestUpdate,
)

PARTNER_SENSITIVE = (
    "name",
    "organisation",
    "role_title",
    "location",
    "photo",
    "spouse_name",
    "life_notes",
    "video_link",
    "user",
)


class SearchNotBySensitiveNames(OperatorAdmin):
    """Searching a sensitive partner's rows by their real words would tell the operator that
    those words belong to that alias: such rows are found by the alias only."""

    alias_path = "partner__alias"
    sensitive_path = "partner__sensitive"

    def get_search_results(self, request, queryset, search_term):
        results, distinct = super().get_search_results(request, queryset, search_term)
        if search_term:
            results = results.filter(
                Q(**{self.sensitive_path: False})
                | Q(**{f"{self.alias_path}__icontains": search_term})
            )
        return results, distinct


@admin.register(Community)
class CommunityAdmin(OperatorAdmin):
    list_display = ["name", "slug", "kind", "time_zone", "two_factor_for_sensitive", "created_at"]
    list_filter = ["kind", "two_factor_for_sensitive"]
    search_fields = ["name", "slug"]


@admin.register(Membership)
class MembershipAdmin(OperatorAdmin):
    list_display = ["user", "community", "role", "joined_at"]
    list_filter = ["role", "community"]
    search_fields = ["user__email", "user__name", "community__name"]


@admin.register(Invitation)
class InvitationAdmin(OperatorAdmin):
    list_display = ["email", "community", "role", "sent_at", "accepted_at", "revoked_at"]
    list_filter = ["role", "community"]
    search_fields = ["email", "community__name"]


@admin.register(Partner)
class PartnerAdmin(SearchNotBySensitiveNames):
    list_display = ["__str__", "community", "kind", "status", "sensitive", "created_at"]
    list_filter = ["kind", "status", "sensitive", "community"]
    search_fields = ["name", "alias", "organisation", "community__name"]
    alias_path, sensitive_path = "alias", "sensitive"
    partner_path = ""
    sensitive_fields = PARTNER_SENSITIVE

    def partner_of(self, obj):
        return obj


@admin.register(Child)
class ChildAdmin(SearchNotBySensitiveNames):
    list_display = ["__str__", "partner", "birth_year"]
    search_fields = ["name", "partner__alias", "partner__name"]
    partner_path = "partner"
    sensitive_fields = ("name",)


@admin.register(PrayerRequest)
class PrayerRequestAdmin(SearchNotBySensitiveNames):
    list_display = ["__str__", "status", "urgent", "visibility", "created_at"]
    list_filter = ["status", "urgent", "visibility", "category"]
    search_fields = ["text", "partner__alias", "partner__name"]
    partner_path = "partner"
    sensitive_fields = ("text", "answer_note")


@admin.register(RequestUpdate)
class RequestUpdateAdmin(SearchNotBySensitiveNames):
    list_display = ["__str__", "created_at"]
    search_fields = ["text", "request__partner__alias"]
    alias_path, sensitive_path = "request__partner__alias", "request__partner__sensitive"
    partner_path = "request__partner"
    sensitive_fields = ("text",)


@admin.register(CheckIn)
class CheckInAdmin(SearchNotBySensitiveNames):
    list_display = ["__str__", "status", "mode", "starts_at"]
    list_filter = ["status", "mode"]
    search_fields = ["partner__alias", "partner__name", "place"]
    partner_path = "partner"
    sensitive_fields = ("place", "link", "notes", "family_update", "group_summary")


@admin.register(AuditEvent)
class AuditEventAdmin(OperatorAdmin):
    list_display = ["__str__", "community", "user", "action", "at"]
    list_filter = ["action", "community"]
    search_fields = ["alias", "community__name", "user__email"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(OperatorAdmin):
    list_display = ["__str__", "created_at"]
    search_fields = ["user__email"]
    private_fields = ("token",)
