import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from partnerships.models import Partner, Role
from partnerships.tokens import invitation_token
from tests.conftest import client_for
from tests.factories import give_two_factor, make_member, make_partner, png_bytes

pytestmark = pytest.mark.django_db


def partner_form(**overrides):
    data = {
        "name": "Tomasz Nowak",
        "kind": "church_planter",
        "organisation": "Nowa Droga",
        "role_title": "Planter",
        "location": "Kraków",
        "time_zone": "Europe/Warsaw",
        "spouse_name": "Anna",
        "children": "Micah 2019\nRuth, 2022",
        "life_notes": "Anniversary in June",
        "meeting_mode": "video",
        "video_link": "https://meet.example.org/t",
        "status": "active",
        "cadence_days": "30",
        "partnership_started": "2025-01-10",
    }
    data.update(overrides)
    return data


def add(client, community, **overrides):
    return client.post(
        reverse("partnerships:partner_create", args=[community.slug]), partner_form(**overrides)
    )


def test_coordinator_adds_a_partner_with_family_and_sees_them_in_order(
    coordinator, coordinator_client, community
):
    year = timezone.localdate().year
    response = add(coordinator_client, community, stewards=[coordinator.pk])
    partner = Partner.objects.get()
    assert response["Location"] == reverse(
        "partnerships:partner", args=[community.slug, partner.pk]
    )
    assert [(c.name, c.birth_year) for c in partner.children.all()] == [
        ("Micah", 2019),
        ("Ruth", 2022),
    ]
    assert list(partner.stewards.all()) == [coordinator]
    html = coordinator_client.get(response["Location"]).content.decode()
    assert f"Micah, {year - 2019} years old" in html
    # The person and family first, then requests, then history.
    assert html.index('id="family"') < html.index('id="requests"') < html.index('id="checkins"')
    assert partner.family_summary == f"Anna; Micah {year - 2019}, Ruth {year - 2022}"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"children": "Micah 2099"}, "Line 1: 2099 is in the future."),
        ({"children": "Micah"}, "Line 1: write a name and a birth year"),
        ({"time_zone": "Europe/Atlantis"}, "Select a valid choice."),
        ({"name": ""}, "This field is required."),
        ({"sensitive": "on", "alias": ""}, "A security-sensitive partner needs an alias."),
        ({"video_link": "not a link"}, "Enter a valid URL."),
    ],
)
def test_bad_partner_input_is_explained_and_nothing_is_saved(
    coordinator_client, community, overrides, message
):
    response = add(coordinator_client, community, **overrides)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Partner.objects.exists()


