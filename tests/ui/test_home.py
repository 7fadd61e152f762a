"""Home per role: each role's work as counts of hand-made rows, each tile a link to the filtered list it counts,
and no tile of another role's work."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from nicegui import ui
from nicegui.testing import User
from sqlalchemy import func, select, update

from console import db
from console.actor import SYSTEM
from console.ads.models import Ad
from console.audit.models import AuditEvent
from console.audit.service import kind_clause
from console.billing.models import Refund
from console.catalog.models import Video
from console.compliance.models import ComplianceHold
from console.db import utcnow
from console.errors import Forbidden
from console.insights.models import MrrCohortMonthly, MrrMovementMonthly
from console.insights.rollup_money import first_of_month, previous_month
from console.insights.service.headline import latest_kpis
from console.moderation.models import ModerationCase
from console.staff.models import Staff
from tests.ads import factories as ad_factories
from tests.billing import factories as billing
from tests.catalog.factories import make_performer, make_video
from tests.moderation import factories as moderation
from tests.ui.helpers import current_path, current_url, element, rows, sees_marker, sign_in_and_wait, wait_until

SECTIONS = ("moderation", "billing", "catalog", "compliance", "ads", "kpis", "admin")
_seq = itertools.count(1)


async def _home(user: User, *roles: str, make_staff: Any) -> int:
    staff_id, email = make_staff(*roles)
    await sign_in_and_wait(user, email)
    await user.open("/")
    await wait_until(lambda: not sees_marker(user, "home-loading"), what="the home counts")
    return staff_id


def _count(user: User, key: str) -> str:
    return str(element(user, f"count-{key}").text)


def _sections_shown(user: User) -> set[str]:
    return {key for key in SECTIONS if sees_marker(user, f"home-section-{key}")}


async def _open_tile(user: User, key: str, path: str) -> None:
    user.find(marker=f"tile-{key}").click()
    await wait_until(lambda: current_path(user) == path, what=f"the list behind tile {key}")


async def _rows(user: User, count: int) -> list[dict[str, Any]]:
    await wait_until(lambda: sees_marker(user, "paged-table") and len(rows(user)) == count, what=f"{count} rows")
    return rows(user)


def _set(model: Any, row_id: int, **values: Any) -> None:
    with db.session_scope() as session:
        session.execute(update(model).where(model.id == row_id).values(**values))


# --- moderators ---------------------------------------------------------------------------------------------------


async def test_moderator_sees_open_emergencies_first_and_their_tile_filters_the_queue(
    user: User, make_staff, actor_for
) -> None:
    moderation.report("member", moderation.member())  # an ordinary case: counted as open, not as an emergency
    emergency = moderation.report("member", moderation.member(), "non_consensual").case_id
    _, email = make_staff("moderator")
    await sign_in_and_wait(user, email)
    await user.open("/")
    await wait_until(lambda: sees_marker(user, "count-moderation-emergencies"), what="the moderation counts")
    assert (_count(user, "moderation-emergencies"), _count(user, "moderation-open")) == ("1", "2")
    await _open_tile(user, "moderation-emergencies", "/moderation")
    assert element(user, "queue-urgency").value == "emergency"
    assert [r["id"] for r in await _rows(user, 1)] == [emergency]


async def test_moderator_sees_open_mine_and_past_sla(user: User, make_staff, actor_for) -> None:
    cases = [moderation.report("member", moderation.member()).case_id for _ in range(4)]
    me, email = make_staff("moderator")
    moderation.claim(cases[0], actor_for(me))
    _set(ModerationCase, cases[1], sla_due_at=utcnow() - timedelta(hours=1))
    _set(ModerationCase, cases[3], status="dismissed", resolved_at=utcnow())  # closed: counted nowhere
    await sign_in_and_wait(user, email)
    await user.open("/")
    await wait_until(lambda: sees_marker(user, "count-moderation-open"), what="the moderation counts")
    assert (_count(user, "moderation-open"), _count(user, "moderation-mine")) == ("3", "1")
    assert _count(user, "moderation-past_sla") == "1"
    assert _count(user, "moderation-emergencies") == "0"
    assert _sections_shown(user) == {"moderation"}
    await _open_tile(user, "moderation-past_sla", "/moderation")
    assert element(user, "queue-sla").value == "past"
    found = await _rows(user, 1)
    assert found[0]["id"] == cases[1]
    await user.open("/")
    await wait_until(lambda: sees_marker(user, "tile-moderation-mine"), what="home again")
    await _open_tile(user, "moderation-mine", "/moderation")
    assert [r["id"] for r in await _rows(user, 1)] == [cases[0]]


# --- finance ------------------------------------------------------------------------------------------------------


def _refund(payment_id: int, status: str, requested_by: int | None) -> None:
    with db.session_scope() as session:
        session.add(
            Refund(
                payment_id=payment_id,
                amount_cents=500,
                currency="USD",
                reason="requested_by_customer",
                status=status,
                requested_by_id=requested_by,
                requested_by_label="someone",
                idempotency_key=f"home-test-{next(_seq)}",
            )
        )


async def test_finance_sees_refunds_awaiting_approval_and_failed_payments(user: User, make_staff) -> None:
    other, _ = make_staff("finance")
    me, email = make_staff("finance")
    paid = billing.payment()
    _refund(paid, "awaiting_approval", other)
    _refund(paid, "awaiting_approval", None)
    _refund(paid, "awaiting_approval", me)  # my own request: not mine to approve
    _refund(paid, "succeeded", other)
    failed = [billing.payment(status="failed", charge_id=None) for _ in range(2)]
    await sign_in_and_wait(user, email)
    await user.open("/")
    await wait_until(lambda: sees_marker(user, "count-billing-failed"), what="the billing counts")
    assert (_count(user, "billing-approvals"), _count(user, "billing-failed")) == ("2", "2")
    assert _sections_shown(user) == {"billing", "kpis"}  # finance reads insights too
    assert sees_marker(user, "home-caption-kpis")  # no rollup yet: said so, no numbers
    await _open_tile(user, "billing-failed", "/billing")
    assert sorted(r["id"] for r in await _rows(user, 2)) == sorted(failed)
    await user.open("/")
    await wait_until(lambda: sees_marker(user, "tile-billing-approvals"), what="home again")
    await _open_tile(user, "billing-approvals", "/billing")
    assert current_url(user).endswith("tab=approvals")
    assert len(await _rows(user, 2)) == 2


# --- content ------------------------------------------------------------------------------------------------------


async def test_content_sees_drafts_held_and_scheduled_today(user: User, make_staff, monkeypatch) -> None:
    from console.ui.home import sections

    drafts = [make_video(title=f"Draft {i}") for i in range(2)]
    now = utcnow()
    monkeypatch.setattr(sections, "utcnow", lambda: now)  # home's "today" is this one, also if midnight UTC passes
    today = now.date()
    due = make_video(title="Due today")
    _set(Video, due, state="scheduled", publish_at=datetime.combine(today, time(23, 59), tzinfo=UTC))
    later = make_video(title="Due tomorrow")
    _set(
        Video, later, state="scheduled", publish_at=datetime.combine(today + timedelta(days=1), time(0, 1), tzinfo=UTC)
    )
    held = make_video(title="Held back")
    _set(Video, held, state="unpublished")
    with db.session_scope() as session:
        session.add(ComplianceHold(video_id=held, source="sweep", reason="no date of production"))
        session.add(ComplianceHold(video_id=drafts[0], source="sweep", reason="old", released_at=utcnow()))
    await _home(user, "content", make_staff=make_staff)
    assert (_count(user, "catalog-drafts"), _count(user, "catalog-held"), _count(user, "catalog-today")) == (
        "2",
        "1",
        "1",
    )
    assert _sections_shown(user) == {"catalog"}
    await _open_tile(user, "catalog-held", "/catalog")
    assert sees_marker(user, "catalog-held")  # the chip that says what the list is filtered by
    assert [r["id"] for r in await _rows(user, 1)] == [held]
    await user.open("/")
    await wait_until(lambda: sees_marker(user, "tile-catalog-today"), what="home again")
    await _open_tile(user, "catalog-today", "/catalog")
    assert [r["id"] for r in await _rows(user, 1)] == [due]
    assert element(user, "catalog-scheduled-on").text == f"Scheduled on {today.isoformat()} (UTC)"  # their zone
    await _open_tile_back_and(user, "catalog-drafts", "/catalog")
    assert sorted(r["id"] for r in await _rows(user, 2)) == sorted(drafts)


async def _open_tile_back_and(user: User, key: str, path: str) -> None:
    await user.open("/")
    await wait_until(lambda: sees_marker(user, f"tile-{key}"), what="home again")
    await _open_tile(user, key, path)


# --- compliance ---------------------------------------------------------------------------------------------------


async def test_compliance_sees_the_worklist_counts(user: User, make_staff) -> None:
    for _ in range(2):
        make_performer(f"Unrecorded {next(_seq)}")
    make_video(title="Undated draft")
    held = make_video(title="Held")
    _set(Video, held, state="unpublished")
    with db.session_scope() as session:
        session.add(ComplianceHold(video_id=held, source="sweep", reason="no date of production"))
    await _home(user, "compliance", make_staff=make_staff)
    shown = {tab: _count(user, f"compliance-{tab}") for tab in ("missing", "pending", "expiring", "blocked", "holds")}
    assert shown == {"missing": "2", "pending": "0", "expiring": "0", "blocked": "2", "holds": "1"}
    assert _sections_shown(user) == {"compliance"}
    await _open_tile(user, "compliance-holds", "/compliance")
    assert current_url(user).endswith("tab=holds")
    assert len(await _rows(user, 1)) == 1


# --- ad-ops -------------------------------------------------------------------------------------------------------


async def test_ad_ops_sees_pending_ads(user: User, make_staff) -> None:
    pending = [ad_factories.banner() for _ in range(2)]
    ad_factories.banner()  # a draft: not pending
    for ad, check in zip(pending, ("pass", "fail"), strict=True):
        _set(Ad, ad.id, state="pending_review", submitted_at=utcnow(), check_state=check)
    await _home(user, "ads", make_staff=make_staff)
    assert (_count(user, "ads-pending"), _count(user, "ads-failing")) == ("2", "1")
    assert _sections_shown(user) == {"ads"}
    await _open_tile(user, "ads-failing", "/ads")
    assert [r["id"] for r in await _rows(user, 1)] == [pending[1].id]


# --- executives ---------------------------------------------------------------------------------------------------


def _mrr_rollup() -> tuple[Any, Any]:
    """Two rolled-up months: 10 members / 1,000.00 USD, then 12 / 1,300.00 with 3 new and 1 churned."""
    month = first_of_month(utcnow().date())
    before = previous_month(month)
    with db.session_scope() as session:
        session.add(
            MrrCohortMonthly(month=before, first_paid_month=before, currency="USD", members=10, mrr_cents=100_000)
        )
        session.add(MrrCohortMonthly(month=month, first_paid_month=before, currency="USD", members=9, mrr_cents=95_000))
        session.add(MrrCohortMonthly(month=month, first_paid_month=month, currency="USD", members=3, mrr_cents=35_000))
        session.add(MrrMovementMonthly(month=month, movement="new", currency="USD", members=3, mrr_cents=35_000))
        session.add(MrrMovementMonthly(month=month, movement="churned", currency="USD", members=1, mrr_cents=-5_000))
    return before, month


def _last_day(month: Any) -> Any:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


@pytest.mark.parametrize("day", ["15th", "last"])
async def test_executive_sees_the_latest_kpis_with_their_period(
    user: User, make_staff, monkeypatch: pytest.MonkeyPatch, day: str
) -> None:
    """On the 15th the month is still running: its churn is "so far", not compared with a whole month (on the 1st
    one day's 0.0 % read as "-6.7 points"); on its last day it is the month's, compared."""
    from console.insights.service import headline

    _before, month = _mrr_rollup()
    today = month.replace(day=15) if day == "15th" else _last_day(month)
    monkeypatch.setattr(headline, "utcnow", lambda: datetime.combine(today, time(12), tzinfo=UTC))
    await _home(user, "executive", make_staff=make_staff)
    assert _sections_shown(user) == {"kpis"}
    assert (_count(user, "kpi-mrr"), _count(user, "kpi-subscribers")) == ("$1,300.00", "12")
    assert _count(user, "kpi-churn") == f"{100 / 13:,.1f} %"  # 1 churned of 10 at the start + 3 new
    assert element(user, "note-kpi-mrr").text.startswith("+$300.00")
    caption = element(user, "home-caption-kpis").text
    assert month.strftime("%B %Y") in caption and today.isoformat() in caption
    if day == "15th":
        assert element(user, "note-kpi-churn").text == "this month so far"  # nobody paid the month before that
        assert ", so far)" in caption
    else:
        assert element(user, "note-kpi-churn").text == "no comparison"  # nobody paid the month before that
        assert "so far" not in caption
    await _open_tile(user, "kpi-mrr", "/insights")
    await user.should_not_see(marker="forbidden")
    (panels,) = user.find(kind=ui.tab_panels).elements
    assert panels.value == "subscriptions"  # the tile opens the tab its numbers come from
    await user.open("/insights?tab=no-such-tab")  # an unknown tab opens the first
    (panels,) = user.find(kind=ui.tab_panels).elements
    assert panels.value == "revenue"


def test_latest_kpis_needs_insights_read_and_a_rollup(actor_with) -> None:
    with db.session_scope() as session:
        with pytest.raises(Forbidden):
            latest_kpis(session, actor=actor_with("moderator"))
        assert latest_kpis(session, actor=actor_with("executive")).period is None


# --- administrators and nobody ------------------------------------------------------------------------------------


async def test_admin_sees_every_section_with_staff_and_audit(user: User, make_staff) -> None:
    make_staff("moderator")
    await _home(user, "admin", make_staff=make_staff)
    assert _sections_shown(user) == set(SECTIONS)
    with db.session_scope() as session:
        staff = session.execute(select(func.count()).select_from(Staff)).scalar_one()
        changes = session.execute(
            select(func.count()).select_from(AuditEvent).where(kind_clause("changes"))
        ).scalar_one()
    assert _count(user, "admin-staff") == f"{staff:,}" == "2"
    assert _count(user, "admin-audit") == f"{changes:,}"
    await _open_tile(user, "admin-staff", "/staff")
    assert len(await _rows(user, 2)) == 2


async def test_staff_whose_roles_read_nothing_see_no_work_and_no_search(user: User, make_staff) -> None:
    """No role of the matrix reads nothing, but an account can hold only a role that grants nothing (one retired
    from the matrix: permissions_for ignores it)."""
    staff_id, email = make_staff("executive")
    _set(Staff, staff_id, roles=["retired-role"])
    await sign_in_and_wait(user, email)
    await user.open("/")
    assert sees_marker(user, "home-no-work")
    assert _sections_shown(user) == set()
    assert not sees_marker(user, "global-search")
    assert not sees_marker(user, "global-search-target")


def test_every_section_reads_without_a_page_for_the_system_actor() -> None:
    """The sections need nothing of a page (a bench or a job can read them); the system actor sees them all."""
    from console.ui.home.sections import read_sections

    with db.session_scope() as session:
        found = read_sections(session, actor=SYSTEM)
    assert [s.key for s in found] == [*SECTIONS, "members"]
    assert all(not s.error for s in found)


async def test_catalog_address_filters_ignore_bad_values_and_the_chip_removes_its_filter(
    user: User, make_staff
) -> None:
    videos = [make_video(title=f"Plain {i}") for i in range(2)]
    held = make_video(title="Held back")
    with db.session_scope() as session:
        session.add(ComplianceHold(video_id=held, source="sweep", reason="no date of production"))
    _, email = make_staff("content")
    await sign_in_and_wait(user, email)
    await user.open("/catalog?held=yes&scheduled_on=2026-02-30")
    assert len(await _rows(user, 3)) == 3
    assert not sees_marker(user, "catalog-held") and not sees_marker(user, "catalog-scheduled-on")
    await user.open("/catalog?held=1")
    assert [r["id"] for r in await _rows(user, 1)] == [held]
    element(user, "catalog-held").set_value(False)  # the chip's ✕ (Quasar's remove sets the value to false)
    assert sorted(r["id"] for r in await _rows(user, 3)) == sorted([*videos, held])
    assert not sees_marker(user, "catalog-held")


def test_a_running_month_s_rate_is_not_compared_with_a_whole_month() -> None:
    from datetime import date

    from console.insights.series import Kpi
    from console.ui.home.sections import _change

    churn = Kpi("Subscriber churn", 0.0, 6.7, "%", lower_is_better=True)
    november = date(2026, 11, 1)
    assert _change(churn, so_far=True, month_before=november) == "this month so far; November: 6.7 %"
    assert _change(churn, so_far=False, month_before=november) == "-6.7 points vs the month before"
    mrr = Kpi("MRR", 1300.0, 1000.0, "USD")  # an amount at a day's end compares with the month before's end
    assert _change(mrr, so_far=True, month_before=november).startswith("+$300.00")
