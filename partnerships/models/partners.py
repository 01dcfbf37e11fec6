from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.timezones import validate_time_zone
from partnerships.models.community import Community


class PartnerKind(models.TextChoices):
    MISSIONARY = "missionary", _("Missionary")
    MARKETPLACE = "marketplace", _("Marketplace leader")
    PASTOR = "pastor", _("Pastor")
    CHURCH_PLANTER = "church_planter", _("Church planter")
    MINISTRY_LEADER = "ministry_leader", _("Ministry leader")
    OTHER = "other", _("Other")


class PartnerStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    ENDED = "ended", _("Ended")


class MeetingMode(models.TextChoices):
    COFFEE = "coffee", _("Coffee")
    LUNCH = "lunch", _("Lunch")
    VIDEO = "video", _("Video call")
    PHONE = "phone", _("Phone")
    VISIT = "visit", _("Visit")


class Cadence(models.IntegerChoices):
    FORTNIGHTLY = 14, _("Every two weeks")
    MONTHLY = 30, _("Monthly")
    BIMONTHLY = 61, _("Every two months")
    QUARTERLY = 91, _("Every three months")


# A partner whose check-in is due becomes overdue this long afterwards.
CHECKIN_GRACE = timedelta(days=14)


def partner_photo_path(instance: Partner, filename: str) -> str:
    # A random name: file names and paths must not carry a sensitive partner's identity.
    return f"partners/{uuid.uuid4().hex}.jpg"


# Words before a first name that are not the name.
NAME_TITLES = {"pastor", "pr", "rev", "revd", "reverend", "dr", "mr", "mrs", "ms", "miss", "fr"}


class PartnerQuerySet(models.QuerySet["Partner"]):
    def visible_to(self, membership) -> PartnerQuerySet:
        """Partners this member may see: coordinators all of their community's, a partner only
        their own profile, intercessors those adopted by their groups."""
        partners = self.filter(community_id=membership.community_id)
        if membership.is_coordinator:
            return partners if membership.sees_sensitive else partners.filter(sensitive=False)
        if membership.is_partner:
            return partners.filter(user_id=membership.user_id)
        # Intercessors see the active partners adopted by their weekly groups that meet.
        return partners.filter(pk__in=Partner.objects.adopted_by([membership.user_id]).values("pk"))

    def kept_from(self, membership) -> PartnerQuerySet:
        """The sensitive partners of the member's community that they may not see yet (a
        coordinator without two-factor sign-in: ``Membership.sees_sensitive``); none for
        everyone else. Where they must appear at all, they appear by alias."""
        if membership.sees_sensitive:
            return self.none()
        return self.filter(community_id=membership.community_id, sensitive=True)

    def adopted_by(self, user_ids: Iterable[int]) -> PartnerQuerySet:
        """Active partners adopted by these people, by the rule of the app that joins people to
        partners (intercession's weekly groups, registered with ``adoption_register``). With no
        rule registered, nobody has adopted anyone: the fallback shows nothing."""
        if _adoption is None:
            return self.none()
        return _adoption(self.filter(status=PartnerStatus.ACTIVE), list(user_ids))


# Who has adopted a partner is decided above this app, where the weekly groups live; that app
# gives its rule at start-up, so partnerships never names a group or its relations.
AdoptionRule = Callable[[PartnerQuerySet, list[int]], PartnerQuerySet]
_adoption: AdoptionRule | None = None


def adoption_register(rule: AdoptionRule) -> None:
    """Register how partners are adopted: ``rule(partners, user_ids)`` narrows ``partners`` to
    those adopted by any of ``user_ids``, in one filter."""
    global _adoption
    _adoption = rule


