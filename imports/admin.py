"""The admin for operators: imports listed and read, never changed (``OperatorAdmin``). A
row's values are what a coordinator uploaded (names, addresses, maybe a sensitive partner's):
never shown."""

from django.contrib import admin

from accounts.admin import OperatorAdmin
from imports.models import ImportJob, ImportRow


@admin.register(ImportJob)
class ImportJobAdmin(OperatorAdmin):
    list_display = ["__str__", "community", "kind", "status", "total", "created_at"]
    list_filter = ["kind", "status"]
    search_fields = ["community__name"]
    private_fields = ("file", "file_name", "headers", "samples", "mapping", "errors")


@admin.register(ImportRow)
class ImportRowAdmin(OperatorAdmin):
    list_display = ["__str__", "status", "skipped"]
    list_filter = ["status", "skipped"]
    search_fields = ["job__community__name"]
    private_fields = ("values", "problems", "match", "note")
    show_full_result_count = False
