import pytest
from django.test import Client

from config.celery import app as celery_app
from partnerships.models import Role
from tests.factories import make_community, make_member


@pytest.fixture(autouse=True)
def _celery_eager(settings):
    """Tasks run inline in unit tests; the worker integration tests start real workers."""
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Hashing stays real in production; here it would cost seconds per test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Each test Client builds the middleware anew; WhiteNoise would list every static file for
    # each one (a tenth of a second). Looking a file up when asked serves the same files.
    settings.WHITENOISE_AUTOREFRESH = True
    # Rate limits count in the cache: each test starts with none used. (The tests of limits
    # across processes run against Redis and the database cache themselves.)
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def community(db):
    return make_community(name="Riverside House of Prayer")


@pytest.fixture
def other_community(db):
    return make_community(name="Elsewhere Prayer Room")


@pytest.fixture
def coordinator(community):
    return make_member(community, Role.COORDINATOR, name="Grace Coordinator")


@pytest.fixture
def intercessor(community):
    return make_member(community, Role.INTERCESSOR, name="Daniel Intercessor")


@pytest.fixture
def partner(community):
    return make_member(community, Role.PARTNER, name="Tomasz Partner")


@pytest.fixture
def outsider(other_community):
    """A coordinator — of another community."""
    return make_member(other_community, Role.COORDINATOR, name="Olive Outsider")


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def coordinator_client(coordinator):
    return client_for(coordinator)


@pytest.fixture
def intercessor_client(intercessor):
    return client_for(intercessor)


@pytest.fixture
def partner_client(partner):
    return client_for(partner)


@pytest.fixture
def outsider_client(outsider):
    return client_for(outsider)


@pytest.fixture
def postgresql(db):
    """For tests that need a real multi-connection database: concurrent writers, or a worker
    process reading what the test wrote. SQLite's in-memory test database can do neither.
    CI sets EPAPHRAS_REQUIRE_POSTGRES, and there these tests fail rather than skip."""
    import os

    from django.db import connection

    if connection.vendor != "postgresql":
        if os.environ.get("EPAPHRAS_REQUIRE_POSTGRES"):
            pytest.fail("This test needs PostgreSQL (set DATABASE_URL).")
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://… as CI does")
