"""The admin for operators: testimonies, notices and thanks listed and read, nothing changed
around the app's services (``OperatorAdmin``). A sensitive partner's testimony shows neither
its title nor its story."""

from django.contrib import admin

from accounts.admin import OperatorAdmin
from partnerships.admin import SearchNotBySensitiveNames
from testimonies.models import Testimony, TestimonyNotice, Thanks


@admin.register(Testimony)
class TestimonyAdmin(SearchNotBySensitiveNames):
    list_display = ["__str__", "status", "audience", "published_at"]
    list_filter = ["status", "audience"]
    search_fields = ["title", "partner__alias", "partner__name"]
    partner_path = "partner"
    sensitive_fields = ("title", "story", "scripture", "requests")


@admin.register(TestimonyNotice)
class TestimonyNoticeAdmin(OperatorAdmin):
    list_display = ["__str__", "times_prayed", "created_at", "read_at"]
    search_fields = ["user__email"]


@admin.register(Thanks)
class ThanksAdmin(OperatorAdmin):
    list_display = ["__str__", "created_at"]
    search_fields = ["user__email"]
