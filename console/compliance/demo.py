"""2257 demo data (through the services, audited) and the bulk benchmark records for `seed --scale`.

Demo, in two steps that together keep the catalog demo coherent with the publishing gate:

1. `paperwork_before_publish()` — the catalog demo calls it before it publishes or schedules a video: every
   performer in the cast gets a verified legal record (entered by the demo compliance officer or carried over
   from the paper files by the system, verified by the system: examined passport/licence with an encrypted
   specimen scan, other names), and the video gets its production (date, the ID relied on per performer).
   Videos featuring a performer reserved for a problem case get nothing here, so the gate keeps them drafts.
2. `seed_compliance_demo()` — after the catalog demo: the custodian of records, records for everyone else,
   the problem cases, a production for every remaining video, and one revocation (its video goes on hold).

The problem cases (`CASES`, one reserved performer each when the catalog has at least `MIN_PERFORMERS`):
no record at all; incomplete without an ID; incomplete with an ID but no scan; pending verification (entered
by the compliance officer, so a second person must verify); pending (carried over by the system); rejected;
under 18 on a production date (they turned 18 the day after); an ID examined after the production date. Also
one verified performer whose only ID expires within 30 days, and one revoked record with its videos on hold.

Scale (`scale_compliance()`): one verified record per scale performer with 1-3 other names and 1-2 examined
IDs, each with a real Fernet-encrypted scan file (a tiny PNG, encrypted per file, its SHA-256 recorded); a
production for every scale video relying on a valid ID per performer, so the published scale catalog passes
the gate; and a few hundred newly signed performers (no videos yet) whose records are pending or incomplete.
"""

from __future__ import annotations

import hashlib
import os
import random
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from io import BytesIO
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.actor import SYSTEM, Actor
from console.bulkload import analyze, bulk_load
from console.catalog import service as video_service
from console.catalog.models import Collection, Performer, Video, VideoPerformer
from console.compliance import productions, records, vault
from console.compliance.fixtures import sample_scan
from console.compliance.models import (
    CHECKLIST,
    ComplianceHold,
    Custodian,
    IdDocument,
    IdScan,
    LegalRecord,
    PerformerName,
    Production,
    ProductionPerformer,
)
from console.db import session_scope
from console.demo_data import DEMO_DOMAIN, FIRST, LAST, PEOPLE, PERFORMER_COLUMNS
from console.staff.auth import staff_actor
from console.staff.models import Staff

CASES = (
    "no_record",
    "incomplete_no_id",
    "incomplete_no_scan",
    "pending",
    "pending_system",
    "rejected",
    "under_age",
    "examined_after",
)
MIN_PERFORMERS = 3 * len(CASES)  # smaller catalogs (quick tests) get verified records only
EXPIRING_IN_DAYS = 21
ALL_CHECKED = dict.fromkeys(CHECKLIST, True)

CUSTODIAN = {
    "name": "Dana Whitfield",
    "title": "Custodian of Records",
    "business_address": "StreamVerse Media LLC\n1200 Harbor Boulevard, Suite 400\nLos Angeles, CA 90017\nUnited States",
    "hours": "Monday to Friday, 9:00 am to 5:00 pm Pacific time (except federal holidays)",
}
ALIASES = [
    "Lexi Moon",
    "Zoë Starling",
    "Bianca Noir",
    "Mía Cortés",
    "Jolie Åkesson",
    "Dani Fox",
    "Ren Takahashi",
    "Léa Marchand",
    "Kasia Wróbel",
    "Nico Valentin",
    "Honey Rae",
    "Ana Luísa",
    "Björk Lind",
    "Chloé Amour",
    "Sunny Blaze",
    "Jasmine Ōta",
]
NICKNAMES = ["Lexi", "Zo", "Bee", "Mimi", "Jojo", "Kit", "Sunny", "Rae", "Nico", "Lulu", "Dani", "Sasha", "Noé"]
US_STATES = ["CA", "NV", "FL", "NY", "TX", "AZ", "OR", "WA", "IL", "GA"]
NATIONAL_ID_COUNTRIES = {"DE", "FR", "ES", "NL", "SE", "PL"}
PRODUCERS = ["Northlight Studios", "Velvet Lane Productions", "Harbor & Pine Media", "Studio Ninety-One"]
LOCATIONS = ["Los Angeles, CA", "Las Vegas, NV", "Miami, FL", "Budapest, Hungary", "Prague, Czech Republic"]


# --- who does the paperwork ---------------------------------------------------------------------------------


