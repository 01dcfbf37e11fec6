"""The files of a community's spreadsheets (``exports.spreadsheets``), one function per file:
its name, its header and its rows, read a chunk at a time. Rows are numbered per file in the
order they were made, and the numbers join the files (a request's “partner no.” is a row of
partners.csv)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from accounts.models import User
from exports.backup import CHUNK
from exports.scope import Scope
from exports.tables import of_partners
from intercession.models import (
    GroupMeeting,
    IntercessorGroup,
    PrayerKind,
    PrayerLog,
    Season,
    SeasonDay,
    SeasonHour,
)
from partnerships.models import CheckIn, Invitation, Membership, PrayerRequest, RequestUpdate
from testimonies.models import Testimony

People = Prefetch("members", queryset=User.objects.order_by("name", "pk"))


class Numbers:
    """Each file's row numbers by key, for the files that refer to its rows."""

    def __init__(self) -> None:
        self.partners: dict[int, int] = {}
        self.requests: dict[int, int] = {}
        self.checkins: dict[int, int] = {}
        self.groups: dict[int, int] = {}
        self.seasons: dict[int, int] = {}


def names(people: Iterable[User]) -> str:
    return ", ".join(person.display_name for person in people)


def numbered(rows: Iterable, into: dict[int, int]) -> Iterator[tuple[int, Any]]:
    for number, row in enumerate(rows, start=1):
        into[row.pk] = number
        yield number, row


File = tuple[str, list[str], Iterator[list[Any]]]


def _members(scope: Scope, n: Numbers) -> File:
    memberships = (
        Membership.objects.filter(community=scope.community)
        .exclude(user_id__in=scope.users_left_out)
        .select_related("user")
        .order_by("pk")
    )
    rows = (
        [m.user.display_name, m.user.email, m.get_role_display(), m.joined_at]
        for m in memberships.iterator(chunk_size=CHUNK)
    )
    return "members.csv", [_("name"), _("email"), _("role"), _("joined")], rows


def _partners(scope: Scope, n: Numbers) -> File:
    partners = (
        scope.partners()
        .select_related("user")
        .prefetch_related("children", Prefetch("stewards", queryset=User.objects.order_by("pk")))
        .order_by("pk")
    )
    header = [
        _("no."),
        _("name"),
        _("kind"),
        _("organisation"),
        _("role"),
        _("location"),
        _("time zone"),
        _("spouse"),
        _("children (birth year)"),
        _("life notes"),
        _("preferred way to meet"),
        _("video call link"),
        _("partnership started"),
        _("status"),
        _("check-in rhythm"),
        _("stewarding coordinators"),
        _("own account"),
        _("security-sensitive"),
        _("alias"),
        _("added"),
    ]
    rows = (
        [
            number,
            p.name,
            p.get_kind_display(),
            p.organisation,
            p.role_title,
            p.location,
            p.time_zone,
            p.spouse_name,
            ", ".join(f"{child.name} ({child.birth_year})" for child in p.children.all()),
            p.life_notes,
            p.get_meeting_mode_display(),
            p.video_link,
            p.partnership_started,
            p.get_status_display(),
            p.get_cadence_days_display(),
            names(p.stewards.all()),
            p.user.email if p.user else "",
            p.sensitive,
            p.alias,
            p.created_at,
        ]
        for number, p in numbered(partners.iterator(chunk_size=CHUNK), n.partners)
    )
    return "partners.csv", header, rows


def _checkins(scope: Scope, n: Numbers) -> File:
    checkins = (
        of_partners(CheckIn.objects, "partner", scope)
        .select_related("partner")
        .prefetch_related(Prefetch("attendees", queryset=User.objects.order_by("pk")))
        .order_by("pk")
    )
    header = [
        _("no."),
        _("partner no."),
        _("partner"),
        _("starts"),
        _("ends"),
        _("how"),
        _("place"),
        _("video link"),
        _("status"),
        _("who goes"),
        _("notes"),
        _("family updates"),
        _("for the adopting groups"),
    ]
    rows = (
        [
            number,
            n.partners[c.partner_id],
            c.partner.name,
            c.starts_at,
            c.ends_at,
            c.get_mode_display(),
            c.place,
            c.link,
            c.get_status_display(),
            names(c.attendees.all()),
            c.notes,
            c.family_update,
            c.group_summary,
        ]
        for number, c in numbered(checkins.iterator(chunk_size=CHUNK), n.checkins)
    )
    return "checkins.csv", header, rows


