"""Send one reminder now, to see how it looks:

manage.py send_test_reminder --email grace@example.org --kind daily
"""

from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import User
from notifications import kinds
from notifications.models import Delivery, DeliveryStatus, Kind
from notifications.send import send_batch


class Command(BaseCommand):
    help = "Send one reminder of the given kind to the given person, now."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True, help="The recipient's account address.")
        parser.add_argument("--kind", required=True, choices=Kind.values)

    def handle(self, *args, email: str, kind: str, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No account has the address {email!r}.")
        spec = kinds.get(kind)
        try:
            about = spec.sample(user) if spec.sample else None
        except LookupError as error:
            raise CommandError(str(error)) from error
        now = timezone.now()
        # A test delivery has a topic of its own, so it never takes the place of the real one.
        delivery = Delivery.objects.create(
            user=user,
            kind=kind,
            topic=f"test-{now:%H%M%S%f}|{spec.topic(about)}",
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
