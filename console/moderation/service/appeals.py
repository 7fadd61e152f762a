"""Appeals and reversals. A member appeals a strike once (the platform files it); someone other than the
moderator who decided it upholds or overturns it. Overturning reverses the decision: the comment is shown again,
the chat message restored, the mute, suspension or ban lifted (only if the member's status is still the one
that decision set), the chat turned back on, the video republished through the gate, the blocklist entry
switched off. Each reversal writes its own audit event. `reverse_decision` is the same undo for decisions that
no member can appeal (a video taken down, a stream's chat turned off).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.actor import Actor
from console.audit.service import record as audit
from console.db import utcnow
from console.errors import Conflict, Forbidden, NotFound, RuleViolation, ValidationFailed
from console.members.models import Member
from console.moderation.models import (
    Appeal,
    BlockEntry,
    CaseDecision,
    ChatMessage,
    Comment,
    LiveStream,
    MemberStrike,
)
from console.moderation.service.member_actions import member_status_view
from console.paging import Page, PageRequest, exact_or_estimated_count, fetch_page
from console.staff.names import names_of
from console.staff.permissions import Permission, require
from console.validation import clean_text

APPEAL_MAX = 4000


NOTE_MAX = 2000  # an appeal's decision note and a reversal's; the dialogs count against it


def _note(value: str | None, field: str = "note", *, required: bool = True) -> str:
    errors: dict[str, str] = {}
    text = clean_text(value, field, errors, max_len=NOTE_MAX, multiline=True, required=required)
    if errors:
        raise ValidationFailed(errors)
    return text


def record_appeal(session: Session, *, actor: Actor, strike_id: int, body: str) -> Appeal:
    """The platform files a member's appeal of one strike (one appeal per strike)."""
    if not actor.is_system:
        raise Forbidden("Appeals are filed by members through the platform.")
    errors: dict[str, str] = {}
    text = clean_text(body, "body", errors, max_len=APPEAL_MAX, multiline=True)
    if errors:
        raise ValidationFailed(errors)
    strike = session.get(MemberStrike, strike_id)
    if strike is None:
        raise ValidationFailed({"strike_id": f"no strike #{strike_id} exists"})
    if strike.overturned_at is not None:
        raise RuleViolation("This strike was already overturned.")
    if session.execute(select(Appeal.id).where(Appeal.strike_id == strike_id)).first():
        raise RuleViolation("This strike was already appealed; a strike can be appealed once.")
    appeal = Appeal(strike_id=strike.id, member_id=strike.member_id, body=text, status="open", created_at=utcnow())
    session.add(appeal)
    session.flush()
    audit(session, actor, "appeal.receive", "appeal", appeal.id, None, {"strike_id": strike.id, "status": "open"})
    return appeal


@dataclass(frozen=True)
class AppealRow:
    appeal: Appeal
    strike: MemberStrike
    decision: CaseDecision | None
    member_username: str
    decided_by: str = ""  # who made the decision, by name (its stored label when the account is gone)


def list_appeals(session: Session, *, actor: Actor, status: str, page: PageRequest) -> Page[AppealRow]:
    require(actor, Permission.MODERATION_READ)
    if status not in ("open", "upheld", "overturned"):
        raise ValidationFailed({"status": "must be open, upheld or overturned"})
    query = select(Appeal).where(Appeal.status == status)
    total, estimated = exact_or_estimated_count(session, query)
    appeals = fetch_page(
        session, query, [(Appeal.created_at, False), (Appeal.id, False)], page, total, estimated=estimated
    )
    strikes = {
        s.id: s
        for s in session.execute(
            select(MemberStrike).where(MemberStrike.id.in_([a.strike_id for a in appeals]))
        ).scalars()
    }
    decisions = {
        d.id: d
        for d in session.execute(
            select(CaseDecision).where(CaseDecision.id.in_([s.decision_id for s in strikes.values() if s.decision_id]))
        ).scalars()
    }
    names: dict[int, str] = dict(
        session.execute(select(Member.id, Member.username).where(Member.id.in_([a.member_id for a in appeals])))
        .tuples()
        .all()
    )
    staff = names_of(session, (d.actor_id for d in decisions.values()))
    rows = []
    for a in appeals:
        decision = decisions.get(strikes[a.strike_id].decision_id or 0)
        by = "" if decision is None else staff.get(decision.actor_id or 0, decision.actor_label)
        rows.append(AppealRow(a, strikes[a.strike_id], decision, names.get(a.member_id, "?"), by))
    return Page(rows, total, estimated, page)


