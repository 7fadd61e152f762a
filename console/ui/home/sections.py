"""What the home page shows each role: sections of tiles, each tile a count (or a KPI) read through a service and
the address of the filtered list it counts. No NiceGUI here; the view (view.py) draws what `read_sections` returns.

A section is shown to whoever holds its permission — the permission of the work, not only of reading it (the
executive reads billing, but the billing section is for those who handle payments). Every count is the list's own
query with the bounded/estimated count of console/paging.py, so a tile says what the list's caption will say and
never costs a full scan ("≈" marks a planner estimate, as the lists do).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy.orm import Session

from console.actor import Actor
from console.ads.service.queue import QueueFilter, list_queue
from console.audit.service import AuditFilter, list_events
from console.billing.service.queries import PaymentFilter, list_payments, list_refunds
from console.catalog.service import VideoFilter, count_videos
from console.compliance import worklist
from console.db import utcnow
from console.errors import ConsoleError
from console.insights.pages.tab_view import fmt_value
from console.insights.rollup_money import next_month, previous_month
from console.insights.series import Kpi
from console.insights.service.headline import latest_kpis
from console.members.models import MEMBER_STATUS_LABELS, MEMBER_STATUSES
from console.members.service import status_counts
from console.moderation.service.queue import queue_counts
from console.paging import PageRequest
from console.staff.permissions import Permission, can
from console.staff.service import StaffFilter, list_staff
from console.ui.formatting import viewer_zone

ONE = PageRequest(1, 1)  # the lists' totals come with their first page; one row is all a tile needs


@dataclass(frozen=True)
class Tile:
    key: str  # unique on the page: the count's mark is `count-{key}`, the tile's `tile-{key}`
    label: str
    href: str  # the filtered list the number counts
    value: str
    note: str = ""  # a line under the value (a KPI's change)


@dataclass
class SectionData:
    key: str
    title: str
    tiles: list[Tile] = field(default_factory=list)
    caption: str = ""  # e.g. the period of the KPIs
    error: str = ""  # a refusal or failure of this section only


Reader = Callable[[Session, Actor, SectionData], None]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    permission: Permission
    read: Reader


def count_text(total: int, estimated: bool) -> str:
    return f"{'≈' if estimated else ''}{total:,}"


def _moderation(session: Session, actor: Actor, out: SectionData) -> None:
    counts = queue_counts(session, actor=actor)
    for key, label, href in (
        ("emergencies", "Open emergencies", "/moderation?urgency=emergency"),
        ("open", "Open cases", "/moderation?status=live"),
        ("mine", "Claimed by me", "/moderation?status=claimed&assignee=mine"),
        ("past_sla", "Open, past their SLA", "/moderation?sla=past"),  # now; Insights counts those resolved late
    ):
        out.tiles.append(Tile(f"moderation-{key}", label, href, count_text(*counts[key])))


def _billing(session: Session, actor: Actor, out: SectionData) -> None:
    if can(actor, Permission.BILLING_APPROVE):
        waiting = list_refunds(session, actor=actor, awaiting_my_approval=True, page=ONE)
        out.tiles.append(
            Tile(
                "billing-approvals",
                "Refunds awaiting my approval",
                "/billing?tab=approvals",
                count_text(waiting.total, waiting.estimated),
            )
        )
    failed = list_payments(session, actor=actor, flt=PaymentFilter(status="failed"), page=ONE)
    out.tiles.append(
        Tile("billing-failed", "Failed payments", "/billing?status=failed", count_text(failed.total, failed.estimated))
    )


def _catalog(session: Session, actor: Actor, out: SectionData) -> None:
    zone = viewer_zone()  # "today" is the staff member's day
    today = utcnow().astimezone(zone).date()
    for key, label, href, flt in (
        ("drafts", "Drafts", "/catalog?state=draft", VideoFilter(state="draft")),
        ("held", "Blocked: on compliance hold", "/catalog?held=1", VideoFilter(on_hold=True)),
        (
            "today",
            "Scheduled today",
            f"/catalog?scheduled_on={today.isoformat()}",
            VideoFilter(publish_day=today, day_zone=zone.key),
        ),
    ):
        out.tiles.append(Tile(f"catalog-{key}", label, href, count_text(*count_videos(session, actor=actor, flt=flt))))


def _compliance(session: Session, actor: Actor, out: SectionData) -> None:
    counts = worklist.worklist_counts(session, actor=actor)
    for tab in worklist.TABS:
        count = counts[tab]
        out.tiles.append(
            Tile(
                f"compliance-{tab}",
                worklist.TAB_LABELS[tab],
                f"/compliance?tab={tab}",
                count_text(count.total, count.estimated),
            )
        )


def _ads(session: Session, actor: Actor, out: SectionData) -> None:
    for key, label, href, flt in (
        ("pending", "Ads pending review", "/ads?state=pending_review", QueueFilter()),
        (
            "failing",
            "Pending, failing a check",
            "/ads?state=pending_review&check_state=fail",
            QueueFilter(check_state="fail"),
        ),
    ):
        found = list_queue(session, actor=actor, flt=flt, page=ONE)
        out.tiles.append(Tile(f"ads-{key}", label, href, count_text(found.total, found.estimated)))


def _kpis(session: Session, actor: Actor, out: SectionData) -> None:
    headline = latest_kpis(session, actor=actor)
    if headline.period is None:
        out.caption = "No subscription rollup yet (run `insights rollup`)."
        return
    period = headline.period
    so_far = period.end < next_month(period.start) - timedelta(days=1)  # the month is still running
    out.caption = f"{period.start:%B %Y} ({period.label()}{', so far' if so_far else ''}), against the month before"
    for key, kpi in zip(("mrr", "subscribers", "churn"), headline.kpis, strict=True):
        note = _change(kpi, so_far=so_far, month_before=previous_month(period.start))
        value = fmt_value(kpi.value, kpi.unit)
        out.tiles.append(Tile(f"kpi-{key}", kpi.name, "/insights?tab=subscriptions", value, note))


def _change(kpi: Kpi, *, so_far: bool = False, month_before: date | None = None) -> str:
    """The tile's comparison with the month before. A rate of a month still running is not compared with a whole
    month (on the 1st, one day's churn of 0.0 % read as "-6.7 points"): it says so and gives the month before's."""
    if so_far and kpi.unit == "%" and kpi.value is not None:
        if month_before is None or kpi.previous is None:
            return "this month so far"
        return f"this month so far; {month_before:%B}: {fmt_value(kpi.previous, kpi.unit)}"
    change = kpi.change
    if change is None:
        return "no comparison"
    if kpi.unit == "%":  # a rate's change is in percentage points
        return f"{change.absolute:+,.1f} points vs the month before"
    sign = "+" if change.absolute > 0 else ""
    return f"{sign}{fmt_value(change.absolute, kpi.unit)} vs the month before"


def _admin(session: Session, actor: Actor, out: SectionData) -> None:
    staff = list_staff(session, actor=actor, flt=StaffFilter(), page=ONE)
    out.tiles.append(Tile("admin-staff", "Staff accounts", "/staff", count_text(staff.total, staff.estimated)))
    if can(actor, Permission.AUDIT_READ):
        events = list_events(session, actor=actor, flt=AuditFilter(kind="changes"), page=ONE)
        out.tiles.append(Tile("admin-audit", "Audited changes", "/audit", count_text(events.total, events.estimated)))


def _members(session: Session, actor: Actor, out: SectionData) -> None:
    counts = status_counts(session, actor=actor)
    for status in MEMBER_STATUSES:
        label = MEMBER_STATUS_LABELS[status]
        out.tiles.append(Tile(status, label, f"/members?status={status}", count_text(*counts[status])))


SECTIONS: tuple[Section, ...] = (
    Section("moderation", "Moderation queue", Permission.MODERATION_READ, _moderation),
    Section("billing", "Billing", Permission.BILLING_REFUND, _billing),
    Section("catalog", "Catalog", Permission.CATALOG_EDIT, _catalog),
    Section("compliance", "2257 worklist", Permission.COMPLIANCE_READ_LEGAL, _compliance),
    Section("ads", "Ad review", Permission.ADS_READ, _ads),
    Section("kpis", "Latest KPIs", Permission.INSIGHTS_READ, _kpis),
    Section("admin", "Staff and audit", Permission.STAFF_MANAGE, _admin),
    Section("members", "Members by status", Permission.MEMBERS_READ, _members),
)


def sections_for(actor: Actor) -> list[Section]:
    return [s for s in SECTIONS if can(actor, s.permission)]


def read_sections(session: Session, *, actor: Actor) -> list[SectionData]:
    """Every section the actor may see, in one unit of work; a section that fails says so and the others show."""
    found = []
    for section in sections_for(actor):
        data = SectionData(section.key, section.title)
        try:
            section.read(session, actor, data)
        except ConsoleError as exc:
            data.tiles, data.error = [], exc.message
        found.append(data)
    return found
