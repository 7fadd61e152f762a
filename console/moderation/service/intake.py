"""Reports come from the platform, not from staff: `record_report()` (behind POST /api/reports) or rows the
platform inserts straight into `reports`, which `intake_pending()` picks up (SKIP LOCKED on PostgreSQL). Either
way the report joins its target's live case (or opens one), the case's counts and priority are updated, and an
emergency reason acts at once: an UNDERAGE or NON_CONSENSUAL report on a public video puts it on compliance hold
(the same hold a revoked 2257 record puts, on the compliance worklist), on a live stream ends it, before any
moderator looks.

Case counters change with a plain UPDATE that does not bump the case's version: a new report is not a staff
edit, and a moderator deciding a busy case must not be told "someone changed it" every time a member reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from console.actor import Actor
from console.audit.service import record as audit
from console.catalog.models import Video
from console.db import dialect_name, utcnow
from console.errors import Forbidden, ValidationFailed
from console.members.models import Member
from console.moderation.models import (
    EMERGENCY_REASONS,
    LIVE_CASE_STATES,
    REASONS,
    TARGET_TYPES,
    ChatMessage,
    LiveStream,
    ModerationCase,
    Report,
    ReporterScore,
)
from console.moderation.service import priority
from console.moderation.service.targets import TargetInfo, describe
from console.validation import clean_text

PLATFORM_LABEL = "platform"
DESCRIPTION_MAX = 2000
# 000's upper-case reasons and 004's report types map onto one list.
REASON_ALIASES = {"inappropriate content": "inappropriate_content", "non-consensual": "non_consensual"}


@dataclass
class IntakeOutcome:
    report_id: int
    case_id: int
    new_case: bool
    emergency_actions: list[str] = field(default_factory=list)
    duplicate: bool = False


def _int(value: Any, name: str, errors: dict[str, str], *, required: bool = True, minimum: int = 1) -> int | None:
    if value is None or value == "":
        if required:
            errors[name] = "is required"
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        errors[name] = "must be a whole number"
        return None
    try:
        number = int(value)
    except ValueError:
        errors[name] = "must be a whole number"
        return None
    if number < minimum or number > 2**62:
        errors[name] = f"must be a whole number of at least {minimum}"
        return None
    return number


def clean_report(session: Session, data: dict[str, Any]) -> tuple[dict[str, Any], TargetInfo]:
    """Validate what the platform sent; refuse with every problem at once (ValidationFailed)."""
    errors: dict[str, str] = {}
    reporter_id = _int(data.get("reporter_id"), "reporter_id", errors)
    target_type = str(data.get("target_type") or "").strip().lower()
    if target_type not in TARGET_TYPES:
        errors["target_type"] = "must be one of: " + ", ".join(TARGET_TYPES)
    target_id = _int(data.get("target_id"), "target_id", errors)
    raw_reason = str(data.get("reason") or "").strip().lower()
    reason = REASON_ALIASES.get(raw_reason, raw_reason)
    if reason not in REASONS:
        errors["reason"] = "must be one of: " + ", ".join(REASONS)
    description = clean_text(
        data.get("description"), "description", errors, max_len=DESCRIPTION_MAX, required=False, multiline=True
    )
    start = _int(data.get("video_start_s"), "video_start_s", errors, required=False, minimum=0)
    end = _int(data.get("video_end_s"), "video_end_s", errors, required=False, minimum=0)
    chat_id = _int(data.get("chat_message_id"), "chat_message_id", errors, required=False)
    external = clean_text(data.get("external_id"), "external_id", errors, max_len=64, required=False) or None
    reported_at = _reported_at(data.get("reported_at"), errors)
    if (start is not None or end is not None) and target_type != "video":
        errors["video_start_s"] = "a time range is only for reports on a video"
    if end is not None and start is None:
        errors["video_start_s"] = "is required with an end time"
    elif start is not None and end is not None and end < start:
        errors["video_end_s"] = "is before the start"
    if chat_id is not None and target_type != "live_stream":
        errors["chat_message_id"] = "is only for reports on a live stream"
    info = None
    if not errors and reporter_id is not None and target_id is not None:
        if session.get(Member, reporter_id) is None:
            errors["reporter_id"] = "is not a member"
        info = describe(session, target_type, target_id)
        if info is None:
            errors["target_id"] = f"no {target_type.replace('_', ' ')} #{target_id} exists"
        elif chat_id is not None:
            stream_of = session.execute(select(ChatMessage.stream_id).where(ChatMessage.id == chat_id)).scalar()
            if stream_of != target_id:
                errors["chat_message_id"] = "is not a message of this stream"
        if target_type == "video" and end is not None:
            duration = session.execute(select(Video.duration_seconds).where(Video.id == target_id)).scalar()
            if duration and end > duration:
                errors["video_end_s"] = f"is after the end of the video ({duration} s)"
    if errors or info is None:
        raise ValidationFailed(errors or {"target_id": "is required"})
    return {
        "reporter_id": reporter_id,
        "target_type": target_type,
        "target_id": target_id,
        "reason": reason,
        "description": description or None,
        "video_start_s": start,
        "video_end_s": end,
        "chat_message_id": chat_id,
        "external_id": external,
        "created_at": reported_at or utcnow(),
    }, info


def _reported_at(value: Any, errors: dict[str, str]) -> datetime | None:
    """When the member filed the report, as the platform saw it (ISO 8601 with a time zone); default now."""
    if value in (None, ""):
        return None
    try:
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except ValueError:
        errors["reported_at"] = "is not a date and time (ISO 8601, e.g. 2026-11-29T10:15:00Z)"
        return None
    if moment.tzinfo is None:
        errors["reported_at"] = "needs a time zone (e.g. Z or +01:00)"
        return None
    now = utcnow()
    if moment > now + timedelta(minutes=5):
        errors["reported_at"] = "is in the future"
    elif moment < now - timedelta(days=366):
        errors["reported_at"] = "is more than a year ago"
    return moment.astimezone(UTC)


def _require_platform(actor: Actor) -> None:
    if not actor.is_system:
        raise Forbidden("Reports are filed by members through the platform, not by staff.")


def record_report(session: Session, *, actor: Actor, data: dict[str, Any], source: str = "api") -> IntakeOutcome:
    """File one report and join it to its case. A repeated `external_id` returns the report already filed."""
    _require_platform(actor)
    values, info = clean_report(session, data)
    if values["external_id"]:
        known = session.execute(select(Report).where(Report.external_id == values["external_id"])).scalar_one_or_none()
        if known is not None and known.case_id is not None:
            return IntakeOutcome(known.id, known.case_id, new_case=False, duplicate=True)
    report = Report(source=source, **values)
    session.add(report)
    session.flush()
    return attach(session, actor=actor, report=report, info=info)


def _live_case(session: Session, target_type: str, target_id: int) -> ModerationCase | None:
    query = select(ModerationCase).where(
        ModerationCase.target_type == target_type,
        ModerationCase.target_id == target_id,
        ModerationCase.status.in_(LIVE_CASE_STATES),
    )
    return session.execute(query.with_for_update()).scalar_one_or_none()


def _open_case(session: Session, actor: Actor, report: Report, info: TargetInfo) -> tuple[ModerationCase, bool]:
    """The target's live case, or a new one. Two reports opening a case at once: the unique partial index
    refuses the second insert, which then joins the case the first one opened."""
    case = _live_case(session, report.target_type, report.target_id)
    if case is not None:
        return case, False
    previous = session.execute(
        select(func.max(ModerationCase.id)).where(
            ModerationCase.target_type == report.target_type, ModerationCase.target_id == report.target_id
        )
    ).scalar()
    now = report.created_at
    case = ModerationCase(
        target_type=report.target_type,
        target_id=report.target_id,
        target_label=info.label,
        status="open",
        worst_reason=report.reason,
        reason_counts={},
        first_report_at=now,
        last_report_at=now,
        sla_due_at=priority.sla_due(now, report.reason),
        previous_case_id=previous,
    )
    savepoint = session.begin_nested()
    try:
        session.add(case)
        session.flush()
    except IntegrityError:
        savepoint.rollback()
        existing = _live_case(session, report.target_type, report.target_id)
        if existing is None:
            raise
        return existing, False
    savepoint.commit()
    audit(
        session,
        actor,
        "case.open",
        "moderation_case",
        case.id,
        None,
        {"target": f"{case.target_type}:{case.target_id}"},
    )
    return case, True


def _scores(session: Session, case_id: int) -> list[tuple[int, int]]:
    reporters = select(Report.reporter_id).where(Report.case_id == case_id).distinct().subquery()
    rows = session.execute(
        select(func.coalesce(ReporterScore.actioned, 0), func.coalesce(ReporterScore.dismissed, 0))
        .select_from(reporters)
        .outerjoin(ReporterScore, ReporterScore.member_id == reporters.c.reporter_id)
    ).all()
    return [(int(a), int(d)) for a, d in rows]


def recount(session: Session, case: ModerationCase, info: TargetInfo, first_report_at: datetime) -> dict[str, Any]:
    """Counts, reasons and priority of a case from its reports (a few indexed aggregates)."""
    by_reason: dict[str, int] = dict(
        session.execute(select(Report.reason, func.count()).where(Report.case_id == case.id).group_by(Report.reason))
        .tuples()
        .all()
    )
    reporters = session.execute(
        select(func.count(Report.reporter_id.distinct())).where(Report.case_id == case.id)
    ).scalar_one()
    worst_reason = priority.worst(by_reason)
    parts = priority.parts(
        worst_reason=worst_reason, reporters=reporters, reach=info.reach, scores=_scores(session, case.id)
    )
    base = sum(parts.values())
    return {
        "reason_counts": {k: int(v) for k, v in sorted(by_reason.items())},
        "reason_mask": priority.reasons_mask(by_reason),
        "worst_reason": worst_reason,
        "emergency": priority.is_emergency(by_reason),
        "report_count": int(sum(by_reason.values())),
        "reporter_count": int(reporters),
        "priority_parts": parts,
        "base_priority": base,
        "queue_key": priority.queue_key(base, first_report_at, emergency=priority.is_emergency(by_reason)),
        "sla_due_at": min(case.sla_due_at, priority.sla_due(first_report_at, worst_reason)),
    }


def attach(session: Session, *, actor: Actor, report: Report, info: TargetInfo) -> IntakeOutcome:
    """Join a stored report to its target's case; update the case; act on an emergency."""
    case, new_case = _open_case(session, actor, report, info)
    report.case_id, report.intake_at = case.id, utcnow()
    session.flush()
    first = min(case.first_report_at, report.created_at)  # the platform may deliver reports out of order
    values = recount(session, case, info, first)
    values["first_report_at"] = first
    values["last_report_at"] = max(case.last_report_at, report.created_at)
    values["target_label"] = info.label
    session.execute(update(ModerationCase).where(ModerationCase.id == case.id).values(**values))
    session.refresh(case)
    after = {"report_id": report.id, "reason": report.reason, "reporter_id": report.reporter_id}
    audit(session, actor, "report.receive", "moderation_case", case.id, None, after)
    actions = emergency_actions(session, actor, case, report) if report.reason in EMERGENCY_REASONS else []
    return IntakeOutcome(report.id, case.id, new_case, actions)


