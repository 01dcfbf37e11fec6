"""A network-sized dataset for measuring speed: many communities, one of them busy.

Deterministic from ``--seed``: the same options build the same rows. Rows go in with
``bulk_create`` in large batches, and the prayer logs with PostgreSQL's ``COPY`` (SQLite takes
them through ``bulk_create``). It fills an empty database and refuses one that has communities.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from datetime import time as clock

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from demo.management.commands.seed_demo import DEMO_PASSWORD
from intercession.models import GroupMeeting, IntercessorGroup, PrayerLog
from partnerships.models import (
    CheckIn,
    Child,
    Community,
    Membership,
    Partner,
    PrayerRequest,
    RequestUpdate,
    Role,
)
from partnerships.models.checkins import CheckInStatus
from partnerships.models.partners import MeetingMode, PartnerKind
from partnerships.models.requests import RequestCategory, RequestStatus, Visibility
from testimonies.models import Testimony, TestimonyNotice, TestimonyStatus

ZONES = [
    "Europe/London",
    "Europe/Warsaw",
    "Africa/Lagos",
    "Africa/Nairobi",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
    "America/Sao_Paulo",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
]
FIRST = ["Anna", "Ben", "Chidi", "Dana", "Elif", "Femi", "Grace", "Hana", "Ivan", "Joy", "Kofi"]
LAST = ["Okafor", "Lindqvist", "Ortega", "Nowak", "Tanaka", "Mensah", "Haddad", "Kim", "Silva"]
TEXTS = [
    "Favour at the visa office and wisdom for the papers",
    "Healing for a back injury before the long drive",
    "A hall for Sunday meetings near the market",
    "Peace at home while the children change schools",
    "Provision for the rent due at the end of the month",
    "Courage to speak with the new neighbours",
    "Good rest after a season of travel",
    "The right team for the clinic's next year",
]
BATCH = 5000
BUSY_SLUG = "busy"
BUSY_PARTNERS, BUSY_INTERCESSORS, BUSY_GROUPS = 30, 200, 10


def link(relation, pairs: Iterable[tuple]) -> None:
    """Rows of a many-to-many relation (``Model.field``) from (owner, other) pairs, in batches."""
    field, through = relation.field, relation.through
    source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
    through.objects.bulk_create(
        [through(**{source: owner, target: other}) for owner, other in pairs], batch_size=BATCH
    )


class Command(BaseCommand):
    help = (
        "Build a large dataset (200 communities, 1,000,000 prayers by default) for the "
        "benchmarks, and print sign-ins for the busy community."
    )

    def add_arguments(self, parser):
        sizes = [
            ("communities", 200),
            ("partners", 2_000),
            ("intercessors", 10_000),
            ("groups", 1_000),
            ("requests", 50_000),
            ("prayers", 1_000_000),
            ("checkins", 20_000),
            ("testimonies", 5_000),
            ("busy-prayers", 5_000),
        ]
        for name, default in sizes:
            parser.add_argument(f"--{name}", type=int, default=default, metavar="N")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even when DEBUG is off. The accounts share a published password.",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(
                "seed_scale creates accounts with a published password; it refuses to run with "
                "DEBUG off. Pass --allow-production if you really mean it."
            )
        if Community.objects.exists():
            raise CommandError(
                "seed_scale fills an empty database, and this one already has communities. "
                "Create a fresh database (and migrate it) first."
            )
        self.check_sizes(options)
        started = time.perf_counter()
        with transaction.atomic():
            Builder(options, self.stdout).build()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(self.style.SUCCESS(f"Built in {time.perf_counter() - started:.0f} s."))
        self.stdout.write(
            f"Sign in at {settings.SITE_URL}/accounts/login/ with password {DEMO_PASSWORD!r}:"
        )
        for role in ("coordinator", "intercessor", "partner"):
            self.stdout.write(f"  {role:<12} {role}@{BUSY_SLUG}.example.org")

    def check_sizes(self, options) -> None:
        minimum = {
            "communities": 2,
            "partners": BUSY_PARTNERS + 1,
            "intercessors": BUSY_INTERCESSORS + 1,
            "groups": BUSY_GROUPS + 1,
        }
        for name, least in minimum.items():
            if options[name] < least:
                raise CommandError(f"--{name} must be at least {least}.")
        for name in ("requests", "prayers", "checkins", "testimonies", "busy_prayers"):
            if options[name] < 0:
                raise CommandError(f"--{name.replace('_', '-')} cannot be negative.")
        if options["busy_prayers"] > options["prayers"]:
            raise CommandError("--busy-prayers cannot be more than --prayers.")


class Builder:
    def __init__(self, options, out):
        self.o = options
        self.out = out
        self.rng = random.Random(options["seed"])
        self.now = timezone.now()
        self.password = make_password(DEMO_PASSWORD)
        self.clock = time.perf_counter()

    def step(self, what: str) -> None:
        now = time.perf_counter()
        self.out.write(f"  {what} ({now - self.clock:.1f} s)")
        self.clock = now

    def ago(self, days: float) -> datetime:
        return self.now - timedelta(days=self.rng.uniform(0, days))

    def build(self) -> None:
        self.communities()
        self.people()
        self.partners()
        self.groups()
        self.requests()
        self.checkins()
        self.prayers()
        self.testimonies()

    def spread(self, total: int, busy: int) -> Iterator[Community]:
        """The community of each of ``total`` rows: ``busy`` in the busy one, the rest round
        the others."""
        others = self.community_list[1:]
        for n in range(total):
            yield self.community_list[0] if n < busy else others[(n - busy) % len(others)]

    def communities(self) -> None:
        rows = [
            Community(
                name="Busy House of Prayer" if n == 0 else f"Community {n:03}",
                slug=BUSY_SLUG if n == 0 else f"community-{n:03}",
                time_zone=ZONES[n % len(ZONES)],
            )
            for n in range(self.o["communities"])
        ]
        self.community_list = Community.objects.bulk_create(rows, batch_size=BATCH)
        self.step(f"{len(rows):,} communities")

    def person(self, email: str, zone: str) -> User:
        name = f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}"
        return User(email=email, name=name, time_zone=zone, password=self.password)

    def people(self) -> None:
        users, roles = [], []
        for community in self.community_list:
            users.append(
                self.person(f"coordinator@{community.slug}.example.org", community.time_zone)
            )
            roles.append((community, Role.COORDINATOR))
        counts: dict[int, int] = {}
        for community in self.spread(self.o["intercessors"], BUSY_INTERCESSORS):
            n = counts[community.pk] = counts.get(community.pk, 0) + 1
            local = "intercessor" if n == 1 else f"intercessor{n}"
            zone = community.time_zone if n % 4 else self.rng.choice(ZONES)
            users.append(self.person(f"{local}@{community.slug}.example.org", zone))
            roles.append((community, Role.INTERCESSOR))
        users = User.objects.bulk_create(users, batch_size=BATCH)
        Membership.objects.bulk_create(
            [
                Membership(user=u, community=c, role=r)
                for u, (c, r) in zip(users, roles, strict=True)
            ],
            batch_size=BATCH,
        )
        self.addresses(users)
        self.coordinator = {
            c.pk: u for u, (c, r) in zip(users, roles, strict=True) if r == Role.COORDINATOR
        }
        self.intercessors: dict[int, list[User]] = {}
        for user, (community, role) in zip(users, roles, strict=True):
            if role == Role.INTERCESSOR:
                self.intercessors.setdefault(community.pk, []).append(user)
        self.busy_intercessor = self.intercessors[self.community_list[0].pk][0]
        self.step(f"{len(users):,} people and their memberships")

    def addresses(self, users: list[User]) -> None:
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users],
            batch_size=BATCH,
        )

    def partners(self) -> None:
        rows = []
        for n, community in enumerate(self.spread(self.o["partners"], BUSY_PARTNERS)):
            sensitive = n % 20 == 7
            rows.append(
                Partner(
                    community=community,
                    kind=self.rng.choice(PartnerKind.values),
                    name=f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}",
                    organisation="Field team" if n % 3 else "",
                    location="" if sensitive else self.rng.choice(["Lagos", "Kraków", "Lima"]),
                    time_zone=self.rng.choice(ZONES),
                    spouse_name=self.rng.choice(FIRST) if n % 2 else "",
                    meeting_mode=self.rng.choice(MeetingMode.values),
                    partnership_started=(self.now - timedelta(days=400 + n % 300)).date(),
                    sensitive=sensitive,
                    alias=f"Partner {n} in Central Asia" if sensitive else "",
                )
            )
        partners = Partner.objects.bulk_create(rows, batch_size=BATCH)
        Child.objects.bulk_create(
            [
                Child(partner=p, name=self.rng.choice(FIRST), birth_year=2010 + n % 14)
                for p in partners
                for n in range(self.rng.randrange(0, 4))
            ],
            batch_size=BATCH,
        )
        link(Partner.stewards, ((p, self.coordinator[p.community_id]) for p in partners))
        # The busy community's first partner signs in to their corner.
        busy = partners[0]
        user = User.objects.create(
            email=f"partner@{BUSY_SLUG}.example.org",
            name=busy.name,
            time_zone=busy.time_zone,
            password=self.password,
        )
        self.addresses([user])
        Membership.objects.create(user=user, community=busy.community, role=Role.PARTNER)
        busy.user = user
        busy.save(update_fields=["user"])
        self.partners_of: dict[int, list[Partner]] = {}
        for partner in partners:
            self.partners_of.setdefault(partner.community_id, []).append(partner)
        self.step(f"{len(partners):,} partners with their families")

    def groups(self) -> None:
        rows, members, adopted = [], [], []
        busy = self.community_list[0]
        for n, community in enumerate(self.spread(self.o["groups"], BUSY_GROUPS)):
            rows.append(
                IntercessorGroup(
                    community=community,
                    name=f"Group {n:04}",
                    weekday=n % 7,
                    meeting_time=clock(19, 30) if n % 2 else clock(7, 0),
                    time_zone=community.time_zone,
                )
            )
            people = self.intercessors[community.pk]
            partners = self.partners_of[community.pk]
            if community == busy and n < 2:
                # The busy intercessor is in two groups, each adopting three partners.
                chosen_people = [people[0], *self.rng.sample(people[1:], 2)]
                chosen_partners = partners[n * 3 : n * 3 + 3]
            else:
                chosen_people = self.rng.sample(people[1:], min(len(people) - 1, 2 + n % 2))
                chosen_partners = self.rng.sample(partners, min(len(partners), 2 + n % 2))
            members.append(chosen_people)
            adopted.append(chosen_partners)
        groups = IntercessorGroup.objects.bulk_create(rows, batch_size=BATCH)
        link(
            IntercessorGroup.members,
            ((g, u) for g, us in zip(groups, members, strict=True) for u in us),
        )
        link(
            IntercessorGroup.partners,
            ((g, p) for g, ps in zip(groups, adopted, strict=True) for p in ps),
        )
        meetings = GroupMeeting.objects.bulk_create(
            [
                GroupMeeting(
                    group=g, met_on=(self.now - timedelta(weeks=w)).date(), notes="We prayed."
                )
                for g in groups
                for w in range(1, 9)
            ],
            batch_size=BATCH,
        )
        self.groups_of_busy_intercessor = groups[:2]
        self.step(f"{len(groups):,} groups with {len(meetings):,} meetings")

    def requests(self) -> None:
        partners = [p for ps in self.partners_of.values() for p in ps]
        rows = []
        for n in range(self.o["requests"]):
            partner = partners[n % len(partners)]
            roll = self.rng.random()
            status = (
                RequestStatus.ACTIVE
                if roll < 0.6
                else RequestStatus.ANSWERED
                if roll < 0.9
                else RequestStatus.CLOSED
            )
            created = self.ago(90 if status == RequestStatus.ACTIVE else 720)
            rows.append(
                PrayerRequest(
                    partner=partner,
                    text=self.rng.choice(TEXTS),
                    category=self.rng.choice(RequestCategory.values),
                    urgent=status == RequestStatus.ACTIVE and self.rng.random() < 0.1,
                    visibility=self.rng.choices(Visibility.values, weights=[70, 25, 5])[0],
                    status=status,
                    review_on=(created + timedelta(days=30)).date(),
                    answer_note="It came through." if status == RequestStatus.ANSWERED else "",
                    answered_on=created.date() if status == RequestStatus.ANSWERED else None,
                    closed_at=created if status == RequestStatus.CLOSED else None,
                    created_by=self.coordinator[partner.community_id],
                    created_at=created,
                    updated_at=created,
                )
            )
        requests = PrayerRequest.objects.bulk_create(rows, batch_size=BATCH)
        RequestUpdate.objects.bulk_create(
            [
                RequestUpdate(
                    request=r,
                    text="Some news: a first step.",
                    created_by=r.created_by,
                    created_at=r.created_at + timedelta(days=3),
                )
                for r in requests[::5]
            ],
            batch_size=BATCH,
        )
        self.requests_of: dict[int, list[PrayerRequest]] = {}
        for request in requests:
            self.requests_of.setdefault(request.partner_id, []).append(request)
        self.answered = [r for r in requests if r.status == RequestStatus.ANSWERED]
        self.step(f"{len(requests):,} requests")

    def checkins(self) -> None:
        partners = [p for ps in self.partners_of.values() for p in ps]
        rows = []
        for n in range(self.o["checkins"]):
            partner = partners[n % len(partners)]
            months_ago = n // len(partners)
            starts = self.now - timedelta(days=30 * months_ago - 7)
            rows.append(
                CheckIn(
                    partner=partner,
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=1),
                    mode=partner.meeting_mode,
                    status=CheckInStatus.SCHEDULED if months_ago == 0 else CheckInStatus.HELD,
                    notes="" if months_ago == 0 else "Talked about the family and the team.",
                    created_by=self.coordinator[partner.community_id],
                )
            )
        checkins = CheckIn.objects.bulk_create(rows, batch_size=BATCH)
        link(
            CheckIn.attendees,
            (
                (c, self.coordinator[c.partner.community_id])
                for c in checkins
                if c.status == CheckInStatus.HELD
            ),
        )
        self.step(f"{len(checkins):,} check-ins")

    def prayers(self) -> None:
        busy_partners = [p for g in self.groups_of_busy_intercessor for p in g.partners.all()]
        columns = [
            "user_id",
            "partner_id",
            "community_id",
            "request_id",
            "kind",
            "prayed_at",
            "note",
        ]

        def row(user: User, partner: Partner) -> tuple:
            requests = self.requests_of.get(partner.pk)
            request = self.rng.choice(requests) if requests and self.rng.random() < 0.85 else None
            note = "Prayed on the way to work." if self.rng.random() < 0.05 else ""
            return (
                user.pk,
                partner.pk,
                partner.community_id,
                request and request.pk,
                "personal",
                self.ago(720),
                note,
            )

        def rows() -> Iterator[tuple]:
            for _ in range(self.o["busy_prayers"]):
                yield row(self.busy_intercessor, self.rng.choice(busy_partners))
            communities = self.community_list
            weights = [len(self.intercessors[c.pk]) for c in communities]
            rest = self.o["prayers"] - self.o["busy_prayers"]
            for community in self.rng.choices(communities, weights=weights, k=rest):
                user = self.rng.choice(self.intercessors[community.pk])
                yield row(user, self.rng.choice(self.partners_of[community.pk]))

        if connection.vendor == "postgresql":
            fields = ", ".join([*columns, "fasted", "shared_with_partner", "client_key"])
            sql = f"COPY {PrayerLog._meta.db_table} ({fields}) FROM STDIN"
            with connection.cursor() as cursor, cursor.copy(sql) as copy:
                # psycopg 3's COPY: rows stream in without building a model per row.
                for values in rows():
                    copy.write_row((*values, False, False, ""))
        else:
            batch: list[PrayerLog] = []
            for values in rows():
                batch.append(PrayerLog(**dict(zip(columns, values, strict=True))))
                if len(batch) == BATCH:
                    PrayerLog.objects.bulk_create(batch)
                    batch = []
            PrayerLog.objects.bulk_create(batch)
        self.step(f"{self.o['prayers']:,} prayers")

    def testimonies(self) -> None:
        chosen = self.answered[: self.o["testimonies"]]
        partners = {p.pk: p for ps in self.partners_of.values() for p in ps}
        rows = [
            Testimony(
                partner=partners[r.partner_id],
                title="An answer to prayer",
                story="We asked, and it came through.",
                author=self.coordinator[partners[r.partner_id].community_id],
                status=TestimonyStatus.PUBLISHED,
                published_at=r.created_at + timedelta(days=5),
                created_at=r.created_at + timedelta(days=4),
                updated_at=r.created_at + timedelta(days=5),
            )
            for r in chosen
        ]
        testimonies = Testimony.objects.bulk_create(rows, batch_size=BATCH)
        link(Testimony.requests, zip(testimonies, chosen, strict=True))
        notices = []
        for testimony in testimonies:
            people = self.intercessors[testimony.partner.community_id]
            for user in self.rng.sample(people, min(3, len(people))):
                notices.append(
                    TestimonyNotice(
                        testimony=testimony, user=user, times_prayed=self.rng.randrange(1, 9)
                    )
                )
        TestimonyNotice.objects.bulk_create(notices, batch_size=BATCH)
        self.step(f"{len(testimonies):,} testimonies")
