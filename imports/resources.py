"""django-import-export resources: one row of a file into a partner, or into an invitation
for an intercessor. The library runs the loop, the dry run and the per-row results; the writes
are the apps' own services (``partner_save``, ``invitation_send``, ``group_invitation_add``),
so an import saves what the pages would."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import resources
from import_export.fields import Field

from accounts.models import User
from imports.columns import columns_for
from imports.models import ImportKind
from imports.widgets import (
    EmailWidget,
    KindWidget,
    SpreadsheetDateWidget,
    TextWidget,
    TimeZoneWidget,
    YesNoWidget,
    parse_children,
)
from intercession.models import IntercessorGroup
from intercession.services import group_invitation_add, group_member_add
from partnerships.models import Community, Invitation, Membership, Partner, Role
from partnerships.services import invitation_send, partner_save

PARTNER_FIELDS = (
    "name",
    "kind",
    "organisation",
    "role_title",
    "location",
    "time_zone",
    "spouse_name",
    "partnership_started",
    "life_notes",
    "sensitive",
    "alias",
)


def name_key(name: str) -> str:
    """How two names are the same person: case and spacing aside."""
    return " ".join(name.split()).casefold()


@dataclass
class Known:
    """Who is already in the community, read once per check or import, and kept up to date
    as the import adds people (so a file cannot add anyone twice)."""

    # Lower-case email or name key → how to say who it is.
    emails: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    invited: dict[str, str] = field(default_factory=dict)
    # Members who pray, by email → their user id; and who is in which weekly group already.
    praying: dict[str, int] = field(default_factory=dict)
    in_groups: set[tuple[int, int]] = field(default_factory=set)

    @classmethod
    def partners_of(cls, community: Community) -> Known:
        """Partners by name, and by the address of their account or of their invitation.
        A security-sensitive partner found is named by alias (the match is stored with the
        import, and read by coordinators who may be kept from the real name)."""
        known = cls()
        partners = Partner.objects.filter(community=community).select_related("user")
        for partner in partners.only("name", "alias", "sensitive", "user__email"):
            known.names.setdefault(name_key(partner.name), partner.public_name)
            if partner.user is not None:
                known.emails[partner.user.email.lower()] = partner.public_name
        invitations = Invitation.objects.filter(community=community, partner__isnull=False)
        for email, name, alias, sensitive in invitations.values_list(
            "email", "partner__name", "partner__alias", "partner__sensitive"
        ):
            known.emails.setdefault(email.lower(), alias if sensitive else name)
        return known

    @classmethod
    def people_of(cls, community: Community) -> Known:
        known = cls()
        members = Membership.objects.filter(community=community).select_related("user")
        for membership in members.only("role", "user__email", "user__name"):
            email = membership.user.email.lower()
            known.emails[email] = membership.user.display_name
            if membership.prays:
                known.praying[email] = membership.user_id
        known.in_groups = set(
            IntercessorGroup.members.through.objects.filter(
                intercessorgroup__community=community
            ).values_list("intercessorgroup_id", "user_id")
        )
        for email in (
            Invitation.objects.filter(community=community).pending().values_list("email", flat=True)
        ):
            known.invited[email.lower()] = email.lower()
        return known


class ImportResource(resources.ModelResource):
    """What both kinds share: the community and the importer, problems in words, ``match``
    for a row found already here, and no write at all in a dry run."""

    def __init__(self, *, community: Community, user: User | None, known: Known) -> None:
        super().__init__()
        self.community = community
        self.user = user
        self.known = known
        self.match = ""
        self.joins = ""
        # Whether this round saves (an import) or only checks (a dry run).
        self.saving = False

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        errors.update(self.row_checks(instance))
        if errors:
            raise ValidationError(errors)
        if self.saving:
            return  # the service validates what it saves: once is enough
        # The community is set by us, not read from the file; the model's constraints are
        # checked by ``row_checks`` in words (a constraint check is a query per row).
        try:
            instance.full_clean(
                exclude=self.not_validated, validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            raise ValidationError(error.update_error_dict(errors)) from None

    not_validated: tuple[str, ...] = ()

    def row_checks(self, instance) -> dict[str, Any]:
        return {}

    def skip_row(self, instance, original, row, import_validation_errors=None) -> bool:
        self.match = self.already_here(instance, row)
        return bool(self.match)

    def already_here(self, instance, row) -> str:
        raise NotImplementedError

    def after_import_row(self, row, row_result, **kwargs) -> None:
        row_result.match, row_result.joins = self.match, self.joins
        self.match = self.joins = ""

    def before_import(self, dataset, **kwargs) -> None:
        self.saving = not kwargs.get("dry_run")

    def save_instance(self, instance, is_create, row, **kwargs) -> None:
        if kwargs.get("dry_run"):
            return
        self.save(instance)

    def save(self, instance) -> None:
        raise NotImplementedError


class PartnerResource(ImportResource):
    name = Field("name", "name", widget=TextWidget(missing=_("The name is missing.")))
    kind = Field("kind", "kind", widget=KindWidget())
    organisation = Field("organisation", "organisation", widget=TextWidget())
    role_title = Field("role_title", "role_title", widget=TextWidget())
    location = Field("location", "location", widget=TextWidget())
    time_zone = Field("time_zone", "time_zone", widget=TimeZoneWidget(default="UTC"))
    spouse_name = Field("spouse_name", "spouse_name", widget=TextWidget())
    partnership_started = Field(
        "partnership_started", "partnership_started", widget=SpreadsheetDateWidget()
    )
    life_notes = Field("life_notes", "life_notes", widget=TextWidget())
    sensitive = Field("sensitive", "sensitive", widget=YesNoWidget())
    alias = Field("alias", "alias", widget=TextWidget())

    class Meta:
        model = Partner
        fields = PARTNER_FIELDS
        force_init_instance = True  # every row is a new partner or, found, skipped
        skip_diff = True
        report_skipped = True
        use_transactions = True

    not_validated = ("community", "user", "photo", "stewards")

    def __init__(self, *, community: Community, user: User | None, known: Known) -> None:
        super().__init__(community=community, user=user, known=known)
        self.fields["time_zone"].widget = TimeZoneWidget(default=community.time_zone)
        # Americans write the month first (5/1/2019 is the first of May); most others the day.
        dayfirst = not community.time_zone.startswith("America/")
        self.fields["partnership_started"].widget = SpreadsheetDateWidget(dayfirst=dayfirst)

    def init_instance(self, row=None) -> Partner:
        return Partner(community=self.community)

    def import_instance(self, instance, row, **kwargs) -> None:
        errors: dict[str, Any] = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        try:
            instance.import_email = EmailWidget().clean(row.get("email"))
        except ValueError as error:
            errors["email"] = str(error)
        try:
            instance.import_children = parse_children(str(row.get("children") or ""))
        except ValueError as error:
            errors["children"] = str(error)
        if errors:
            raise ValidationError(errors)

    def row_checks(self, instance) -> dict[str, Any]:
        if instance.sensitive and not instance.alias:
            return {"alias": _("A security-sensitive partner needs an alias.")}
        return {}

    def already_here(self, instance, row) -> str:
        email = str(row.get("email") or "").strip().lower()
        found = self.known.emails.get(email) if email else None
        return found or self.known.names.get(name_key(str(row.get("name") or "")), "")

    def save(self, instance) -> None:
        partner = partner_save(
            community=self.community,
            fields={name: getattr(instance, name) for name in PARTNER_FIELDS},
            children=instance.import_children,
        )
        instance.pk = partner.pk
        self.known.names[name_key(partner.name)] = partner.public_name
        if instance.import_email:
            self.known.emails[instance.import_email] = partner.public_name


class IntercessorResource(ImportResource):
    """An intercessor is invited: the row becomes an invitation (and, with a group, a place
    kept in that group), and they join when they accept."""

    email = Field("email", "email", widget=EmailWidget(missing=_("The email is missing.")))

    class Meta:
        model = Invitation
        fields = ("email",)
        force_init_instance = True
        skip_diff = True
        report_skipped = True
        use_transactions = True

    not_validated = ("community", "invited_by", "accepted_by", "partner")

    def __init__(self, *, community: Community, user: User | None, known: Known) -> None:
        super().__init__(community=community, user=user, known=known)
        self.groups = {
            name_key(group.name): group
            for group in IntercessorGroup.objects.filter(community=community).select_related(
                "community"
            )
        }
        self.joined = 0

    def init_instance(self, row=None) -> Invitation:
        return Invitation(community=self.community, role=Role.INTERCESSOR)

    def import_instance(self, instance, row, **kwargs) -> None:
        errors: dict[str, Any] = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        group_name = " ".join(str(row.get("group") or "").split())
        instance.import_group = self.groups.get(name_key(group_name)) if group_name else None
        if group_name and instance.import_group is None:
            errors["group"] = _("There is no group called “%(name)s” here.") % {"name": group_name}
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None) -> bool:
        """A member already here is skipped, unless the row puts them into a weekly group
        they are not in yet (then saving adds them), or names a group that is not here (then
        the problem is shown)."""
        email = str(row.get("email") or "").strip().lower()
        group = getattr(instance, "import_group", None)
        if email in self.known.emails and "group" in (import_validation_errors or {}):
            return False
        user_id = self.known.praying.get(email)
        placed = group is not None and (group.pk, user_id) in self.known.in_groups
        if user_id is not None and group is not None and not placed:
            instance.import_member_id = user_id
            self.joins = _("Already a member; joins %(group)s.") % {"group": group.name}
            return False
        return super().skip_row(instance, original, row, import_validation_errors)

    def already_here(self, instance, row) -> str:
        email = str(row.get("email") or "").strip().lower()
        if email in self.known.emails:
            return _("already a member (%(name)s)") % {"name": self.known.emails[email]}
        if email in self.known.invited:
            return _("already invited")
        return ""

    def save(self, instance) -> None:
        member_id = getattr(instance, "import_member_id", None)
        if member_id is not None:
            group_member_add(group=instance.import_group, user_id=member_id)
            self.known.in_groups.add((instance.import_group.pk, member_id))
            self.joined += 1
            return
        if self.user is None:
            raise ValueError("The importing coordinator's account is gone: nobody to invite.")
        invitation = invitation_send(
            community=self.community,
            email=instance.email,
            role=Role.INTERCESSOR,
            invited_by=self.user,
        )
        instance.pk = invitation.pk
        if instance.import_group is not None:
            group_invitation_add(group=instance.import_group, invitation=invitation)
        self.known.invited[invitation.email] = invitation.email


def resource_for(kind: str, *, community: Community, user: User | None) -> ImportResource:
    if kind == ImportKind.PARTNERS:
        known = Known.partners_of(community)
        return PartnerResource(community=community, user=user, known=known)
    return IntercessorResource(community=community, user=user, known=Known.people_of(community))


def field_label(kind: str, name: str) -> str:
    for column in columns_for(kind):
        if column.field == name:
            return str(column.label)
    return name
