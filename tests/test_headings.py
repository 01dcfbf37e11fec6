"""Every page a visitor of the access matrix opens has one level-one heading, as screen
readers expect to find what the page is (axe's page-has-heading-one)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.conftest import client_for
from tests.test_url_matrix import MATRIX, VISITORS, build_world

pytestmark = pytest.mark.django_db


def test_every_page_has_one_level_one_heading():
    world = build_world()
    wrong, checked = [], 0
    for name, case in sorted(MATRIX.items()):
        if case.method != "GET":
            continue
        url = reverse(name, kwargs=case.kwargs(world))
        for visitor in VISITORS:
            response = client_for(world.users[visitor]).get(url, case.data(world))
            if response.status_code != 200 or "text/html" not in response["Content-Type"]:
                continue
            checked += 1
            headings = len(re.findall(r"<h1[\s>]", response.content.decode()))
            if headings != 1:
                wrong.append(f"{name} as {visitor}: {headings} level-one headings")
    assert checked >= 80
    assert not wrong, "\n".join(wrong)
