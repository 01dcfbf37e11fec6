from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from partnerships.access import current_membership, memberships_of
from partnerships.models import Membership, Partner

PARTNER_PAGES = {
    "partner_list",
    "partner",
    "partner_create",
    "partner_edit",
    "request",
    "prayer_request_create",
    "prayer_request_edit",
}
TODAY_PAGES = {"today", "pray_through", "record"}
GROUP_PAGES = {"group_list", "group", "group_create", "group_edit", "meeting_create"}
SEASON_PAGES = {"season_list", "season", "season_create", "season_edit", "season_day_edit"}
TESTIMONY_PAGES = {"testimony_list", "testimony", "testimony_create", "testimony_edit"}
CHECKIN_PAGES = {"checkin_list", "checkin", "checkin_create", "checkin_edit", "checkin_notes"}


def _on_two_factor_pages(request: HttpRequest) -> bool:
    match = getattr(request, "resolver_match", None)
    name = (match.url_name or "") if match is not None else ""
    return name.startswith("mfa_") or name == "account_reauthenticate"


def _needs_two_factor_nudge(request: HttpRequest, membership: Membership | None) -> bool:
    if membership is None or not membership.is_coordinator or _on_two_factor_pages(request):
        return False
    return not membership.user.has_two_factor


def _hidden_sensitive(request: HttpRequest, membership: Membership | None) -> list[str]:
    """The aliases of the sensitive partners this coordinator is kept from until they turn on
    two-factor sign-in; none for everyone else (and none on the two-factor pages)."""
    if membership is None or _on_two_factor_pages(request):
        return []
    return list(
        Partner.objects.kept_from(membership).order_by("alias").values_list("alias", flat=True)
    )


def navigation(request: HttpRequest) -> dict:
    """The communities a signed-in person can switch between, and the one they are in."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    loaded = getattr(request, "memberships", None)  # by the view's loader, if it ran
    memberships = SimpleLazyObject(lambda: loaded if loaded is not None else memberships_of(user))

    def current():
        return current_membership(request, memberships)

    nav_membership = SimpleLazyObject(current)

    def key() -> str:
        """Everything the menu and the tabs show of the person's communities and roles: with it
        in the cache key, a cached header is never another community's, role's or name's."""
        here = current()
        return ";".join(
            [f"{here.pk if here else ''}"]
            + [f"{m.pk}:{m.role}:{m.community.slug}:{m.community.name}" for m in memberships]
        )

    return {
        "nav_key": SimpleLazyObject(key),
        "nav_partner_pages": PARTNER_PAGES,
        "nav_checkin_pages": CHECKIN_PAGES,
        "nav_today_pages": TODAY_PAGES,
        "nav_group_pages": GROUP_PAGES,
        "nav_season_pages": SEASON_PAGES,
        "nav_testimony_pages": TESTIMONY_PAGES,
        "nav_memberships": memberships,
        "nav_membership": nav_membership,
        "nav_two_factor_nudge": SimpleLazyObject(
            lambda: _needs_two_factor_nudge(request, current())
        ),
        "nav_hidden_sensitive": SimpleLazyObject(lambda: _hidden_sensitive(request, current())),
    }


def membership(request: HttpRequest) -> dict:
    """The membership the view's loader found (``partnerships.access.get_membership`` sets
    ``request.membership``) and its community, for every template: views do not pass them."""
    loaded = getattr(request, "membership", None)
    if loaded is None:
        return {}
    return {"membership": loaded, "community": loaded.community}