class Partner(models.Model):
    """Someone the community befriends and prays for: a missionary, a marketplace leader, a
    pastor. Known as a person first: family, life, then ministry."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="partners")
    kind = models.CharField(_("kind"), max_length=20, choices=PartnerKind)
    name = models.CharField(_("name"), max_length=150)
    organisation = models.CharField(_("organisation"), max_length=150, blank=True)
    role_title = models.CharField(_("role"), max_length=150, blank=True)
    location = models.CharField(_("location"), max_length=150, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, validators=[validate_time_zone])
    photo = models.ImageField(_("photo"), upload_to=partner_photo_path, blank=True)
    spouse_name = models.CharField(_("spouse's name"), max_length=100, blank=True)
    life_notes = models.TextField(
        _("life notes"),
        max_length=4000,
        blank=True,
        help_text=_("Birthdays, anniversaries, what they are carrying at the moment."),
    )
    meeting_mode = models.CharField(
        _("preferred way to meet"), max_length=10, choices=MeetingMode, default=MeetingMode.COFFEE
    )
    video_link = models.URLField(_("video call link"), blank=True)
    partnership_started = models.DateField(_("partnership started"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=PartnerStatus, default=PartnerStatus.ACTIVE
    )
    cadence_days = models.PositiveSmallIntegerField(
        _("check-in rhythm"), choices=Cadence, default=Cadence.MONTHLY
    )
    stewards = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="stewarded_partners",
        verbose_name=_("stewarding coordinators"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="partner_profiles",
        verbose_name=_("partner's own account"),
    )
    sensitive = models.BooleanField(
        _("security-sensitive"),
        default=False,
        help_text=_("Only the alias appears in emails, calendar files, page titles and logs."),
    )
    alias = models.CharField(
        _("alias"), max_length=80, blank=True, help_text=_("For example “A. in Central Asia”.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PartnerQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sensitive=False) | ~Q(alias=""), name="partner_sensitive_has_alias"
            ),
            models.UniqueConstraint(
                fields=["community", "user"],
                condition=Q(user__isnull=False),
                name="partner_one_profile_per_user",
            ),
        ]

    def __str__(self) -> str:
        # Anything that prints a partner outside a page (logs, admin lists, error reports)
        # gets the alias of a sensitive partner.
        return self.public_name

    @property
    def public_name(self) -> str:
        """The name safe to put where we do not control who reads it."""
        return self.alias if self.sensitive else self.name

    @property
    def first_name(self) -> str:
        """How a prayer names them: “Tomasz”, “Samuel” for Pastor Samuel Mensah, “Ravi & Priya”
        for a couple."""
        words = self.name.split()
        while len(words) > 1 and words[0].rstrip(".").lower() in NAME_TITLES:
            words = words[1:]
        if len(words) > 2 and words[1].lower() in {"&", "and", "+"}:
            return " ".join(words[:3])
        return words[0] if words else self.name

    @property
    def family_summary(self) -> str:
        """“Anna; Micah 7, Ruth 4”: the spouse, then the children with this year's ages.
        Uses prefetched children when there are any."""
        children = ", ".join(f"{child.name} {child.age()}" for child in self.children.all())
        return "; ".join(part for part in (self.spouse_name, children) if part)

    @property
    def family_labelled(self) -> str:
        """“Spouse: Anna · Children: Micah (7), Ruth (4)”: the family line of the pages, saying
        who is who. Uses prefetched children when there are any."""
        children = list(self.children.all())
        parts = []
        if self.spouse_name:
            parts.append(gettext("Spouse: %(name)s") % {"name": self.spouse_name})
        if children:
            names = ", ".join(f"{child.name} ({child.age()})" for child in children)
            parts.append(
                ngettext("Child: %(names)s", "Children: %(names)s", len(children))
                % {"names": names}
            )
        return " · ".join(parts)

    @property
    def initials(self) -> str:
        letters = [word[0] for word in self.public_name.split() if word[0].isalpha()]
        return "".join(letters[:2]).upper()

    @property
    def cadence(self) -> timedelta:
        return timedelta(days=self.cadence_days)


class Child(models.Model):
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="children")
    name = models.CharField(_("name"), max_length=80)
    birth_year = models.PositiveSmallIntegerField(_("birth year"))

    class Meta:
        ordering = ["birth_year", "name"]
        verbose_name = _("child")
        verbose_name_plural = _("children")

    def __str__(self) -> str:
        # Not the name: a sensitive partner's children are not named outside the app's pages.
        return f"Child #{self.pk} of {self.partner}"

    def age(self, today: date | None = None) -> int:
        """Age this year: birth years are all we keep, so this is the age reached on this
        year's birthday."""
        from django.utils import timezone

        today = today or timezone.localdate()
        return max(0, today.year - self.birth_year)
