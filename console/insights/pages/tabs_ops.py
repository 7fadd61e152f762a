"""Content, Members, Ads and Moderation tabs over the ops services (service/ops.py, ops_sla.py, ops_drill.py)."""

from __future__ import annotations

from console.insights.pages import adapters
from console.insights.pages.specs import ChartSpec, KpiSpec, Shows, named_kpi


def content_tab() -> Shows:
    from console.insights.service import ops, ops_drill

    top = adapters.drill_period(ops.top_videos)
    hottest = adapters.drill_period(ops.hottest)
    holds = adapters.drill_by_days(ops_drill.holds_behind)
    return Shows(
        kpis=(
            KpiSpec("views", ops.views_kpi),
            named_kpi(ops.on_hold),
            KpiSpec("tiers", ops.hotness_tiers),
        ),
        charts=(
            ChartSpec("views", "Views and completes", ops.views, drill=top),
            ChartSpec("published", "Videos published", ops.videos_published, kind="bar", drill=hottest),
            ChartSpec("holds_placed", "Compliance holds placed", ops.holds_placed, kind="bar", drill=holds),
        ),
    )


def members_tab() -> Shows:
    from console.insights.service import ops, ops_drill

    return Shows(
        kpis=(KpiSpec("signups", adapters.series_kpi(ops.signups, "signups", label="Signups")),),
        charts=(
            ChartSpec(
                "signups",
                "Signups (total and top countries)",
                ops.signups,
                drill=adapters.drill_series_via(ops_drill.signups_behind, "country", ops_drill.signups_series_country),
            ),
            adapters.bars_by(
                "plan_mix", "Plan mix (live subscriptions)", ops.plan_mix, ops_drill.plan_mix_behind, "key"
            ),
        ),
    )


def ads_tab() -> Shows:
    from console.insights.service import ops

    by_advertiser = adapters.drill_period(ops.ads_by_advertiser)
    return Shows(
        kpis=(KpiSpec("ads", ops.ads_kpis),),
        charts=(ChartSpec("ads", "Impressions, clicks and spend", ops.ads_over_time, drill=by_advertiser),),
    )


def moderation_tab() -> Shows:
    from console.insights.service import ops, ops_drill

    return Shows(
        kpis=(
            KpiSpec("backlog", ops.backlog_kpis),
            KpiSpec("sla", ops.sla_times),
            KpiSpec("breaches", ops.sla_breaches),
        ),
        charts=(
            ChartSpec(
                "backlog",
                "Backlog",
                ops.backlog,
                drill=adapters.drill_series_via(
                    ops_drill.backlog_behind, "past_sla", ops_drill.backlog_series_past_sla
                ),
            ),
            ChartSpec(
                "resolution_times",
                "Time to first action and resolution",
                ops.resolution_times,
                drill=adapters.drill_series_via(ops_drill.case_times_behind, "which", ops_drill.case_time_of),
            ),
            ChartSpec(
                "decisions",
                "Decisions by action",
                ops.decisions_by_action,
                kind="bar",
                drill=adapters.drill_period(ops.decisions_by_moderator),
            ),
        ),
    )
