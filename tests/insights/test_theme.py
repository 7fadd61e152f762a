"""Flipping light/dark recolours the charts already on /insights (no reload) and is remembered for the next page."""

from __future__ import annotations

from typing import Any

from nicegui import ui
from nicegui.testing import User

from tests.insights import money_fixture
from tests.insights.test_pages import figure
from tests.moderation.page_helpers import click, signed_in, wait_shown
from tests.ui.helpers import all_elements, wait_until


def templates(user: User) -> set[str]:
    return {str(p.figure["layout"]["template"]) for p in all_elements(user, ui.plotly)}


async def test_the_theme_toggle_recolours_the_open_charts(user: User, make_staff: Any) -> None:
    money_fixture.build()
    money_fixture.roll_up_book()
    await signed_in(user, make_staff, "executive", email="exec@test.example")
    await user.open("/insights")
    await wait_shown(user, "insights-chart-revenue")
    await wait_until(lambda: figure(user, "insights-chart-revenue")["data"], what="the revenue chart's data")
    assert templates(user) == {"plotly_white"}
    light_font = figure(user, "insights-chart-revenue")["layout"]["font"]["color"]

    click(user, "theme-toggle")
    await wait_until(lambda: templates(user) == {"plotly_dark"}, what="every chart in the dark template")
    revenue = figure(user, "insights-chart-revenue")
    assert revenue["layout"]["font"]["color"] != light_font
    assert revenue["layout"]["height"] == 300
    assert [t["name"] for t in revenue["data"]] == ["Gross", "Refunds", "Net"] + [
        f"{n} (in progress)"
        for n in ("Gross", "Refunds", "Net")  # the default period ends today
    ]

    click(user, "theme-toggle")
    await wait_until(lambda: templates(user) == {"plotly_white"}, what="back to light")
    click(user, "theme-toggle")
    await user.open("/insights")  # the choice is remembered: the next page draws dark from the start
    await wait_shown(user, "insights-chart-revenue")
    await wait_until(lambda: figure(user, "insights-chart-revenue")["data"], what="the reloaded chart")
    assert templates(user) == {"plotly_dark"}
