"""Send one reminder now, to see how it looks:

manage.py send_test_reminder --email grace@example.org --kind daily
"""

from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import User
from intercession.models import DeliveryStatus, ReminderDelivery, ReminderKind
from intercession.reminders.content import SAMPLE_TOPICS
from intercession.reminders.send import send_batch
from partnerships.models import CheckIn


class Command(BaseCommand):
    help = "Send one reminder of the given kind to the given person, now."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True, help="The recipient's account address.")
        parser.add_argument("--kind", required=True, choices=ReminderKind.values)

    def handle(self, *args, email: str, kind: str, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No account has the address {email!r}.")
        now = timezone.now()
        # A test delivery has a topic of its own, so it never takes the place of the real one.
        topic = f"test-{now:%H%M%S%f}|{self._subject(user, kind)}"
        delivery = ReminderDelivery.objects.create(
            user=user,
            kind=kind,
            topic=topic,
            local_date=now.astimezone(ZoneInfo(user.time_zone)).date(),
            due_at=now,
        )
        if send_batch([delivery.pk]):
            delivery.refresh_from_db()
            raise CommandError(f"The mail server did not take it: {delivery.last_error}")
        delivery.refresh_from_db()
        if delivery.status != DeliveryStatus.SENT:
            raise CommandError(
                f"Not sent ({delivery.get_status_display().lower()}): {delivery.last_error}"
            )
        self.stdout.write(self.style.SUCCESS(f"Sent the {kind} reminder to {user.email}."))

    def _subject(self, user, kind: str) -> str:
        if kind == ReminderKind.WEEKLY:
            group = user.intercessor_groups.filter(paused=False).order_by("pk").first()
            if group is None:
                raise CommandError(f"{user.email} is in no active weekly group.")
            return f"group:{group.pk}"
        if kind == ReminderKind.CHECKIN_EVE:
            checkin = (
                CheckIn.objects.filter(
                    attendees=user, status="scheduled", starts_at__gt=timezone.now()
                )
                .order_by("starts_at")
                .first()
            )
            if checkin is None:
                raise CommandError(f"{user.email} goes to no upcoming check-in.")
            return f"checkin:{checkin.pk}"
        if kind in SAMPLE_TOPICS:  # a kind another app registered
            try:
                return SAMPLE_TOPICS[kind](user)
            except LookupError as error:
                raise CommandError(str(error)) from error
        return ""
