from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from imports.columns import columns_for
from imports.models import ImportJob, ImportKind
from imports.reading import MAX_BYTES


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What is in the file?"),
        choices=ImportKind.choices,
        widget=forms.RadioSelect,
        initial=ImportKind.PARTNERS,
    )
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_("A .csv or .xlsx file, up to 5 MB, with headings in the first row."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.txt,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size and upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("That file is %(size).1f MB; files up to 5 MB can be imported. Split it in two.")
                % {"size": upload.size / 1024 / 1024}
            )
        return upload


class MappingForm(forms.Form):
    """One choice per heading of the file: which field it fills, or none."""

    def __init__(self, *args, job: ImportJob, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— leave out —"))] + [
            (column.field, column.label) for column in columns_for(job.kind)
        ]
        self.headers = list(job.headers)
        for index, header in enumerate(self.headers):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=header,
                choices=choices,
                required=False,
                initial=job.mapping.get(header, ""),
            )

    def mapping(self) -> dict[str, str]:
        return {
            header: self.cleaned_data.get(f"column_{index}", "")
            for index, header in enumerate(self.headers)
        }


class RowForm(forms.Form):
    """A row's values, to fix in the preview: the fields the file's columns fill."""

    def __init__(self, *args, job: ImportJob, values: dict[str, str], groups: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        mapped = set(job.mapping.values())
        for column in columns_for(job.kind):
            if column.field not in mapped and not column.required:
                continue
            if column.field == "group":
                given = values.get("group", "")
                known = {name.casefold(): name for name in groups}
                self.fields["group"] = forms.ChoiceField(
                    label=column.label,
                    required=False,
                    choices=[("", _("— no group —"))] + [(name, name) for name in groups],
                    initial=known.get(given.casefold(), ""),
                    help_text=_("The file says “%(name)s”.") % {"name": given}
                    if given and given.casefold() not in known
                    else column.help,
                )
                continue
            widget = (
                forms.Textarea(attrs={"rows": 3})
                if column.field in ("life_notes", "children")
                else forms.TextInput
            )
            self.fields[column.field] = forms.CharField(
                label=column.label,
                required=column.required,
                max_length=4000,
                initial=values.get(column.field, ""),
                help_text=column.help,
                widget=widget,
            )
