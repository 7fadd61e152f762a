"""The 2257 demo seed (with the catalog demo: problem cases the worklist and the gate show, every public video
compliant, the audit chain intact) and the bulk scale seed (decryptable scans whose SHA-256 matches)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from console.actor import SYSTEM, Actor
from console.audit.models import AuditEvent
from console.audit.service import verify
from console.catalog import gate
from console.catalog import service as video_service
from console.catalog.models import Performer, Video, VideoPerformer
from console.compliance import records, vault
from console.compliance.demo import (
    CASES,
    EXPIRING_IN_DAYS,
    demo_cases,
    scale_compliance,
    scale_marks,
    scale_scan,
    seed_compliance_demo,
)
from console.compliance.models import (
    ComplianceHold,
    Custodian,
    IdDocument,
    IdScan,
    LegalRecord,
    PerformerName,
    Production,
    ProductionPerformer,
)
from console.db import session_scope, utc_today
from console.errors import RuleViolation
from console.seed import DEMO_DOMAIN


def _count(model, session=None) -> int:  # type: ignore[no-untyped-def]
    if session is not None:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())
    with session_scope() as own:
        return _count(model, own)


@pytest.fixture
def demo(make_staff: Callable[..., tuple[int, str]]) -> dict[str, int]:
    """The catalog demo (32 performers: enough for every problem case) and the compliance demo after it, with
    the demo compliance officer present (as on first start). Returns the case performers and the clerk's id."""
    from console.catalog.demo import seed_catalog_demo

    clerk_id, _ = make_staff("compliance", email=f"compliance@{DEMO_DOMAIN}", name="Demo Compliance")
    admin_id, _ = make_staff("admin", email=f"admin@{DEMO_DOMAIN}", name="Demo Admin")
    seed_catalog_demo(videos=60, performers=32)
    message = seed_compliance_demo()
    assert message.startswith("Seeded 2257 records")
    with session_scope() as session:
        cases = demo_cases(session)
    return cases | {"clerk": clerk_id, "admin": admin_id}


def test_demo_records_are_verified_by_a_named_second_person(demo: dict[str, int]) -> None:
    with session_scope() as session:
        verifiers = set(
            session.execute(select(LegalRecord.verified_by_id).where(LegalRecord.status == "verified")).scalars()
        )
    assert verifiers == {demo["admin"]}  # "Verified by system" under "two people per record" read as a defect


def _record(session, performer_id: int) -> LegalRecord | None:  # type: ignore[no-untyped-def]
    return session.execute(select(LegalRecord).where(LegalRecord.performer_id == performer_id)).scalar_one_or_none()


def _videos(session, performer_id: int) -> list[Video]:  # type: ignore[no-untyped-def]
    return list(
        session.execute(
            select(Video)
            .join(VideoPerformer, VideoPerformer.video_id == Video.id)
            .where(VideoPerformer.performer_id == performer_id, Video.kind != "series")  # series: containers
            .order_by(Video.id)
        ).scalars()
    )


