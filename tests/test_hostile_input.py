"""No input gives a server error, and a refused submission leaves nothing half-written.

Hypothesis drives every URL pattern of the access matrix with hostile path arguments and
query parameters, and every form found on the matrix's pages with hostile values in every
field: arbitrary unicode, NUL bytes, huge and negative numbers, far dates, markup and
script. Each answer must be below 500; each refused submission (a 4xx, or the form shown
again with its errors) must leave the database exactly as it was."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser
from urllib.parse import quote, urlencode, urlsplit

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import client_for
from tests.test_url_matrix import (
    ANON,
    COORDINATOR,
    MATRIX,
    PARTNER,
    World,
    all_patterns,
    build_world,
    is_delegated,
)

pytestmark = pytest.mark.django_db

HOSTILE_WORDS = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "%00",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' OR 1=1 --",
    "-1",
    "0",
    "9" * 40,
    "-" + "9" * 30,
    "1e309",
    "NaN",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "2026-02-30",
    "24:61",
    "../../etc/passwd",
    "\u202eevil",
    "𝕏" * 300,
    "x" * 5000,
]
HOSTILE = st.one_of(
    st.sampled_from(HOSTILE_WORDS),
    st.text(max_size=300),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(str),
)
QUERY_KEYS = [
    *("page", "status", "kind", "role", "partner", "request", "prayed", "since", "step"),
    "q",  # the search page's words
]
EXAMPLES = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,  # the same examples in every run: a failure is reproducible
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Written by reading a page, not by submitting: sessions, the cache, the audit trail.
NOT_DATA = {"sessions.session", "partnerships.auditevent", "notifications.heartbeat"}


@pytest.fixture
def world(db) -> World:
    return build_world()


def routes() -> dict[str, str]:
    return {name: route for name, ns, route, cb in all_patterns() if not is_delegated(ns, cb)}


def segment(converter: str) -> st.SearchStrategy[str]:
    if converter == "int":
        return st.integers(min_value=0, max_value=10**30).map(str)
    if converter == "slug":
        return st.from_regex(r"[-a-zA-Z0-9_]{1,80}", fullmatch=True)
    return st.one_of(st.sampled_from(HOSTILE_WORDS), st.text(min_size=1, max_size=200)).filter(bool)


def visitor_for(name: str) -> str:
    """The coordinator reaches the most; links that are their own key are tried without
    signing in; the partner's corner is the partner's."""
    expect = MATRIX[name].expect
    if expect[ANON] not in ("login",):
        return ANON
    if expect[COORDINATOR] == 403:
        return PARTNER
    return COORDINATOR


def fingerprint() -> dict[str, int]:
    """Every row of every model of the project and its libraries, hashed per model."""
    prints = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in NOT_DATA or model._meta.managed is False:
            continue
        rows = tuple(model._default_manager.order_by("pk").values_list())
        prints[label] = hash(repr(rows))
    return prints


@pytest.mark.parametrize("name", sorted(n for n, c in MATRIX.items() if c.method == "GET"))
def test_hostile_addresses_and_queries_never_fail(world, name):
    route = routes()[name]
    params = re.findall(r"<(?:(\w+):)?(\w+)>", route)
    valid = MATRIX[name].kwargs(world)
    client = client_for(world.users[visitor_for(name)])

    @EXAMPLES
    @given(
        st.fixed_dictionaries(
            {p: st.one_of(st.just(str(valid[p])), segment(conv or "str")) for conv, p in params}
        ),
        st.dictionaries(st.sampled_from(QUERY_KEYS), HOSTILE, max_size=3),
    )
    def check(kwargs, query):
        get(kwargs, query)

    def get(kwargs, query):
        path = "/" + re.sub(
            r"<(?:\w+:)?(\w+)>", lambda m: quote(kwargs[m.group(1)], safe=""), route
        )
        with transaction.atomic():
            response = client.get(path + "?" + urlencode(query))
            transaction.set_rollback(True)
        assert response.status_code < 500, (path, query, response.status_code)

    # Every listed hostile word in each place once, the rest valid; then Hypothesis mixes.
    valid_kwargs = {p: str(valid[p]) for _conv, p in params}
    for word in HOSTILE_WORDS:
        for conv, p in params:
            if conv in ("str", "") and word:
                get({**valid_kwargs, p: word}, {})
        get(valid_kwargs, dict.fromkeys(QUERY_KEYS, word))
    for conv, p in params:
        if conv == "int":
            get({**valid_kwargs, p: "9" * 30}, {})
    check()


class Forms(HTMLParser):
    """The POST forms of a page: their action and their fields (name, type, options)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self.forms.append({"action": a.get("action") or "", "fields": {}})
        elif not self.forms or not a.get("name") or a["name"] == "csrfmiddlewaretoken":
            if tag == "option" and self.select and self.forms:
                self.forms[-1]["fields"][self.select]["options"].append(a.get("value", ""))
            return
        elif tag in ("input", "textarea", "select"):
            kind = a.get("type", tag) if tag == "input" else tag
            field = self.forms[-1]["fields"].setdefault(
                a["name"], {"type": kind, "options": [], "value": a.get("value", "")}
            )
            if kind in ("checkbox", "radio"):
                field["options"].append(a.get("value", "on"))
            if tag == "select":
                self.select = a["name"]

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None


def field_value(field: dict) -> st.SearchStrategy:
    if field["type"] == "file":
        return st.binary(max_size=2000).map(lambda b: SimpleUploadedFile("x.png", b))
    if field["options"]:
        return st.one_of(st.sampled_from(field["options"]), HOSTILE)
    if field["type"] == "hidden" and field["value"]:
        return st.one_of(st.just(field["value"]), HOSTILE)
    return HOSTILE


def refused(response) -> bool:
    if response.status_code >= 400:
        return True
    body = response.content.decode(errors="replace") if not response.streaming else ""
    return response.status_code == 200 and (
        'aria-invalid="true"' in body or "form-errors" in body or 'class="error"' in body
    )


@pytest.mark.parametrize("name", sorted(n for n, c in MATRIX.items() if c.method == "GET"))
def test_hostile_values_in_every_form_are_refused_cleanly(world, name):
    case = MATRIX[name]
    client = client_for(world.users[visitor_for(name)])
    page_url = reverse(name, kwargs=case.kwargs(world))
    page = client.get(page_url, case.data(world))
    if page.streaming or "text/html" not in page.get("Content-Type", ""):
        return  # a file, not a page: no forms
    parser = Forms()
    parser.feed(page.content.decode())
    seen = set()
    for form in parser.forms:
        action = urlsplit(form["action"]).path or page_url
        signature = (re.sub(r"\d+", "N", action), tuple(sorted(form["fields"])))
        if signature in seen or action.startswith("/accounts/logout"):
            continue
        seen.add(signature)
        check_form(client, action, form["fields"])


def check_form(client, action: str, fields: dict) -> None:
    @EXAMPLES
    @given(st.fixed_dictionaries({n: field_value(f) for n, f in fields.items()}))
    def check(data):
        with transaction.atomic():
            before = fingerprint()
            response = client.post(action, data)
            assert response.status_code < 500, (action, data, response.status_code)
            if refused(response):
                assert fingerprint() == before, (action, data, "half-written")
            transaction.set_rollback(True)

    check()
