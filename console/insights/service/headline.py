"""The latest headline KPIs for the home page: MRR, paying subscribers and subscriber churn of the latest month the
MRR rollup has written (a few rows of insights_mrr_cohorts_monthly / insights_mrr_movements_monthly; never raw
payments), each with the month before for comparison."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.actor import Actor
from console.db import utcnow
from console.insights.models import MrrCohortMonthly
from console.insights.periods import Period
from console.insights.rollup_money import next_month, previous_month
from console.insights.series import Kpi
from console.insights.service.money_mrr import mrr, subscriber_churn
from console.staff.permissions import Permission, require


@dataclass(frozen=True)
class Headline:
    period: Period | None  # the latest rolled-up month (to today while it runs); None before the first rollup
    kpis: list[Kpi]  # MRR, paying subscribers, subscriber churn; `previous` is the month before


def latest_kpis(session: Session, *, actor: Actor, currency: str = "USD", today: date | None = None) -> Headline:
    require(actor, Permission.INSIGHTS_READ)
    latest = session.execute(
        select(func.max(MrrCohortMonthly.month)).where(MrrCohortMonthly.currency == currency)
    ).scalar_one_or_none()
    if latest is None:
        return Headline(None, [])
    today = today or utcnow().date()
    period = Period(latest, max(latest, min(next_month(latest) - timedelta(days=1), today)))
    money, members = mrr(session, actor=actor, period=Period(previous_month(latest), period.end), currency=currency)
    before, now = money.points[0][1], money.points[-1][1]
    return Headline(
        period,
        [
            Kpi("MRR", now, before, currency, money.definition, snapshot=True),
            Kpi(
                "Paying subscribers", members.points[-1][1], members.points[0][1], "", members.definition, snapshot=True
            ),
            subscriber_churn(session, actor=actor, period=period, currency=currency),
        ],
    )
