"""Refund rules in the service (sandbox gateway): amount limits, reasons, notes, Apple, approval threshold, four
eyes, version conflicts, idempotency keys, audit events in the same transaction (and none when refused)."""

from __future__ import annotations

import pytest
from sqlalchemy import text, update
from sqlalchemy.exc import IntegrityError

from console.billing.models import Payment, Refund
from console.billing.service import refunds
from console.billing.service.refunds import (
    REFUND_REASON_LABELS,
    approve_refund,
    refund_preview,
    reject_refund,
    request_refund,
    submit_refund,
)
from console.config import get_settings
from console.db import session_scope
from console.errors import Conflict, Forbidden, NotFound, RuleViolation, ValidationFailed
from tests.billing import factories as f
from tests.conftest import staff_name


@pytest.fixture
def finance(actor_with):
    return actor_with("finance")


@pytest.fixture
def approver(actor_with):
    return actor_with("finance")


def _request(actor, payment_id, amount, *, reason="requested_by_customer", note=None, key=None):
    with session_scope() as session:
        return request_refund(
            session,
            actor=actor,
            payment_id=payment_id,
            amount_cents=amount,
            reason=reason,
            note=note,
            idempotency_key=key or f.key(),
        )


def _preview(actor, payment_id):
    with session_scope() as session:
        return refund_preview(session, actor=actor, payment_id=payment_id)


def test_reason_labels_cover_every_reason() -> None:
    from console.billing.models import REFUND_REASONS

    assert set(REFUND_REASON_LABELS) == set(REFUND_REASONS)


def test_preview_shows_refundable_threshold_and_in_flight(finance) -> None:
    pay = f.payment(amount_cents=10_000)
    _request(finance, pay, 3_000)
    preview = _preview(finance, pay)
    assert (preview.amount_cents, preview.refunded_cents, preview.in_flight_cents) == (10_000, 0, 3_000)
    assert preview.refundable_cents == 7_000
    assert preview.approval_threshold_cents == get_settings().refund_approval_cents == 5_000
    assert preview.blocked is None and preview.provider == "stripe" and preview.currency == "USD"


def test_preview_blocks_apple_and_says_where(finance) -> None:
    pay = f.payment(provider="apple", charge_id=None)
    preview = _preview(finance, pay)
    assert preview.blocked is not None and "Apple" in preview.blocked and "reportaproblem.apple.com" in preview.blocked
    assert preview.refundable_cents == 0
    with pytest.raises(ValidationFailed) as exc:
        _request(finance, pay, 100)
    assert "reportaproblem.apple.com" in exc.value.message
    assert f.refunds_of(pay) == []


@pytest.mark.parametrize("status", ["pending", "processing", "failed", "refunded"])
def test_only_succeeded_payments_refund(finance, status) -> None:
    pay = f.payment(status=status, refunded_cents=10_000 if status == "refunded" else 0)
    assert _preview(finance, pay).blocked
    with pytest.raises(ValidationFailed, match=r"succeeded|refunded in full"):
        _request(finance, pay, 100)
    assert f.audit_count("refund.request") == 0


def test_partially_refunded_payment_refunds_the_rest_only(finance) -> None:
    pay = f.payment(amount_cents=5_000, status="partially_refunded", refunded_cents=2_000)  # history without rows
    assert _preview(finance, pay).refundable_cents == 3_000
    with pytest.raises(ValidationFailed, match=r"at most \$30\.00"):
        _request(finance, pay, 3_001)
    assert _request(finance, pay, 3_000).status == "approved"


def test_nothing_left_is_blocked(finance) -> None:
    pay = f.payment(amount_cents=1_000)
    _request(finance, pay, 1_000)
    preview = _preview(finance, pay)
    assert preview.refundable_cents == 0 and preview.blocked and "Nothing is left" in preview.blocked


def test_over_refund_refused_naming_the_refundable_amount(finance) -> None:
    pay = f.payment(amount_cents=4_000)
    _request(finance, pay, 2_500)
    events = f.audit_count()
    with pytest.raises(ValidationFailed) as exc:
        _request(finance, pay, 1_501)
    assert "$15.00" in exc.value.message and f"payment #{pay}" in exc.value.message
    assert "amount_cents" in exc.value.errors
    assert len(f.refunds_of(pay)) == 1 and f.audit_count() == events
    assert _request(finance, pay, 1_500).amount_cents == 1_500


def test_void_refunds_do_not_count(finance, approver) -> None:
    pay = f.payment(amount_cents=9_000)
    big = _request(finance, pay, 9_000)  # above the threshold: awaits approval, counts meanwhile
    assert big.status == "awaiting_approval"
    with pytest.raises(ValidationFailed):
        _request(finance, pay, 1)
    with session_scope() as session:
        reject_refund(session, actor=approver, refund_id=big.id, version=big.version, note="wrong amount")
    assert _preview(finance, pay).refundable_cents == 9_000
    for status in ("failed", "canceled"):
        refund = _request(finance, pay, 1_000)
        with session_scope() as session:
            session.execute(update(Refund).where(Refund.id == refund.id).values(status=status))
    assert _preview(finance, pay).refundable_cents == 9_000


