"""The app on a phone, server side: the service worker's script and headers, the manifest and
icons, the mark of whose pages the phone keeps, and Today's forms that may wait for a signal.
(tests/browser/test_offline_journey.py drives it all in Chromium.)"""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from PIL import Image

from partnerships.models import Role
from tests.conftest import client_for
from tests.factories import make_community, make_group, make_member, make_partner, make_request

STATIC = Path(settings.BASE_DIR) / "static"


@pytest.mark.django_db
def test_the_service_worker_is_a_script_for_the_whole_site():
    response = client_for(None).get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-store" in response["Cache-Control"]  # a new version is always fetched
    script = response.content.decode()
    config = json.loads(re.search(r"const CONFIG = (\{.*\});", script).group(1))
    for url in config["staticFiles"]:
        assert (STATIC / url.removeprefix(settings.STATIC_URL)).is_file(), url
    assert 'request.method !== "GET"' in script  # nothing sent is ever stored


def test_the_manifest_and_its_icons():
    manifest = json.loads((STATIC / "manifest.webmanifest").read_text())
    assert (manifest["start_url"], manifest["display"]) == ("/", "standalone")
    css = (STATIC / "css" / "app.css").read_text()
    assert f"--brand: {manifest['theme_color']};" in css
    assert f"--canvas: {manifest['background_color']};" in css
    for icon in manifest["icons"]:
        with Image.open(STATIC / icon["src"]) as image:
            assert f"{image.width}x{image.height}" == icon["sizes"]
    assert {icon["purpose"] for icon in manifest["icons"]} == {"any", "maskable"}
    with Image.open(STATIC / "img" / "apple-touch-icon.png") as image:
        assert (image.size, image.mode) == ((180, 180), "RGB")  # iOS wants it opaque


@pytest.mark.django_db
def test_whose_pages_the_phone_keeps_is_an_opaque_mark_of_each_person():
    community = make_community()
    daniel = make_member(community, Role.INTERCESSOR)
    ruth = make_member(community, Role.INTERCESSOR)
    partner = make_partner(community)
    make_request(partner)
    make_group(community, members=[daniel, ruth], partners=[partner])
    url = reverse("intercession:today", args=[community.slug])

    def owner(user) -> str:
        page = client_for(user).get(url if user else reverse("account_login")).content.decode()
        return re.search(r'data-offline-owner="([^"]*)"', page).group(1)  # type: ignore[union-attr]

    assert owner(daniel) == owner(daniel) != owner(ruth)
    assert str(daniel.pk) != owner(daniel) and owner(daniel)
    assert owner(None) == ""
    page = client_for(daniel).get(url).content.decode()
    assert page.count("data-offline-queue") == 2  # the request's and the partner's “I prayed”
    assert 'rel="manifest"' in page and 'id="offline-banner"' in page
    assert "You are offline: this is Today as of %(time)s." in page
