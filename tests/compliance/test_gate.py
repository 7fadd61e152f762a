"""The 2257 publishing gate on every path that makes a video public: the editor's publish, schedule, bulk
publish and bulk schedule, the scheduler, and the import (a row updating a public video keeps it public,
so it must pass the gate too).

Each case builds real paperwork through the compliance services, then every path is tried on it. A refusal
must change nothing and name performers by stage name only, never by legal name or date of birth.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from console.actor import SYSTEM, Actor
from console.audit.models import AuditEvent
from console.catalog import scheduler, service, transfer
from console.catalog.models import Performer, Video
from console.catalog.service import PublishRefused
from console.compliance.models import IdDocument, Production, ProductionPerformer
from console.db import session_scope, utcnow
from tests.catalog.factories import audit_mark, events_since
from tests.compliance.factories import (
    LEGAL_MARK,
    PRODUCTION_DAY,
    add_document,
    cast_video,
    compliant_published_video,
    gate_reasons,
    paperwork,
    performer,
    revoke,
    save_production,
    submit,
    verify,
    video_state,
)

# --- the cases ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Built:
    video_id: int
    stage: str  # the stage name a reason should name ("" when the reason is about the video)
    dobs: tuple[date, ...] = ()


def stage_name(performer_id: int) -> str:
    with session_scope() as session:
        p = session.get(Performer, performer_id)
        assert p is not None
        return p.name


def one_performer(
    *,
    status: str = "verified",
    dob: date = date(1990, 5, 17),
    examined_on: date = date(2015, 1, 10),
    day: date | None = PRODUCTION_DAY,
    rely_explicitly: bool = False,
) -> Built:
    work = paperwork(performer(), status=status, dob=dob, examined_on=examined_on)
    video_id = cast_video([work.performer_id])
    if day is not None:
        relied = {work.performer_id: work.document_id} if rely_explicitly else None
        save_production(video_id, day, relied_on=relied)
    return Built(video_id, stage_name(work.performer_id), (dob,))


def expired_when_examined() -> Built:
    built = one_performer()
    with session_scope() as session:  # legacy data: add_document refuses an ID already expired when examined
        pp = session.execute(
            select(ProductionPerformer).join(Production).where(Production.video_id == built.video_id)
        ).scalar_one()
        doc = session.get(IdDocument, pp.id_document_id)
        assert doc is not None and doc.examined_on is not None
        doc.expiry_date = doc.examined_on - timedelta(days=1)
    return built


def relied_id_not_scanned() -> Built:
    """Verified on a scanned 2015 passport; a 2019 ID was examined but never scanned, and the production
    relies on that one (chosen by hand: the automatic pick prefers an ID whose copy is on file)."""
    work = paperwork(performer())
    assert work.record_id is not None
    unscanned = add_document(work.record_id, examined_on=date(2019, 1, 1))
    video_id = cast_video([work.performer_id])
    save_production(video_id, relied_on={work.performer_id: unscanned})
    return Built(video_id, stage_name(work.performer_id), (date(1990, 5, 17),))


def no_production_date() -> Built:
    built = one_performer()
    with session_scope() as session:  # the column allows NULL; save_production never writes it
        production = session.execute(select(Production).where(Production.video_id == built.video_id)).scalar_one()
        production.production_date = None
    return Built(built.video_id, "", built.dobs)


def relied_on_another_records_id() -> Built:
    built = one_performer()
    other = paperwork(performer())
    with session_scope() as session:
        pp = session.execute(
            select(ProductionPerformer).join(Production).where(Production.video_id == built.video_id)
        ).scalar_one()
        pp.id_document_id = other.document_id
    return built


def count_mismatch() -> Built:
    work = paperwork(performer())
    video_id = cast_video([work.performer_id], performer_count=2)
    save_production(video_id)
    return Built(video_id, "")


def adult_and_minor() -> Built:
    adult = paperwork(performer())
    minor = paperwork(performer(), dob=date(2003, 1, 1))
    video_id = cast_video([adult.performer_id, minor.performer_id])
    save_production(video_id)
    return Built(video_id, stage_name(minor.performer_id), (date(1990, 5, 17), date(2003, 1, 1)))


def on_hold() -> Built:
    """Published, then its record revoked (hold), then the record re-verified: the hold is still open."""
    video_id, work = compliant_published_video()
    assert work.record_id is not None
    assert revoke(work.record_id) == [video_id]
    submit(work.record_id)
    verify(work.record_id)
    return Built(video_id, "", (date(1990, 5, 17),))


CASES: dict[str, tuple[Callable[[], Built], str | None]] = {
    # name: (build, the reason expected — "{stage}" is the performer's stage name — or None when allowed)
    "adult": (one_performer, None),
    "turns_18_the_day_after_production": (
        lambda: one_performer(dob=date(2002, 6, 2)),
        "2257: {stage} was under 18 on the date of production",
    ),
    "under_18_by_a_year": (lambda: one_performer(dob=date(2003, 6, 1)), "{stage} was under 18"),
    "produced_before_the_performer_was_born": (  # a wrong date, said as such (not "was under 18")
        lambda: one_performer(dob=date(1990, 5, 17), examined_on=date(1989, 1, 2), day=date(1989, 1, 3)),
        "the date of production is before {stage}'s date of birth: one of the two dates is wrong",
    ),
    "turns_18_on_the_production_day": (lambda: one_performer(dob=date(2002, 6, 1)), None),
    "born_29_february_produced_28_february": (
        lambda: one_performer(dob=date(2004, 2, 29), examined_on=date(2022, 2, 1), day=date(2022, 2, 28)),
        "{stage} was under 18 on the date of production",
    ),
    "born_29_february_produced_1_march": (
        lambda: one_performer(dob=date(2004, 2, 29), examined_on=date(2022, 2, 1), day=date(2022, 3, 1)),
        None,
    ),
    "record_incomplete": (
        lambda: one_performer(status="incomplete"),
        "2257: {stage}'s legal record is incomplete, not verified",
    ),
    "record_pending": (
        lambda: one_performer(status="pending_verification"),
        "{stage}'s legal record is pending verification, not verified",
    ),
    "record_rejected": (lambda: one_performer(status="rejected"), "{stage}'s legal record is rejected, not verified"),
    "record_revoked": (lambda: one_performer(status="revoked"), "{stage}'s legal record is revoked, not verified"),
    "no_record": (lambda: one_performer(status="none"), "2257: {stage} has no legal record"),
    "id_examined_after_production": (
        lambda: one_performer(examined_on=PRODUCTION_DAY + timedelta(days=1), rely_explicitly=True),
        "the ID relied on for {stage} was examined after the date of production",
    ),
    "id_examined_after_production_not_picked": (
        lambda: one_performer(examined_on=PRODUCTION_DAY + timedelta(days=1)),
        "the production does not record which ID was relied on for {stage}",
    ),
    "id_examined_on_the_production_day": (lambda: one_performer(examined_on=PRODUCTION_DAY), None),
    "id_expired_when_examined": (
        expired_when_examined,
        "the ID relied on for {stage} had expired when it was examined",
    ),
    "relied_id_not_scanned": (relied_id_not_scanned, "no copy of the ID relied on for {stage} is on file"),
    "relied_on_another_records_id": (relied_on_another_records_id, "the ID relied on for {stage} belongs to another"),
    "no_production": (lambda: one_performer(day=None), "2257: no date of production is recorded"),
    "no_production_date": (no_production_date, "2257: no date of production is recorded"),
    "performer_count_mismatch": (count_mismatch, "1 performer(s) linked but the performer count says 2"),
    "adult_and_minor": (adult_and_minor, "{stage} was under 18 on the date of production"),
    "open_compliance_hold": (on_hold, "2257: on compliance hold since"),
}


# --- the paths ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    refused: str | None  # the refusal as the path reports it; None when the video went public


def _stored(video_id: int) -> tuple[str, str, int]:
    with session_scope() as session:
        video = session.get(Video, video_id)
        assert video is not None
        return video.state, video.title, video.version


def via_publish(video_id: int, actor: Actor) -> Outcome:
    before, mark = _stored(video_id), audit_mark()
    refused = None
    with session_scope() as session:  # the refusal is caught inside the unit of work, which then commits
        try:
            service.publish(session, actor=actor, video_id=video_id)
        except PublishRefused as exc:
            refused = exc.message
    if refused is not None:
        assert _stored(video_id) == before and events_since(mark) == []
        return Outcome(refused)
    assert video_state(video_id) == "published"
    assert [e.action for e in events_since(mark)] == ["video.publish"]
    return Outcome(None)


def via_schedule(video_id: int, actor: Actor) -> Outcome:
    before, mark = _stored(video_id), audit_mark()
    refused = None
    with session_scope() as session:
        try:
            service.schedule(session, actor=actor, video_id=video_id, publish_at=utcnow() + timedelta(days=1))
        except PublishRefused as exc:
            refused = exc.message
    if refused is not None:
        assert _stored(video_id) == before and events_since(mark) == []
        return Outcome(refused)
    assert video_state(video_id) == "scheduled"
    return Outcome(None)


def _via_bulk(action: str) -> Callable[[int, Actor], Outcome]:
    def attempt(video_id: int, actor: Actor) -> Outcome:
        before, mark = _stored(video_id), audit_mark()
        value = utcnow() + timedelta(days=1) if action == "schedule" else None
        with session_scope() as session:
            result = service.bulk(session, actor=actor, action=action, video_ids=[video_id], value=value)
        if video_id in result.refused:
            assert result.changed == [] and _stored(video_id) == before and events_since(mark) == []
            return Outcome(result.refused[video_id])
        assert result.changed == [video_id]
        assert video_state(video_id) == ("scheduled" if action == "schedule" else "published")
        return Outcome(None)

    return attempt


def via_scheduler(video_id: int, actor: Actor) -> Outcome:
    """A video already scheduled (before its paperwork went wrong) whose time has come."""
    with session_scope() as session:
        video = session.get(Video, video_id)
        assert video is not None
        video.state, video.publish_at = "scheduled", utcnow() - timedelta(seconds=1)
    mark = audit_mark()
    refused = scheduler.tick()
    if video_id in refused:
        assert video_state(video_id) == "draft"
        events = events_since(mark)
        assert [(e.action, e.entity_id) for e in events] == [("video.schedule_refused", str(video_id))]
        assert events[0].reason == refused[video_id]
        return Outcome(refused[video_id])
    assert video_state(video_id) == "published"
    return Outcome(None)


def via_import(video_id: int, actor: Actor) -> Outcome:
    """A public video (published before its paperwork went wrong) updated by an import row: the row keeps it
    public, so the gate decides whether the row may be applied."""
    with session_scope() as session:
        video = session.get(Video, video_id)
        assert video is not None
        video.state, video.published_at, video.publish_at = "published", utcnow(), None
        slug, old_title = video.slug, video.title
    csv = f"slug,title\r\n{slug},Imported {old_title}\r\n".encode()
    mark = audit_mark()
    with session_scope() as session:
        frame = transfer.read_table(csv, "rows.csv")
        report = transfer.commit(session, actor=actor, frame=frame, all_or_nothing=True)
    if report.errors:
        assert report.updated == 0 and not report.written
        assert _stored(video_id)[:2] == ("published", old_title)
        assert events_since(mark) == []
        return Outcome("; ".join(issue.message for issue in report.errors))
    assert report.updated == 1
    assert _stored(video_id)[:2] == ("published", f"Imported {old_title}")
    return Outcome(None)


PATHS: dict[str, Callable[[int, Actor], Outcome]] = {
    "publish": via_publish,
    "schedule": via_schedule,
    "bulk_publish": _via_bulk("publish"),
    "bulk_schedule": _via_bulk("schedule"),
    "scheduler": via_scheduler,
    "import": via_import,
}


@pytest.fixture
def content(actor_with: Callable[..., Actor]) -> Actor:
    return actor_with("content")


@pytest.mark.parametrize("path", list(PATHS))
@pytest.mark.parametrize("case", list(CASES))
def test_every_publishing_path_obeys_the_2257_gate(case: str, path: str, content: Actor) -> None:
    build, expected = CASES[case]
    built = build()
    outcome = PATHS[path](built.video_id, content)
    if expected is None:
        assert outcome.refused is None, outcome.refused
        return
    assert outcome.refused is not None, f"{path} made the video public although: {expected}"
    assert expected.format(stage=built.stage) in outcome.refused
    # Content staff read this: stage names only, never the legal name or the date of birth.
    assert LEGAL_MARK not in outcome.refused and "Secretname" not in outcome.refused
    for dob in built.dobs:
        assert dob.isoformat() not in outcome.refused
        assert f"{dob:%m/%d/%Y}" not in outcome.refused and f"{dob:%d/%m/%Y}" not in outcome.refused


# --- details that the matrix does not show ------------------------------------------------------------------


def test_the_baseline_passes_every_check_and_a_minor_is_named_once_by_stage_name() -> None:
    built = adult_and_minor()
    reasons = gate_reasons(built.video_id)
    assert reasons == [f"2257: {built.stage} was under 18 on the date of production"]
    assert gate_reasons(one_performer().video_id) == []


def test_a_hold_blocks_until_compliance_releases_it(actor_with: Callable[..., Actor]) -> None:
    from console.compliance import holds

    officer = actor_with("compliance")
    built = on_hold()
    assert video_state(built.video_id) == "unpublished"
    [reason] = gate_reasons(built.video_id)
    assert f"{built.stage}'s legal record was revoked" in reason
    assert "forged" not in reason  # the officer's words stay on the record, away from content staff
    with session_scope() as session:
        hold_id = session.execute(
            select(AuditEvent.after).where(AuditEvent.action == "video.compliance_hold")
        ).scalar_one()["hold_id"]
        holds.release_hold(session, actor=officer, hold_id=hold_id, reason="re-verified")
    assert gate_reasons(built.video_id) == []
    assert via_publish(built.video_id, SYSTEM).refused is None


def test_a_scheduled_video_whose_record_is_revoked_behind_the_services_back_goes_back_to_draft() -> None:
    """revoke_record takes scheduled videos down itself (see test_records); the scheduler is the last line if the
    status changed some other way."""
    work = paperwork(performer())
    video_id = cast_video([work.performer_id])
    save_production(video_id)
    with session_scope() as session:
        service.schedule(session, actor=SYSTEM, video_id=video_id, publish_at=utcnow() + timedelta(hours=1))
    with session_scope() as session:
        session.get(Video, video_id).publish_at = utcnow() - timedelta(seconds=1)  # type: ignore[union-attr]
        from console.compliance.models import LegalRecord

        session.get(LegalRecord, work.record_id).status = "revoked"  # type: ignore[union-attr]
    refused = scheduler.tick()
    assert f"{stage_name(work.performer_id)}'s legal record is revoked, not verified" in refused[video_id]
    assert video_state(video_id) == "draft"


def test_revoking_a_scheduled_videos_record_takes_it_down_before_the_scheduler_runs() -> None:
    work = paperwork(performer())
    video_id = cast_video([work.performer_id])
    save_production(video_id)
    with session_scope() as session:
        service.schedule(session, actor=SYSTEM, video_id=video_id, publish_at=utcnow() + timedelta(hours=1))
    assert work.record_id is not None
    assert revoke(work.record_id) == [video_id]
    assert video_state(video_id) == "unpublished"
    with session_scope() as session:
        assert session.get(Video, video_id).publish_at is None  # type: ignore[union-attr]
    assert scheduler.tick() == {}
    assert video_state(video_id) == "unpublished"


def _import(actor: Actor, csv: str) -> transfer.ImportReport:
    with session_scope() as session:
        frame = transfer.read_table(csv.encode(), "rows.csv")
        return transfer.commit(session, actor=actor, frame=frame, all_or_nothing=False)


def _slug(model: type[Video] | type[Performer], row_id: int) -> str:
    with session_scope() as session:
        row = session.get(model, row_id)
        assert row is not None
        return row.slug


def test_an_import_cannot_put_a_performer_without_paperwork_into_a_public_video(content: Actor) -> None:
    video_id, work = compliant_published_video()
    newcomer = performer()
    slug = _slug(Video, video_id)
    report = _import(content, f"slug,title,performers\r\n{slug},Retitled,{_slug(Performer, newcomer)}\r\n")
    assert report.updated == 0 and len(report.errors) == 1
    message = report.errors[0].message
    assert f"2257: {stage_name(newcomer)} has no legal record" in message
    assert video_state(video_id) == "published"
    with session_scope() as session:
        video = session.get(Video, video_id)
        assert video is not None and video.title != "Retitled"
        assert [p.id for p, _ in service.performers_of(session, actor=SYSTEM, video_id=video_id)] == [work.performer_id]


def test_an_import_cannot_break_the_performer_count_of_a_public_video(content: Actor) -> None:
    video_id, _ = compliant_published_video()
    report = _import(content, f"slug,title,performer_count\r\n{_slug(Video, video_id)},Same,2\r\n")
    assert report.updated == 0
    assert "1 performer(s) linked but the performer count says 2" in report.errors[0].message
    assert video_state(video_id) == "published"


def test_an_import_never_publishes_a_new_video_whatever_its_paperwork(content: Actor) -> None:
    minor = paperwork(performer(), dob=date(2005, 1, 1))  # 15 on PRODUCTION_DAY
    row = f"slug,title,performers,performer_count\r\nnew-one,New one,{_slug(Performer, minor.performer_id)},1\r\n"
    report = _import(content, row)
    assert report.created == 1
    with session_scope() as session:
        video = session.execute(select(Video).where(Video.slug == "new-one")).scalar_one()
        assert video.state == "draft" and video.published_at is None


def test_a_deleted_performer_still_in_the_footage_is_still_checked() -> None:
    """Soft-deleting a performer's profile does not remove them from a depiction: the 2257 check still asks."""
    from console.catalog import performers as performer_service
    from console.catalog import service as video_service
    from console.catalog.models import Video
    from console.compliance.gate_checks import compliance_blockers
    from tests.catalog.factories import make_performer, make_video

    gone = make_performer("Gone Profile")
    video_id = make_video(title="Old scene", performer_count=1)
    with session_scope() as session:
        video_service.set_performers(session, actor=SYSTEM, video_id=video_id, performer_ids=[gone])
        performer_service.delete_performer(session, actor=SYSTEM, performer_id=gone, expected_version=None)
    with session_scope() as session:
        video = session.get(Video, video_id)
        assert video is not None
        assert "2257: Gone Profile has no legal record" in compliance_blockers(session, video)


