"""/insights drill-downs of the ops charts with NiceGUI's simulated user: clicking a day of "Compliance holds
placed", "Signups" (the total and one country's trace), "Plan mix", "Backlog" and "Time to first action and
resolution" opens the rows behind that point."""

from __future__ import annotations

from datetime import date
from typing import Any

from nicegui import ui
from nicegui.testing import User

from console.db import session_scope, utcnow
from console.insights.rollup_ops import rollup_members_day, rollup_moderation_day
from tests.billing import sub_factories as sf
from tests.insights import ops_factories as f
from tests.moderation.page_helpers import click, signed_in, texts, type_into, wait_shown
from tests.ui.helpers import all_marked, element, wait_until

MARCH_3 = date(2026, 3, 3)


async def open_march(user: User, first_chart: str) -> None:
    await user.open("/insights")
    await wait_shown(user, first_chart)
    type_into(user, "insights-range-start", "2026-03-01")
    type_into(user, "insights-range-end", "2026-03-31")
    click(user, "insights-range-apply")
    await wait_until(lambda: "2026-03-01" in texts(user, "insights-period")[0], what="March")
    await wait_until(lambda: _figure(user, first_chart)["data"][0]["x"][0] == "2026-03-01", what="March by day")


def _figure(user: User, marker: str) -> dict[str, Any]:
    found = element(user, marker)
    assert isinstance(found, ui.plotly) and isinstance(found.figure, dict)
    return found.figure


async def drill_rows(user: User, chart: str, day: date, series: str | None = None) -> list[dict[str, Any]]:
    """Click `series` (the legend's words; else the first trace) of `chart` on `day`; the rows that open."""
    marker = f"insights-chart-{chart}"
    await wait_until(lambda: bool(_figure(user, marker)["data"]), what=f"{chart} traces")
    names = [t.get("name") for t in _figure(user, marker)["data"]]
    curve = names.index(series) if series is not None else 0
    before = len(all_marked(user, "insights-drill"))
    user.find(marker=marker).trigger(
        "plotly_click", {"points": [{"x": day.isoformat(), "y": 1.0, "curveNumber": curve, "pointNumber": 0}]}
    )
    await wait_until(lambda: len(all_marked(user, "insights-drill")) > before, what=f"the {chart} drill-down")
    dialog = all_marked(user, "insights-drill")[-1]
    assert day.isoformat() in texts(user, "insights-drill-title")[-1]
    tables = [t for t in dialog.descendants() if isinstance(t, ui.table)]
    await wait_until(lambda: bool(tables[0].rows), what=f"the rows behind {chart}")
    return list(tables[0].rows)


async def test_content_and_members_drills(user: User, make_staff: Any, actor_with: Any) -> None:
    clerk = actor_with("compliance")
    held = f.video(title="Gamma by the sea")
    hold_id = f.hold(held, f.at(MARCH_3, 10), actor=clerk, reason="record revoked")
    us = f.member(f.at(MARCH_3, 9), "US")
    de = f.member(f.at(MARCH_3, 11), "DE")
    f.member(f.at(date(2026, 3, 4), 9), "US")
    plan = sf.plan()
    sub = f.subscription(plan, f.at(date(2026, 2, 1)))
    with session_scope() as session:
        for day in (MARCH_3, date(2026, 3, 4)):
            rollup_members_day(session, day)
    await signed_in(user, make_staff, "executive", email="exec@test.example", name="Eve Exec")
    await open_march(user, "insights-chart-holds_placed")

    holds = await drill_rows(user, "holds_placed", MARCH_3)
    assert [(r["id"], r["title"], r["placed_by"], r["on_hold"]) for r in holds] == [
        (hold_id, "Gamma by the sea", clerk.label, "Yes")
    ]
    everyone = await drill_rows(user, "signups", MARCH_3, "Signups")
    assert [r["id"] for r in everyone] == [us, de]
    only_de = await drill_rows(user, "signups", MARCH_3, "DE")
    assert [r["id"] for r in only_de] == [de]
    mix = await drill_rows(user, "plan_mix", MARCH_3, f"{f.plan_code(plan).capitalize()} · Stripe")  # legend words
    assert [(r["id"], r["plan"], r["provider"]) for r in mix] == [(sub, f.plan_code(plan).capitalize(), "Stripe")]


async def test_moderation_drills_for_a_moderator(user: User, make_staff: Any) -> None:
    waiting = f.case(f.at(date(2026, 3, 1), 8))
    handled = f.case(
        f.at(date(2026, 3, 2), 10), first_action=f.at(MARCH_3, 10), resolved=f.at(MARCH_3, 11), sla_hours=24
    )
    quick = f.case(f.at(MARCH_3, 9), first_action=f.at(MARCH_3, 9, 5), resolved=f.at(MARCH_3, 9, 30))
    with session_scope() as session:
        for day in range(1, 6):
            rollup_moderation_day(session, date(2026, 3, day))
    await signed_in(user, make_staff, "moderator")
    await open_march(user, "insights-chart-backlog")

    backlog = await drill_rows(user, "backlog", date(2026, 3, 2))  # open at the end of 03-02, oldest first
    assert [(r["id"], r["past_sla"]) for r in backlog] == [(waiting, "Yes"), (handled, "No")]  # not "true"
    late = await drill_rows(user, "backlog", date(2026, 3, 2), "Past SLA")
    assert [r["id"] for r in late] == [waiting]
    firsts = await drill_rows(user, "resolution_times", MARCH_3, "First action p90")
    assert [(r["id"], r["minutes"]) for r in firsts] == [(handled, 1440.0), (quick, 5.0)]
    done = await drill_rows(user, "resolution_times", MARCH_3, "Resolution p50")
    assert [(r["id"], r["minutes"], r["within_sla"]) for r in done] == [(handled, 1500.0, "No"), (quick, 30.0, "Yes")]


async def test_today_is_drawn_in_progress_and_its_dotted_point_opens_todays_rows(
    user: User, make_staff: Any, monkeypatch: Any
) -> None:
    from console.insights.pages import range_bar, tab_view, view

    today = utcnow().date()
    for module in (view, tab_view, range_bar):  # the page's "today" is this one, also if midnight UTC passes meanwhile
        monkeypatch.setattr(module, "utc_today", lambda: today)
    early = f.member(f.at(today, 0, 1), "US")
    with session_scope() as session:
        rollup_members_day(session, today)
    await signed_in(user, make_staff, "executive", email="exec@test.example", name="Eve Exec")
    await user.open("/insights")  # 30 days ending today
    await wait_shown(user, "insights-chart-signups")
    signups = _figure(user, "insights-chart-signups")
    names = [t["name"] for t in signups["data"]]
    dotted = signups["data"][names.index("Signups (in progress)")]
    assert dotted["line"]["dash"] == "dot" and dotted["x"][-1] == today.isoformat() and dotted["y"][-1] == 1.0
    assert signups["data"][names.index("Signups")]["y"][-1] is None
    assert [a["text"] for a in signups["layout"]["annotations"]] == ["in progress"]
    rows = await drill_rows(user, "signups", today, "Signups (in progress)")
    assert [r["id"] for r in rows] == [early]