def decide_appeal(
    session: Session, *, actor: Actor, appeal_id: int, overturn: bool, note: str, expected_version: int | None
) -> tuple[Appeal, list[str]]:
    """Uphold or overturn. Returns the appeal and what the reversal did (or could not do)."""
    require(actor, Permission.MODERATION_APPEALS)
    text = _note(note)
    appeal = session.execute(select(Appeal).where(Appeal.id == appeal_id).with_for_update()).scalar_one_or_none()
    if appeal is None:
        raise NotFound(f"Appeal #{appeal_id} does not exist.")
    if expected_version is not None and appeal.version != expected_version:
        raise Conflict(f"Appeal #{appeal_id} was decided by someone else meanwhile ({appeal.status}).")
    if appeal.status != "open":
        raise RuleViolation(f"Appeal #{appeal_id} is already {appeal.status}.")
    strike = session.get(MemberStrike, appeal.strike_id)
    assert strike is not None
    decision = session.get(CaseDecision, strike.decision_id) if strike.decision_id else None
    if decision is not None and decision.actor_id is not None and decision.actor_id == actor.staff_id:
        raise RuleViolation("You decided this strike: another moderator must decide its appeal.")
    before = {"status": appeal.status}
    done: list[str] = []
    if overturn:
        strike.overturned_at, strike.overturned_by_id = utcnow(), actor.staff_id
        if decision is not None and decision.reversed_at is None:
            done = _reverse(session, actor, decision, text)
        appeal.status = "overturned"
    else:
        appeal.status = "upheld"
    appeal.decided_by_id, appeal.decided_at, appeal.decision_note = actor.staff_id, utcnow(), text
    session.flush()
    after = {"status": appeal.status, "strike_id": strike.id, "reversed": done}
    audit(session, actor, f"appeal.{'overturn' if overturn else 'uphold'}", "appeal", appeal.id, before, after, text)
    return appeal, done


def reverse_decision(session: Session, *, actor: Actor, decision_id: int, note: str) -> list[str]:
    """Undo one decision (not by the moderator who took it); overturns its strike if it had one."""
    require(actor, Permission.MODERATION_APPEALS)
    text = _note(note)
    decision = session.execute(
        select(CaseDecision).where(CaseDecision.id == decision_id).with_for_update()
    ).scalar_one_or_none()
    if decision is None:
        raise NotFound(f"Decision #{decision_id} does not exist.")
    if decision.reversed_at is not None:
        raise RuleViolation("This decision was already reversed.")
    if decision.actor_id is not None and decision.actor_id == actor.staff_id:
        raise RuleViolation("You took this decision: another moderator must reverse it.")
    for strike in session.execute(select(MemberStrike).where(MemberStrike.decision_id == decision.id)).scalars():
        if strike.overturned_at is None:
            strike.overturned_at, strike.overturned_by_id = utcnow(), actor.staff_id
    return _reverse(session, actor, decision, text)


def _reverse(session: Session, actor: Actor, decision: CaseDecision, note: str) -> list[str]:
    undo = REVERSALS.get(decision.action)
    if undo is None:
        raise RuleViolation(f"A “{decision.action.replace('_', ' ')}” decision cannot be undone.")
    done = undo(session, actor, decision.reversal, note)
    decision.reversed_at, decision.reversed_by_id = utcnow(), actor.staff_id
    session.flush()
    audit(
        session, actor, "case.reverse", "moderation_case", decision.case_id,
        {"decision_id": decision.id, "reversed": False}, {"decision_id": decision.id, "reversed": True}, note,
    )  # fmt: skip
    return done


def _unhide(session: Session, actor: Actor, data: dict[str, Any], note: str) -> list[str]:
    comment = session.execute(select(Comment).where(Comment.id == data["comment_id"]).with_for_update()).scalar_one()
    if comment.hidden_at is None:
        return ["the comment was already visible"]
    comment.hidden_at, comment.hidden_by_id, comment.hidden_reason = None, None, None
    session.flush()
    audit(session, actor, "comment.unhide", "comment", comment.id, {"hidden": True}, {"hidden": False}, note)
    return ["comment shown again"]


def _restore_message(session: Session, actor: Actor, data: dict[str, Any], note: str) -> list[str]:
    message = session.execute(
        select(ChatMessage).where(ChatMessage.id == data["message_id"]).with_for_update()
    ).scalar_one()
    if message.deleted_at is None:
        return ["the message was already there"]
    message.deleted_at, message.deleted_by_id = None, None
    session.flush()
    audit(
        session, actor, "chat_message.restore", "chat_message", message.id, {"deleted": True}, {"deleted": False}, note
    )
    return ["chat message restored"]


