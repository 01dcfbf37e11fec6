"""Every write of the partnerships app. Views, admin actions, tasks and commands call these."""

from partnerships.services.calendar import (
    calendar_feed_replace,
    calendar_feed_revoke,
)
from partnerships.services.checkins import (
    checkin_record_notes,
    checkin_reschedule,
    checkin_schedule,
    checkin_schedule_next,
    checkin_set_status,
    next_checkin_times,
    parse_request_lines,
)
from partnerships.services.communities import (
    community_create,
    community_update,
    invitation_accept,
    invitation_matches_user,
    invitation_resend,
    invitation_revoke,
    invitation_send,
    membership_change_role,
    membership_remove,
)
from partnerships.services.partners import PARTNER_SELF_FIELDS, partner_save, photo_check
from partnerships.services.requests import (
    request_answer,
    request_close,
    request_create,
    request_edit,
    request_update_add,
)

__all__ = [
    "PARTNER_SELF_FIELDS",
    "calendar_feed_replace",
    "calendar_feed_revoke",
    "checkin_record_notes",
    "checkin_reschedule",
    "checkin_schedule",
    "checkin_schedule_next",
    "checkin_set_status",
    "community_create",
    "community_update",
    "invitation_accept",
    "invitation_matches_user",
    "invitation_resend",
    "invitation_revoke",
    "invitation_send",
    "membership_change_role",
    "membership_remove",
    "next_checkin_times",
    "parse_request_lines",
    "partner_save",
    "photo_check",
    "request_answer",
    "request_close",
    "request_create",
    "request_edit",
    "request_update_add",
]