def test_photo_must_be_a_real_image_of_reasonable_size(coordinator_client, community, settings):
    fake = SimpleUploadedFile("me.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    response = add(coordinator_client, community, photo=fake)
    assert (
        "Upload a valid image" in response.content.decode()
        or "not a photo" in response.content.decode()
    )
    big = SimpleUploadedFile(
        "big.png", png_bytes() + b"\0" * (5 * 1024 * 1024), content_type="image/png"
    )
    response = add(coordinator_client, community, photo=big)
    assert "please choose one under 5 MB" in response.content.decode()
    assert not Partner.objects.exists()


def test_photo_is_reencoded_without_location_data(coordinator_client, community):
    image = Image.new("RGB", (2400, 1600), (10, 120, 200))
    exif = image.getexif()
    exif[0x010F] = "CanaryCamera"  # Make
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    add(
        coordinator_client,
        community,
        photo=SimpleUploadedFile("p.jpg", out.getvalue(), content_type="image/jpeg"),
    )
    partner = Partner.objects.get()
    assert partner.photo.name.startswith("partners/") and "Tomasz" not in partner.photo.name
    with Image.open(partner.photo.path) as stored:
        assert stored.format == "JPEG"
        assert max(stored.size) == 1200
        assert not stored.getexif()
    response = coordinator_client.get(
        reverse("partnerships:partner_photo", args=[community.slug, partner.pk])
    )
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert "private" in response["Cache-Control"]


def test_editing_keeps_existing_photo_and_children_until_changed(coordinator_client, community):
    add(
        coordinator_client,
        community,
        photo=SimpleUploadedFile("p.png", png_bytes(), content_type="image/png"),
    )
    partner = Partner.objects.get()
    photo = partner.photo.name
    url = reverse("partnerships:partner_edit", args=[community.slug, partner.pk])
    coordinator_client.post(url, partner_form(name="Tomasz N.", children="Micah 2019"))
    partner.refresh_from_db()
    assert partner.name == "Tomasz N." and partner.photo.name == photo
    assert [c.name for c in partner.children.all()] == ["Micah"]


def test_failed_edit_changes_nothing(coordinator_client, community):
    partner = make_partner(community, name="Leila Haddad", spouse_name="Yusuf")
    url = reverse("partnerships:partner_edit", args=[community.slug, partner.pk])
    response = coordinator_client.post(url, partner_form(name="Changed", children="Sami 2999"))
    assert "is in the future" in response.content.decode()
    partner.refresh_from_db()
    assert (partner.name, partner.spouse_name) == ("Leila Haddad", "Yusuf")


def test_partner_edits_only_their_own_profile_and_only_personal_fields(community):
    user = make_member(community, Role.PARTNER)
    own = make_partner(community, user=user, name="Tomasz Nowak", status="active")
    other = make_partner(community, name="Someone Else")
    client = client_for(user)
    url = reverse("partnerships:partner_edit", args=[community.slug, own.pk])
    form = client.get(url).context["form"]
    assert (
        "status" not in form.fields
        and "sensitive" not in form.fields
        and "stewards" not in form.fields
    )
    client.post(
        url, partner_form(name="Tomasz Nowak", location="Gdańsk", status="ended", sensitive="on")
    )
    own.refresh_from_db()
    assert (own.location, own.status, own.sensitive) == ("Gdańsk", "active", False)
    for name in ("partnerships:partner", "partnerships:partner_edit"):
        assert client.get(reverse(name, args=[community.slug, other.pk])).status_code == 404


def test_partner_of_another_community_is_not_found(coordinator_client, community, other_community):
    foreign = make_partner(other_community)
    for name in ("partnerships:partner", "partnerships:partner_edit", "partnerships:partner_photo"):
        response = coordinator_client.get(reverse(name, args=[community.slug, foreign.pk]))
        assert response.status_code == 404, name


def test_intercessor_cannot_edit_partners(intercessor_client, community):
    partner = make_partner(community)
    url = reverse("partnerships:partner_edit", args=[community.slug, partner.pk])
    assert intercessor_client.post(url, partner_form(name="Hacked")).status_code in {403, 404}
    partner.refresh_from_db()
    assert partner.name != "Hacked"


def test_sensitive_partner_page_title_uses_the_alias(coordinator, coordinator_client, community):
    give_two_factor(coordinator)
    partner = make_partner(
        community, name="Canary Realname", sensitive=True, alias="L. in Central Asia"
    )
    html = coordinator_client.get(
        reverse("partnerships:partner", args=[community.slug, partner.pk])
    ).content.decode()
    title = html[html.index("<title>") : html.index("</title>")]
    assert "L. in Central Asia" in title and "Canary" not in title
    assert "Canary Realname" in html  # the signed-in coordinator still knows who they pray for
    assert str(partner) == "L. in Central Asia"


def test_inviting_a_partner_links_their_account(
    coordinator_client, community, client, django_capture_on_commit_callbacks
):
    partner = make_partner(community, name="Tomasz Nowak")
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(
            reverse("partnerships:partner_invite", args=[community.slug, partner.pk]),
            {"email": "tomasz@example.org"},
        )
    invitation = partner.invitations.get()
    user = make_member(
        community.__class__.objects.create(name="Elsewhere", slug="elsewhere", time_zone="UTC"),
        Role.INTERCESSOR,
        email="tomasz@example.org",
    )
    client.force_login(user)
    client.post(reverse("partnerships:invitation", args=[invitation_token(invitation)]))
    partner.refresh_from_db()
    assert partner.user == user
    assert (
        client.get(reverse("partnerships:partner", args=[community.slug, partner.pk])).status_code
        == 200
    )


def test_inviting_a_partner_with_a_bad_address_is_explained(coordinator_client, community):
    partner = make_partner(community)
    response = coordinator_client.post(
        reverse("partnerships:partner_invite", args=[community.slug, partner.pk]),
        {"email": "nope"},
        follow=True,
    )
    assert "Enter a valid email address." in response.content.decode()
    assert not partner.invitations.exists()


def test_lost_photo_file_is_not_found_not_an_error(coordinator_client, community):
    add(
        coordinator_client,
        community,
        photo=SimpleUploadedFile("p.png", png_bytes(), content_type="image/png"),
    )
    partner = Partner.objects.get()
    partner.photo.storage.delete(partner.photo.name)
    url = reverse("partnerships:partner_photo", args=[community.slug, partner.pk])
    assert coordinator_client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"partnership_started": "0001-01-20"}, "a date between 1900 and today"),
        ({"children": "Micah ²"}, "Line 1: write a name and a birth year"),
        ({"children": "Micah " + "9" * 5000}, "Line 1: write a name and a birth year"),
    ],
)
def test_odd_dates_and_digits_are_explained_not_errors(
    coordinator_client, community, overrides, message
):
    response = add(coordinator_client, community, **overrides)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Partner.objects.exists()