def _reinstate(session: Session, actor: Actor, data: dict[str, Any], note: str) -> list[str]:
    member = session.execute(select(Member).where(Member.id == data["member_id"]).with_for_update()).scalar_one()
    set_status, previous = data.get("set_status"), data.get("before") or {}
    if member.status != set_status:
        return [f"@{member.username} is {member.status} now, not {set_status} by this decision; left as it is"]
    current = member_status_view(member)
    member.status = previous.get("status", "active")
    member.muted_until = _parse(previous.get("muted_until"))
    member.suspended_until = _parse(previous.get("suspended_until"))
    session.flush()
    audit(session, actor, "member.reinstate", "member", member.id, current, member_status_view(member), note)
    return [f"@{member.username} is {member.status} again"]


def _parse(value: Any) -> datetime | None:
    return None if value is None else datetime.fromisoformat(str(value))


def _withdraw_warning(session: Session, actor: Actor, data: dict[str, Any], note: str) -> list[str]:
    return ["warning withdrawn"]  # nothing but the strike, which the caller has overturned


def _chat_on(session: Session, actor: Actor, data: dict[str, Any], note: str) -> list[str]:
    stream = session.execute(
        select(LiveStream).where(LiveStream.id == data["stream_id"]).with_for_update()
    ).scalar_one()
    if stream.status != "live":
        return [f"the stream is {stream.status}; its chat stays off"]
    if stream.chat_enabled:
        return ["the chat was already on"]
    stream.chat_enabled = True
    session.flush()
    audit(
        session,
        actor,
        "live_stream.chat_on",
        "live_stream",
        stream.id,
        {"chat_enabled": False},
        {"chat_enabled": True},
        note,
    )
    return ["chat turned back on"]


def _republish(session: Session, actor: Actor, data: dict[str, Any], note: str) -> list[str]:
    """The video again, through the publishing gate; for a series, then each episode taken down with it, as it was
    (a scheduled one scheduled again while its time is ahead); an episode the gate now refuses stays off, and the
    line says which and why."""
    said: list[str] = []
    if data.get("video_was_live", True):
        refused = _republish_one(session, actor, int(data["video_id"]), note)
        if refused is not None:
            return [f"the video stays unpublished: {refused} Content staff can publish it once that is fixed"]
        said.append("video published again")
    else:
        said.append("the series stays unpublished (it was before the take-down)")
    episodes = list(data.get("episodes", []))
    back = 0
    for episode in episodes:
        refused = _republish_one(session, actor, int(episode["id"]), note, _parse(episode.get("scheduled_for")))
        if refused is None:
            back += 1
        else:
            said.append(f"episode #{int(episode['id'])} stays unpublished: {refused}")
    if episodes:
        said.insert(1, f"{back} of {len(episodes)} episodes taken down with it back as they were")
    return said


def _republish_one(
    session: Session, actor: Actor, video_id: int, note: str, scheduled_for: datetime | None = None
) -> str | None:
    """Publish (or schedule) one video again in a savepoint; the gate's refusal (nothing changed) as text."""
    from console.catalog.service import PublishRefused, republish_after_appeal

    savepoint = session.begin_nested()
    try:
        republish_after_appeal(session, actor=actor, video_id=video_id, reason=note, scheduled_for=scheduled_for)
    except PublishRefused as exc:
        savepoint.rollback()
        return exc.message
    savepoint.commit()
    return None


def _unblock(session: Session, actor: Actor, data: dict[str, Any], note: str) -> list[str]:
    entry = session.execute(select(BlockEntry).where(BlockEntry.id == data["block_id"]).with_for_update()).scalar_one()
    if not entry.active:
        return ["the blocklist entry was already off"]
    entry.active = False
    session.flush()
    audit(session, actor, "blocklist.deactivate", "blocklist", entry.id, {"active": True}, {"active": False}, note)
    return [f"“{entry.value}” taken off the blocklist"]


REVERSALS = {
    "warn": _withdraw_warning,
    "hide_comment": _unhide,
    "delete_chat_message": _restore_message,
    "mute": _reinstate,
    "suspend": _reinstate,
    "ban": _reinstate,
    "disable_chat": _chat_on,
    "unpublish_video": _republish,
    "blocklist": _unblock,
}
