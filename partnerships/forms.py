from datetime import datetime
from typing import cast
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.timezones import local_to_aware, time_zone_choices, time_zone_choices_keeping
from accounts.widgets import TimeZoneSelect
from partnerships.models import (
    Community,
    Membership,
    Partner,
    PartnerKind,
    PartnerStatus,
    PrayerRequest,
    RequestCategory,
    Role,
    Visibility,
)
from partnerships.models.partners import MeetingMode
from partnerships.models.requests import default_review_on
from partnerships.search import MAX_QUERY
from partnerships.selectors import praying_user_list
from partnerships.services import PARTNER_SELF_FIELDS, parse_request_lines, photo_check
from partnerships.services.checkins import MAX_CHECKIN_AHEAD


class CommunityForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=time_zone_choices,
        widget=TimeZoneSelect,
        help_text=_("Where most of your community prays. Each person can still set their own."),
    )

    class Meta:
        model = Community
        fields = ["name", "kind", "time_zone"]
        labels = {"name": _("Community name"), "kind": _("What kind of community is it?")}
        widgets = {
            "name": forms.TextInput(attrs={"placeholder": _("e.g. Grace Church prayer team")})
        }
        error_messages = {
            "name": {
                "max_length": _(
                    "Keep the name to %(limit_value)d characters or fewer (it has %(show_value)d)."
                ),
                "required": _("Give your community a name."),
            }
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = time_zone_choices_keeping(self.instance.time_zone)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Give your community a name."))
        return name


class CommunitySettingsForm(CommunityForm):
    """The community's settings page: what a new community is asked, and its safeguards."""

    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        help_text=_(
            "Pages and emails are written in this language for members who have not chosen "
            "their own."
        ),
    )

    class Meta(CommunityForm.Meta):
        fields = [
            *CommunityForm.Meta.fields,
            "language",
            "two_factor_for_sensitive",
            "request_review",
        ]
        widgets = {**CommunityForm.Meta.widgets, "request_review": forms.RadioSelect()}  # type: ignore[dict-item]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [
            ("", _("Each person's browser decides")),
            *settings.LANGUAGES,
        ]
        # Left out of a post (an older form, a script): the setting stays as it is.
        self.fields["request_review"].required = False

    def clean_request_review(self) -> str:
        return self.cleaned_data["request_review"] or self.instance.request_review


class PartnerInviteForm(forms.Form):
    email = forms.EmailField(label=_("Their email"), max_length=254)


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "placeholder": "name@example.org"}),
    )
    role = forms.ChoiceField(
        label=_("Invite as"),
        choices=Role.choices,
        initial=Role.INTERCESSOR,
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": _(
                "“%(value)s” is not a role here. Choose coordinator, intercessor or partner."
            ),
        },
    )


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, widget=forms.RadioSelect)


class ChildrenField(forms.CharField):
    """Children, one per line: a name and a birth year (“Micah 2018”)."""

    widget = forms.Textarea(attrs={"rows": 3, "placeholder": "Micah 2018\nRuth 2021"})

    def to_python(self, value):
        text = super().to_python(value) or ""
        children, errors = [], []
        this_year = timezone.localdate().year
        for number, line in enumerate(text.splitlines(), start=1):
            line = line.strip().replace(",", " ")
            if not line:
                continue
            name, _sep, year = line.rpartition(" ")
            name = name.strip()
            if not name or not (year.isascii() and year.isdigit() and len(year) == 4):
                errors.append(
                    _("Line %(n)d: write a name and a birth year, like “Micah 2018”.")
                    % {"n": number}
                )
            elif int(year) > this_year:
                errors.append(
                    _("Line %(n)d: %(year)s is in the future. Add a child once they are born.")
                    % {"n": number, "year": year}
                )
            elif int(year) < this_year - 80:
                errors.append(
                    _("Line %(n)d: %(year)s looks too early.") % {"n": number, "year": year}
                )
            elif len(name) > 80:
                errors.append(_("Line %(n)d: keep names under 80 characters.") % {"n": number})
            else:
                children.append((name, int(year)))
        if errors:
            raise forms.ValidationError(errors)
        return children

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(f"{name} {year}" for name, year in value)
        return value


