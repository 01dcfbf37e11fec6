from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, TypedDict, cast

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.timezones import validate_time_zone

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

INVITATION_LIFETIME = timedelta(days=14)


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    INTERCESSOR = "intercessor", _("Intercessor")
    PARTNER = "partner", _("Partner")


# Coordinators pray too; partners are prayed for.
PRAYING_ROLES = (Role.COORDINATOR, Role.INTERCESSOR)


class CommunityKind(models.TextChoices):
    PRAYER_ROOM = "prayer_room", _("Prayer room")
    HOUSE_OF_PRAYER = "house_of_prayer", _("House of prayer")
    CHURCH_TEAM = "church_team", _("Church intercession team")
    OTHER = "other", _("Other prayer community")


class RequestReview(models.TextChoices):
    """Whether requests written by partners and intercessors wait for a coordinator."""

    SENSITIVE = "sensitive", _("While the community has a security-sensitive partner")
    ALWAYS = "always", _("Always")
    NEVER = "never", _("Never")


class CommunityQuerySet(models.QuerySet["Community"]):
    def for_user(self, user) -> CommunityQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user)


class Community(models.Model):
    """A prayer community: a prayer room, house of prayer or church intercession team."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("address"), max_length=60, unique=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=CommunityKind, default=CommunityKind.HOUSE_OF_PRAYER
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        validators=[validate_time_zone],
        help_text=_(
            "Group meetings and reminders follow this time zone unless a person sets their own."
        ),
    )
    language = models.CharField(
        _("language"),
        max_length=12,
        blank=True,
        help_text=_(
            "Pages and emails are written in this language for members who have not chosen "
            "their own. Empty: each browser's language."
        ),
    )
    two_factor_for_sensitive = models.BooleanField(
        _("two-factor sign-in before sensitive partners"),
        default=True,
        help_text=_(
            "Coordinators see a security-sensitive partner's name, family, place and requests "
            "only once they sign in with two-factor. Until then they see the alias."
        ),
    )
    request_review = models.CharField(
        _("hold new requests for a coordinator's review"),
        max_length=10,
        choices=RequestReview,
        default=RequestReview.SENSITIVE,
        help_text=_(
            "Requests written by partners and intercessors wait until a coordinator approves "
            "the wording; until then they are on no list and in no email."
        ),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = CommunityQuerySet.as_manager()

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def holds_requests(self) -> bool:
        if self.request_review == RequestReview.SENSITIVE:
            return self.partners.filter(sensitive=True).exists()
        return self.request_review == RequestReview.ALWAYS


class TwoFactor(TypedDict):
    two_factor: bool


class MembershipQuerySet(models.QuerySet["Membership"]):
    def for_user(self, user) -> MembershipQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user).select_related("community")

    def praying(self) -> MembershipQuerySet:
        return self.filter(role__in=PRAYING_ROLES)

    def with_two_factor(self) -> QuerySet[WithAnnotations[Membership, TwoFactor]]:
        """Each membership with ``two_factor``: whether its person signs in with two-factor,
        for setting ``user.has_two_factor`` without a query per person."""
        from allauth.mfa.models import Authenticator

        totp = Authenticator.objects.filter(user=OuterRef("user_id"), type=Authenticator.Type.TOTP)
        return cast(
            "QuerySet[WithAnnotations[Membership, TwoFactor]]",
            self.annotate(two_factor=Exists(totp)),
        )


class Membership(models.Model):
    """A person's place in a community. One role per person per community; a coordinator
    also prays, so coordinators can do everything intercessors can."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role)
    joined_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["community__name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "community"], name="membership_unique"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        # Not the person's name: a partner's account carries it, and str() reaches admin logs.
        return f"Membership #{self.pk}: {self.get_role_display()} in {self.community}"

    @property
    def is_coordinator(self) -> bool:
        return self.role == Role.COORDINATOR

    @property
    def is_intercessor(self) -> bool:
        return self.role == Role.INTERCESSOR

    @property
    def is_partner(self) -> bool:
        return self.role == Role.PARTNER

    @property
    def prays(self) -> bool:
        return self.role in PRAYING_ROLES

    @property
    def sees_sensitive(self) -> bool:
        """Whether this member may see security-sensitive partners' real data. A coordinator of
        a community that asks for it must have two-factor sign-in on first; until then every
        sensitive partner is left out of what they are shown, and appears by alias only."""
        if not (self.is_coordinator and self.community.two_factor_for_sensitive):
            return True
        return self.user.has_two_factor


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending(self) -> InvitationQuerySet:
        return self.filter(
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            sent_at__gt=timezone.now() - INVITATION_LIFETIME,
        )


class Invitation(models.Model):
    """An emailed invitation to join a community with a role.

    The link carries a signed, timestamped token of the invitation's id, so an expired or
    tampered link is told apart from a used or withdrawn one.
    """

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=20, choices=Role)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    sent_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    # An invitation to a partner's own account links it to their profile on acceptance.
    partner = models.ForeignKey(
        "partnerships.Partner",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-sent_at"]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="invitation_role_valid"),
            # At most one open invitation per address and community: inviting again resends.
            models.UniqueConstraint(
                "community",
                Lower("email"),
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.community} ({self.get_role_display()})"

    @property
    def expires_at(self):
        return self.sent_at + INVITATION_LIFETIME

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and not self.is_expired
