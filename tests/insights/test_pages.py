"""/insights with NiceGUI's simulated user: tabs by role, no edit controls, presets, dashed comparison traces,
the audited CSV export and the drill-down list, over the hand-computed money book."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

import pytest
from nicegui import ui
from nicegui.testing import User
from sqlalchemy import select

from console.audit.models import AuditEvent
from console.db import session_scope
from tests.insights import money_fixture
from tests.insights.test_kpi_tone import LOWER_IS_BETTER, expected_class
from tests.moderation.page_helpers import click, press, signed_in, texts, type_into, wait_shown
from tests.ui.helpers import all_elements, all_marked, element, wait_until

MONEY_TABS = ["revenue", "subscriptions", "content", "members", "ads", "moderation"]
EDIT_WORDS = ("edit", "save", "delete", "new", "refund", "approve", "cancel", "remove", "publish")


def figure(user: User, marker: str) -> dict[str, Any]:
    found = element(user, marker)
    assert isinstance(found, ui.plotly)
    assert isinstance(found.figure, dict)
    return found.figure


def definitions(user: User) -> list[str]:
    return [str(e.text) for e in all_marked(user, "insights-definition")]


def tab_keys(user: User) -> list[str]:
    return [m for m in (f"insights-tabbtn-{k}" for k in MONEY_TABS) if all_marked(user, m)]


async def executive_on_first_half_of_2026(user: User, make_staff: Any) -> None:
    """The money fixture rolled up, an executive signed in, /insights on January to June 2026."""
    money_fixture.build()
    money_fixture.roll_up_book()
    await signed_in(user, make_staff, "executive", email="exec@test.example", name="Eve Exec")
    await open_first_half_of_2026(user)


async def open_first_half_of_2026(user: User) -> None:
    await user.open("/insights")
    await wait_shown(user, "insights-chart-revenue")
    type_into(user, "insights-range-start", "2026-01-01")
    type_into(user, "insights-range-end", "2026-06-30")
    click(user, "insights-range-apply")
    await wait_until(lambda: "2026-01-01" in texts(user, "insights-period")[0], what="the custom period")
    await wait_until(lambda: figure(user, "insights-chart-revenue")["data"][0]["x"][0] == "2025-12-29", what="weeks")


async def test_executive_sees_every_tab_and_no_edit_control(user: User, make_staff: Any) -> None:
    await executive_on_first_half_of_2026(user, make_staff)
    assert tab_keys(user) == [f"insights-tabbtn-{k}" for k in MONEY_TABS]
    assert "today so far" not in texts(user, "insights-period")[0]  # a period that ended before today
    gross = figure(user, "insights-chart-revenue")
    assert [t["name"] for t in gross["data"]] == ["Gross", "Refunds", "Net"]
    assert gross["layout"]["height"] == 300 and gross["layout"]["paper_bgcolor"] == "rgba(0,0,0,0)"
    assert any(t == "Net revenue" for t in texts(user, "insights-kpi-name"))
    assert texts(user, "insights-kpi-change")  # a change against the previous period on every tile
    names, changes = texts(user, "insights-kpi-name"), all_marked(user, "insights-kpi-change")
    coloured = [(n, c) for n, c in zip(names, changes, strict=True) if c.text and c.text[0] in "▲▼▶"]
    assert any(n in LOWER_IS_BETTER and c.text[0] == "▲" for n, c in coloured), "no rising lower-is-better tile"
    for name, change in coloured:  # a rising refund or churn rate reads red, a rising revenue green
        assert expected_class(name, change.text[0]) in change.classes, (name, change.text, change.classes)
    assert any("Gross" in line for line in definitions(user))
    assert any("Stripe" in line for line in definitions(user))
    await wait_shown(user, "insights-chart-cohorts")  # the tabs load one after the other
    assert figure(user, "insights-chart-cohorts")["data"][0]["type"] == "heatmap"
    for button in all_elements(user, ui.button):
        words = str(button.text or "").lower()
        assert not any(w in words for w in EDIT_WORDS), f"an edit control on /insights: {button.text}"


async def test_moderator_sees_only_moderation(user: User, make_staff: Any) -> None:
    await signed_in(user, make_staff, "moderator")
    await user.open("/insights")
    await wait_shown(user, "insights-tabs")
    assert tab_keys(user) == ["insights-tabbtn-moderation"]
    assert not all_marked(user, "insights-chart-revenue")


async def test_staff_without_insights_roles_are_refused(user: User, make_staff: Any) -> None:
    await signed_in(user, make_staff, "content", email="content@test.example")
    await user.open("/insights")
    await wait_shown(user, "forbidden")


async def test_preset_changes_the_period_and_compare_adds_dashed_traces(user: User, make_staff: Any) -> None:
    await signed_in(user, make_staff, "executive", email="exec@test.example", name="Eve Exec")
    await user.open("/insights")
    await wait_shown(user, "insights-chart-revenue")
    assert len(figure(user, "insights-chart-revenue")["data"][0]["x"]) == 30
    element(user, "insights-preset").set_value("7d")
    await wait_until(lambda: len(figure(user, "insights-chart-revenue")["data"][0]["x"]) == 7, what="a week")
    start = date.fromisoformat(figure(user, "insights-chart-revenue")["data"][0]["x"][0])
    assert start.isoformat() in texts(user, "insights-period")[0]
    element(user, "insights-compare").set_value("previous")

    def dashed_traces() -> list[dict[str, Any]]:
        return [t for t in figure(user, "insights-chart-revenue")["data"] if t.get("line", {}).get("dash") == "dash"]

    await wait_until(lambda: len(dashed_traces()) == 3, what="comparison traces")
    dashed = dashed_traces()
    assert [t["name"] for t in dashed] == [
        "Gross (previous period)",
        "Refunds (previous period)",
        "Net (previous period)",
    ]
    assert dashed[0]["x"] == figure(user, "insights-chart-revenue")["data"][0]["x"]  # drawn on the current axis
    assert "compared with" in texts(user, "insights-period")[0]
    assert "today so far" in texts(user, "insights-period")[0]  # the 7-day preset ends today
    today = figure(user, "insights-chart-revenue")["data"][0]["x"][-1]  # the period ends today: still filling
    dotted = [t for t in figure(user, "insights-chart-revenue")["data"] if t.get("line", {}).get("dash") == "dot"]
    assert [t["name"] for t in dotted] == ["Gross (in progress)", "Refunds (in progress)", "Net (in progress)"]
    assert all(t["x"][-1] == today for t in dotted)
    assert figure(user, "insights-chart-revenue")["data"][0]["y"][-1] is None  # not drawn as a drop in the solid line


async def test_a_tab_left_open_past_midnight_moves_its_preset_on_at_the_next_reload(
    user: User, make_staff: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page fixed "today" when it was built: the next day its "last 7 days" still ended yesterday, and a custom
    range ending on the new day was refused as "in the future"."""
    from datetime import timedelta

    from console.insights.pages import range_bar

    day = date(2026, 3, 10)
    monkeypatch.setattr(range_bar, "utc_today", lambda: day)
    await signed_in(user, make_staff, "executive", email="exec@test.example", name="Eve Exec")
    await user.open("/insights")
    await wait_shown(user, "insights-chart-revenue")
    element(user, "insights-preset").set_value("7d")
    await wait_until(lambda: "2026-03-04" in texts(user, "insights-period")[0], what="the week to 2026-03-10")
    day += timedelta(days=1)  # midnight UTC passes with the tab open
    press(user, "r")
    await wait_until(lambda: "2026-03-05" in texts(user, "insights-period")[0], what="the week moved on a day")
    assert "2026-03-11" in texts(user, "insights-period")[0] and "today so far" in texts(user, "insights-period")[0]
    assert element(user, "insights-range-end").value == "2026-03-11"
    type_into(user, "insights-range-start", "2026-03-01")
    click(user, "insights-range-apply")  # a custom range to the new day is not "in the future"
    await wait_until(lambda: "2026-03-01" in texts(user, "insights-period")[0], what="the custom range to the new day")
    assert element(user, "insights-range-end").error is None


