"""The sweeper: deliveries a dead worker left behind are queued again."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Min, Q
from django.utils import timezone

from notifications.models import Delivery, DeliveryStatus, Heartbeat
from notifications.send import MAX_ATTEMPTS

# A pending delivery nobody has touched for this long lost its task message (Redis restarted
# empty, say). A delivery still queued behind a long backlog may be queued twice: claiming
# sends it once either way.
STALE_PENDING = timedelta(seconds=60)


def stuck_deliveries(now=None) -> list[int]:
    now = now or timezone.now()
    # A delivery that kept dying with its worker has had its chances.
    Delivery.objects.filter(
        status=DeliveryStatus.SENDING, lease_until__lt=now, attempts__gte=MAX_ATTEMPTS
    ).update(
        status=DeliveryStatus.FAILED,
        lease_until=None,
        last_error=f"Gave up after {MAX_ATTEMPTS} attempts.",
    )
    stuck = list(
        Delivery.objects.filter(
            Q(status=DeliveryStatus.SENDING, lease_until__lt=now)
            | Q(status=DeliveryStatus.PENDING, created_at__lt=now - STALE_PENDING)
            & (Q(lease_until__isnull=True) | Q(lease_until__lt=now - STALE_PENDING))
        ).values_list("pk", flat=True)[:5000]
    )
    # A pending one queued again now is not queued again by the next sweeps, only once it has
    # waited as long again.
    Delivery.objects.filter(pk__in=stuck, status=DeliveryStatus.PENDING).update(lease_until=now)
    return stuck


def oldest_waiting_seconds(now=None) -> int:
    """How long the longest-waiting delivery not yet sent (pending or sending) has been due:
    0 when none is. A figure that keeps growing means no worker is sending."""
    now = now or timezone.now()
    oldest = Delivery.objects.filter(
        status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING], due_at__lte=now
    ).aggregate(oldest=Min("due_at"))["oldest"]
    return int((now - oldest).total_seconds()) if oldest else 0


WORKER = "worker"


def heartbeat_record(now=None) -> None:
    Heartbeat.objects.update_or_create(name=WORKER, defaults={"at": now or timezone.now()})


def worker_seen_seconds_ago(now=None) -> int | None:
    """Seconds since a worker last ran the sweep; None when none ever has."""
    beat = Heartbeat.objects.filter(name=WORKER).first()
    if beat is None:
        return None
    return max(0, int(((now or timezone.now()) - beat.at).total_seconds()))