def test_a_partnership_started_long_ago_does_not_break_the_lists(coordinator_client, community):
    from datetime import date

    make_partner(community, partnership_started=date(1, 1, 20))
    for name in ("partnerships:partner_list", "overview:dashboard"):
        response = coordinator_client.get(reverse(name, args=[community.slug]))
        assert response.status_code == 200


def test_a_truncated_or_enormous_photo_is_refused(coordinator_client, community):
    out = io.BytesIO()
    Image.effect_noise((400, 300), 60).convert("RGB").save(out, format="JPEG")
    data = out.getvalue()
    cut = SimpleUploadedFile("cut.jpg", data[: len(data) * 2 // 3], content_type="image/jpeg")
    response = add(coordinator_client, community, photo=cut)
    assert "not a photo we can read" in response.content.decode()
    huge = io.BytesIO()
    Image.new("1", (8000, 6000)).save(huge, format="PNG")  # 48 megapixels, a small file
    big = SimpleUploadedFile("huge.png", huge.getvalue(), content_type="image/png")
    response = add(coordinator_client, community, photo=big)
    assert "too large to handle" in response.content.decode()
    assert not Partner.objects.exists()


def test_messages_naming_a_partner_stay_on_the_server(coordinator_client, community):
    response = add(coordinator_client, community, name="Zarina Canaryname")
    assert response.status_code == 302
    assert "messages" not in response.cookies
    page = coordinator_client.get(response["Location"]).content.decode()
    assert "Zarina Canaryname is added." in page


def test_intercessors_count_only_the_requests_they_may_see(community, intercessor):
    from tests.factories import make_group, make_request

    tomasz = make_partner(community, name="Tomasz Nowak")
    make_group(community, members=[intercessor], partners=[tomasz])
    make_request(tomasz, text="For the groups")
    make_request(tomasz, text="Coordinators only", visibility="coordinators")
    page = client_for(intercessor).get(reverse("partnerships:partner_list", args=[community.slug]))
    assert "1 request" in page.content.decode() and "2 requests" not in page.content.decode()


def test_a_stored_older_zone_name_stays_selectable(coordinator_client, community):
    partner = make_partner(community, time_zone="Asia/Calcutta")
    page = coordinator_client.get(
        reverse("partnerships:partner_edit", args=[community.slug, partner.pk])
    ).content.decode()
    assert '<option value="Asia/Calcutta" selected>' in page


@pytest.mark.parametrize(
    ("name", "first"),
    [
        ("Tomasz Nowak", "Tomasz"),
        ("Pastor Samuel Mensah", "Samuel"),
        ("Rev. Dr. Ada Obi", "Ada"),
        ("Ravi & Priya Kumar", "Ravi & Priya"),
        ("Pastor", "Pastor"),
    ],
)
def test_a_partner_is_prayed_for_by_first_name(community, name, first):
    assert make_partner(community, name=name).first_name == first