@pytest.mark.parametrize("amount", [0, -5, 12.5, "100", True, None])
def test_amount_must_be_positive_integer_cents(finance, amount) -> None:
    pay = f.payment()
    with pytest.raises(ValidationFailed) as exc:
        _request(finance, pay, amount)
    assert "amount_cents" in exc.value.errors
    assert f.refunds_of(pay) == [] and f.audit_count("refund.request") == 0


def test_reason_required_and_known(finance) -> None:
    pay = f.payment()
    with pytest.raises(ValidationFailed) as exc:
        _request(finance, pay, 100, reason="")
    assert exc.value.errors["reason"] == "is required"
    with pytest.raises(ValidationFailed) as exc:
        _request(finance, pay, 100, reason="because")
    assert "Goodwill" in exc.value.errors["reason"]
    assert f.refunds_of(pay) == []


def test_note_optional_and_limited(finance) -> None:
    pay = f.payment()
    assert _request(finance, pay, 100, note=None).note is None
    assert _request(finance, pay, 100, note="  Member was double charged.  ").note == "Member was double charged."
    with pytest.raises(ValidationFailed) as exc:
        _request(finance, pay, 100, note="x" * 2001)
    assert "note" in exc.value.errors
    with pytest.raises(ValidationFailed):
        _request(finance, pay, 100, note="bell \x07")
    assert len(f.refunds_of(pay)) == 2


def test_key_required_and_bounded(finance) -> None:
    pay = f.payment()
    for bad in ("", "   ", "k" * 65, "clé-ü"):
        with pytest.raises(ValidationFailed) as exc:
            _request(finance, pay, 100, key=bad or " ")
        assert "idempotency_key" in exc.value.errors
    assert f.refunds_of(pay) == []


def test_unknown_payment(finance) -> None:
    with pytest.raises(NotFound):
        _request(finance, 999_999, 100)
    with pytest.raises(NotFound):
        _preview(finance, 999_999)


def test_threshold_decides_approval(finance) -> None:
    pay = f.payment(amount_cents=20_000)
    at = _request(finance, pay, 5_000)
    above = _request(finance, pay, 5_001)
    assert (at.status, above.status) == ("approved", "awaiting_approval")
    assert at.requested_by_id == finance.staff_id and at.requested_by_label == finance.label
    assert at.approved_by_id is None


def test_threshold_follows_the_setting(finance, monkeypatch) -> None:
    monkeypatch.setenv("CONSOLE_REFUND_APPROVAL_CENTS", "100")
    get_settings.cache_clear()
    pay = f.payment()
    assert _request(finance, pay, 101).status == "awaiting_approval"
    assert _request(finance, pay, 100).status == "approved"


def test_request_writes_its_audit_event(finance) -> None:
    pay = f.payment()
    refund = _request(finance, pay, 700, reason="duplicate", note="charged twice")
    assert f.audit_actions("refund", refund.id) == ["refund.request"]
    with session_scope() as session:
        reason = session.execute(
            text("SELECT reason, actor_label FROM audit_events WHERE entity = 'refund' AND entity_id = :id"),
            {"id": str(refund.id)},
        ).one()
    assert tuple(reason) == ("charged twice", finance.label)


# --- approval -------------------------------------------------------------------------------------------------


def test_second_person_approves(finance, approver) -> None:
    pay = f.payment(amount_cents=8_000)
    refund = _request(finance, pay, 8_000)
    with session_scope() as session:
        done = approve_refund(session, actor=approver, refund_id=refund.id, version=refund.version, note="ok")
        assert (done.status, done.approved_by_id, done.decision_note) == ("approved", approver.staff_id, "ok")
        assert done.decided_at is not None
    assert f.audit_actions("refund", refund.id) == ["refund.request", "refund.approve"]


def test_requester_cannot_approve_own_refund(finance) -> None:
    pay = f.payment(amount_cents=8_000)
    refund = _request(finance, pay, 8_000)
    with pytest.raises(Forbidden, match="another finance staff member"), session_scope() as session:
        approve_refund(session, actor=finance, refund_id=refund.id, version=refund.version)
    assert f.get_refund(refund.id).status == "awaiting_approval"
    assert f.audit_actions("refund", refund.id) == ["refund.request"]


def test_admin_requester_cannot_approve_own_refund_either(actor_with) -> None:
    admin = actor_with("admin")
    refund = _request(admin, f.payment(amount_cents=8_000), 8_000)
    with pytest.raises(Forbidden), session_scope() as session:
        approve_refund(session, actor=admin, refund_id=refund.id, version=refund.version)


def test_database_backs_four_eyes(finance) -> None:
    refund = _request(finance, f.payment(amount_cents=8_000), 8_000)
    with pytest.raises(IntegrityError), session_scope() as session:
        session.execute(update(Refund).where(Refund.id == refund.id).values(approved_by_id=finance.staff_id))


