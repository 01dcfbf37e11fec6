"""The request of a community page, after its loader ran."""

from accounts.http import AuthenticatedRequest
from partnerships.models import Membership


class MemberRequest(AuthenticatedRequest):
    """A signed-in request whose loader (``partnerships.access.get_membership``) found the
    person's membership of the community in the URL; templates read it as ``membership``."""

    membership: Membership
    # All of the person's memberships, loaded with it: the menu's community switcher.
    memberships: list[Membership]
