"""Writes for partner profiles and their families."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from accounts.models import User
from partnerships.models import Child, Community, Membership, Partner, Role

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
PHOTO_MAX_SIDE = 1200
PHOTO_MAX_PIXELS = 40_000_000

# Fields a partner may change on their own profile; the rest is the coordinators' to keep.
PARTNER_SELF_FIELDS = (
    "name",
    "organisation",
    "role_title",
    "location",
    "time_zone",
    "spouse_name",
    "life_notes",
    "meeting_mode",
    "video_link",
)


def photo_check(upload: UploadedFile) -> None:
    """Size and real image type, whatever the file is called."""
    size = upload.size
    assert size is not None  # Django's upload handlers always set it
    if size > PHOTO_MAX_BYTES:
        raise ValidationError(
            _("That photo is %(size).1f MB; please choose one under 5 MB.")
            % {"size": size / 1024 / 1024},
            code="photo_too_large",
        )
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format = image.format
            if image.width * image.height > PHOTO_MAX_PIXELS:
                raise ValidationError(
                    _("That photo is too large to handle; please choose a smaller one."),
                    code="photo_too_large",
                )
            image.load()  # decodes every byte: a truncated file is caught here
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as error:
        raise ValidationError(
            _("That file is not a photo we can read. Use a JPEG, PNG or WebP image."),
            code="photo_invalid",
        ) from error
    finally:
        upload.seek(0)
    if image_format not in PHOTO_FORMATS:
        raise ValidationError(
            _("Photos must be JPEG, PNG, WebP or GIF (this one is %(format)s).")
            % {"format": image_format},
            code="photo_format",
        )


def _normalised_photo(upload: UploadedFile) -> ContentFile:
    """Re-encode as a modest JPEG. This also drops EXIF data, GPS position included, which
    could place a sensitive partner on a map."""
    upload.seek(0)
    with Image.open(upload) as original:
        image = ImageOps.exif_transpose(original)
        image = image.convert("RGB")
        image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=85, optimize=True)
    return ContentFile(out.getvalue(), name="photo.jpg")


def _check_stewards(community: Community, stewards: Iterable[User]) -> list[User]:
    stewards = list(stewards)
    coordinator_ids = set(
        Membership.objects.filter(
            community=community, role=Role.COORDINATOR, user__in=stewards
        ).values_list("user_id", flat=True)
    )
    if any(user.pk not in coordinator_ids for user in stewards):
        raise ValidationError({"stewards": _("Stewards must be coordinators of this community.")})
    return stewards


def _check_linked_user(community: Community, partner: Partner, user: User | None) -> None:
    if user is None:
        return
    if not Membership.objects.filter(community=community, user=user, role=Role.PARTNER).exists():
        raise ValidationError({"user": _("Link only an account that joined as a partner.")})
    taken = Partner.objects.filter(community=community, user=user).exclude(pk=partner.pk)
    if taken.exists():
        raise ValidationError({"user": _("That account is already linked to another partner.")})


@transaction.atomic
def partner_save(
    *,
    community: Community,
    partner: Partner | None = None,
    fields: dict[str, Any],
    children: list[tuple[str, int]] | None = None,
    stewards: Iterable[User] | None = None,
    photo: UploadedFile | None = None,
    remove_photo: bool = False,
) -> Partner:
    """Create or update a partner with their children, stewards and photo, all or nothing."""
    partner = partner or Partner(community=community)
    is_new = partner.pk is None
    for name, value in fields.items():
        setattr(partner, name, value)
    if not partner.sensitive:
        partner.alias = partner.alias.strip()
    elif not partner.alias.strip():
        raise ValidationError({"alias": _("A security-sensitive partner needs an alias.")})
    if "user" in fields:
        _check_linked_user(community, partner, fields["user"])
    old_photo = partner.photo.name if partner.photo else ""
    if photo is not None:
        photo_check(photo)
        partner.photo = _normalised_photo(photo)
    elif remove_photo:
        partner.photo = None
    # The community is ours, not the caller's to get wrong, and the model's constraints are
    # checked above in words (alias, linked account): no query per partner for either, which
    # counts when a spreadsheet brings thousands. The database keeps both as a backstop.
    partner.full_clean(exclude=["photo", "community"], validate_constraints=False)
    partner.save()
    if stewards is not None:
        partner.stewards.set(_check_stewards(community, stewards))
    if children is not None:
        if not is_new:
            partner.children.all().delete()
        Child.objects.bulk_create(
            Child(partner=partner, name=name, birth_year=year) for name, year in children
        )
    if old_photo and (photo is not None or remove_photo):
        storage = partner.photo.storage
        transaction.on_commit(lambda: storage.delete(old_photo))
    return partner
