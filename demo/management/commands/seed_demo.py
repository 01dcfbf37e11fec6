"""Demo data for trying Epaphras on the embedded default. Safe to run again and again."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User
from intercession.demo import seed_intercession
from partnerships.demo import seed_partners
from partnerships.models import Community, CommunityKind, Membership, Role
from testimonies.demo import seed_testimonies

DEMO_PASSWORD = "pray-without-ceasing"

PEOPLE = [
    # email, name, time zone, role in the main community
    ("coordinator@example.org", "Grace Whitfield", "Europe/London", Role.COORDINATOR),
    ("intercessor@example.org", "Daniel Okafor", "Europe/London", Role.INTERCESSOR),
    ("ruth@example.org", "Ruth Lindqvist", "Europe/Stockholm", Role.INTERCESSOR),
    ("samuel@example.org", "Samuel Ortega", "America/Chicago", Role.INTERCESSOR),
    ("partner@example.org", "Tomasz Nowak", "Europe/Warsaw", Role.PARTNER),
    ("intercesora@example.org", "Lucía Ramírez", "America/Mexico_City", Role.INTERCESSOR),
]
# Who reads the app in another language than the browser's (the rest leave it to the browser).
LANGUAGES = {"intercesora@example.org": "es"}

COMMUNITIES = [
    (
        "riverside-house-of-prayer",
        "Riverside House of Prayer",
        CommunityKind.HOUSE_OF_PRAYER,
        "Europe/London",
    ),
    (
        "st-marks-intercession",
        "St Mark's Intercession Team",
        CommunityKind.CHURCH_TEAM,
        "Europe/London",
    ),
]


class Command(BaseCommand):
    help = "Create (or refresh) the demo communities and people, and print how to sign in."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even when DEBUG is off. Demo accounts share a published password.",
        )

    def handle(self, *args, allow_production: bool = False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "seed_demo creates accounts with a published password; it refuses to run with "
                "DEBUG off. Pass --allow-production if you really mean it."
            )
        with transaction.atomic():
            users = {email: self._person(email, name, tz) for email, name, tz, _role in PEOPLE}
            communities = [
                Community.objects.update_or_create(
                    slug=slug, defaults={"name": name, "kind": kind, "time_zone": tz}
                )[0]
                for slug, name, kind, tz in COMMUNITIES
            ]
            main, second = communities
            for email, _name, _tz, role in PEOPLE:
                Membership.objects.update_or_create(
                    user=users[email], community=main, defaults={"role": role}
                )
            # Two communities, two roles: the coordinator also prays with her church's team.
            Membership.objects.update_or_create(
                user=users[PEOPLE[0][0]], community=second, defaults={"role": Role.INTERCESSOR}
            )
            Membership.objects.update_or_create(
                user=users[PEOPLE[1][0]], community=second, defaults={"role": Role.COORDINATOR}
            )
            partners = seed_partners(main, users[PEOPLE[0][0]], users)
            seed_intercession(main, users, partners)
            seed_testimonies(main, users, partners)
        self._print_sign_in()

    def _person(self, email: str, name: str, time_zone: str) -> User:
        user, _ = User.objects.get_or_create(email=email)
        user.name = name
        user.time_zone = time_zone
        user.language = LANGUAGES.get(email, "")
        user.set_password(DEMO_PASSWORD)
        user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        return user

    def _print_sign_in(self) -> None:
        out = self.stdout
        out.write(self.style.SUCCESS("Demo data is ready."))
        out.write(
            f"Sign in at {settings.SITE_URL}/accounts/login/ with password {DEMO_PASSWORD!r}:"
        )
        for email, name, _tz, role in PEOPLE[:2] + PEOPLE[4:]:
            language = dict(settings.LANGUAGES).get(LANGUAGES.get(email, ""))
            language = f", {language}" if language else ""
            out.write(f"  {role.label:<12} {email:<34} ({name}{language})")
        out.write("Partners can also sign in with a one-time code: it is printed by the worker.")
