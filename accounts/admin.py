from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.services import account_delete


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

    def get_actions(self, request: HttpRequest):
        # Deleting many at once would step around account_delete; one at a time goes through it.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def delete_view(self, request: HttpRequest, object_id: str, extra_context=None) -> HttpResponse:
        """The admin's confirmation page as usual; the deletion itself is the app's
        (``account_delete``): prayers kept anonymously, the last coordinator refused."""
        if request.method != "POST":
            return super().delete_view(request, object_id, extra_context)
        user = self.get_object(request, object_id)
        if user is None or not self.has_delete_permission(request, user):
            raise PermissionDenied
        try:
            account_delete(user=user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return redirect("admin:accounts_user_change", user.pk)
        self.message_user(
            request, gettext("The account of %(email)s is deleted.") % {"email": user.email}
        )
        return redirect("admin:accounts_user_changelist")


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