class PeopleField(forms.ModelMultipleChoiceField):
    """People, each shown by the name the community knows them by."""

    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


class PersonField(forms.ModelChoiceField):
    """One person, shown by the name the community knows them by."""

    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


class PartnerAccountField(forms.ModelChoiceField):
    """A partner's account, shown with its email address."""

    def label_from_instance(self, obj: User) -> str:
        return f"{obj.display_name} ({obj.email})"


class PartnerForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        label=_("Their time zone"), choices=time_zone_choices, widget=TimeZoneSelect
    )
    children = ChildrenField(
        label=_("Children"),
        required=False,
        help_text=_("One per line: name and birth year. Ages are worked out for you."),
    )
    remove_photo = forms.BooleanField(label=_("Remove the photo"), required=False)
    video_link = forms.URLField(label=_("Video call link"), required=False, assume_scheme="https")

    class Meta:
        model = Partner
        fields = [
            "name",
            "kind",
            "photo",
            "organisation",
            "role_title",
            "location",
            "time_zone",
            "spouse_name",
            "life_notes",
            "meeting_mode",
            "video_link",
            "partnership_started",
            "status",
            "cadence_days",
            "stewards",
            "user",
            "sensitive",
            "alias",
        ]
        widgets = {
            "life_notes": forms.Textarea(attrs={"rows": 4}),
            "partnership_started": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "stewards": forms.CheckboxSelectMultiple,
        }
        field_classes = {"stewards": PeopleField, "user": PartnerAccountField}

    def __init__(self, *args, community, self_service: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        time_zone = cast(forms.ChoiceField, self.fields["time_zone"])
        time_zone.choices = time_zone_choices_keeping(self.instance.time_zone)
        self.fields["photo"].widget = forms.FileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp"}
        )
        self.fields["photo"].help_text = _("JPEG, PNG or WebP, up to 5 MB.")
        if self.instance.pk:
            self.fields["children"].initial = [
                (child.name, child.birth_year) for child in self.instance.children.all()
            ]
        if not self.instance.photo:
            del self.fields["remove_photo"]
        members = Membership.objects.filter(community=community).select_related("user")
        stewards = cast(PeopleField, self.fields["stewards"])
        stewards.queryset = User.objects.filter(
            pk__in=members.filter(role=Role.COORDINATOR).values("user_id")
        ).order_by("name")
        account = cast(PartnerAccountField, self.fields["user"])
        # Not the accounts of other partners of the community: each account is one partner's
        # (and a sensitive partner's would name them).
        linked = Partner.objects.filter(community=community, user__isnull=False)
        if self.instance.pk:
            linked = linked.exclude(pk=self.instance.pk)
        account.queryset = (
            User.objects.filter(pk__in=members.filter(role=Role.PARTNER).values("user_id"))
            .exclude(pk__in=linked.values("user_id"))
            .order_by("name")
        )
        account.help_text = _(
            "Only people who joined as partners appear here. To invite this partner, save the "
            "profile and use “Invite to their own page”."
        )
        if self_service:
            for name in list(self.fields):
                if name not in PARTNER_SELF_FIELDS + ("children", "photo", "remove_photo"):
                    del self.fields[name]
            self.fields["time_zone"].label = _("Your time zone")

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and hasattr(photo, "content_type"):
            photo_check(photo)
        return photo

    def clean_partnership_started(self):
        started = self.cleaned_data.get("partnership_started")
        if started and not (started.year >= 1900 and started <= timezone.localdate()):
            raise forms.ValidationError(
                _("Give the day the partnership began: a date between 1900 and today.")
            )
        return started

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("sensitive") and not (cleaned.get("alias") or "").strip():
            self.add_error("alias", _("A security-sensitive partner needs an alias."))
        return cleaned


class PrayerRequestForm(forms.ModelForm):
    review_on = forms.DateField(
        label=_("Review on"),
        required=False,
        initial=default_review_on,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_(
            "If nothing changes by then, it shows up as needing an update. "
            "Leave empty for a month from today."
        ),
    )

    def clean_review_on(self):
        return self.cleaned_data["review_on"] or default_review_on()

    class Meta:
        model = PrayerRequest
        fields = ["text", "category", "urgent", "visibility", "review_on"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3}),
            "visibility": forms.RadioSelect,
        }


