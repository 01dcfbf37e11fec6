from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "time_zone", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Profile"), {"fields": ["name", "time_zone"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "name", "password1", "password2"]}),
    ]


class OperatorAdmin(admin.ModelAdmin):
    """The admin of the app's own data, for operators: every row listed, searched and filtered,
    and each one read. It changes nothing: changes go through the app's pages and services,
    which keep the audit trail, the schedules and the access rules that the admin would step
    around.

    ``private_fields`` are never shown (a person's own notes, secret tokens);
    ``sensitive_fields`` are not shown when the row belongs to a security-sensitive partner,
    reached from the row by ``partner_path`` (“partner”, “request__partner”): outside the
    app's own pages such a partner is their alias and nothing more."""

    private_fields: tuple[str, ...] = ()
    sensitive_fields: tuple[str, ...] = ()
    partner_path: str | None = None

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def partner_of(self, obj):
        if obj is None or self.partner_path is None:
            return None
        for name in self.partner_path.split("__"):
            obj = getattr(obj, name, None)
        return obj

    def hidden_fields(self, obj) -> set[str]:
        hidden = set(self.private_fields)
        partner = self.partner_of(obj)
        if partner is not None and partner.sensitive:
            hidden |= set(self.sensitive_fields)
        return hidden

    def get_fields(self, request, obj=None):
        hidden = self.hidden_fields(obj)
        return [
            field.name
            for field in self.model._meta.get_fields()
            if field.concrete
            and not field.primary_key
            and not field.auto_created
            and field.name not in hidden
        ]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)