def test_the_batch_answer_equals_the_single_answer_for_every_case() -> None:
    """Bulk publish and the import ask the 2257 check for many videos at once: same reasons, same order."""
    from console.catalog.models import Video
    from console.compliance.gate_checks import compliance_blockers, compliance_blockers_many

    built = [builder() for builder, _ in CASES.values()]
    with session_scope() as session:
        videos = [session.get(Video, b.video_id) for b in built]
        assert all(v is not None for v in videos)
        one_by_one = {v.id: compliance_blockers(session, v) for v in videos if v is not None}
        together = compliance_blockers_many(session, [v for v in videos if v is not None])
    assert together == one_by_one
    refused = {name for (name, (_, expected)), b in zip(CASES.items(), built, strict=True) if together[b.video_id]}
    expected_refusals = {
        name for name, (_, expected) in CASES.items() if expected is not None and "performer count" not in expected
    }
    assert refused == expected_refusals  # the catalog check, not this one, reports a count mismatch


def test_the_gate_loads_the_2257_checks_even_when_only_the_catalog_is_imported() -> None:
    """A fresh interpreter that imports only the catalog's gate (as a CLI or a job might) still gets the check."""
    import subprocess
    import sys

    code = (
        "import sys; from console.catalog import gate; "
        "assert 'console.compliance.gate_checks' not in sys.modules; "
        "print(','.join(gate.registered_checks()))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip().split(",") == ["catalog", "series", "compliance_2257"]
