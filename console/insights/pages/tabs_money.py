"""Revenue and Subscriptions tabs: helper M's money service (console/insights/service/money.py)."""

from __future__ import annotations

from console.insights.pages import adapters
from console.insights.pages.specs import ChartSpec, KpiSpec, Shows, named_kpi

STRIPE_NOTE = (
    "Members who subscribe and cancel inside one period count as new and as churned in it (Stripe's definition)."
)


def revenue_tab() -> Shows:
    from console.insights.service import money

    payments = adapters.drill_by_days(money.payments_behind)
    refunds = adapters.drill_by_days(money.refunds_behind)

    def by(dimension: str):  # type: ignore[no-untyped-def]
        def load(session, *, actor, period, grain):  # type: ignore[no-untyped-def]
            return money.revenue_by(session, actor=actor, period=period, grain=grain, by=dimension)

        return load

    return Shows(
        kpis=(
            KpiSpec("gross", adapters.series_kpi(money.revenue, "Gross", label="Gross revenue")),
            KpiSpec("refunds", adapters.series_kpi(money.revenue, "Refunds", lower_is_better=True)),
            KpiSpec("net", adapters.series_kpi(money.revenue, "Net", label="Net revenue")),
            named_kpi(money.refund_rate),
            named_kpi(money.failed_payment_rate),
        ),
        charts=(
            ChartSpec(
                "revenue",
                "Gross, refunds and net",
                money.revenue,
                drill=adapters.drill_choose({"Refunds": refunds}, payments),
            ),
            *(
                ChartSpec(f"revenue_by_{d}", f"Net revenue by {d}", by(d), kind="bar", drill=payments)
                for d in ("kind", "plan", "country", "provider")
            ),
            adapters.bars_by(
                "refunds_by_reason", "Refunds by reason", money.refunds_by_reason, money.refunds_behind, "reason"
            ),
        ),
    )


def subscriptions_tab() -> Shows:
    from console.insights.service import money

    return Shows(
        kpis=(
            KpiSpec("mrr", adapters.series_kpi(money.mrr, "MRR", how="last")),
            KpiSpec("paying", adapters.series_kpi(money.mrr, "Paying subscribers", how="last")),
            named_kpi(money.subscriber_churn),
            named_kpi(money.revenue_churn),
            named_kpi(money.arpu),
            named_kpi(money.ltv),
            named_kpi(money.trial_conversion),
        ),
        charts=(
            ChartSpec(
                "mrr",
                "MRR and paying subscribers (month end)",
                money.mrr,
                drill=adapters.drill_month(money.mrr_members),
                monthly=True,
            ),
            ChartSpec(
                "mrr_movements",
                "MRR movements",
                money.mrr_movements,
                kind="bar",
                drill=adapters.drill_series_as(money.movement_members, "movement", day_param="month"),
                monthly=True,
            ),
            ChartSpec(
                "cohorts",
                "Cohort retention (% with MRR)",
                adapters.cohort_rows(money.cohort_retention),
                kind="heatmap",
                height=420,
                drill=adapters.drill_cohort(money.cohort_members),
            ),
        ),
        notes=(STRIPE_NOTE,),
    )
