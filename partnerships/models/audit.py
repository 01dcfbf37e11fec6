from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    OPENED = "opened", _("opened")
    CHANGED = "changed", _("changed")
    DOWNLOADED = "downloaded", _("downloaded")
    EXPORTED = "exported", _("exported")


class AuditEvent(models.Model):
    """Who opened, changed, downloaded or exported something of a security-sensitive partner,
    and when: read by the community's coordinators (``partnerships:audit``). Kept when the
    person or the partner is gone, with the alias the partner had."""

    community = models.ForeignKey(
        "partnerships.Community", on_delete=models.CASCADE, related_name="audit_events"
    )
    partner = models.ForeignKey(
        "partnerships.Partner", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    alias = models.CharField(max_length=80)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=12, choices=AuditAction)
    what = models.CharField(max_length=120)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["community", "-at"], name="audit_community_at")]

    def __str__(self) -> str:
        return f"{self.alias}: {self.action} {self.what} at {self.at:%Y-%m-%d %H:%M}"
