"""Testimonies: answered prayer told back to the partner and to everyone who carried it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Edited
from partnerships.models import Partner, PrayerRequest


class Audience(models.TextChoices):
    COMMUNITY = "community", _("The whole community")
    PARTNER_AND_GROUPS = "groups", _("Only the partner and the groups who adopted them")


class TestimonyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class TestimonyQuerySet(models.QuerySet["Testimony"]):
    def visible_to(self, membership) -> TestimonyQuerySet:
        """Testimonies this member may read.

        Coordinators read all of their community's, drafts included. Everyone else reads the
        published ones meant for them: the whole community's, those about a partner they are
        (partner) or whose groups adopted them (intercessor), and those about a request they
        prayed for. Authors also see their own drafts.
        """
        testimonies = self.filter(partner__community_id=membership.community_id)
        if membership.is_coordinator:
            if not membership.sees_sensitive:
                return testimonies.exclude(partner__sensitive=True)
            return testimonies
        if membership.is_partner:
            mine = Q(partner__user_id=membership.user_id)
        else:
            mine = Q(partner__in=Partner.objects.adopted_by([membership.user_id]).values("pk")) | Q(
                Exists(
                    TestimonyNotice.objects.filter(
                        testimony=OuterRef("pk"), user_id=membership.user_id
                    )
                )
            )
        published = Q(status=TestimonyStatus.PUBLISHED) & (Q(audience=Audience.COMMUNITY) | mine)
        return testimonies.filter(published | Q(author_id=membership.user_id))

    def published(self) -> TestimonyQuerySet:
        return self.filter(status=TestimonyStatus.PUBLISHED)


class Testimony(Edited):
    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="testimonies", verbose_name=_("partner")
    )
    requests = models.ManyToManyField(
        PrayerRequest,
        blank=True,
        related_name="testimonies",
        verbose_name=_("answered requests"),
    )
    title = models.CharField(_("title"), max_length=120)
    story = models.TextField(_("what God did"), max_length=5000)
    scripture = models.CharField(
        _("scripture"),
        max_length=60,
        blank=True,
        help_text=_("Optional, for example “Psalm 126:3”."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="testimonies",
        verbose_name=_("author"),
    )
    audience = models.CharField(
        _("who may read it"), max_length=10, choices=Audience, default=Audience.COMMUNITY
    )
    status = models.CharField(
        max_length=10, choices=TestimonyStatus, default=TestimonyStatus.DRAFT, db_index=True
    )
    # First publication: the page's order. Publishing again after an unpublish keeps it.
    published_at = models.DateTimeField(null=True, blank=True)

    objects = TestimonyQuerySet.as_manager()

    class Meta:
        verbose_name = _("testimony")
        verbose_name_plural = _("testimonies")
        ordering = ["-published_at", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="testimony_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        # Never the title: it may name a sensitive partner's place or people.
        return f"Testimony #{self.pk} ({self.partner})"

    @property
    def is_published(self) -> bool:
        return self.status == TestimonyStatus.PUBLISHED

    def partner_label(self) -> str:
        """How the partner is named on the page: a sensitive partner by alias when the whole
        community reads it."""
        if self.partner.sensitive and self.audience == Audience.COMMUNITY:
            return self.partner.alias
        return self.partner.name

    def author_label(self) -> str:
        """Who shared it. When the partner wrote it themself they are named as on the rest of
        the page: their account's name would undo the alias."""
        if self.author is None:
            return ""
        if self.author_id == self.partner.user_id:
            return self.partner_label()
        return self.author.display_name

    def is_about(self, user) -> bool:
        return self.partner.user_id is not None and self.partner.user_id == user.pk


class TestimonyNotice(models.Model):
    """“A request you carried was answered”: one per person per testimony, ever. The unique
    constraint is what makes the email go once, however often the testimony is published."""

    testimony = models.ForeignKey(Testimony, on_delete=models.CASCADE, related_name="notices")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="testimony_notices"
    )
    times_prayed = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["testimony", "user"], name="testimony_notice_once"),
        ]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return f"Notice of testimony #{self.testimony_id} to user #{self.user_id}"


class Thanks(models.Model):
    """Someone gave thanks for a testimony; once each."""

    testimony = models.ForeignKey(Testimony, on_delete=models.CASCADE, related_name="thanks")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="thanks_given"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name_plural = _("thanks")
        constraints = [
            models.UniqueConstraint(fields=["testimony", "user"], name="thanks_once"),
        ]

    def __str__(self) -> str:
        return f"Thanks for testimony #{self.testimony_id} from user #{self.user_id}"