def test_demo_creates_the_problem_cases(demo: dict[str, int], actor_for: Callable[[int], Actor]) -> None:
    from console.compliance.fixtures import sample_scan

    assert set(CASES) | {"expiring"} <= set(demo)
    with session_scope() as session:
        assert session.get(Custodian, 1) is not None
        assert _record(session, demo["no_record"]) is None

        no_id = _record(session, demo["incomplete_no_id"])
        assert no_id is not None and no_id.status == "incomplete"
        assert not session.execute(select(IdDocument.id).where(IdDocument.legal_record_id == no_id.id)).first()

        no_scan = _record(session, demo["incomplete_no_scan"])
        assert no_scan is not None and no_scan.status == "incomplete"
        docs = list(session.execute(select(IdDocument.id).where(IdDocument.legal_record_id == no_scan.id)).scalars())
        assert docs and not session.execute(select(IdScan.id).where(IdScan.id_document_id.in_(docs))).first()

        pending = _record(session, demo["pending"])
        assert pending is not None and pending.status == "pending_verification"
        assert pending.entered_by_id == demo["clerk"]  # the demo officer entered it: a second person must verify
        carried = _record(session, demo["pending_system"])
        assert carried is not None and carried.status == "pending_verification" and carried.entered_by_id is None

        rejected = _record(session, demo["rejected"])
        assert rejected is not None and rejected.status == "rejected" and rejected.status_reason

        for case in ("under_age", "examined_after", "expiring"):
            rec = _record(session, demo[case])
            assert rec is not None and rec.status == "verified", case

        under_age = _record(session, demo["under_age"])
        assert under_age is not None and under_age.date_of_birth is not None
        shoot_days = set(
            session.execute(
                select(Production.production_date)
                .join(VideoPerformer, VideoPerformer.video_id == Production.video_id)
                .where(VideoPerformer.performer_id == demo["under_age"])
            ).scalars()
        )
        # The day before the 18th birthday: one day short.
        assert records.eighteenth_birthday(under_age.date_of_birth) - timedelta(days=1) in shoot_days

        expiring = _record(session, demo["expiring"])
        assert expiring is not None
        expiry = session.execute(
            select(IdDocument.expiry_date).where(IdDocument.legal_record_id == expiring.id)
        ).scalar_one()
        assert expiry == utc_today() + timedelta(days=EXPIRING_IN_DAYS)
        # Nobody else's ID runs out within the 60 days the worklist looks ahead.
        others = session.execute(
            select(func.count())
            .select_from(IdDocument)
            .where(
                IdDocument.expiry_date <= utc_today() + timedelta(days=60), IdDocument.legal_record_id != expiring.id
            )
        ).scalar_one()
        assert others == 0

        revoked = session.execute(select(LegalRecord).where(LegalRecord.status == "revoked")).scalar_one()
        holds = list(
            session.execute(select(ComplianceHold).where(ComplianceHold.legal_record_id == revoked.id)).scalars()
        )
        assert holds and all(h.released_at is None for h in holds)
        assert all(session.get(Video, h.video_id).state == "unpublished" for h in holds)  # type: ignore[union-attr]

        verified = session.execute(
            select(func.count()).select_from(LegalRecord).where(LegalRecord.status == "verified")
        ).scalar_one()
        performers = session.execute(select(func.count()).select_from(Performer)).scalar_one()
        # Everyone is verified but five problem records, the performer without one and the revoked record.
        assert verified == performers - 7
        # Other names: the stage name for every record, aliases/maiden names for some, and unicode among them.
        names = list(session.execute(select(PerformerName.name, PerformerName.kind)).tuples())
        assert {kind for _, kind in names} >= {"stage", "alias"}
        legal = [r.legal_last_name for r in session.execute(select(LegalRecord)).scalars()]
        assert any(not text.isascii() for text in [n for n, _ in names] + legal)
        # Every video has its production, with a date.
        videos = session.execute(select(func.count()).select_from(Video).where(Video.kind != "series")).scalar_one()
        assert _count(Production, session) == videos
        assert not session.execute(select(Production.id).where(Production.production_date.is_(None))).first()
        # The specimen scans are encrypted at rest and decrypt to the specimen.
        scan = session.execute(select(IdScan).order_by(IdScan.id).limit(1)).scalar_one()
        path = vault.records_dir() / scan.storage_name[:2] / scan.storage_name
        assert path.read_bytes() != sample_scan()
        assert vault.load(scan.storage_name, scan.sha256) == sample_scan()

    clerk = actor_for(demo["clerk"])  # the demo officer entered the pending record: a second person must verify
    with session_scope() as session, pytest.raises(RuleViolation, match="second person"):
        records.verify_record(
            session,
            actor=clerk,
            record_id=pending.id,
            checklist=dict.fromkeys(records.CHECKLIST_LABELS, True),
            expected_version=None,
        )