async def test_csv_export_downloads_and_is_audited(user: User, make_staff: Any) -> None:
    await executive_on_first_half_of_2026(user, make_staff)
    click(user, "insights-csv-revenue")
    response = await user.download.next(timeout=10)
    text = response.text
    lines = text.strip().splitlines()
    assert lines[0] == "period,series,bucket,value,unit"
    assert any(line.startswith("current,Gross,") for line in lines)
    with session_scope() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "insights.export")).all()
    assert [(e.entity, e.entity_id) for e in events] == [("chart", "revenue")]
    assert events[0].after["start"] == "2026-01-01" and events[0].after["end"] == "2026-06-30"


async def test_clicking_a_bar_opens_the_rows_behind_it(user: User, make_staff: Any) -> None:
    await executive_on_first_half_of_2026(user, make_staff)
    week = "2026-02-09"  # the week of A's upgrade payment (02-15 is a Sunday)
    user.find(marker="insights-chart-revenue").trigger(
        "plotly_click", {"points": [{"x": week, "y": 20.0, "curveNumber": 0, "pointNumber": 6}]}
    )
    await wait_shown(user, "insights-drill")
    assert week in texts(user, "insights-drill-title")[0]
    drill = element(user, "insights-drill")
    tables = [t for t in drill.descendants() if isinstance(t, ui.table)]
    await wait_until(lambda: bool(tables[0].rows), what="the rows behind the bucket")
    assert len(tables[0].rows) == 1


