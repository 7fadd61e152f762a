"""console/audit/last_change.py: who last changed a row and when, for the stale-save Conflict of every service."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from console.actor import Actor
from console.audit.last_change import LastChange, last_change
from console.audit.models import READ_ACTIONS, AuditEvent
from console.audit.service import record
from console.db import session_scope, utcnow


def _actor(label: str) -> Actor:
    return Actor(kind="staff", label=label, staff_id=None)


def test_the_newest_event_on_the_row_leaving_out_the_given_actions() -> None:
    with session_scope() as session:
        record(session, _actor("ann"), "legal_record.update", "legal_record", 7, {"a": 1}, {"a": 2})
        record(session, _actor("bob"), "legal_record.update", "legal_record", 8, {"a": 1}, {"a": 2})  # another row
        record(session, _actor("cy"), sorted(READ_ACTIONS)[0], "legal_record", 7)  # a read
    with session_scope() as session:
        ann_at = session.execute(select(AuditEvent.occurred_at).where(AuditEvent.actor_label == "ann")).scalar_one()
        changed = last_change(session, "legal_record", 7, ignore=READ_ACTIONS)
        assert changed == LastChange("ann", ann_at)
        assert abs(changed.at - utcnow()) < timedelta(minutes=1)  # type: ignore[operator]
        assert last_change(session, "legal_record", "7").by == "cy"  # without `ignore` the read is the newest
        assert last_change(session, "legal_record", 9) == LastChange()


def test_only_takes_the_given_actions() -> None:
    """A production is audited under its video's id, beside the video's own events: `only` picks its saves."""
    with session_scope() as session:
        record(session, _actor("dee"), "production.update", "video", 5, {"d": 1}, {"d": 2})
        record(session, _actor("eve"), "video.update", "video", 5, {"t": 1}, {"t": 2})
        record(session, _actor("fay"), "production.view", "video", 5)
    with session_scope() as session:
        assert last_change(session, "video", 5, only=("production.create", "production.update")).by == "dee"
        assert last_change(session, "video", 5).by == "fay"
        assert last_change(session, "video", 5, only=("production.create",)) == LastChange()
