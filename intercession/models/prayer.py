from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.timezones import Weekday, validate_time_zone
from partnerships.models import Community, Partner, PrayerRequest


class IntercessorGroupQuerySet(models.QuerySet["IntercessorGroup"]):
    def visible_to(self, membership) -> IntercessorGroupQuerySet:
        """Coordinators see every group of their community; intercessors the groups they are in;
        partners none."""
        groups = self.filter(community_id=membership.community_id)
        if membership.is_coordinator:
            return groups
        if membership.is_intercessor:
            return groups.filter(members=membership.user_id)
        return groups.none()


class IntercessorGroup(models.Model):
    """Two or three intercessors who meet weekly and adopt a few partners."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="intercessor_groups"
    )
    name = models.CharField(_("name"), max_length=80)
    weekday = models.PositiveSmallIntegerField(_("meets on"), choices=Weekday)
    meeting_time = models.TimeField(_("at"))
    time_zone = models.CharField(_("time zone"), max_length=64, validators=[validate_time_zone])
    place = models.CharField(_("place"), max_length=200, blank=True)
    link = models.URLField(_("video link"), blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="intercessor_groups", verbose_name=_("members")
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("leader"),
    )
    partners = models.ManyToManyField(
        Partner, blank=True, related_name="intercessor_groups", verbose_name=_("adopted partners")
    )
    paused = models.BooleanField(_("paused"), default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = IntercessorGroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("intercessor group")
        verbose_name_plural = _("intercessor groups")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PrayerKind(models.TextChoices):
    PERSONAL = "personal", _("Personal")
    GROUP = "group", _("Group")


class PrayerLogManager(models.Manager["PrayerLog"]):
    def bulk_create(self, objs, *args, **kwargs):
        """As Django's, with each prayer's community taken from its partner where not given."""
        objs = list(objs)
        missing = {log.partner_id for log in objs if log.community_id is None}
        if missing:
            communities = dict(
                Partner.objects.filter(pk__in=missing).values_list("pk", "community_id")
            )
            for log in objs:
                if log.community_id is None:
                    log.community_id = communities[log.partner_id]
        return super().bulk_create(objs, *args, **kwargs)


def people_count(path: str = "") -> Count:
    """How many people prayed, from prayer rows reached through ``path`` (``"prayer_logs__"``
    from a request): each person once, those who deleted their account included, by their
    ``former_person`` number."""
    person = Coalesce(
        f"{path}user_id", f"{path}former_person", output_field=models.BigIntegerField()
    )
    return Count(person, distinct=True)


class PrayerLog(models.Model):
    """One prayer: who prayed, for which partner (and request, if one), when.

    Counts are always derived from these rows, never stored, so they stay exact however many
    people pray at once. ``community`` is the partner's, kept beside it so that a person's
    prayers in one community are read newest first from one index.

    A prayer outlives the account of whoever prayed it: ``user`` becomes empty and the note is
    blanked (``prayer_logs_forget``), and ``former_person`` holds a random number standing for
    that person, the same on all of their prayers, so that “by 3 people” still counts them once
    without saying who they were (``PEOPLE``).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="prayer_logs",
    )
    former_person = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="prayer_logs")
    # Always the partner's (a partner never moves community): set on save and bulk_create.
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", editable=False
    )
    request = models.ForeignKey(
        PrayerRequest,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="prayer_logs",
    )
    kind = models.CharField(max_length=10, choices=PrayerKind, default=PrayerKind.PERSONAL)
    group = models.ForeignKey(
        IntercessorGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    meeting = models.ForeignKey(
        "intercession.GroupMeeting",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="prayer_logs",
    )
    prayed_at = models.DateTimeField(default=timezone.now, db_index=True)
    note = models.TextField(_("note"), max_length=1000, blank=True)
    fasted = models.BooleanField(_("I fasted"), default=False)
    shared_with_partner = models.BooleanField(_("share with the partner"), default=False)
    # The form's one-time key: a double tap sends the same key twice and records one prayer.
    client_key = models.CharField(max_length=40, blank=True)

    objects = PrayerLogManager()

    class Meta:
        ordering = ["-prayed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "client_key"],
                condition=~Q(client_key=""),
                name="prayer_log_once_per_key",
            ),
        ]
        indexes = [
            models.Index(fields=["partner", "prayed_at"]),
            models.Index(fields=["request", "prayed_at"]),
            models.Index(fields=["user", "prayed_at"]),
            models.Index(fields=["user", "community", "prayed_at"]),
        ]

    def __str__(self) -> str:
        return f"Prayer #{self.pk} for {self.partner}"

    def save(self, *args, **kwargs):
        if self.community_id is None:
            self.community_id = self.partner.community_id
        super().save(*args, **kwargs)


class GroupMeeting(models.Model):
    """The record of a weekly meeting: who came, what was prayed, notes."""

    group = models.ForeignKey(IntercessorGroup, on_delete=models.CASCADE, related_name="meetings")
    met_on = models.DateField(_("met on"))
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("who came")
    )
    notes = models.TextField(_("notes"), max_length=4000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-met_on", "-created_at"]

    def __str__(self) -> str:
        return f"{self.group} on {self.met_on}"


class DailyListVisit(models.Model):
    """When someone last opened their daily list, to show what changed since."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField()
    previous_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "community"], name="daily_visit_unique"),
        ]

    def __str__(self) -> str:
        return f"Daily list visit of user #{self.user_id}"


class RequestSnooze(models.Model):
    """A request someone set aside from their own daily list for a while (“snooze for a
    week”, from the daily email): it stays on everyone else's, and on their “show everything”."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    request = models.ForeignKey(PrayerRequest, on_delete=models.CASCADE, related_name="+")
    until = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "request"], name="request_snooze_unique"),
        ]

    def __str__(self) -> str:
        return f"Request #{self.request_id} snoozed by user #{self.user_id}"


class GroupReminder(models.Model):
    """When one member next hears of their group's weekly meeting: on the morning of the
    meeting day in the member's own time zone, or the evening before when the meeting falls
    before nine their time. Moved on by the dispatcher; ``time_zone`` is the member's zone it
    was worked out in, so a member who moves is given a new one."""

    group = models.ForeignKey(IntercessorGroup, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    next_at = models.DateTimeField(db_index=True)
    time_zone = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="group_reminder_unique"),
        ]

    def __str__(self) -> str:
        return f"Weekly reminder of group #{self.group_id} for user #{self.user_id}"
