"""Bulk 2257 records for `seed --scale`: `scale_compliance` runs the steps of one `_ScaleSeed` in order."""

from __future__ import annotations

import hashlib
import random
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from console.actor import SYSTEM
from console.bulkload import analyze, bulk_load
from console.catalog.models import Performer, Video, VideoPerformer
from console.catalog.rules import slugify
from console.compliance import productions, records
from console.compliance.demo.scale_rows import (
    DOCUMENT_COLUMNS,
    EXAMINER,
    NAME_COLUMNS,
    PRODUCTION_COLUMNS,
    RECORD_COLUMNS,
    RELIED_COLUMNS,
    SCAN_COLUMNS,
    _empty,
    _write_scans,
    scale_marks,
    scale_scan,
)
from console.compliance.demo.values import ALIASES, ALL_CHECKED, CUSTODIAN, NATIONAL_ID_COUNTRIES, NICKNAMES, US_STATES
from console.compliance.models import (
    Custodian,
    IdDocument,
    IdScan,
    LegalRecord,
    PerformerName,
    Production,
    ProductionPerformer,
)
from console.db import session_scope
from console.demo_data import FIRST, LAST, PEOPLE, PERFORMER_COLUMNS

Document = tuple[str, str, str, str | None, date, date, date]  # type, number, country, state, issued, expiry, examined


def scale_compliance(*, performers_after: int, videos_after: int, new_signings: int | None = None) -> dict[str, int]:
    """Bulk 2257 records for the scale catalog (performers and videos with ids above the marks).

    Every scale performer: a verified record, 1-3 other names, 1-2 examined IDs each with an encrypted scan.
    Every scale video: a production dated before its release, each performer relying on the latest ID examined
    on or before that date. `new_signings` performers (default 2% of the scale performers) are added without
    videos; their records are pending verification or incomplete, for the worklist."""
    now = datetime.now(UTC)
    seed = _ScaleSeed(random.Random(2_257_001), now, now.date())
    scale_ids = _unrecorded_performers(performers_after)
    signings = len(scale_ids) // 50 if new_signings is None else new_signings
    signing_ids = seed.sign_new_performers(signings) if signings else []
    people = [(pid, "verified") for pid in scale_ids] + [
        (pid, "pending_verification" if k % 5 < 3 else "incomplete") for k, pid in enumerate(signing_ids)
    ]
    count = bulk_load(LegalRecord, RECORD_COLUMNS, seed.record_rows(people), rebuild_indexes=_empty(LegalRecord))
    seed.record_of = _record_ids([pid for pid, _ in people])
    stage = _stage_names(performers_after)
    names = bulk_load(PerformerName, NAME_COLUMNS, seed.name_rows(people, stage), rebuild_indexes=_empty(PerformerName))
    documents = bulk_load(IdDocument, DOCUMENT_COLUMNS, seed.document_rows(people), rebuild_indexes=_empty(IdDocument))
    seed.docs_of = _examined_documents(min(seed.record_of.values(), default=0))
    scans, scan_seconds = seed.scans(people)
    made = seed.productions(videos_after)
    relied = seed.relied_documents(videos_after)
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


def _unrecorded_performers(performers_after: int) -> list[int]:
    """The custodian (set when missing), and the scale performers without a legal record yet."""
    with session_scope() as session:
        if session.get(Custodian, 1) is None:
            productions.set_custodian(session, actor=SYSTEM, data=CUSTODIAN, expected_version=None)
        return list(
            session.execute(
                select(Performer.id)
                .where(
                    Performer.id > performers_after,
                    ~select(LegalRecord.id).where(LegalRecord.performer_id == Performer.id).exists(),
                )
                .order_by(Performer.id)
            ).scalars()
        )


def _record_ids(wanted: list[int]) -> dict[int, int]:
    """Performer id -> legal record id, read 5,000 performers at a time."""
    record_of: dict[int, int] = {}
    with session_scope() as session:
        for chunk_start in range(0, len(wanted), 5_000):
            chunk = wanted[chunk_start : chunk_start + 5_000]
            record_of.update(
                session.execute(
                    select(LegalRecord.performer_id, LegalRecord.id).where(LegalRecord.performer_id.in_(chunk))
                )
                .tuples()
                .all()
            )
    return record_of