def _requests(scope: Scope, n: Numbers) -> File:
    requests = (
        of_partners(PrayerRequest.objects, "partner", scope)
        .select_related("partner", "created_by")
        .order_by("pk")
    )
    header = [
        _("no."),
        _("partner no."),
        _("partner"),
        _("request"),
        _("category"),
        _("urgent"),
        _("who may see it"),
        _("status"),
        _("review on"),
        _("answered on"),
        _("what happened"),
        _("added"),
        _("added by"),
        _("captured at check-in no."),
    ]
    rows = (
        [
            number,
            n.partners[r.partner_id],
            r.partner.name,
            r.text,
            r.get_category_display(),
            r.urgent,
            r.get_visibility_display(),
            r.get_status_display(),
            r.review_on,
            r.answered_on,
            r.answer_note,
            r.created_at,
            r.created_by.display_name if r.created_by else "",
            n.checkins.get(r.checkin_id) if r.checkin_id else None,
        ]
        for number, r in numbered(requests.iterator(chunk_size=CHUNK), n.requests)
    )
    return "prayer_requests.csv", header, rows


def _updates(scope: Scope, n: Numbers) -> File:
    updates = (
        of_partners(RequestUpdate.objects, "request__partner", scope)
        .select_related("request__partner", "created_by")
        .order_by("pk")
    )
    header = [_("request no."), _("partner"), _("update"), _("when"), _("by")]
    rows = (
        [
            n.requests[u.request_id],
            u.request.partner.name,
            u.text,
            u.created_at,
            u.created_by.display_name if u.created_by else "",
        ]
        for u in updates.iterator(chunk_size=CHUNK)
    )
    return "request_updates.csv", header, rows


def _groups(scope: Scope, n: Numbers) -> File:
    groups = (
        IntercessorGroup.objects.filter(community=scope.community)
        .select_related("leader")
        .prefetch_related(People, "partners")
        .order_by("pk")
    )
    header = [
        _("no."),
        _("name"),
        _("meets on"),
        _("at"),
        _("time zone"),
        _("place"),
        _("video link"),
        _("members"),
        _("leader"),
        _("adopted partners (no.)"),
        _("paused"),
    ]
    rows = (
        [
            number,
            g.name,
            g.get_weekday_display(),
            g.meeting_time,
            g.time_zone,
            g.place,
            g.link,
            names(m for m in g.members.all() if m.pk not in scope.users_left_out),
            g.leader.display_name if g.leader else "",
            ", ".join(
                str(n.partners[p.pk])
                for p in sorted(g.partners.all(), key=lambda p: n.partners.get(p.pk, 0))
                if p.pk in n.partners
            ),
            g.paused,
        ]
        for number, g in numbered(groups.iterator(chunk_size=CHUNK), n.groups)
    )
    return "groups.csv", header, rows


def _meetings(scope: Scope, n: Numbers) -> File:
    meetings = (
        GroupMeeting.objects.filter(group__community=scope.community)
        .select_related("group", "recorded_by")
        .prefetch_related(Prefetch("attendees", queryset=User.objects.order_by("pk")))
        .order_by("pk")
    )
    header = [_("group no."), _("group"), _("met on"), _("who came"), _("notes"), _("by")]
    rows = (
        [
            n.groups[m.group_id],
            m.group.name,
            m.met_on,
            names(a for a in m.attendees.all() if a.pk not in scope.users_left_out),
            m.notes,
            m.recorded_by.display_name if m.recorded_by else "",
        ]
        for m in meetings.iterator(chunk_size=CHUNK)
    )
    return "group_meetings.csv", header, rows


def _prayers(scope: Scope, n: Numbers) -> File:
    """The largest file by far: read as plain values, the names looked up once each."""
    prayers = (
        of_partners(PrayerLog.objects, "partner", scope)
        .exclude(user_id__in=scope.users_left_out)
        .order_by("pk")
    )
    people = {
        person.pk: person.display_name
        for person in User.objects.filter(pk__in=prayers.values("user_id"))
    }
    partners = dict(scope.partners().values_list("pk", "name"))
    groups = dict(
        IntercessorGroup.objects.filter(community=scope.community).values_list("pk", "name")
    )
    kinds = {value: str(label) for value, label in PrayerKind.choices}
    former = _("someone who has deleted their account")
    header = [
        _("when"),
        _("who"),
        _("partner no."),
        _("partner"),
        _("request no."),
        _("kind"),
        _("group"),
        _("fasted"),
        _("shared with the partner"),
        _("note"),
    ]
    columns = (
        "prayed_at",
        "user_id",
        "partner_id",
        "request_id",
        "kind",
        "group_id",
        "fasted",
        "shared_with_partner",
        "note",
    )
    rows = (
        [
            prayed_at,
            people[user_id] if user_id else former,
            n.partners[partner_id],
            partners[partner_id],
            n.requests.get(request_id) if request_id else None,
            kinds.get(kind, kind),
            groups.get(group_id, "") if group_id else "",
            fasted,
            shared,
            note,
        ]
        for prayed_at, user_id, partner_id, request_id, kind, group_id, fasted, shared, note in (
            prayers.values_list(*columns).iterator(chunk_size=CHUNK)
        )
    )
    return "prayers.csv", header, rows