def emergency_actions(session: Session, actor: Actor, case: ModerationCase, report: Report) -> list[str]:
    """Act before anyone looks: a video goes on compliance hold (unpublished if public, and kept from being
    published while the hold is open; on the compliance worklist), a series with every episode; a live stream is
    ended, its chat off."""
    from console.catalog.series import episode_ids
    from console.compliance.holds import hold_videos

    label = priority.REASON_LABELS[report.reason].split(" (")[0]
    done: list[str] = []
    if case.target_type == "video":
        reason = f"emergency report ({label}) under moderation review, case #{case.id}"
        episodes = episode_ids(session, case.target_id)  # a series: its episodes too, public or not
        held = hold_videos(
            session, actor, [case.target_id, *episodes], reason=reason, source="report", unpublished_too=True
        )
        if case.target_id in held:
            done.append(f"video #{case.target_id} put on compliance hold")
        if with_it := len(set(held) & set(episodes)):
            done.append(f"{with_it} episode{'' if with_it == 1 else 's'} of the series put on compliance hold")
    elif case.target_type == "live_stream":
        stream = session.execute(
            select(LiveStream).where(LiveStream.id == case.target_id).with_for_update()
        ).scalar_one()
        if stream.status in ("live", "scheduled"):
            before = {"status": stream.status, "chat_enabled": stream.chat_enabled}
            stream.status = "ended" if stream.status == "live" else "cancelled"
            stream.ended_at = stream.ended_at or utcnow()
            stream.chat_enabled = False
            session.flush()
            after = {"status": stream.status, "chat_enabled": False}
            audit(
                session,
                actor,
                "live_stream.end",
                "live_stream",
                stream.id,
                before,
                after,
                reason=f"emergency report, case #{case.id}",
            )
            done.append(f"live stream #{stream.id} {stream.status}")
    return done