def _reasons(session, performer_id: int) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return [gate.publish_blockers(session, v) for v in _videos(session, performer_id)]


def test_public_demo_videos_pass_the_gate_and_problem_videos_are_refused(demo: dict[str, int]) -> None:
    with session_scope() as session:
        public = list(session.execute(select(Video).where(Video.state.in_(("published", "scheduled")))).scalars())
        assert len(public) >= 10
        for video in public:
            assert gate.publish_blockers(session, video) == [], video.title
        public_ids = {v.id for v in public}
        for case in CASES:  # the problem performers' videos were never published
            assert not public_ids & {v.id for v in _videos(session, demo[case])}, case

        def name(case: str) -> str:
            performer = session.get(Performer, demo[case])
            assert performer is not None
            return performer.name

        expected = {
            "no_record": f"2257: {name('no_record')} has no legal record",
            "incomplete_no_id": f"2257: {name('incomplete_no_id')}'s legal record is incomplete, not verified",
            "incomplete_no_scan": f"2257: {name('incomplete_no_scan')}'s legal record is incomplete, not verified",
            "pending": f"2257: {name('pending')}'s legal record is pending verification, not verified",
            "pending_system": f"2257: {name('pending_system')}'s legal record is pending verification, not verified",
            "rejected": f"2257: {name('rejected')}'s legal record is rejected, not verified",
        }
        for case, reason in expected.items():
            found = _reasons(session, demo[case])
            assert found, case  # the catalog cast them (or the demo made them a casting-day draft)
            assert all(reason in reasons for reasons in found), (case, found)

        under_age = f"2257: {name('under_age')} was under 18 on the date of production"
        assert any(under_age in reasons for reasons in _reasons(session, demo["under_age"]))
        after = f"2257: the ID relied on for {name('examined_after')} was examined after the date of production"
        assert any(after in reasons for reasons in _reasons(session, demo["examined_after"]))

        held = session.execute(select(ComplianceHold)).scalars().first()
        assert held is not None
        video = session.get(Video, held.video_id)
        assert video is not None
        reasons = gate.publish_blockers(session, video)
        assert any("on compliance hold" in r for r in reasons)
        assert any("revoked, not verified" in r for r in reasons)

    with session_scope() as session:  # the real publishing path refuses it too, and changes nothing
        blocked = next(v for v in _videos(session, demo["under_age"]) if under_age in gate.publish_blockers(session, v))
        with pytest.raises(video_service.PublishRefused, match="under 18"):
            video_service.publish(session, actor=SYSTEM, video_id=blocked.id)
        assert session.get(Video, blocked.id).state == "draft"  # type: ignore[union-attr]


def test_demo_is_audited_and_the_chain_verifies(demo: dict[str, int]) -> None:
    with session_scope() as session:
        assert verify(session).ok
        actions = dict(
            session.execute(
                select(AuditEvent.action, func.count())
                .where(AuditEvent.entity.in_(("legal_record", "video", "custodian")))
                .group_by(AuditEvent.action)
            )
            .tuples()
            .all()
        )
        records_made = session.execute(select(func.count()).select_from(LegalRecord)).scalar_one()
        assert actions["legal_record.create"] == records_made
        assert actions["legal_record.scan_add"] == _count(IdScan, session)
        assert actions["legal_record.id_add"] == _count(IdDocument, session)
        assert actions["production.create"] == _count(Production, session)
        assert actions["legal_record.revoke"] == 1 and actions["legal_record.reject"] == 1
        assert actions["video.compliance_hold"] >= 1 and actions["custodian.set"] == 1
    assert seed_compliance_demo().startswith("Compliance demo data already present")