def _testimonies(scope: Scope, n: Numbers) -> File:
    testimonies = (
        of_partners(Testimony.objects, "partner", scope)
        .select_related("partner", "author")
        .prefetch_related("requests")
        .order_by("pk")
    )
    header = [
        _("no."),
        _("partner no."),
        _("partner"),
        _("title"),
        _("what God did"),
        _("scripture"),
        _("author"),
        _("who may read it"),
        _("status"),
        _("published"),
        _("answered requests (no.)"),
    ]
    rows = (
        [
            number,
            n.partners[t.partner_id],
            t.partner.name,
            t.title,
            t.story,
            t.scripture,
            t.author.display_name if t.author else "",
            t.get_audience_display(),
            t.get_status_display(),
            t.published_at,
            ", ".join(str(k) for k in sorted(n.requests[r.pk] for r in t.requests.all())),
        ]
        for number, t in enumerate(testimonies.iterator(chunk_size=CHUNK), start=1)
    )
    return "testimonies.csv", header, rows


def _invitations(scope: Scope, n: Numbers) -> File:
    invitations = (
        Invitation.objects.filter(community=scope.community)
        .select_related("invited_by")
        .order_by("pk")
    )
    if not scope.include_sensitive:
        invitations = invitations.exclude(partner__sensitive=True)
    header = [
        _("email"),
        _("role"),
        _("partner no."),
        _("invited by"),
        _("sent"),
        _("accepted"),
        _("withdrawn"),
    ]
    rows = (
        [
            i.email,
            i.get_role_display(),
            n.partners.get(i.partner_id) if i.partner_id else None,
            i.invited_by.display_name if i.invited_by else "",
            i.sent_at,
            i.accepted_at,
            i.revoked_at,
        ]
        for i in invitations.iterator(chunk_size=CHUNK)
    )
    return "invitations.csv", header, rows


def _seasons(scope: Scope, n: Numbers) -> File:
    seasons = (
        Season.objects.filter(community=scope.community).select_related("created_by").order_by("pk")
    )
    header = [
        _("no."),
        _("title"),
        _("why we pray"),
        _("first day"),
        _("last day"),
        _("time zone"),
        _("declared by"),
    ]
    rows = (
        [
            number,
            s.title,
            s.purpose,
            s.starts_on,
            s.ends_on,
            s.time_zone,
            s.created_by.display_name if s.created_by else "",
        ]
        for number, s in numbered(seasons.iterator(chunk_size=CHUNK), n.seasons)
    )
    return "seasons.csv", header, rows


def _season_days(scope: Scope, n: Numbers) -> File:
    days = (
        SeasonDay.objects.filter(season__community=scope.community)
        .prefetch_related("partners", "requests")
        .order_by("pk")
    )
    header = [
        _("season no."),
        _("day"),
        _("focus"),
        _("scripture"),
        _("partners (no.)"),
        _("requests (no.)"),
    ]
    rows = (
        [
            n.seasons[d.season_id],
            d.day,
            d.focus,
            d.scripture,
            ", ".join(
                str(k)
                for k in sorted(n.partners[p.pk] for p in d.partners.all() if p.pk in n.partners)
            ),
            ", ".join(
                str(k)
                for k in sorted(n.requests[r.pk] for r in d.requests.all() if r.pk in n.requests)
            ),
        ]
        for d in days.iterator(chunk_size=CHUNK)
    )
    return "season_days.csv", header, rows


def _season_hours(scope: Scope, n: Numbers) -> File:
    hours = (
        SeasonHour.objects.filter(season__community=scope.community)
        .exclude(user_id__in=scope.users_left_out)
        .select_related("user")
        .order_by("pk")
    )
    header = [_("season no."), _("who"), _("hour"), _("day"), _("fasting")]
    rows = (
        [
            n.seasons[h.season_id],
            h.user.display_name,
            f"{h.hour:02d}:00",
            h.day if h.day else _("every day"),
            h.fasting,
        ]
        for h in hours.iterator(chunk_size=CHUNK)
    )
    return "season_hours.csv", header, rows


# In this order: a file's numbers are known to the files after it.
FILES: list[Callable[[Scope, Numbers], File]] = [
    _members,
    _partners,
    _checkins,
    _requests,
    _updates,
    _groups,
    _meetings,
    _prayers,
    _testimonies,
    _invitations,
    _seasons,
    _season_days,
    _season_hours,
]