class RequestUpdateForm(forms.Form):
    text = forms.CharField(
        label=_("What's new?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("Surgery moved to Friday")}),
    )


class RequestAnswerForm(forms.Form):
    answer_note = forms.CharField(
        label=_("What happened?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    answered_on = forms.DateField(
        label=_("When"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class CheckInForm(forms.Form):
    """Date and times are read in the coordinator's own time zone."""

    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("Until"), widget=forms.TimeInput(attrs={"type": "time"}))
    mode = forms.ChoiceField(label=_("How"), choices=MeetingMode.choices)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    link = forms.URLField(label=_("Video link"), required=False, assume_scheme="https")
    attendees = PeopleField(
        label=_("Who goes"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, community, time_zone: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.time_zone = time_zone
        self.fields["date"].help_text = _("Times are in your time zone, %(zone)s.") % {
            "zone": time_zone
        }
        attendees = cast(PeopleField, self.fields["attendees"])
        attendees.queryset = praying_user_list(community)

    def schedule(self) -> dict:
        """The cleaned values as the scheduling services take them."""
        data = self.cleaned_data
        return {
            name: data[name]
            for name in ("starts_at", "ends_at", "mode", "place", "link", "attendees")
        }

    def clean(self):
        cleaned = super().clean()
        day, start, end = cleaned.get("date"), cleaned.get("start"), cleaned.get("end")
        # A past day is explained by the scheduling service; only far-off years stop here.
        today = timezone.localdate(timezone=ZoneInfo(self.time_zone))
        if day and not today.replace(year=1900, day=1) <= day <= today + MAX_CHECKIN_AHEAD:
            self.add_error("date", _("Choose a date within the next two years."))
            return cleaned
        if day and start and end:
            zone = ZoneInfo(self.time_zone)
            cleaned["starts_at"] = local_to_aware(datetime.combine(day, start), zone)
            cleaned["ends_at"] = local_to_aware(datetime.combine(day, end), zone)
            if end <= start:
                self.add_error("end", _("The end must come after the start."))
        return cleaned


class CheckInNotesForm(forms.Form):
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Only coordinators read these."),
    )
    family_update = forms.CharField(
        label=_("Family updates"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    group_summary = forms.CharField(
        label=_("Share with the adopting groups"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("A few lines the weekly groups will see. Leave empty to share nothing."),
    )
    requests = forms.CharField(
        label=_("Prayer requests"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(
            attrs={
                "rows": 4,
                "placeholder": _("Wisdom for the visa interview\nRest for Anna after the move"),
            }
        ),
        help_text=_("One per line: each line becomes its own request."),
    )
    category = forms.ChoiceField(
        label=_("Category for these requests"),
        choices=RequestCategory.choices,
        initial=RequestCategory.MINISTRY,
    )
    visibility = forms.ChoiceField(
        label=_("Who may see them"),
        choices=Visibility.choices,
        initial=Visibility.GROUPS,
        widget=forms.RadioSelect,
    )

    def clean_requests(self):
        lines = parse_request_lines(self.cleaned_data["requests"])
        too_long = [n for n, line in enumerate(lines, 1) if len(line) > 2000]
        if too_long:
            raise forms.ValidationError(
                _("Request %(n)d is over 2,000 characters.") % {"n": too_long[0]}
            )
        return lines


class DashboardFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *PartnerKind.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *PartnerStatus.choices]
    )


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=MAX_QUERY,
        error_messages={
            "max_length": _(
                "That is longer than we search for (%(limit_value)d characters at most): "
                "try a few words from it."
            )
        },
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("A name, a place, words from a request"),
                "autocomplete": "off",
                "enterkeyhint": "search",
            }
        ),
    )


class RequestApproveForm(forms.Form):
    text = forms.CharField(
        label=_("Wording"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Change what names a country, a city or a full name before you approve."),
    )


class RequestSendBackForm(forms.Form):
    note = forms.CharField(
        label=_("What should the author change?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RequestFlagForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the wording unsafe? (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 2, "placeholder": _("It names the city they live in")}
        ),
    )