async def test_ad_ops_see_only_ads_and_the_nav_entry(user: User, make_staff: Any) -> None:
    await signed_in(user, make_staff, "ads", email="adops@test.example", name="Ada Ops")
    await user.open("/insights")
    await wait_shown(user, "insights-chart-ads")
    assert tab_keys(user) == ["insights-tabbtn-ads"]
    await user.should_see("Insights")


@pytest.mark.parametrize(("start", "end"), [("0001-01-01", "0001-01-10"), ("9999-12-20", "9999-12-31")])
def test_a_custom_range_outside_the_calendar_the_charts_can_compare_is_refused(start: str, end: str) -> None:
    from console.errors import ValidationFailed
    from console.insights.pages.range_bar import parse_custom

    with pytest.raises(ValidationFailed) as refused:
        parse_custom(start, end)
    assert set(refused.value.errors) == {"start", "end"}
    assert refused.value.errors["start"] == "must be a date from 2000-01-01 to 2099-12-31"


def test_a_custom_range_ends_today_at_the_latest() -> None:
    """A To in the future compared a few weeks of figures with a whole earlier period (-81 %), drawn as zeros."""
    from datetime import date

    from console.errors import ValidationFailed
    from console.insights.pages.range_bar import parse_custom

    today = date(2026, 11, 30)
    assert parse_custom("2026-11-01", "2026-11-30", today).end == today
    with pytest.raises(ValidationFailed) as refused:
        parse_custom("2026-11-01", "2027-05-01", today)
    assert refused.value.errors == {
        "end": "must be today (2026-11-30) or earlier: there are no figures for days to come"
    }
    with pytest.raises(ValidationFailed) as refused:
        parse_custom("2026-12-01", "2026-12-02", today)
    assert refused.value.errors == {"start": "must be today (2026-11-30) or earlier"}


async def test_a_refused_custom_range_says_why_and_keeps_the_period(user: User, make_staff: Any) -> None:
    await executive_on_first_half_of_2026(user, make_staff)
    type_into(user, "insights-range-start", "0001-01-01")
    type_into(user, "insights-range-end", "0001-01-10")
    click(user, "insights-range-apply")
    await wait_until(lambda: element(user, "insights-range-start").error is not None, what="the message")
    assert "2000-01-01" in str(element(user, "insights-range-start").error)
    assert "2026-01-01" in texts(user, "insights-period")[0]  # the period shown did not change
    assert element(user, "insights-range-apply").enabled  # and Apply can be used again


async def test_enter_in_a_date_field_applies_the_range(user: User, make_staff: Any) -> None:
    await executive_on_first_half_of_2026(user, make_staff)
    type_into(user, "insights-range-end", "2026-03-31")
    user.find(marker="insights-range-end").trigger("keydown.enter")
    await wait_until(lambda: "2026-03-31" in texts(user, "insights-period")[0], what="the range applied by Enter")


def test_a_rate_moves_in_points_and_other_changes_carry_their_sign() -> None:
    """Home said "+2.7 points" where Insights said "(2.7 %)" for the same churn change."""
    from console.insights.pages.tab_view import absolute_change

    assert absolute_change(2.7, "%") == "+2.7 points" and absolute_change(-2.9, "%") == "-2.9 points"
    assert absolute_change(154.84, "USD") == "+$154.84" and absolute_change(-0.25, "USD") == "-$0.25"
    assert absolute_change(16, "") == "+16" and absolute_change(0, "") == "0"


