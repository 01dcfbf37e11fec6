"""Every write of the partnerships app. Views, admin actions, tasks and commands call these."""

from partnerships.services.calendar import (
    calendar_feed_replace,
    calendar_feed_revoke,
)
from partnerships.services.checkins import (
    checkin_notes_record,
    checkin_reschedule,
    checkin_schedule,
    checkin_schedule_next,
    checkin_status_set,
    next_checkin_times,
    parse_request_lines,
)
from partnerships.services.communities import (
    community_create,
    community_update,
    invitation_accept,
    invitation_acceptance_register,
    invitation_matches_user,
    invitation_resend,
    invitation_revoke,
    invitation_send,
    membership_remove,
    membership_role_change,
)
from partnerships.services.leaving import (
    account_leaving,
    membership_leave,
    partner_confirmation,
    partner_delete,
    partner_end,
)
from partnerships.services.partners import PARTNER_SELF_FIELDS, partner_save, photo_check
from partnerships.services.requests import (
    prayer_request_answer,
    prayer_request_close,
    prayer_request_create,
    prayer_request_edit,
    prayer_request_update_add,
)
from partnerships.services.review import (
    prayer_request_approve,
    prayer_request_flag,
    prayer_request_send_back,
)

__all__ = [
    "PARTNER_SELF_FIELDS",
    "account_leaving",
    "calendar_feed_replace",
    "calendar_feed_revoke",
    "checkin_notes_record",
    "checkin_reschedule",
    "checkin_schedule",
    "checkin_schedule_next",
    "checkin_status_set",
    "community_create",
    "community_update",
    "invitation_accept",
    "invitation_acceptance_register",
    "invitation_matches_user",
    "invitation_resend",
    "invitation_revoke",
    "invitation_send",
    "membership_role_change",
    "membership_leave",
    "membership_remove",
    "next_checkin_times",
    "parse_request_lines",
    "partner_confirmation",
    "partner_delete",
    "partner_end",
    "partner_save",
    "photo_check",
    "prayer_request_answer",
    "prayer_request_approve",
    "prayer_request_close",
    "prayer_request_create",
    "prayer_request_edit",
    "prayer_request_flag",
    "prayer_request_send_back",
    "prayer_request_update_add",
]
