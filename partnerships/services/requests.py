"""Writes for prayer requests: added, updated, answered, closed. Nothing expires silently."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from partnerships.models import (
    CheckIn,
    Membership,
    Partner,
    PrayerRequest,
    RequestStatus,
    RequestUpdate,
    ReviewState,
)
from partnerships.models.requests import default_review_on
from partnerships.services.review import review_after_edit, review_needed

MAX_REQUEST_LENGTH = 2000


def _clean_text(text: str, field: str = "text") -> str:
    text = text.strip()
    if not text:
        raise ValidationError({field: _("Write what to pray for.")})
    if len(text) > MAX_REQUEST_LENGTH:
        raise ValidationError(
            {
                field: _("Keep it under %(limit)d characters (it has %(count)d).")
                % {"limit": MAX_REQUEST_LENGTH, "count": len(text)}
            }
        )
    return text


def prayer_request_create(
    *,
    partner: Partner,
    text: str,
    category: str,
    urgent: bool,
    visibility: str,
    review_on: date | None,
    created_by: User,
    checkin: CheckIn | None = None,
) -> PrayerRequest:
    prayer_request = PrayerRequest(
        partner=partner,
        text=_clean_text(text),
        category=category,
        urgent=urgent,
        visibility=visibility,
        created_by=created_by,
        checkin=checkin,
    )
    if review_needed(partner=partner, author=created_by):
        prayer_request.review = ReviewState.WAITING
    if review_on is not None:
        prayer_request.review_on = review_on
    _check_review_on(prayer_request.review_on)
    prayer_request.full_clean()
    prayer_request.save()
    return prayer_request


def _check_review_on(review_on: date) -> None:
    if review_on < timezone.localdate():
        raise ValidationError({"review_on": _("Choose a review date from today on.")})


@transaction.atomic
def prayer_request_edit(
    *,
    prayer_request: PrayerRequest,
    text: str,
    category: str,
    urgent: bool,
    visibility: str,
    review_on: date,
    by: Membership | None = None,
) -> PrayerRequest:
    """Save new wording. ``by`` is who edits, for review: a coordinator's edit clears a flag,
    anyone else's may wait for a coordinator (see ``review_after_edit``)."""
    prayer_request = (
        PrayerRequest.objects.select_for_update(of=("self",))
        .select_related("partner__community")
        .get(pk=prayer_request.pk)
    )
    prayer_request.text = _clean_text(text)
    prayer_request.category = category
    prayer_request.urgent = urgent
    prayer_request.visibility = visibility
    if review_on != prayer_request.review_on:
        _check_review_on(review_on)
    prayer_request.review_on = review_on
    prayer_request.updated_at = timezone.now()
    if by is not None:
        review_after_edit(prayer_request, by)
    prayer_request.full_clean()
    prayer_request.save(
        update_fields=[
            "text",
            "category",
            "urgent",
            "visibility",
            "review_on",
            "updated_at",
            "review",
            "review_note",
            "flag_reason",
            "flagged_by",
            "flagged_at",
        ]
    )
    return prayer_request


def _require_active(prayer_request: PrayerRequest) -> None:
    if not prayer_request.is_active:
        raise ValidationError(
            _("This request is already %(status)s.")
            % {"status": prayer_request.get_status_display().lower()}
        )


@transaction.atomic
def prayer_request_update_add(
    *, prayer_request: PrayerRequest, text: str, author: User
) -> RequestUpdate:
    """A dated update. It counts as a review: the request's next review is a month away."""
    prayer_request = PrayerRequest.objects.select_for_update().get(pk=prayer_request.pk)
    _require_active(prayer_request)
    update = RequestUpdate.objects.create(
        request=prayer_request, text=_clean_text(text), created_by=author
    )
    prayer_request.review_on = default_review_on()
    prayer_request.updated_at = timezone.now()
    prayer_request.save(update_fields=["review_on", "updated_at"])
    return update


@transaction.atomic
def prayer_request_answer(
    *, prayer_request: PrayerRequest, answer_note: str, answered_on: date | None = None
) -> PrayerRequest:
    prayer_request = PrayerRequest.objects.select_for_update().get(pk=prayer_request.pk)
    _require_active(prayer_request)
    answered_on = answered_on or timezone.localdate()
    if answered_on > timezone.localdate():
        raise ValidationError({"answered_on": _("An answer can't be dated in the future.")})
    prayer_request.status = RequestStatus.ANSWERED
    prayer_request.answer_note = _clean_text(answer_note, "answer_note")
    prayer_request.answered_on = answered_on
    prayer_request.updated_at = timezone.now()
    prayer_request.save(update_fields=["status", "answer_note", "answered_on", "updated_at"])
    return prayer_request


@transaction.atomic
def prayer_request_close(*, prayer_request: PrayerRequest) -> PrayerRequest:
    """No longer needed: it leaves the prayer lists but stays in the partner's history."""
    prayer_request = PrayerRequest.objects.select_for_update().get(pk=prayer_request.pk)
    _require_active(prayer_request)
    prayer_request.status = RequestStatus.CLOSED
    prayer_request.closed_at = prayer_request.updated_at = timezone.now()
    prayer_request.save(update_fields=["status", "closed_at", "updated_at"])
    return prayer_request