def test_stale_version_is_a_conflict_naming_who(finance, approver, actor_with) -> None:
    other = actor_with("finance")
    refund = _request(finance, f.payment(amount_cents=8_000), 8_000)
    with session_scope() as session:
        reject_refund(session, actor=other, refund_id=refund.id, version=refund.version, note="not eligible")
    with pytest.raises(Conflict) as exc, session_scope() as session:
        approve_refund(session, actor=approver, refund_id=refund.id, version=refund.version)
    assert exc.value.changed_by == staff_name(other) and staff_name(other) in exc.value.message
    assert exc.value.current["status"] == "rejected"
    assert f.get_refund(refund.id).status == "rejected"


def test_a_stale_approval_says_the_refund_went_through_in_words(finance, approver, actor_with) -> None:
    """QA: "(it is now succeeded)" read as a stored code."""
    other = actor_with("finance")
    refund = _request(finance, f.payment(amount_cents=8_000), 8_000)
    with session_scope() as session:
        approve_refund(session, actor=other, refund_id=refund.id, version=refund.version)
    assert submit_refund(actor=other, refund_id=refund.id).status == "succeeded"
    with pytest.raises(Conflict) as exc, session_scope() as session:
        approve_refund(session, actor=approver, refund_id=refund.id, version=refund.version)
    assert "(it is now refunded)" in exc.value.message


def test_only_awaiting_refunds_are_approved(finance, approver) -> None:
    refund = _request(finance, f.payment(), 1_000)  # approved at once
    with pytest.raises(RuleViolation, match="awaiting approval"), session_scope() as session:
        approve_refund(session, actor=approver, refund_id=refund.id, version=refund.version)


def test_approval_rechecks_what_is_left(finance, approver) -> None:
    pay = f.payment(amount_cents=8_000)
    refund = _request(finance, pay, 8_000)
    with session_scope() as session:  # a refund in the Stripe dashboard meanwhile
        dashboard = {"refunded_cents": 1_000, "status": "partially_refunded"}
        session.execute(update(Payment).where(Payment.id == pay).values(**dashboard))
    with pytest.raises(RuleViolation, match=r"only \$70\.00") as exc, session_scope() as session:
        approve_refund(session, actor=approver, refund_id=refund.id, version=refund.version)
    assert "smaller" in exc.value.message
    assert f.get_refund(refund.id).status == "awaiting_approval"


def test_reject_needs_a_note_and_frees_the_amount(finance, approver) -> None:
    pay = f.payment(amount_cents=8_000)
    refund = _request(finance, pay, 8_000)
    with pytest.raises(ValidationFailed), session_scope() as session:
        reject_refund(session, actor=approver, refund_id=refund.id, version=refund.version, note="  ")
    with session_scope() as session:
        done = reject_refund(session, actor=approver, refund_id=refund.id, version=refund.version, note="no")
        assert done.status == "rejected" and done.decision_note == "no"
        assert done.approved_by_id == approver.staff_id and done.decided_at is not None  # who decided, and when
    assert f.audit_actions("refund", refund.id) == ["refund.request", "refund.reject"]
    with pytest.raises(RuleViolation, match="not yet sent"), session_scope() as session:
        reject_refund(session, actor=approver, refund_id=refund.id, version=refund.version + 1, note="again")


def test_sent_refund_cannot_be_rejected(finance, approver) -> None:
    refund = _request(finance, f.payment(), 1_000)
    sent = submit_refund(actor=finance, refund_id=refund.id)
    assert sent.status == "succeeded"
    with pytest.raises(RuleViolation), session_scope() as session:
        reject_refund(session, actor=approver, refund_id=refund.id, version=sent.version, note="too late")


# --- idempotency --------------------------------------------------------------------------------------------


def test_same_key_twice_gives_one_refund(finance) -> None:
    pay = f.payment()
    k = f.key()
    first = _request(finance, pay, 1_000, key=k)
    second = _request(finance, pay, 1_000, key=k)
    assert first.id == second.id
    assert len(f.refunds_of(pay)) == 1 and f.audit_count("refund.request") == 1


def test_same_key_for_another_payment_is_refused(finance) -> None:
    k = f.key()
    _request(finance, f.payment(), 1_000, key=k)
    other = f.payment()
    with pytest.raises(ValidationFailed, match="another payment"):
        _request(finance, other, 1_000, key=k)
    assert f.refunds_of(other) == []


def test_key_race_caught_by_the_unique_index(finance, monkeypatch) -> None:
    """The twin request committed between our look-ups and our insert: the savepoint catches the unique violation
    and the existing refund is returned (no error, no second row, no second audit event)."""
    pay = f.payment()
    k = f.key()
    first = _request(finance, pay, 1_000, key=k)
    real = refunds._by_key
    calls = {"n": 0}

    def blind_twice(session, key):
        calls["n"] += 1
        return None if calls["n"] <= 2 else real(session, key)

    monkeypatch.setattr(refunds, "_by_key", blind_twice)
    again = _request(finance, pay, 1_000, key=k)
    assert again.id == first.id and calls["n"] == 3
    assert len(f.refunds_of(pay)) == 1 and f.audit_count("refund.request") == 1