def test_small_catalog_demo_gets_verified_records_only() -> None:
    from console.catalog.demo import seed_catalog_demo

    seed_catalog_demo(videos=20, performers=10)
    seed_compliance_demo()
    with session_scope() as session:
        assert demo_cases(session) == {}
        statuses = set(session.execute(select(LegalRecord.status)).scalars())
        assert statuses <= {"verified", "revoked"}
        for video in session.execute(select(Video).where(Video.state == "published")).scalars():
            assert gate.publish_blockers(session, video) == []
        assert verify(session).ok


def test_scale_seed_writes_decryptable_scans_and_compliant_productions() -> None:
    from console.catalog.demo import scale_catalog

    performers_after, videos_after = scale_marks()
    scale_catalog(videos=120, performers=40)
    summary = scale_compliance(performers_after=performers_after, videos_after=videos_after, new_signings=5)
    assert summary["legal_records"] == 45 and summary["new_signings"] == 5
    assert summary["productions"] == 120 and summary["production_performers"] == _count(VideoPerformer)
    assert summary["id_scans"] == _count(IdScan) > 0 and summary["id_documents"] == _count(IdDocument)
    plain = scale_scan()
    with session_scope() as session:
        statuses = dict(
            session.execute(select(LegalRecord.status, func.count()).group_by(LegalRecord.status)).tuples().all()
        )
        assert statuses["verified"] == 40
        assert statuses.get("pending_verification", 0) + statuses.get("incomplete", 0) == 5
        for scan in session.execute(select(IdScan)).scalars():
            path = vault.records_dir() / scan.storage_name[:2] / scan.storage_name
            token = path.read_bytes()
            assert plain not in token  # encrypted at rest
            assert vault.load(scan.storage_name, scan.sha256) == plain  # decrypts, and the SHA-256 matches
            assert scan.size_bytes == len(plain)
        tokens = {
            (vault.records_dir() / s[:2] / s).read_bytes()
            for s in session.execute(select(IdScan.storage_name)).scalars()
        }
        assert len(tokens) == _count(IdScan, session)  # every file is its own token
        # Every record has its stage name plus maybe more; the new signings have no videos.
        per_record = dict(
            session.execute(select(PerformerName.legal_record_id, func.count()).group_by(PerformerName.legal_record_id))
            .tuples()
            .all()
        )
        assert len(per_record) == 45 and all(1 <= n <= 4 for n in per_record.values())
        # The scale catalog is compliant: published and draft videos alike pass the gate.
        for video in session.execute(select(Video)).scalars():
            assert gate.publish_blockers(session, video) == [], (video.id, gate.publish_blockers(session, video))
        relied = session.execute(
            select(func.count()).select_from(ProductionPerformer).where(ProductionPerformer.id_document_id.is_(None))
        ).scalar_one()
        assert relied == 0
        assert session.get(Custodian, 1) is not None


def test_bench_compliance_entries_run_on_the_scale_data() -> None:
    from console import bench
    from console.catalog.demo import scale_catalog

    performers_after, videos_after = scale_marks()
    scale_catalog(videos=60, performers=30)
    scale_compliance(performers_after=performers_after, videos_after=videos_after)
    bench._bench_account()
    results = {r["name"]: r for r in bench._compliance_measurements(2)}  # asserts the 10-performer video passes
    assert {"compliance.gate_10_performers", "compliance.gate_10_performers_full"} <= set(results)
    assert results["compliance.gate_10_performers"]["goal_ms"] == 10
    assert {"compliance.index_page", "compliance.search_name"} <= set(results)
    assert all(r["n"] == 2 for r in results.values())
    with session_scope() as session:
        video = session.execute(select(Video).where(Video.slug == bench.GATE_VIDEO_SLUG)).scalar_one()
        assert video.performer_count == 10 and video.state == "draft"
    assert bench._gate_video() == video.id  # made once, reused
    assert set(bench._compliance_pages()) == {
        "page.compliance",
        "page.compliance_index",
        "page.compliance_record",
        "page.compliance_production",
    }
