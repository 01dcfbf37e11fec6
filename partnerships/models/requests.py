from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Audited, Created
from partnerships.models.partners import Partner


class RequestCategory(models.TextChoices):
    FAMILY = "family", _("Family")
    HEALTH = "health", _("Health")
    MINISTRY = "ministry", _("Ministry")
    WORK = "work", _("Work")
    FINANCES = "finances", _("Finances")
    OTHER = "other", _("Other")


class Visibility(models.TextChoices):
    GROUPS = "groups", _("The groups who adopted this partner")
    COMMUNITY = "community", _("The whole community")
    COORDINATORS = "coordinators", _("Coordinators only")


class RequestStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


class ReviewState(models.TextChoices):
    """Why a request is held back from lists and emails. Released requests have none."""

    WAITING = "waiting", _("Waiting for review")
    SENT_BACK = "sent_back", _("Sent back for rewording")
    FLAGGED = "flagged", _("Flagged as unsafe")


def default_review_on() -> date:
    return timezone.localdate() + relativedelta(months=1)


class PrayerRequestQuerySet(models.QuerySet["PrayerRequest"]):
    def visible_to(self, membership) -> PrayerRequestQuerySet:
        requests = self.filter(partner__community_id=membership.community_id)
        if membership.is_coordinator:
            return (
                requests if membership.sees_sensitive else requests.exclude(partner__sensitive=True)
            )
        if membership.is_partner:
            return requests.filter(partner__user_id=membership.user_id)
        # Intercessors: never coordinators-only; community-wide requests of active partners,
        # and group requests of partners their groups adopt. A request held for review only
        # to its author (coordinators and the partner saw it above).
        adopted = Partner.objects.visible_to(membership).values("pk")
        return (
            requests.exclude(visibility=Visibility.COORDINATORS)
            .filter(
                Q(visibility=Visibility.COMMUNITY, partner__status="active")
                | Q(partner__in=adopted)
            )
            .filter(Q(review="") | Q(created_by_id=membership.user_id))
        )

    def released(self) -> PrayerRequestQuerySet:
        """What may go on lists and into emails: nothing waiting for review or flagged. Every
        list and email reads through this, whoever it is for."""
        return self.filter(review="")

    def held(self) -> PrayerRequestQuerySet:
        """The coordinators' review queue: waiting, sent back or flagged."""
        return self.exclude(review="")

    def for_groups(self) -> PrayerRequestQuerySet:
        """What weekly groups pray for together: everything but coordinators-only requests."""
        return self.exclude(visibility=Visibility.COORDINATORS)

    def active(self) -> PrayerRequestQuerySet:
        return self.filter(status=RequestStatus.ACTIVE)

    def needing_update(self, today: date | None = None) -> PrayerRequestQuerySet:
        """Active requests past their review date: they stay on the list until someone
        updates, answers or closes them."""
        today = today or timezone.localdate()
        return self.active().filter(review_on__lt=today)


class PrayerRequest(Audited):
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="requests")
    text = models.TextField(_("request"), max_length=2000)
    category = models.CharField(
        _("category"), max_length=10, choices=RequestCategory, default=RequestCategory.MINISTRY
    )
    urgent = models.BooleanField(_("urgent"), default=False)
    visibility = models.CharField(
        _("who may see it"), max_length=12, choices=Visibility, default=Visibility.GROUPS
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus, default=RequestStatus.ACTIVE
    )
    review_on = models.DateField(_("review on"), default=default_review_on)
    answer_note = models.TextField(_("what happened"), max_length=2000, blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    review = models.CharField(
        _("review"), max_length=10, choices=ReviewState, blank=True, default=""
    )
    review_note = models.TextField(_("note from the coordinator"), max_length=1000, blank=True)
    flag_reason = models.TextField(_("why it was flagged"), max_length=500, blank=True)
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("flagged by"),
    )
    flagged_at = models.DateTimeField(null=True, blank=True)
    checkin = models.ForeignKey(
        "partnerships.CheckIn",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name=_("captured at check-in"),
    )

    objects = PrayerRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("prayer request")
        verbose_name_plural = _("prayer requests")
        ordering = ["-urgent", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="answered") | Q(answered_on__isnull=False),
                name="request_answered_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "review_on"]),
            # The review queue: few rows are ever held.
            models.Index(
                fields=["partner", "review"], name="request_held", condition=~Q(review="")
            ),
        ]

    def __str__(self) -> str:
        # Never the text: str() ends up in logs and admin histories.
        return f"Request #{self.pk} for {self.partner}"

    @property
    def is_active(self) -> bool:
        return self.status == RequestStatus.ACTIVE

    @property
    def is_held(self) -> bool:
        return bool(self.review)

    @property
    def is_stale(self) -> bool:
        return self.is_active and self.review_on < timezone.localdate()


class RequestUpdate(Created):
    """A dated note on a request: “surgery moved to Friday”."""

    request = models.ForeignKey(PrayerRequest, on_delete=models.CASCADE, related_name="updates")
    text = models.TextField(_("update"), max_length=2000)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Update #{self.pk} on request #{self.request_id}"
