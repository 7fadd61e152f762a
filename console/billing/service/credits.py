"""Goodwill credits (003's credit ledger): a bonus granted by finance, with a reason, and the member's balance.

The ledger is append-only and every entry carries the balance after it. Whoever appends locks the member's row
first (`FOR UPDATE` on PostgreSQL; SQLite's writers are serialised by BEGIN IMMEDIATE), so two grants at the same
moment cannot both read the same balance: every writer of `credit_ledger` must do the same.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.actor import Actor
from console.audit.service import record as audit
from console.billing.models import CreditLedgerEntry
from console.db import utcnow
from console.errors import NotFound, RuleViolation, ValidationFailed
from console.members.models import Member
from console.staff.permissions import Permission, require
from console.validation import clean_text

GRANT_MAX = 100_000  # credits in one grant; more is a typo or a job for the platform, not goodwill
BALANCE_MAX = 2_000_000_000  # the ledger's balance column is a 32-bit integer
REASON_MAX = 1000


def _balance(session: Session, member_id: int) -> int:
    found = session.execute(
        select(CreditLedgerEntry.balance_after)
        .where(CreditLedgerEntry.member_id == member_id)
        .order_by(CreditLedgerEntry.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    return int(found or 0)


def credit_balance(session: Session, *, actor: Actor, member_id: int) -> int:
    """The member's credits now: the balance after their latest ledger entry (0 without any)."""
    require(actor, Permission.BILLING_READ)
    if session.get(Member, member_id) is None:
        raise NotFound(f"Member #{member_id} does not exist.")
    return _balance(session, member_id)


def grant_credits(session: Session, *, actor: Actor, member_id: int, amount: int, reason: str) -> CreditLedgerEntry:
    """Add `amount` bonus credits (1 to GRANT_MAX) with a reason; audited as credits.grant."""
    require(actor, Permission.BILLING_MANAGE)
    errors: dict[str, str] = {}
    if not isinstance(amount, int) or isinstance(amount, bool):
        errors["amount"] = "must be a whole number of credits"
    elif amount <= 0:
        errors["amount"] = "must be more than 0 (credits are granted here, never taken back)"
    elif amount > GRANT_MAX:
        errors["amount"] = f"must be at most {GRANT_MAX:,} credits in one grant"
    text = clean_text(reason, "reason", errors, max_len=REASON_MAX, multiline=True)
    if errors:
        raise ValidationFailed(errors)
    member = session.execute(select(Member).where(Member.id == member_id).with_for_update()).scalar_one_or_none()
    if member is None:
        raise NotFound(f"Member #{member_id} does not exist.")
    if member.status == "deleted":
        raise RuleViolation(f"@{member.username} deleted their account: credits cannot be granted.")
    before = _balance(session, member_id)
    after = before + amount
    if after > BALANCE_MAX:
        raise ValidationFailed({"amount": f"would take the balance over {BALANCE_MAX:,} credits"})
    entry = CreditLedgerEntry(
        member_id=member_id,
        kind="bonus",
        amount=amount,
        balance_after=after,
        reason=text,
        created_by_id=actor.staff_id,
        created_at=utcnow(),
    )
    session.add(entry)
    session.flush()
    audit(
        session,
        actor,
        "credits.grant",
        "member",
        member_id,
        {"balance": before},
        {"balance": after, "amount": amount, "ledger_entry_id": entry.id},
        text,
    )
    return entry
