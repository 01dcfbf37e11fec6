"""The project's own hygiene: migrations, lint, deployment checks, headers, demo data."""

import os
import secrets
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from accounts.models import User
from partnerships.models import Community, Membership

ROOT = Path(__file__).resolve().parent.parent


def test_ci_really_runs_on_postgresql(db):
    if os.environ.get("EPAPHRAS_REQUIRE_POSTGRES"):
        assert connection.vendor == "postgresql"
    else:
        assert connection.vendor in {"sqlite", "postgresql"}


def test_models_and_migrations_agree(db):
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_ruff_lint_and_format_are_clean():
    ruff = Path(sys.executable).parent / "ruff"
    lint = subprocess.run([ruff, "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout
    fmt = subprocess.run([ruff, "format", "--check", "."], cwd=ROOT, capture_output=True, text=True)
    assert fmt.returncode == 0, fmt.stdout


def test_types_check():
    """mypy with django-stubs, as configured in pyproject.toml: no error anywhere."""
    mypy = Path(sys.executable).parent / "mypy"
    result = subprocess.run([mypy], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_apps_import_only_the_layers_below_them():
    """The layers contract in pyproject.toml (docs/architecture.md), checked by import-linter."""
    linter = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([linter, "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_pass_the_deploy_check_without_warnings():
    env = {
        **os.environ,
        "EPAPHRAS_ENV": "production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "prayer.example.org",
    }
    # The browser tests set this for Playwright's sync API; a deployment never has it.
    for name in ("DJANGO_DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {**os.environ, "EPAPHRAS_ENV": "production", "DJANGO_SECRET_KEY": ""}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


def test_pages_carry_a_strict_content_security_policy(client, db):
    response = client.get(reverse("account_login"))
    policy = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in policy
    assert "http" not in policy
    assert response["X-Frame-Options"] == "DENY"


def test_every_script_and_stylesheet_is_served_by_the_app(client, db):
    html = client.get(reverse("account_login")).content.decode()
    assert "https://" not in html and "http://" not in html.replace("http://testserver", "")
    htmx = client.get("/static/vendor/htmx-2.0.11.min.js")
    assert htmx.status_code == 200


def test_friendly_error_pages(client, db):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "We couldn't find that page" in response.content.decode()


def test_seed_demo_is_idempotent_and_prints_how_to_sign_in(db, settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", stdout=out)
    counts = (User.objects.count(), Community.objects.count(), Membership.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (User.objects.count(), Community.objects.count(), Membership.objects.count()) == counts
    printed = out.getvalue()
    for role in ("Coordinator", "Intercessor", "Partner"):
        assert role in printed
    assert "pray-without-ceasing" in printed
    coordinator = User.objects.get(email="coordinator@example.org")
    assert coordinator.check_password("pray-without-ceasing")
    assert Membership.objects.filter(user=coordinator).count() == 2
    assert "intercesora@example.org" in printed and "Español" in printed
    assert User.objects.get(email="intercesora@example.org").language == "es"


def test_seed_demo_refuses_production(db, settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError, match="refuses to run with DEBUG off"):
        call_command("seed_demo", stdout=StringIO())
    assert not User.objects.exists()
