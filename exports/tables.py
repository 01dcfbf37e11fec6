"""The tables of a community's JSON backup, in the order a restore creates them: every table a
row refers to comes before the row."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import cast

from allauth.account.models import EmailAddress
from django.db import models
from django.db.models import Manager, Model, QuerySet

from accounts.models import User
from exports.scope import Scope
from intercession.models import (
    DailyListVisit,
    GroupInvitation,
    GroupMeeting,
    GroupReminder,
    IntercessorGroup,
    PrayerLog,
    RequestSnooze,
    Season,
    SeasonDay,
    SeasonHour,
)
from notifications.models import Preference
from partnerships.models import (
    AuditEvent,
    CheckIn,
    Child,
    Community,
    Invitation,
    Membership,
    Partner,
    PrayerRequest,
    RequestUpdate,
)
from testimonies.models import Testimony, TestimonyNotice, Thanks

# What a backup keeps of a person. Never their password or two-factor keys: after a restore
# they sign in with an emailed code (or set a password again), and set up two-factor anew.
USER_FIELDS = ("email", "name", "time_zone", "is_active", "date_joined")


@dataclass(frozen=True)
class Relation:
    name: str
    model: type[Model]
    # A row whose CASCADE relation points outside the export goes with it (as it would if
    # that row were deleted); any other relation is emptied.
    cascade: bool


@dataclass(frozen=True)
class Table:
    model: type[Model]
    # The community's rows, by primary key; for ``per_user`` tables, all rows (the export
    # narrows them to its people, a chunk at a time, by ``per_user``, the person's column).
    rows: Callable[[Scope], QuerySet]
    fields: tuple[str, ...] | None = None
    prefetch: tuple[str, ...] = ()
    per_user: str = ""
    order: tuple[str, ...] = field(default=("pk",))

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    @cached_property
    def relations(self) -> list[Relation]:
        return [
            Relation(
                f.name,
                cast(type[Model], f.related_model),
                getattr(f.remote_field, "on_delete", None) is models.CASCADE,
            )
            for f in self.model._meta.concrete_fields
            if f.is_relation and self._kept(f.name)
        ]

    @cached_property
    def many(self) -> list[Relation]:
        return [
            Relation(f.name, f.related_model, cascade=False)
            for f in self.model._meta.many_to_many
            if self._kept(f.name)
        ]

    def _kept(self, name: str) -> bool:
        return self.fields is None or name in self.fields


def of_partners(queryset: QuerySet | Manager, path: str, scope: Scope) -> QuerySet:
    """Rows of the community's partners reached through ``path`` (``partner``,
    ``request__partner``), less those of the sensitive partners the export leaves out."""
    rows = queryset.filter(**{f"{path}__community": scope.community})
    if not scope.include_sensitive:
        rows = rows.filter(**{f"{path}__sensitive": False})
    return rows


TABLES: list[Table] = [
    Table(User, lambda s: User.objects.all(), fields=USER_FIELDS, per_user="pk"),
    Table(
        EmailAddress,
        lambda s: EmailAddress.objects.all(),
        fields=("user", "email", "verified", "primary"),
        per_user="user",
        order=("user", "pk"),
    ),
    Table(Preference, lambda s: Preference.objects.all(), per_user="user", order=("user",)),
    Table(Community, lambda s: Community.objects.filter(pk=s.community.pk)),
    Table(Membership, lambda s: Membership.objects.filter(community=s.community)),
    Table(Partner, lambda s: s.partners(), prefetch=("stewards",)),
    Table(Child, lambda s: of_partners(Child.objects, "partner", s)),
    Table(Invitation, lambda s: Invitation.objects.filter(community=s.community)),
    Table(CheckIn, lambda s: of_partners(CheckIn.objects, "partner", s), prefetch=("attendees",)),
    Table(PrayerRequest, lambda s: of_partners(PrayerRequest.objects, "partner", s)),
    Table(RequestUpdate, lambda s: of_partners(RequestUpdate.objects, "request__partner", s)),
    Table(AuditEvent, lambda s: AuditEvent.objects.filter(community=s.community)),
    Table(
        IntercessorGroup,
        lambda s: IntercessorGroup.objects.filter(community=s.community),
        prefetch=("members", "partners"),
    ),
    Table(
        GroupMeeting,
        lambda s: GroupMeeting.objects.filter(group__community=s.community),
        prefetch=("attendees",),
    ),
    Table(PrayerLog, lambda s: of_partners(PrayerLog.objects, "partner", s)),
    Table(DailyListVisit, lambda s: DailyListVisit.objects.filter(community=s.community)),
    Table(RequestSnooze, lambda s: of_partners(RequestSnooze.objects, "request__partner", s)),
    Table(GroupReminder, lambda s: GroupReminder.objects.filter(group__community=s.community)),
    Table(GroupInvitation, lambda s: GroupInvitation.objects.filter(group__community=s.community)),
    Table(Season, lambda s: Season.objects.filter(community=s.community)),
    Table(
        SeasonDay,
        lambda s: SeasonDay.objects.filter(season__community=s.community),
        prefetch=("partners", "requests"),
    ),
    Table(SeasonHour, lambda s: SeasonHour.objects.filter(season__community=s.community)),
    Table(
        Testimony, lambda s: of_partners(Testimony.objects, "partner", s), prefetch=("requests",)
    ),
    Table(TestimonyNotice, lambda s: of_partners(TestimonyNotice.objects, "testimony__partner", s)),
    Table(Thanks, lambda s: of_partners(Thanks.objects, "testimony__partner", s)),
]

TABLES_BY_LABEL = {table.label: table for table in TABLES}

# The project's tables a backup does not hold, and why. A new table goes in one or the other
# (tests/exports/test_backup.py fails until it does).
LEFT_OUT = {
    "partnerships.calendarfeed": "a person's secret calendar address",
    "notifications.delivery": "a log of the emails sent; the whole deployment's dump keeps it",
    "notifications.heartbeat": "the workers' heartbeat, not a community's",
}

# Tables that other rows point to: their old-to-new numbers are kept while writing.
REFERENCED = {r.model for table in TABLES for r in [*table.relations, *table.many]}