async def test_a_range_changed_while_the_tabs_load_is_what_every_tab_shows(
    user: User, make_staff: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tabs load one after the other. A read started for the old range (slow: the MRR rollup at scale takes
    seconds) and finishing after the new range's read was drawn over it, under the new range's labels."""
    import threading
    import time

    from console.insights.pages.tab_view import TabView

    money_fixture.build()
    money_fixture.roll_up_book()
    original, started = TabView.read, threading.Event()

    def slow_for_the_first_range(self: TabView, s: Any) -> Any:
        if s.preset == "30d":
            started.set()
            time.sleep(0.6)
        return original(self, s)

    monkeypatch.setattr(TabView, "read", slow_for_the_first_range)
    await signed_in(user, make_staff, "executive", email="exec@test.example", name="Eve Exec")
    await user.open("/insights")
    await wait_until(started.is_set, what="the first tab's read for the first range")
    type_into(user, "insights-range-start", "2026-01-01")
    type_into(user, "insights-range-end", "2026-06-30")
    click(user, "insights-range-apply")  # while the first tab's 30-day read is still running
    baseline = "vs 2025-07-04 – 2025-12-31"
    changes = lambda: [t for t in texts(user, "insights-kpi-change") if t != "no comparison"]  # noqa: E731
    await wait_until(
        lambda: bool(changes()) and all(t.endswith(baseline) for t in changes()), what="the new range", timeout=30
    )
    await asyncio.sleep(2.5)  # the old range's reads have all finished by now: none was drawn over the new
    assert changes() and all(t.endswith(baseline) for t in changes()), changes()


async def executive_on_a_week(user: User, make_staff: Any, monkeypatch: Any, today: date, tab: str, start: str) -> None:
    """The money book rolled up, "today" pinned, an executive on `tab` showing the 7 days from `start`."""
    from datetime import timedelta

    from console.insights.pages import tab_view

    monkeypatch.setattr(tab_view, "utc_today", lambda: today)
    money_fixture.build()
    money_fixture.roll_up_book()
    await signed_in(user, make_staff, "executive", email="exec@test.example", name="Eve Exec")
    await user.open(f"/insights?tab={tab}")
    await wait_shown(user, "insights-kpi")
    type_into(user, "insights-range-start", start)
    type_into(user, "insights-range-end", (date.fromisoformat(start) + timedelta(days=6)).isoformat())
    click(user, "insights-range-apply")


async def test_tiles_of_a_short_period_reaching_today_say_so_and_give_no_verdict(
    user: User, make_staff: Any, monkeypatch: Any
) -> None:
    """QA: today alone (at 05:00) read "Gross revenue ▼ -73.9 %" in red against the whole of yesterday. A period that
    reaches today says "today so far"; one of a week or less shows its change without the red or green."""
    await executive_on_a_week(user, make_staff, monkeypatch, date(2026, 6, 30), "revenue", "2026-06-01")
    # a past week: a verdict, and no "so far" (the fixture's last day is "today")
    changes = lambda: [c for c in all_marked(user, "insights-kpi-change") if c.text[:1] in "▲▼▶"]  # noqa: E731
    await wait_until(lambda: bool(changes()) and all("2026-05-25" in c.text for c in changes()), what="a past week")
    assert not any("today so far" in c.text for c in changes())
    type_into(user, "insights-range-start", "2026-06-24")
    type_into(user, "insights-range-end", "2026-06-30")
    click(user, "insights-range-apply")
    await wait_until(
        lambda: bool(changes()) and all("2026-06-17" in c.text for c in changes()), what="the week up to today"
    )
    ends = [c.text.rsplit(" · ", 1)[-1] for c in changes()]
    assert "today so far" in ends and set(ends) <= {"today so far", "as of now"}, ends  # balances: as of now
    so_far = [c for c in changes() if c.text.endswith("today so far")]
    assert not any({"text-positive", "text-negative"} & set(c.classes) for c in so_far)


async def test_balances_reaching_today_are_as_of_now_and_keep_their_verdict(
    user: User, make_staff: Any, monkeypatch: Any
) -> None:
    """MRR and paying subscribers are balances at the period's end, not sums over it: "today so far" and a withheld
    verdict misread them (last session's note). They say "as of now" and keep their red or green; the flows beside
    them on the same tab still say "today so far"."""
    await executive_on_a_week(user, make_staff, monkeypatch, date(2026, 6, 3), "subscriptions", "2026-05-28")

    def tiles() -> dict[str, Any]:
        names = [str(e.text) for e in all_marked(user, "insights-kpi-name")]
        return dict(zip(names, all_marked(user, "insights-kpi-change"), strict=True))

    await wait_until(lambda: "2026-05-21" in getattr(tiles().get("MRR"), "text", ""), what="the week up to today")
    found = tiles()
    for name in ("MRR", "Paying subscribers", "ARPU"):
        assert found[name].text.endswith("· as of now"), (name, found[name].text)
        assert "today so far" not in found[name].text
    assert found["MRR"].text[:1] in "▲▼" and {"text-positive", "text-negative"} & set(found["MRR"].classes)
    flows = [found[n].text for n in ("Subscriber churn", "Gross revenue churn", "Net revenue churn")]
    assert all(t.endswith("· today so far") for t in flows), flows


async def test_the_month_still_running_is_drawn_in_progress_on_the_monthly_charts(user: User, make_staff: Any) -> None:
    """The MRR charts are monthly whatever the page's grain: their last month, still running, was drawn as a whole
    one (the in-progress bucket was looked for by the page's day grain, and no monthly point starts today)."""
    await signed_in(user, make_staff, "executive", email="exec@test.example", name="Eve Exec")
    await user.open("/insights?tab=subscriptions")
    await wait_shown(user, "insights-chart-mrr_movements")
    bars = [t for t in figure(user, "insights-chart-mrr_movements")["data"] if t["type"] == "bar"]
    assert bars and all(t["marker"]["opacity"][-1] < 1.0 for t in bars)  # this month's bars are pale
    lines = figure(user, "insights-chart-mrr")["data"]
    assert any(t["name"].endswith("(in progress)") for t in lines)
