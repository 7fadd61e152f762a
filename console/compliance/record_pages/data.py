"""What the record editor reads and how it calls services: one audited snapshot of the record per load, and the
wrappers that run a service in its own unit of work off the event loop (errors become field messages) or behind a
confirmation that asks for a reason (console/ui/reason_dialog.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import ui
from sqlalchemy.orm import Session

from console.actor import Actor
from console.compliance import records, worklist
from console.compliance.record_pages.labels import history_rows
from console.db import session_scope
from console.staff.names import names_of
from console.ui.reason_dialog import ReasonDialog
from console.ui.session import require_live_session
from console.ui.work import call


def snapshot(
    session: Session, actor: Actor, detail: records.RecordDetail, *, with_holds: bool = True
) -> dict[str, Any]:
    """Everything the page shows, as plain values, read in the unit of work of one audited view. Without holds
    (`holds` None) for the first answer: the side column reads them once the page shows (`hold_rows`)."""
    p = detail.performer
    out: dict[str, Any] = {
        "performer": {"id": p.id, "name": p.name, "deleted": p.deleted_at is not None},
        "record": None,
        "names": [],
        "documents": [],
        "problems": [],
        "holds": [],
        "history": [],
        "diffs": {},
        "staff": {},
    }
    rec = detail.record
    if rec is None:
        return out
    out["record"] = records.record_view(rec) | {
        "entered_by_id": rec.entered_by_id,
        "amended_by_id": rec.amended_by_id,
        "created_at": rec.created_at,
        "amended_at": rec.amended_at,
    }
    out["names"] = [
        {"id": n.id, "name": n.name, "kind": n.kind, "used_from": n.used_from, "used_to": n.used_to}
        for n in detail.names
    ]
    out["documents"] = [
        records.document_view(doc)
        | {
            "version": doc.version,
            "scans": [
                {
                    "id": s.id,
                    "content_type": s.content_type,
                    "size_bytes": s.size_bytes,
                    "original_name": s.original_name,
                    "uploaded_at": s.uploaded_at,
                    "sha256": s.sha256,
                }
                for s in scans
            ],
        }
        for doc, scans in detail.documents
    ]
    out["problems"] = records.completeness_problems(session, rec, detail.documents)
    out["holds"] = hold_rows(session, actor, rec.id) if with_holds else None
    out["staff"] = detail.staff
    return out


def hold_rows(session: Session, actor: Actor, record_id: int) -> list[dict[str, Any]]:
    """The open holds this record caused (the videos only: the record itself was read by the audited view)."""
    return [
        {"hold_id": h.hold_id, "video_id": h.video_id, "title": h.title, "state": h.video_state, "reason": h.reason}
        for h in worklist.holds_of_record(session, actor=actor, record_id=record_id)
    ]


def load_holds(actor: Actor, record_id: int) -> list[dict[str, Any]]:
    with session_scope() as session:
        return hold_rows(session, actor, record_id)


def load_history(actor: Actor, record_id: int) -> tuple[list[dict[str, Any]], dict[Any, Any]]:
    """The History tab's rows and each row's before/after, read when the tab is first chosen (and after changes)."""
    with session_scope() as session:
        events = records.record_history(session, actor=actor, record_id=record_id)
        return history_rows(events, names_of(session, (e.actor_id for e in events if e.actor_kind == "staff")))


def load(actor: Actor, performer_id: int, *, with_holds: bool = True) -> dict[str, Any]:
    with session_scope() as session:
        detail = records.view_record(session, actor=actor, performer_id=performer_id)
        return snapshot(session, actor, detail, with_holds=with_holds)


def load_first(actor: Actor, performer_id: int) -> dict[str, Any]:
    """The first answer's read: the audited view, without the holds (read once the page shows)."""
    return load(actor, performer_id, with_holds=False)


async def run_service(fn: Callable[[Session, Actor], Any], **guard: Any) -> tuple[bool, Any]:
    """`fn(session, actor)` in its own unit of work off the event loop, as the live session's staff member;
    service errors become field messages or notifications (console/ui/work.call)."""
    live = require_live_session()
    if live is None:
        return False, None
    return await call(lambda session: fn(session, live.actor), **guard)


async def reason_dialog(
    host: ui.element,
    title: str,
    message: str,
    *,
    ok_label: str,
    action: Callable[[str, ui.textarea], Awaitable[bool]],
    danger: bool = True,
    draft: str | None = None,
) -> None:
    """A confirmation that asks for a reason (console/ui ReasonDialog, deleted once closed); `action(reason, field)`
    makes the one service call and returns True when it succeeded, which closes the dialog."""
    dialog = ReasonDialog(
        title,
        message,
        ok_label=ok_label,
        danger=danger,
        host=host,
        max_length=records.TEXT_LIMITS["reason"],
        draft=draft,
    )
    await dialog.ask(lambda reason: action(reason, dialog.reason))