# --- rows the platform inserts straight into `reports` -------------------------------------------------------


def intake_pending(session: Session, *, actor: Actor, limit: int = 200) -> tuple[int, int]:
    """Attach reports that arrived as plain rows (case_id NULL). Several console processes may run this at once:
    PostgreSQL hands each row to one of them (FOR UPDATE SKIP LOCKED). A row that fails validation keeps its
    error in `intake_error` and is not tried again. Returns (attached, refused)."""
    _require_platform(actor)
    query = (
        select(Report).where(Report.case_id.is_(None), Report.intake_error.is_(None)).order_by(Report.id).limit(limit)
    )
    if dialect_name(session) == "postgresql":
        query = query.with_for_update(skip_locked=True)
    attached = refused = 0
    for report in list(session.execute(query).scalars()):
        data = {name: getattr(report, name) for name in ("reporter_id", "target_type", "target_id", "reason")}
        data |= {
            "description": report.description,
            "video_start_s": report.video_start_s,
            "video_end_s": report.video_end_s,
            "chat_message_id": report.chat_message_id,
        }
        try:
            values, info = clean_report(session, data)
        except ValidationFailed as exc:
            report.intake_error = exc.message[:2000]
            refused += 1
            continue
        report.reason, report.description = values["reason"], values["description"]
        attach(session, actor=actor, report=report, info=info)
        attached += 1
    session.flush()
    return attached, refused
