from partnerships.models.audit import AuditAction, AuditEvent
from partnerships.models.calendar import CalendarFeed
from partnerships.models.checkins import CheckIn, CheckInStatus
from partnerships.models.community import (
    INVITATION_LIFETIME,
    PRAYING_ROLES,
    Community,
    CommunityKind,
    Invitation,
    Membership,
    RequestReview,
    Role,
)
from partnerships.models.partners import Cadence, Child, Partner, PartnerKind, PartnerStatus
from partnerships.models.requests import (
    PrayerRequest,
    RequestCategory,
    RequestStatus,
    RequestUpdate,
    ReviewState,
    Visibility,
)

__all__ = [
    "AuditAction",
    "AuditEvent",
    "INVITATION_LIFETIME",
    "PRAYING_ROLES",
    "Cadence",
    "CalendarFeed",
    "CheckIn",
    "CheckInStatus",
    "Child",
    "Community",
    "CommunityKind",
    "Invitation",
    "Membership",
    "Partner",
    "PartnerKind",
    "PartnerStatus",
    "PrayerRequest",
    "RequestCategory",
    "RequestReview",
    "RequestStatus",
    "RequestUpdate",
    "ReviewState",
    "Role",
    "Visibility",
]
