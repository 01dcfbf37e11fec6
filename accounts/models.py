from typing import ClassVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from accounts.timezones import validate_time_zone


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person: signs in with their email address, never a username."""

    email = models.EmailField(_("email address"), unique=True)
    name = models.CharField(
        _("name"), max_length=150, blank=True, help_text=_("How the community knows you.")
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    language = models.CharField(
        _("language"),
        max_length=12,
        blank=True,
        help_text=_("Pages and emails are written in this language."),
    )
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Can sign in to the admin site."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name or self.email.split("@")[0]

    @property
    def first_name(self) -> str:
        parts = self.display_name.split()
        return parts[0] if parts else ""

    def get_full_name(self) -> str:
        return self.display_name

    @cached_property
    def has_two_factor(self) -> bool:
        """Whether signing in takes a code from an authenticator app as well (allauth's TOTP):
        one query, once per request."""
        from allauth.mfa.models import Authenticator

        return Authenticator.objects.filter(user=self, type=Authenticator.Type.TOTP).exists()

    def get_short_name(self) -> str:
        return self.first_name


class Created(models.Model):
    """Who made a row and when. The row outlives its author's account (``created_by`` becomes
    empty), so a partner's history stays whole when a coordinator leaves."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        abstract = True


class Edited(models.Model):
    """When a row was made and last changed. The services that change it set ``updated_at``
    (lists sort by it), so a background write such as a reminder's bookkeeping does not."""

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


class Audited(Created):
    """Who made a row, when, and when it last changed (set as in ``Edited``)."""

    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
