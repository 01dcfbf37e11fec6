"""What leaves the app by email: each person's preferences (with the due times of their own
reminders) and the delivery ledger, one row per email."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.timezones import Weekday
from notifications import schedule


class Kind(models.TextChoices):
    """Every kind of email. The apps that send one register how it is built (notifications.kinds);
    here are only its name, its label and, on Preference, its switch."""

    DAILY = "daily", _("Daily prayer list")
    WEEKLY = "weekly", _("Weekly group reminder")
    CHECKIN_DIGEST = "checkin_digest", _("Check-ins due (coordinators)")
    CHECKIN_EVE = "checkin_eve", _("Check-in tomorrow")
    TESTIMONY = "testimony", _("Answered prayer")
    ENCOURAGEMENT = "encouragement", _("Weekly encouragement (partners)")
    SEASON_HOUR = "season_hour", _("Before my hour in a season of prayer")


class Preference(models.Model):
    """What reminders a person wants, and when each is next due.

    The next due times are aware datetimes computed in the person's own time zone: the
    dispatcher only compares them with now, and moves them on when it claims them.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preference"
    )
    daily_enabled = models.BooleanField(_("daily prayer list"), default=True)
    daily_time = models.TimeField(_("at"), default=time(7, 0))
    daily_next_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # A day without the list, asked for from the email (“not today”): the person's local date.
    daily_skip_on = models.DateField(null=True, blank=True)
    weekly_enabled = models.BooleanField(_("weekly group reminder"), default=True)
    checkin_digest_enabled = models.BooleanField(_("check-ins due"), default=True)
    checkin_digest_next_at = models.DateTimeField(null=True, blank=True, db_index=True)
    checkin_eve_enabled = models.BooleanField(_("the day before a check-in"), default=True)
    testimony_enabled = models.BooleanField(_("answered prayer"), default=True)
    # A partner's weekly word that they were carried, on the day they choose, at
    # ``schedule.ENCOURAGEMENT_TIME`` their time.
    encouragement_enabled = models.BooleanField(_("weekly encouragement"), default=True)
    encouragement_weekday = models.PositiveSmallIntegerField(
        _("on"), choices=Weekday, default=Weekday.MONDAY
    )
    encouragement_next_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # A little before each hour someone holds in a season of prayer (intercession's schedule).
    season_hour_enabled = models.BooleanField(_("before my hour of prayer"), default=True)
    # Set when the mail server said the address does not exist: nothing more is sent to it
    # until the person changes their address or turns reminders on again.
    bounced_at = models.DateTimeField(null=True, blank=True)
    bounce_reason = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"Reminder preferences of user #{self.user_id}"

    # The switch for each kind of email.
    SWITCHES: dict[str, str] = {
        Kind.DAILY: "daily_enabled",
        Kind.WEEKLY: "weekly_enabled",
        Kind.CHECKIN_DIGEST: "checkin_digest_enabled",
        Kind.CHECKIN_EVE: "checkin_eve_enabled",
        Kind.TESTIMONY: "testimony_enabled",
        Kind.ENCOURAGEMENT: "encouragement_enabled",
        Kind.SEASON_HOUR: "season_hour_enabled",
    }

    @classmethod
    def new(cls, user, now: datetime) -> Preference:
        """Default reminders, with their first due times in the person's own time zone."""
        zone = ZoneInfo(user.time_zone)
        return cls(
            user=user,
            daily_next_at=schedule.next_daily(cls.daily_time.field.default, zone, now),
            checkin_digest_next_at=schedule.next_weekly(
                schedule.DIGEST_WEEKDAY, schedule.DIGEST_TIME, zone, now
            ),
            encouragement_next_at=schedule.next_weekly(
                cls.encouragement_weekday.field.default, schedule.ENCOURAGEMENT_TIME, zone, now
            ),
        )

    def enabled(self, kind: str) -> bool:
        return self.bounced_at is None and getattr(self, self.SWITCHES[kind])


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped")


# A reminder still not sent this long after it fell due is late: something in the stack (the
# worker, beat, the broker or the mail server) has been failing for longer than the sweeps,
# leases and retries, which bring every fault back within about two minutes, account for.
LATE_AFTER = timedelta(minutes=5)


class DeliveryQuerySet(models.QuerySet["Delivery"]):
    def late(self, now: datetime | None = None) -> DeliveryQuerySet:
        """Waiting or being sent, and due more than ``LATE_AFTER`` ago."""
        return self.filter(
            status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING],
            due_at__lt=(now or timezone.now()) - LATE_AFTER,
        )

    def for_community(
        self, community_id: int, people: Iterable[int] | QuerySet
    ) -> DeliveryQuerySet:
        """Deliveries to a community's people (``people``: their user ids), newest first:
        those about this community, and their daily lists and digests; never what they got
        about another community."""
        return (
            self.filter(user_id__in=people)
            .filter(Q(community__isnull=True) | Q(community_id=community_id))
            .select_related("user")
            .order_by("-created_at")
        )


class Delivery(models.Model):
    """One reminder email to one person: written once per (person, kind, topic, local date)
    under a unique constraint, then sent by a worker. ``topic`` tells a person's two groups
    or two check-ins of the same day apart; it is empty for the daily list."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_deliveries"
    )
    kind = models.CharField(max_length=20, choices=Kind)
    topic = models.CharField(max_length=40, blank=True)
    # The community a reminder is about (a group's, a check-in's, a testimony's); empty for
    # the daily list and the check-ins digest, which gather all of a person's communities.
    community = models.ForeignKey(
        "partnerships.Community", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    local_date = models.DateField()
    due_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=DeliveryStatus, default=DeliveryStatus.PENDING, db_index=True
    )
    email = models.EmailField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "topic", "local_date"], name="delivery_once_per_day"
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="delivery_sent_has_time",
            ),
        ]
        # Named as when the ledger lived in the intercession app: the index kept its name.
        indexes = [
            models.Index(fields=["status", "lease_until"], name="intercessio_status_103d01_idx")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to user #{self.user_id} for {self.local_date}"

    @property
    def about_id(self) -> int | None:
        """The id of what the email is about: the 5 in “group:5” (a test send prefixes its
        topic with “test-…|”); None for the daily list and the digest."""
        topic = self.topic.rsplit("|", 1)[-1]
        return int(topic.split(":")[1]) if ":" in topic else None

    def message_id(self, host: str) -> str:
        """The same for every attempt, so a receiving server or mail app can tell a retry."""
        return f"<reminder-{self.pk}.{self.kind}.{self.local_date:%Y%m%d}@{host}>"


class Heartbeat(models.Model):
    """When a Celery worker last ran a beat-scheduled task (the sweep, every 30 seconds): one
    row per name. Read by /healthz, so that a monitor sees a stack whose worker or beat has
    stopped, whatever process answers the web request."""

    name = models.CharField(max_length=40, primary_key=True)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.at:%Y-%m-%d %H:%M:%S}"