def _clerk(session: Session) -> Actor:
    """The demo compliance officer (created with the demo staff accounts), or the system when there is none."""
    if "compliance_demo_clerk" not in session.info:
        staff = session.execute(
            select(Staff).where(Staff.email == f"compliance@{DEMO_DOMAIN}", Staff.is_active.is_(True))
        ).scalar_one_or_none()
        session.info["compliance_demo_clerk"] = staff_actor(staff) if staff is not None else SYSTEM
    actor: Actor = session.info["compliance_demo_clerk"]
    return actor


# --- the plan: which performers carry which problem case ----------------------------------------------------


@dataclass
class Plan:
    cases: dict[int, str] = field(default_factory=dict)  # performer id -> case
    expiring: int | None = None  # a verified performer whose only ID expires within EXPIRING_IN_DAYS


def _plan(session: Session) -> Plan:
    """Deterministic from the performers' ids, so step 1 (during the catalog demo) and step 2 agree."""
    cached = session.info.get("compliance_demo_plan")
    if isinstance(cached, Plan):
        return cached
    ids = list(
        session.execute(select(Performer.id).where(Performer.deleted_at.is_(None)).order_by(Performer.id)).scalars()
    )
    plan = Plan()
    if len(ids) >= MIN_PERFORMERS:
        step = len(ids) // (len(CASES) + 1)
        plan.cases = {ids[step * (k + 1)]: case for k, case in enumerate(CASES)}
        plan.expiring = ids[step // 2]
    session.info["compliance_demo_plan"] = plan
    return plan


def demo_cases(session: Session) -> dict[str, int]:
    """Case name -> performer id, as the demo planned them (for tests and for people exploring the demo)."""
    plan = _plan(session)
    out = {case: pid for pid, case in plan.cases.items()}
    if plan.expiring is not None:
        out["expiring"] = plan.expiring
    return out


# --- a performer's legal identity ---------------------------------------------------------------------------


@dataclass
class Identity:
    country: str
    first: str
    middle: str | None
    last: str
    dob: date
    names: list[dict[str, Any]]
    documents: list[dict[str, Any]]
    from_paper_files: bool


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _identity(performer_id: int, stage_name: str, today: date) -> Identity:
    """A plausible legal identity (names fitting a country, some unicode), an adult on every production date:
    the first ID was examined 3 to 6.5 years ago, before any demo production; some hold a second, later ID."""
    rng = random.Random(performer_id * 1_000_003 + 2257)
    country, firsts, lasts, _ = PEOPLE[rng.randrange(len(PEOPLE))]
    first, last = rng.choice(firsts), rng.choice(lasts)
    middle = rng.choice(firsts) if rng.random() < 0.3 else None
    if middle == first:
        middle = None
    dob = today - timedelta(days=rng.randrange(26 * 365, 46 * 365))
    names: list[dict[str, Any]] = [{"name": stage_name, "kind": "stage"}]
    roll = rng.random()
    if roll < 0.35:
        names.append({"name": rng.choice(ALIASES), "kind": "alias"})
    elif roll < 0.55:
        names.append({"name": rng.choice(NICKNAMES), "kind": "nickname"})
    if rng.random() < 0.2:
        maiden = rng.choice([n for n in lasts if n != last])
        married = _years_before(today, rng.randrange(2, 9))
        names.append({"name": f"{first} {maiden}", "kind": "maiden", "used_to": married})
    elif rng.random() < 0.05:
        names.append({"name": f"{rng.choice(firsts)} {last}", "kind": "previous_legal"})
    examined = today - timedelta(days=rng.randrange(1100, 2400))
    issued = examined - timedelta(days=rng.randrange(30, 700))
    documents = [
        {
            "doc_type": "passport",
            "number": f"{country}{rng.randrange(10**7, 10**8)}",
            "issuing_country": country,
            "issue_date": issued,
            "expiry_date": issued + timedelta(days=3652),
            "examined_on": examined,
        }
    ]
    if rng.random() < 0.4:
        examined2 = today - timedelta(days=rng.randrange(200, 1000))
        kind = "national_id" if country in NATIONAL_ID_COUNTRIES else "drivers_licence"
        documents.append(
            {
                "doc_type": kind,
                "number": f"{'D' if kind == 'drivers_licence' else 'N'}{rng.randrange(10**8, 10**9)}",
                "issuing_country": country,
                "issuing_state": rng.choice(US_STATES) if country == "US" else None,
                "issue_date": examined2 - timedelta(days=rng.randrange(10, 300)),
                "expiry_date": examined2 + timedelta(days=rng.randrange(4 * 365, 9 * 365)),
                "examined_on": examined2,
            }
        )
    return Identity(country, first, middle, last, dob, names, documents, from_paper_files=rng.random() < 0.3)


# --- records through the services ---------------------------------------------------------------------------


def _enter(
    session: Session,
    performer: Performer,
    ident: Identity,
    actor: Actor,
    *,
    documents: list[dict[str, Any]] | None = None,
    scans: bool = True,
) -> tuple[LegalRecord, list[IdDocument]]:
    """Enter the record with its other names and examined IDs (each scanned unless `scans` is False)."""
    data: dict[str, Any] = {
        "legal_first_name": ident.first,
        "legal_middle_name": ident.middle,
        "legal_last_name": ident.last,
        "date_of_birth": ident.dob,
    }
    if actor.is_system and ident.from_paper_files:
        data["notes"] = "Carried over from the paper 2257 files kept before the console."
    rec = records.create_record(session, actor=actor, performer_id=performer.id, data=data)
    for name in ident.names:
        records.add_name(session, actor=actor, record_id=rec.id, data=name)
    docs = []
    for spec in ident.documents if documents is None else documents:
        doc = records.add_document(session, actor=actor, record_id=rec.id, data=spec)
        if scans:
            label = "passport" if spec["doc_type"] == "passport" else "id-card"
            records.add_scan(session, actor=actor, document_id=doc.id, data=sample_scan(), filename=f"{label}.png")
        docs.append(doc)
    return rec, docs


def _verify(session: Session, rec: LegalRecord, actor: Actor) -> LegalRecord:
    records.submit_for_verification(session, actor=actor, record_id=rec.id, expected_version=None)
    return records.verify_record(
        session, actor=SYSTEM, record_id=rec.id, checklist=dict(ALL_CHECKED), expected_version=None
    )


def _record_of(session: Session, performer_id: int) -> LegalRecord | None:
    return session.execute(select(LegalRecord).where(LegalRecord.performer_id == performer_id)).scalar_one_or_none()


def _ensure_verified(session: Session, performer_id: int, plan: Plan, today: date) -> None:
    done: set[int] = session.info.setdefault("compliance_demo_done", set())
    if performer_id in done:
        return
    done.add(performer_id)
    if _record_of(session, performer_id) is not None:
        return
    performer = session.get(Performer, performer_id)
    if performer is None or performer.deleted_at is not None:
        return
    ident = _identity(performer_id, performer.name, today)
    if performer_id == plan.expiring:  # one ID, expiring within weeks: the worklist's "IDs expiring"
        only = dict(ident.documents[0])
        only["expiry_date"] = today + timedelta(days=EXPIRING_IN_DAYS)
        only["issue_date"] = _years_before(only["expiry_date"], 10)
        ident.documents = [only]
    actor = SYSTEM if ident.from_paper_files else _clerk(session)
    rec, _ = _enter(session, performer, ident, actor)
    _verify(session, rec, actor)


def _cast(session: Session, video_id: int) -> list[int]:
    return list(
        session.execute(
            select(VideoPerformer.performer_id)
            .where(VideoPerformer.video_id == video_id)
            .order_by(VideoPerformer.billing_order, VideoPerformer.performer_id)
        ).scalars()
    )


def _production_date(video: Video, today: date) -> date:
    """Some weeks or months before the release (the catalog demo's release dates reach back 900 days)."""
    rng = random.Random(video.id * 7_919 + 2257)
    base = video.release_date or (today - timedelta(days=rng.randrange(60, 400)))
    return min(base - timedelta(days=rng.randrange(14, 150)), today - timedelta(days=1))


def _save_production(
    session: Session, video: Video, day: date, actor: Actor, relied_on: dict[int, int] | None = None
) -> None:
    rng = random.Random(video.id)
    data: dict[str, Any] = {
        "production_date": day,
        "producer_notes": f"Produced by {rng.choice(PRODUCERS)}",
        "location_notes": rng.choice(LOCATIONS),
    }
    if relied_on:
        data["relied_on"] = relied_on
    productions.save_production(session, actor=actor, video_id=video.id, data=data, expected_version=None)


def _has_production(session: Session, video_id: int) -> bool:
    return session.execute(select(Production.id).where(Production.video_id == video_id)).first() is not None


def paperwork_before_publish(session: Session, video: Video) -> None:
    """Step 1: the 2257 paperwork a video needs before the catalog demo publishes or schedules it.

    A video with a performer reserved for a problem case gets none: the gate then keeps it a draft."""
    plan = _plan(session)
    cast = _cast(session, video.id)
    if any(pid in plan.cases for pid in cast):
        return
    today = date.today()
    for pid in cast:
        _ensure_verified(session, pid, plan, today)
    if video.kind != "series" and not _has_production(session, video.id):  # a series has no footage of its own
        _save_production(session, video, _production_date(video, today), _clerk(session))


# --- step 2: everything else, and the problem cases ---------------------------------------------------------


def _public_performers(session: Session) -> set[int]:
    return set(
        session.execute(
            select(VideoPerformer.performer_id)
            .join(Video, Video.id == VideoPerformer.video_id)
            .where(Video.state.in_(("published", "scheduled")), Video.deleted_at.is_(None), Video.kind != "series")
            .distinct()
        ).scalars()
    )


def _videos_of(session: Session, performer_id: int) -> list[Video]:
    return list(
        session.execute(
            select(Video)
            .join(VideoPerformer, VideoPerformer.video_id == Video.id)
            .where(VideoPerformer.performer_id == performer_id, Video.deleted_at.is_(None), Video.kind != "series")
            .order_by(Video.id)
        ).scalars()
    )


def _case_video(session: Session, performer: Performer) -> Video:
    """A draft for a problem case whose performer the catalog demo cast in nothing."""
    collection_id = session.execute(select(func.min(Collection.id))).scalar_one_or_none()
    video = video_service.create_video(
        session,
        actor=SYSTEM,
        data={
            "title": f"{performer.name}: Casting Day",
            "collection_id": collection_id,
            "description": "Casting session footage, waiting for its 2257 paperwork.",
            "hls_url": f"https://stream.example.com/v/casting-{performer.id}/master.m3u8",
            "thumbnail_url": f"https://img.example.com/thumbs/casting-{performer.id}.jpg",
            "performer_count": 1,
        },
    )
    video_service.set_performers(session, actor=SYSTEM, video_id=video.id, performer_ids=[performer.id])
    return video


def _dated_videos(session: Session, performer: Performer) -> tuple[Video, list[Video]]:
    """The performer's first video without a production (created if there is none) and the others."""
    videos = [v for v in _videos_of(session, performer.id) if not _has_production(session, v.id)]
    if not videos:
        videos = [_case_video(session, performer)]
    return videos[0], videos[1:]


def _later(day: date, rng: random.Random, today: date) -> date:
    return min(day + timedelta(days=rng.randrange(20, 200)), today - timedelta(days=1))


def _case(session: Session, performer: Performer, case: str, clerk: Actor, today: date) -> None:
    ident = _identity(performer.id, performer.name, today)
    rng = random.Random(performer.id)
    if case == "no_record":
        return
    if case == "incomplete_no_id":
        _enter(session, performer, ident, clerk, documents=[])
        return
    if case == "incomplete_no_scan":
        _enter(session, performer, ident, clerk, scans=False)
        return
    if case in ("pending", "pending_system"):
        actor = clerk if case == "pending" else SYSTEM
        rec, _ = _enter(session, performer, ident, actor)
        records.submit_for_verification(session, actor=actor, record_id=rec.id, expected_version=None)
        return
    if case == "rejected":
        rec, _ = _enter(session, performer, ident, clerk)
        records.submit_for_verification(session, actor=clerk, record_id=rec.id, expected_version=None)
        records.reject_record(
            session,
            actor=SYSTEM,
            record_id=rec.id,
            reason="The date of birth entered does not match the passport scan; examine the original again.",
            expected_version=None,
        )
        return
    first, others = _dated_videos(session, performer)
    if case == "under_age":
        # Produced the day before the performer's 18th birthday: one day too early, and the gate says so.
        day = min(today - timedelta(days=120), (first.release_date or today) - timedelta(days=21))
        while True:
            birthday = day + timedelta(days=1)
            try:
                ident.dob = birthday.replace(year=birthday.year - 18)
                break
            except ValueError:  # born on 29 February: pick the shoot a day earlier
                day -= timedelta(days=1)
        passport = dict(ident.documents[0])
        passport.update(
            examined_on=day - timedelta(days=3),
            issue_date=day - timedelta(days=700),
            expiry_date=day - timedelta(days=700) + timedelta(days=5 * 365),
        )
        rec, docs = _enter(session, performer, ident, clerk, documents=[passport])
        _verify(session, rec, clerk)
        _save_production(session, first, day, clerk, {performer.id: docs[0].id})
        for video in others:  # shot after the birthday: these pass
            _save_production(session, video, _later(day, rng, today), clerk)
        return
    if case == "examined_after":
        # The ID was examined 45 days after the shoot it is relied on for.
        day = min(today - timedelta(days=120), (first.release_date or today) - timedelta(days=21))
        examined = day + timedelta(days=45)
        passport = dict(ident.documents[0])
        passport.update(
            examined_on=examined,
            issue_date=examined - timedelta(days=400),
            expiry_date=examined - timedelta(days=400) + timedelta(days=3652),
        )
        rec, docs = _enter(session, performer, ident, clerk, documents=[passport])
        _verify(session, rec, clerk)
        _save_production(session, first, day, clerk, {performer.id: docs[0].id})
        for video in others:  # shot after the examination: these pass
            _save_production(session, video, _later(examined, rng, today), clerk)
        return
    raise ValueError(f"unknown demo case {case!r}")


def _revoke_one(session: Session, plan: Plan, clerk: Actor) -> int | None:
    """Revoke the verified record behind the fewest public videos (at least one): they go on hold."""
    counts = session.execute(
        select(VideoPerformer.performer_id, func.count())
        .join(Video, Video.id == VideoPerformer.video_id)
        .join(LegalRecord, LegalRecord.performer_id == VideoPerformer.performer_id)
        .where(
            Video.state == "published",
            Video.deleted_at.is_(None),
            Video.kind != "series",
            LegalRecord.status == "verified",
        )
        .group_by(VideoPerformer.performer_id)
    ).all()
    candidates = sorted((count, pid) for pid, count in counts if pid not in plan.cases and pid != plan.expiring)
    if not candidates:
        return None
    rec = _record_of(session, candidates[0][1])
    assert rec is not None
    records.revoke_record(
        session,
        actor=clerk,
        record_id=rec.id,
        reason="The issuing authority reported the passport relied on as stolen; a new ID must be examined.",
        expected_version=None,
    )
    return rec.performer_id


def seed_compliance_demo() -> str:
    """Step 2 (after the catalog demo): custodian, every remaining record, the problem cases, productions for
    every remaining video, one revocation. Through the services, so the audit chain holds every event."""
    started = time.perf_counter()
    today = date.today()
    with session_scope() as session:
        if session.get(Custodian, 1) is not None:
            return "Compliance demo data already present; nothing added."
        clerk = _clerk(session)
        productions.set_custodian(session, actor=clerk, data=CUSTODIAN, expected_version=None)
        plan = _plan(session)
        public = _public_performers(session)
        ids = list(
            session.execute(select(Performer.id).where(Performer.deleted_at.is_(None)).order_by(Performer.id)).scalars()
        )
        # A reserved performer already in a public video (a catalog seeded before this area) is just verified.
        cases = {pid: case for pid, case in plan.cases.items() if pid not in public}
        for pid in ids:
            if pid not in cases:
                _ensure_verified(session, pid, plan, today)
        order = {case: k for k, case in enumerate(CASES)}
        for pid, case in sorted(cases.items(), key=lambda item: order[item[1]]):
            performer = session.get(Performer, pid)
            assert performer is not None
            _case(session, performer, case, clerk, today)
        missing = session.execute(
            select(Video)
            .where(
                Video.deleted_at.is_(None),
                Video.kind != "series",
                ~select(Production.id).where(Production.video_id == Video.id).exists(),
            )
            .order_by(Video.id)
        ).scalars()
        dated = 0
        for video in list(missing):
            _save_production(session, video, _production_date(video, today), clerk)
            dated += 1
        revoked = _revoke_one(session, plan, clerk)
        held = session.execute(
            select(func.count()).select_from(ComplianceHold).where(ComplianceHold.released_at.is_(None))
        ).scalar_one()
        total = session.execute(select(func.count()).select_from(LegalRecord)).scalar_one()
    problems = f"{len(cases)} problem cases" + (", one revoked record" if revoked else "")
    return (
        f"Seeded 2257 records: {total} legal records, {problems}, {held} video(s) on hold, "
        f"{dated} more productions, the custodian of records ({time.perf_counter() - started:.1f} s)."
    )


# --- scale --------------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def scale_scan() -> bytes:
    """A tiny PNG (a few hundred bytes): the plaintext of every scale scan, encrypted once per file."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (48, 30), "#eceff1")
    draw = ImageDraw.Draw(image)
    draw.rectangle((1, 1, 46, 28), outline="#37474f")
    draw.rectangle((4, 7, 15, 23), fill="#90a4ae")
    out = BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


RECORD_COLUMNS = [
    "performer_id",
    "legal_first_name",
    "legal_middle_name",
    "legal_last_name",
    "date_of_birth",
    "status",
    "notes",
    "entered_by_id",
    "amended_by_id",
    "verified_by_id",
    "verified_by_label",
    "verified_at",
    "checklist",
    "status_reason",
    "created_at",
    "amended_at",
    "retention_until",
    "version",
]
NAME_COLUMNS = ["legal_record_id", "name", "kind", "used_from", "used_to", "created_at"]
DOCUMENT_COLUMNS = [
    "legal_record_id",
    "doc_type",
    "number",
    "issuing_country",
    "issuing_state",
    "issue_date",
    "expiry_date",
    "examined_by_id",
    "examined_by_label",
    "examined_on",
    "created_at",
    "version",
]
SCAN_COLUMNS = [
    "id_document_id",
    "storage_name",
    "content_type",
    "original_name",
    "size_bytes",
    "sha256",
    "uploaded_by_id",
    "uploaded_at",
]
PRODUCTION_COLUMNS = [
    "video_id",
    "production_date",
    "producer_notes",
    "location_notes",
    "created_at",
    "updated_at",
    "version",
]
RELIED_COLUMNS = ["production_id", "performer_id", "legal_record_id", "id_document_id"]
EXAMINER = "records desk (scale seed)"


def scale_marks() -> tuple[int, int]:
    """The highest performer and video ids before `scale_catalog` runs: what it adds lies above them."""
    with session_scope() as session:
        performer = session.execute(select(func.coalesce(func.max(Performer.id), 0))).scalar_one()
        video = session.execute(select(func.coalesce(func.max(Video.id), 0))).scalar_one()
    return int(performer), int(video)


def _empty(model: Any) -> bool:
    with session_scope() as session:
        return session.execute(select(model.id).limit(1)).first() is None


def _write_scans(names: list[str], workers: int = 8) -> None:
    """Encrypt the shared plaintext once per file (every file a real Fernet token) and write them in parallel."""
    plain = scale_scan()
    token_of = vault.fernet().encrypt
    root = vault.records_dir()
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    for prefix in {name[:2] for name in names}:
        (root / prefix).mkdir(parents=True, exist_ok=True, mode=0o700)

    def write(chunk: list[str]) -> None:
        for name in chunk:
            fd = os.open(root / name[:2] / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                os.write(fd, token_of(plain))
            finally:
                os.close(fd)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(write, [names[k::workers] for k in range(workers)]))


def scale_compliance(*, performers_after: int, videos_after: int, new_signings: int | None = None) -> dict[str, int]:
    """Bulk 2257 records for the scale catalog (performers and videos with ids above the marks).

    Every scale performer: a verified record, 1-3 other names, 1-2 examined IDs each with an encrypted scan.
    Every scale video: a production dated before its release, each performer relying on the latest ID examined
    on or before that date. `new_signings` performers (default 2% of the scale performers) are added without
    videos; their records are pending verification or incomplete, for the worklist."""
    rng = random.Random(2_257_001)
    now = datetime.now(UTC)
    today = now.date()
    with session_scope() as session:
        if session.get(Custodian, 1) is None:
            productions.set_custodian(session, actor=SYSTEM, data=CUSTODIAN, expected_version=None)
        scale_ids = list(
            session.execute(
                select(Performer.id)
                .where(
                    Performer.id > performers_after,
                    ~select(LegalRecord.id).where(LegalRecord.performer_id == Performer.id).exists(),
                )
                .order_by(Performer.id)
            ).scalars()
        )
    signings = len(scale_ids) // 50 if new_signings is None else new_signings
    signing_ids: list[int] = []
    if signings:
        from console.catalog.rules import slugify

        before = scale_marks()[0]

        def signing_rows() -> Iterator[dict[str, Any]]:
            for k in range(signings):
                name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
                yield {
                    "name": name,
                    "slug": f"{slugify(name)}-signed-{before + k + 1}",
                    "bio": "Newly signed; 2257 paperwork in progress.",
                    "is_active": True,
                    "video_count": 0,
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }

        bulk_load(Performer, PERFORMER_COLUMNS, signing_rows(), rebuild_indexes=False)
        with session_scope() as session:
            signing_ids = list(
                session.execute(select(Performer.id).where(Performer.id > before).order_by(Performer.id)).scalars()
            )

    # Per performer: (status, dob, names, documents as (examined_on, row), scanned?)
    people = [(pid, "verified") for pid in scale_ids] + [
        (pid, "pending_verification" if k % 5 < 3 else "incomplete") for k, pid in enumerate(signing_ids)
    ]
    plan: dict[int, dict[str, Any]] = {}
    countries = [(c, firsts, lasts) for c, firsts, lasts, _ in PEOPLE]

    def record_rows() -> Iterator[dict[str, Any]]:
        rand = rng.random
        for n, (pid, status) in enumerate(people):
            country, firsts, lasts = countries[int(rand() * len(countries))]
            first, last = firsts[int(rand() * len(firsts))], lasts[int(rand() * len(lasts))]
            dob = today - timedelta(days=int(10_220 + rand() * 8_000))  # 28 to 50 years old
            created = now - timedelta(days=rand() * 400) if status == "verified" else now - timedelta(days=rand() * 20)
            examined = today - timedelta(days=int(1_650 + rand() * 1_550))  # before every scale production
            issued = examined - timedelta(days=int(30 + rand() * 670))
            docs: list[tuple[str, str, str, str | None, date, date, date]] = [
                (
                    "passport",
                    f"{country}{20_000_000 + n}",
                    country,
                    None,
                    issued,
                    issued + timedelta(days=3652),
                    examined,
                )
            ]
            if rand() < 0.25:
                examined2 = today - timedelta(days=int(30 + rand() * 1_470))
                kind = "national_id" if country in NATIONAL_ID_COUNTRIES else "drivers_licence"
                state = US_STATES[n % len(US_STATES)] if country == "US" else None
                docs.append(
                    (
                        kind,
                        f"D{30_000_000 + n}",
                        country,
                        state,
                        examined2 - timedelta(days=90),
                        examined2 + timedelta(days=int(1_500 + rand() * 1_800)),
                        examined2,
                    )
                )
            if status == "incomplete":
                docs = docs[:1] if n % 2 else []
            names = [(ALIASES[int(rand() * len(ALIASES))], "alias")] if rand() < 0.6 else []
            if rand() < 0.3:
                names.append((NICKNAMES[n % len(NICKNAMES)], "nickname"))
            if rand() < 0.15:
                names.append((f"{first} {lasts[(n + 3) % len(lasts)]}", "maiden"))
            plan[pid] = {"docs": docs, "names": names, "scanned": status != "incomplete"}
            verified = status == "verified"
            yield {
                "performer_id": pid,
                "legal_first_name": first,
                "legal_middle_name": None,
                "legal_last_name": last,
                "date_of_birth": dob,
                "status": status,
                "notes": None,
                "entered_by_id": None,
                "amended_by_id": None,
                "verified_by_id": None,
                "verified_by_label": "system" if verified else None,
                "verified_at": created + timedelta(days=2) if verified else None,
                "checklist": dict(ALL_CHECKED) if verified else {},
                "status_reason": None,
                "created_at": created,
                "amended_at": created,
                "retention_until": records.retention_from(created),
                "version": 1,
            }

    count = bulk_load(LegalRecord, RECORD_COLUMNS, record_rows(), rebuild_indexes=_empty(LegalRecord))
    with session_scope() as session:
        wanted = [pid for pid, _ in people]
        record_of: dict[int, int] = {}
        for chunk_start in range(0, len(wanted), 5_000):
            chunk = wanted[chunk_start : chunk_start + 5_000]
            record_of.update(
                session.execute(
                    select(LegalRecord.performer_id, LegalRecord.id).where(LegalRecord.performer_id.in_(chunk))
                )
                .tuples()
                .all()
            )
    stage = {}
    with session_scope() as session:
        for pid, name in session.execute(
            select(Performer.id, Performer.name).where(Performer.id > performers_after)
        ).tuples():
            stage[pid] = name

    def name_rows() -> Iterator[dict[str, Any]]:
        for pid, _ in people:
            rec = record_of[pid]
            seen = {(stage.get(pid), "stage")}
            yield {
                "legal_record_id": rec,
                "name": stage.get(pid, f"#{pid}"),
                "kind": "stage",
                "used_from": None,
                "used_to": None,
                "created_at": now,
            }
            for name, kind in plan[pid]["names"]:
                if (name, kind) in seen:
                    continue
                seen.add((name, kind))
                yield {
                    "legal_record_id": rec,
                    "name": name,
                    "kind": kind,
                    "used_from": None,
                    "used_to": None,
                    "created_at": now,
                }

    names = bulk_load(PerformerName, NAME_COLUMNS, name_rows(), rebuild_indexes=_empty(PerformerName))

    def document_rows() -> Iterator[dict[str, Any]]:
        for pid, _ in people:
            for doc_type, number, country, state, issued, expiry, examined in plan[pid]["docs"]:
                yield {
                    "legal_record_id": record_of[pid],
                    "doc_type": doc_type,
                    "number": number,
                    "issuing_country": country,
                    "issuing_state": state,
                    "issue_date": issued,
                    "expiry_date": expiry,
                    "examined_by_id": None,
                    "examined_by_label": EXAMINER,
                    "examined_on": examined,
                    "created_at": now,
                    "version": 1,
                }

    documents = bulk_load(IdDocument, DOCUMENT_COLUMNS, document_rows(), rebuild_indexes=_empty(IdDocument))
    first_record = min(record_of.values(), default=0)
    docs_of: dict[int, list[tuple[date, int]]] = {}  # record id -> [(examined_on, document id)], oldest first
    with session_scope() as session:
        for doc_id, rec_id, examined in session.execute(
            select(IdDocument.id, IdDocument.legal_record_id, IdDocument.examined_on)
            .where(IdDocument.legal_record_id >= first_record)
            .order_by(IdDocument.legal_record_id, IdDocument.examined_on)
        ).tuples():
            if examined is not None:
                docs_of.setdefault(rec_id, []).append((examined, doc_id))
    scanned_records = {record_of[pid] for pid, _ in people if plan[pid]["scanned"]}
    plain = scale_scan()
    digest = hashlib.sha256(plain).hexdigest()
    storage: list[tuple[int, str]] = [
        (doc_id, f"{uuid.uuid4().hex}.bin")
        for rec_id in sorted(scanned_records)
        for _, doc_id in docs_of.get(rec_id, [])
    ]
    started = time.perf_counter()
    _write_scans([name for _, name in storage])
    scan_seconds = time.perf_counter() - started

    def scan_rows() -> Iterator[dict[str, Any]]:
        for doc_id, name in storage:
            yield {
                "id_document_id": doc_id,
                "storage_name": name,
                "content_type": "image/png",
                "original_name": "id-scan.png",
                "size_bytes": len(plain),
                "sha256": digest,
                "uploaded_by_id": None,
                "uploaded_at": now,
            }

    scans = bulk_load(IdScan, SCAN_COLUMNS, scan_rows(), rebuild_indexes=_empty(IdScan))

    # Productions for the scale videos, and per performer the latest ID examined on or before the date.
    with session_scope() as session:
        video_days = list(
            session.execute(
                select(Video.id, Video.release_date, Video.created_at)
                .where(
                    Video.id > videos_after,
                    ~select(Production.id).where(Production.video_id == Video.id).exists(),
                )
                .order_by(Video.id)
            )
            .tuples()
            .all()
        )
    day_of: dict[int, date] = {}

    def production_rows() -> Iterator[dict[str, Any]]:
        rand = rng.random
        for video_id, released, created in video_days:
            base = released or created.date()
            day = min(base - timedelta(days=int(7 + rand() * 113)), today - timedelta(days=1))
            day_of[video_id] = day
            yield {
                "video_id": video_id,
                "production_date": day,
                "producer_notes": None,
                "location_notes": None,
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }

    made = bulk_load(Production, PRODUCTION_COLUMNS, production_rows(), rebuild_indexes=_empty(Production))
    with session_scope() as session:
        production_of = dict(
            session.execute(select(Production.video_id, Production.id).where(Production.video_id > videos_after))
            .tuples()
            .all()
        )
        cast = (
            session.execute(
                select(VideoPerformer.video_id, VideoPerformer.performer_id)
                .where(VideoPerformer.video_id > videos_after)
                .order_by(VideoPerformer.video_id)
            )
            .tuples()
            .all()
        )
    all_records: dict[int, int] = dict(record_of)

    def relied_rows() -> Iterator[dict[str, Any]]:
        for video_id, performer_id in cast:
            day = day_of.get(video_id)
            rec = all_records.get(performer_id)
            if day is None or rec is None:
                continue  # a video that had a production already, or a performer from outside the scale set
            usable = [doc_id for examined, doc_id in docs_of.get(rec, []) if examined <= day]
            yield {
                "production_id": production_of[video_id],
                "performer_id": performer_id,
                "legal_record_id": rec,
                "id_document_id": usable[-1] if usable else None,
            }

    relied = bulk_load(ProductionPerformer, RELIED_COLUMNS, relied_rows(), rebuild_indexes=_empty(ProductionPerformer))
    analyze("legal_records", "performer_names", "id_documents", "id_scans", "productions", "production_performers")
    return {
        "legal_records": count,
        "new_signings": len(signing_ids),
        "performer_names": names,
        "id_documents": documents,
        "id_scans": scans,
        "scan_file_ms": round(scan_seconds * 1000),
        "productions": made,
        "production_performers": relied,
    }
