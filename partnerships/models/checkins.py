from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Audited
from partnerships.models.community import PRAYING_ROLES
from partnerships.models.partners import MeetingMode, Partner


class CheckInStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    MISSED = "missed", _("Missed")
    CANCELLED = "cancelled", _("Cancelled")


class CheckInQuerySet(models.QuerySet["CheckIn"]):
    def visible_to(self, membership) -> CheckInQuerySet:
        checkins = self.filter(partner__community_id=membership.community_id)
        if membership.is_coordinator:
            return (
                checkins if membership.sees_sensitive else checkins.exclude(partner__sensitive=True)
            )
        if membership.is_partner:
            return checkins.filter(partner__user_id=membership.user_id)
        return checkins.filter(attendees=membership.user_id)

    def in_feed_of(self, user) -> CheckInQuerySet:
        """A person's calendar feed: check-ins they go to in communities where they still pray,
        and a partner's own check-ins, oldest first."""
        return (
            self.filter(
                Q(
                    attendees=user,
                    partner__community__memberships__user=user,
                    partner__community__memberships__role__in=PRAYING_ROLES,
                )
                | Q(partner__user=user, partner__community__memberships__user=user)
            )
            .select_related("partner__community")
            .distinct()
            .order_by("starts_at")
        )

    def upcoming(self) -> CheckInQuerySet:
        return self.filter(status=CheckInStatus.SCHEDULED, ends_at__gte=timezone.now())


class CheckIn(Audited):
    """A monthly meeting with a partner: coffee, lunch, a call. Its notes become requests."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="checkins")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    mode = models.CharField(_("how"), max_length=10, choices=MeetingMode)
    place = models.CharField(_("place"), max_length=200, blank=True)
    link = models.URLField(_("video link"), blank=True)
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="checkins", verbose_name=_("who goes")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CheckInStatus, default=CheckInStatus.SCHEDULED
    )
    notes = models.TextField(_("notes"), max_length=10000, blank=True)
    family_update = models.TextField(_("family updates"), max_length=4000, blank=True)
    # Notes stay with coordinators; this is what the coordinator chooses to pass on to the
    # groups who adopted the partner, shown on their week page.
    group_summary = models.TextField(_("for the adopting groups"), max_length=2000, blank=True)
    # Changes with every reschedule, so calendars replace the event instead of adding one.
    sequence = models.PositiveIntegerField(default=0)

    objects = CheckInQuerySet.as_manager()

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="checkin_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["status", "starts_at"])]

    def __str__(self) -> str:
        return f"Check-in with {self.partner} on {self.starts_at:%Y-%m-%d}"

    @property
    def is_scheduled(self) -> bool:
        return self.status == CheckInStatus.SCHEDULED
