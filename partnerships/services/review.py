"""Review before it travels: requests written by partners and intercessors wait for a
coordinator's approval, and anyone who sees a request may flag its wording as unsafe. A held
request is on no list and in no email (``PrayerRequestQuerySet.released``) until a coordinator
approves it or clears the flag."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from partnerships.models import Membership, Partner, PrayerRequest, ReviewState, Role

MAX_NOTE_LENGTH = 1000
MAX_REASON_LENGTH = 500

_FLAG_FIELDS = ["review", "review_note", "flag_reason", "flagged_by", "flagged_at", "updated_at"]


def review_needed(*, partner: Partner, author: User) -> bool:
    """Whether a request the author writes for the partner waits for a coordinator: never a
    coordinator's own, otherwise as the community's setting says."""
    is_coordinator = Membership.objects.filter(
        community_id=partner.community_id, user=author, role=Role.COORDINATOR
    ).exists()
    return not is_coordinator and partner.community.holds_requests()


def _release(prayer_request: PrayerRequest) -> None:
    prayer_request.review = ""
    prayer_request.review_note = prayer_request.flag_reason = ""
    prayer_request.flagged_by = None
    prayer_request.flagged_at = None
    prayer_request.updated_at = timezone.now()


@transaction.atomic
def prayer_request_approve(
    *, prayer_request: PrayerRequest, text: str | None = None
) -> PrayerRequest:
    """A coordinator lets the request onto lists and into emails from now on, with the
    wording changed first if ``text`` is given. Approving a flagged request clears the flag."""
    from partnerships.services.requests import _clean_text

    prayer_request = PrayerRequest.objects.select_for_update().get(pk=prayer_request.pk)
    if not prayer_request.is_held:
        raise ValidationError(_("This request is not waiting for review."))
    if text is not None:
        prayer_request.text = _clean_text(text)
    _release(prayer_request)
    prayer_request.save(update_fields=["text", *_FLAG_FIELDS])
    return prayer_request


@transaction.atomic
def prayer_request_send_back(*, prayer_request: PrayerRequest, note: str) -> PrayerRequest:
    """A coordinator asks the author to reword it; it stays held until the author edits it
    and a coordinator approves the new wording."""
    prayer_request = PrayerRequest.objects.select_for_update().get(pk=prayer_request.pk)
    if prayer_request.review not in (ReviewState.WAITING, ReviewState.FLAGGED):
        raise ValidationError(_("Only a request waiting for review or flagged can be sent back."))
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("Say what to change, for the author.")})
    if len(note) > MAX_NOTE_LENGTH:
        raise ValidationError(
            {"note": _("Keep the note under %(limit)d characters.") % {"limit": MAX_NOTE_LENGTH}}
        )
    prayer_request.review = ReviewState.SENT_BACK
    prayer_request.review_note = note
    prayer_request.updated_at = timezone.now()
    prayer_request.save(update_fields=["review", "review_note", "updated_at"])
    return prayer_request


@transaction.atomic
def prayer_request_flag(*, prayer_request: PrayerRequest, by: User, reason: str) -> PrayerRequest:
    """Anyone who sees the request thinks its wording unsafe to send around: it leaves every
    list and email at once, until a coordinator edits it or clears the flag."""
    prayer_request = PrayerRequest.objects.select_for_update().get(pk=prayer_request.pk)
    if prayer_request.is_held:
        raise ValidationError(_("This request is already held for a coordinator's review."))
    reason = reason.strip()
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationError(
            {
                "reason": _("Keep the reason under %(limit)d characters.")
                % {"limit": MAX_REASON_LENGTH}
            }
        )
    prayer_request.review = ReviewState.FLAGGED
    prayer_request.flag_reason = reason
    prayer_request.flagged_by = by
    prayer_request.flagged_at = prayer_request.updated_at = timezone.now()
    prayer_request.save(update_fields=_FLAG_FIELDS)
    return prayer_request


def review_after_edit(prayer_request: PrayerRequest, by: Membership) -> None:
    """What an edit does to review (sets the fields, the caller saves them): a coordinator's
    edit of a flagged request is the review and clears the flag (one waiting for approval is
    approved explicitly); an edit by anyone else waits for a coordinator again when the
    community holds requests, and a request sent back always does."""
    if by.is_coordinator:
        if prayer_request.review == ReviewState.FLAGGED:
            _release(prayer_request)
    elif prayer_request.review == ReviewState.SENT_BACK or (
        not prayer_request.is_held and prayer_request.partner.community.holds_requests()
    ):
        prayer_request.review = ReviewState.WAITING
