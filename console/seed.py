"""Demo data (through the services, so the audit log holds its events) and the bulk benchmark dataset."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from console.actor import SYSTEM
from console.audit.service import record
from console.bulkload import analyze, bulk_load
from console.db import session_scope
from console.demo_data import DEMO_DOMAIN, PEOPLE
from console.members.models import Member
from console.members.service import create_member
from console.staff import service as staff_service
from console.staff.models import Staff
from console.staff.passwords import generate_password
from console.staff.permissions import Role
from console.system.service import set_value

_ASCII = str.maketrans(
    {
        "ä": "a",
        "ö": "o",
        "ü": "u",
        "ß": "ss",
        "é": "e",
        "è": "e",
        "ë": "e",
        "ç": "c",
        "á": "a",
        "í": "i",
        "ó": "o",
        "ú": "u",
        "ñ": "n",
        "ł": "l",
        "ś": "s",
        "ń": "n",
        "ż": "z",
        "ź": "z",
        "ć": "c",
        "ą": "a",
        "ę": "e",
        "ô": "o",
        "â": "a",
        "ã": "a",
        "õ": "o",
        "ê": "e",
        "Á": "a",
        "É": "e",
        "Ö": "o",
        "Ü": "u",
        "Ä": "a",
    }
)
STATUS_WEIGHTS = [("active", 86), ("suspended", 6), ("banned", 3), ("deleted", 5)]
AGE_METHODS = ["id_document", "credit_card", "third_party"]


def _slug(name: str) -> str:
    return "".join(ch for ch in name.lower().translate(_ASCII) if ch.isalnum())


def database_is_empty() -> bool:
    with session_scope() as session:
        return session.execute(select(Member.id).limit(1)).first() is None


def count_staff() -> int:
    with session_scope() as session:
        return int(session.execute(select(func.count()).select_from(Staff)).scalar_one())


def ensure_demo_staff() -> list[tuple[str, str, str]]:
    """On first start, one demo account per role; returns (email, role, password) to print once."""
    created: list[tuple[str, str, str]] = []
    with session_scope() as session:
        if session.execute(select(Staff.id).limit(1)).first() is not None:
            return created
        for role in Role:
            password = generate_password()
            staff, _ = staff_service.create_staff(
                session,
                actor=SYSTEM,
                email=f"{role.value}@{DEMO_DOMAIN}",
                name=f"Demo {role.value.capitalize()}",
                roles=[role.value],
                password=password,
                must_change_password=False,
            )
            created.append((staff.email, role.value, password))
    return created


def _member_rows(rng: random.Random, count: int, start: int, now: datetime) -> Iterator[dict[str, Any]]:
    """Realistic members: names and e-mail domains that fit the country, dates over the last three years."""
    people = [
        (country, [(f, _slug(f)) for f in firsts], [(last, _slug(last)) for last in lasts], domains)
        for country, firsts, lasts, domains in PEOPLE
    ]
    cumulative = []
    total = 0
    for status, weight in STATUS_WEIGHTS:
        total += weight
        cumulative.append((total / 100, status))
    span = 3 * 365 * 86400
    now_ts = now.timestamp()
    rand = rng.random
    for i in range(start, start + count):
        country, firsts, lasts, domains = people[int(rand() * len(people))]
        first, first_slug = firsts[int(rand() * len(firsts))]
        last, last_slug = lasts[int(rand() * len(lasts))]
        created_ts = now_ts - rand() * span
        roll = rand()
        status = next(s for threshold, s in cumulative if roll < threshold)
        login_ts = created_ts + rand() * (now_ts - created_ts) if rand() < 0.9 else None
        verified = rand() < 0.7
        created = datetime.fromtimestamp(created_ts, UTC)
        login = datetime.fromtimestamp(login_ts, UTC) if login_ts is not None else None
        yield {
            "email": f"{first_slug}.{last_slug}{i}@{domains[int(rand() * len(domains))]}",
            "username": f"{first_slug}{last_slug[:6]}{i}",
            "display_name": f"{first} {last}",
            "country": country,
            "role": "performer" if rand() < 0.04 else "viewer",
            "status": status,
            "email_verified": rand() < 0.85,
            "two_factor_enabled": rand() < 0.12,
            "date_of_birth": date(1955 + int(rand() * 51), 1 + int(rand() * 12), 1 + int(rand() * 28)),
            "age_verified": verified,
            "age_verified_at": created + timedelta(minutes=5) if verified else None,
            "age_verification_method": AGE_METHODS[int(rand() * 3)] if verified else None,
            "created_at": created,
            "updated_at": created,
            "last_login_at": login,
            "deleted_at": datetime.fromtimestamp(max(login_ts or created_ts, created_ts), UTC)
            if status == "deleted"
            else None,
            "version": 1,
        }


def seed_demo(members: int = 300) -> str:
    """A few hundred members with realistic names and dates, created through the service (audited)."""
    rng = random.Random(20261121)
    now = datetime.now(UTC)
    with session_scope() as session:
        existing = int(session.execute(select(func.count()).select_from(Member)).scalar_one())
        if existing:
            return f"Demo members already present ({existing}); nothing added."
        set_value(
            session,
            actor=SYSTEM,
            key="platform.name",
            value="StreamVerse",
            description="Shown in the console header and e-mails",
        )
        set_value(
            session,
            actor=SYSTEM,
            key="records.retention_years",
            value=7,
            description="28 CFR 75.4 retention period for 2257 records",
        )
        for row in _member_rows(rng, members, 1, now):
            if row["deleted_at"] and row["deleted_at"] > now:
                row["deleted_at"] = now
            create_member(
                session,
                actor=SYSTEM,
                email=row["email"],
                username=row["username"],
                display_name=row["display_name"],
                country=row["country"],
                role=row["role"],
                status=row["status"],
                date_of_birth=row["date_of_birth"],
                age_verified=row["age_verified"],
                age_verification_method=row["age_verification_method"],
                email_verified=row["email_verified"],
                created_at=row["created_at"],
                last_login_at=row["last_login_at"],
            )
    return f"Seeded {members} demo members."


def area_demos() -> Iterator[str]:
    """Every area's demo after the members (catalog and 2257 records, moderation, billing, ads, insights), one message
    each as it is done; each is idempotent."""
    from console.ads.demo import seed_ads_demo
    from console.billing.demo import seed_billing_demo
    from console.catalog.demo import seed_catalog_demo
    from console.compliance.demo import seed_compliance_demo
    from console.insights.demo import seed_insights_demo
    from console.moderation.demo import seed_moderation_demo

    demos = (seed_catalog_demo, seed_compliance_demo, seed_moderation_demo, seed_billing_demo, seed_ads_demo)
    for demo in (*demos, seed_insights_demo):
        yield demo()


MEMBER_COLUMNS = [
    "email",
    "username",
    "display_name",
    "country",
    "role",
    "status",
    "email_verified",
    "two_factor_enabled",
    "date_of_birth",
    "age_verified",
    "age_verified_at",
    "age_verification_method",
    "created_at",
    "updated_at",
    "last_login_at",
    "deleted_at",
    "version",
]


SCALE_AREAS = ("members", "catalog", "compliance", "moderation", "billing", "ads", "insights")


def seed_scale(
    *,
    members: int = 1_000_000,
    videos: int = 100_000,
    performers: int = 20_000,
    impressions: int | None = None,
    areas: tuple[str, ...] = SCALE_AREAS,
) -> str:
    """The benchmark dataset, loaded in bulk; one audit event records the run. `areas` picks parts (a bench of
    one area seeds only what it needs; later areas need the members and catalog of earlier runs; ads need nothing).
    The ads area is sized by `impressions` (default 20 per member): 20,000,000 come with 5,000 ads and 200,000
    clicks."""
    impressions = 20 * members if impressions is None else impressions
    if min(members, videos, performers, impressions) < 0:
        raise ValueError("counts must not be negative")
    unknown = set(areas) - set(SCALE_AREAS)
    if unknown:
        raise ValueError(f"unknown areas: {', '.join(sorted(unknown))} (known: {', '.join(SCALE_AREAS)})")
    if "members" not in areas:
        return _seed_scale_areas(areas, videos, members, impressions)
    started = time.monotonic()
    rng = random.Random(1_000_003)
    now = datetime.now(UTC)
    with session_scope() as session:
        start = int(session.execute(select(func.coalesce(func.max(Member.id), 0))).scalar_one()) + 1
    bulk_load(
        Member,
        MEMBER_COLUMNS,
        _member_rows(rng, members, start + 10_000_000, now),
        rebuild_indexes=start == 1,
    )
    analyze("members")
    summary = {"members": members}
    from console.catalog.demo import scale_catalog
    from console.compliance.demo import scale_compliance, scale_marks

    performers_after, videos_after = scale_marks()
    if "catalog" in areas:
        summary |= scale_catalog(videos=videos, performers=performers)
    if "compliance" in areas:
        summary |= scale_compliance(performers_after=performers_after, videos_after=videos_after)
    later = [a for a in areas if a not in ("members", "catalog", "compliance")]
    return _finish_scale(summary, started, later, videos, members, impressions)


def _seed_scale_areas(areas: tuple[str, ...], videos: int, members: int, impressions: int) -> str:
    """The areas that build on members and a catalog already loaded."""
    started = time.monotonic()
    summary: dict[str, int] = {}
    if "catalog" in areas or "compliance" in areas:
        raise ValueError("the catalog and compliance scale data are seeded together with the members")
    return _finish_scale(summary, started, list(areas), videos, members, impressions)


def _finish_scale(
    summary: dict[str, int], started: float, later: list[str], videos: int, members: int, impressions: int = 0
) -> str:
    if "moderation" in later:
        from console.moderation.scale import scale_moderation

        # Sized by the catalog: 100,000 videos give 2,000,000 comments, 1,000,000 chat messages, 500,000 reports.
        summary |= scale_moderation(
            comments=20 * videos, chat=10 * videos, reports=5 * videos, cases=2 * videos, streams=max(1, videos // 20)
        )
    if "billing" in later:
        from console.billing.scale import scale_billing

        # Sized by the members: 1,000,000 give 1,000,000 subscriptions, 2,000,000 payments, 100,000 refunds.
        summary |= scale_billing(subscriptions=members, payments=2 * members, refunds=members // 10)
    if "ads" in later:
        from console.ads.scale import scale_ads

        # Sized by the impressions: 20,000,000 give 5,000 ads (in 1,250 campaigns) and 200,000 clicks.
        summary |= scale_ads(ads=max(1, impressions // 4_000), impressions=impressions, clicks=impressions // 100)
    if "insights" in later:
        from console.insights.scale import scale_insights

        # 10 views per member (10,000,000 for 1,000,000), then every rollup for the two years: after the others.
        summary |= scale_insights(views=10 * members, members=members)
    elapsed = time.monotonic() - started
    with session_scope() as session:
        record(session, SYSTEM, "seed.scale", "dataset", None, after=summary | {"seconds": round(elapsed, 1)})
    parts = ", ".join(
        f"{count / 1000:.1f} s writing {name.removesuffix('_ms').replace('_', ' ')}s"
        if name.endswith("_ms")
        else f"{count:,} {name}"
        for name, count in summary.items()
    )
    return f"Inserted {parts} in {elapsed:.1f} s."