def _stage_names(performers_after: int) -> dict[int, str]:
    stage = {}
    with session_scope() as session:
        for pid, name in session.execute(
            select(Performer.id, Performer.name).where(Performer.id > performers_after)
        ).tuples():
            stage[pid] = name
    return stage


def _examined_documents(first_record: int) -> dict[int, list[tuple[date, int]]]:
    """Record id -> [(examined_on, document id)], oldest first, for the records from `first_record` on."""
    docs_of: dict[int, list[tuple[date, int]]] = {}
    with session_scope() as session:
        for doc_id, rec_id, examined in session.execute(
            select(IdDocument.id, IdDocument.legal_record_id, IdDocument.examined_on)
            .where(IdDocument.legal_record_id >= first_record)
            .order_by(IdDocument.legal_record_id, IdDocument.examined_on)
        ).tuples():
            if examined is not None:
                docs_of.setdefault(rec_id, []).append((examined, doc_id))
    return docs_of


@dataclass
class _ScaleSeed:
    """One scale run: the random source (one seed, drawn in a fixed order, so every run makes the same people)
    and what each step learns for the next."""

    rng: random.Random
    now: datetime
    today: date
    plan: dict[int, dict[str, Any]] = field(default_factory=dict)  # performer id -> docs, names, scanned
    record_of: dict[int, int] = field(default_factory=dict)  # performer id -> legal record id
    docs_of: dict[int, list[tuple[date, int]]] = field(default_factory=dict)  # record id -> [(examined, doc id)]
    day_of: dict[int, date] = field(default_factory=dict)  # video id -> production date

    def sign_new_performers(self, count: int) -> list[int]:
        """`count` newly signed performers (no videos yet); their ids."""
        rng, now = self.rng, self.now
        before = scale_marks()[0]

        def signing_rows() -> Iterator[dict[str, Any]]:
            for k in range(count):
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
            return list(
                session.execute(select(Performer.id).where(Performer.id > before).order_by(Performer.id)).scalars()
            )

    def record_rows(self, people: list[tuple[int, str]]) -> Iterator[dict[str, Any]]:
        """One legal record per person (status as given); each person's plan (IDs, names, scanned?) is kept."""
        countries = [(c, firsts, lasts) for c, firsts, lasts, _ in PEOPLE]
        for n, (pid, status) in enumerate(people):
            yield self._person(n, pid, status, countries)

    def _person(
        self, n: int, pid: int, status: str, countries: list[tuple[str, list[str], list[str]]]
    ) -> dict[str, Any]:
        rand, now, today = self.rng.random, self.now, self.today
        country, firsts, lasts = countries[int(rand() * len(countries))]
        first, last = firsts[int(rand() * len(firsts))], lasts[int(rand() * len(lasts))]
        dob = today - timedelta(days=int(10_220 + rand() * 8_000))  # 28 to 50 years old
        created = now - timedelta(days=rand() * 400) if status == "verified" else now - timedelta(days=rand() * 20)
        examined = today - timedelta(days=int(1_650 + rand() * 1_550))  # before every scale production
        issued = examined - timedelta(days=int(30 + rand() * 670))
        docs = self._documents(n, country, issued, examined)
        if status == "incomplete":
            docs = docs[:1] if n % 2 else []
        names = self._other_names(n, first, lasts)
        self.plan[pid] = {"docs": docs, "names": names, "scanned": status != "incomplete"}
        verified = status == "verified"
        return {
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

    def _documents(self, n: int, country: str, issued: date, examined: date) -> list[Document]:
        """A passport, and for one in four a national ID or driving licence examined later."""
        rand, today = self.rng.random, self.today
        docs: list[Document] = [
            ("passport", f"{country}{20_000_000 + n}", country, None, issued, issued + timedelta(days=3652), examined)
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
        return docs

    def _other_names(self, n: int, first: str, lasts: list[str]) -> list[tuple[str, str]]:
        rand = self.rng.random
        names = [(ALIASES[int(rand() * len(ALIASES))], "alias")] if rand() < 0.6 else []
        if rand() < 0.3:
            names.append((NICKNAMES[n % len(NICKNAMES)], "nickname"))
        if rand() < 0.15:
            names.append((f"{first} {lasts[(n + 3) % len(lasts)]}", "maiden"))
        return names

    def name_rows(self, people: list[tuple[int, str]], stage: dict[int, str]) -> Iterator[dict[str, Any]]:
        """Each record's stage name, then its other names (each name and kind once)."""
        for pid, _ in people:
            rec = self.record_of[pid]
            seen = {(stage.get(pid), "stage")}
            yield {
                "legal_record_id": rec,
                "name": stage.get(pid, f"#{pid}"),
                "kind": "stage",
                "used_from": None,
                "used_to": None,
                "created_at": self.now,
            }
            for name, kind in self.plan[pid]["names"]:
                if (name, kind) in seen:
                    continue
                seen.add((name, kind))
                yield {
                    "legal_record_id": rec,
                    "name": name,
                    "kind": kind,
                    "used_from": None,
                    "used_to": None,
                    "created_at": self.now,
                }

    def document_rows(self, people: list[tuple[int, str]]) -> Iterator[dict[str, Any]]:
        for pid, _ in people:
            for doc_type, number, country, state, issued, expiry, examined in self.plan[pid]["docs"]:
                yield {
                    "legal_record_id": self.record_of[pid],
                    "doc_type": doc_type,
                    "number": number,
                    "issuing_country": country,
                    "issuing_state": state,
                    "issue_date": issued,
                    "expiry_date": expiry,
                    "examined_by_id": None,
                    "examined_by_label": EXAMINER,
                    "examined_on": examined,
                    "created_at": self.now,
                    "version": 1,
                }

    def scans(self, people: list[tuple[int, str]]) -> tuple[int, float]:
        """An encrypted scan file and row per ID of every scanned record; (rows, seconds spent on the files)."""
        scanned_records = {self.record_of[pid] for pid, _ in people if self.plan[pid]["scanned"]}
        plain = scale_scan()
        digest = hashlib.sha256(plain).hexdigest()
        storage: list[tuple[int, str]] = [
            (doc_id, f"{uuid.uuid4().hex}.bin")
            for rec_id in sorted(scanned_records)
            for _, doc_id in self.docs_of.get(rec_id, [])
        ]
        started = time.perf_counter()
        _write_scans([name for _, name in storage])
        scan_seconds = time.perf_counter() - started
        now = self.now

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

        return bulk_load(IdScan, SCAN_COLUMNS, scan_rows(), rebuild_indexes=_empty(IdScan)), scan_seconds

    def productions(self, videos_after: int) -> int:
        """A production for every scale video without one, dated 7-120 days before its release (never today)."""
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
        rand, now, today = self.rng.random, self.now, self.today

        def production_rows() -> Iterator[dict[str, Any]]:
            for video_id, released, created in video_days:
                base = released or created.date()
                day = min(base - timedelta(days=int(7 + rand() * 113)), today - timedelta(days=1))
                self.day_of[video_id] = day
                yield {
                    "video_id": video_id,
                    "production_date": day,
                    "producer_notes": None,
                    "location_notes": None,
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }

        return bulk_load(Production, PRODUCTION_COLUMNS, production_rows(), rebuild_indexes=_empty(Production))

    def relied_documents(self, videos_after: int) -> int:
        """Per production and performer, the latest ID examined on or before the production date."""
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

        def relied_rows() -> Iterator[dict[str, Any]]:
            for video_id, performer_id in cast:
                day = self.day_of.get(video_id)
                rec = self.record_of.get(performer_id)
                if day is None or rec is None:
                    continue  # a video that had a production already, or a performer from outside the scale set
                usable = [doc_id for examined, doc_id in self.docs_of.get(rec, []) if examined <= day]
                yield {
                    "production_id": production_of[video_id],
                    "performer_id": performer_id,
                    "legal_record_id": rec,
                    "id_document_id": usable[-1] if usable else None,
                }

        return bulk_load(
            ProductionPerformer, RELIED_COLUMNS, relied_rows(), rebuild_indexes=_empty(ProductionPerformer)
        )
