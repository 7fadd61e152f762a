"""/insights drill-downs of the subscription charts with NiceGUI's simulated user, over the hand-computed book:
a month of MRR, a movement bar and a cohort cell each open a server-paged list of the members behind them."""

from __future__ import annotations

from typing import Any

from nicegui import ui
from nicegui.testing import User

from tests.insights import money_fixture
from tests.insights.test_pages import figure, open_first_half_of_2026
from tests.moderation.page_helpers import signed_in, texts, wait_shown
from tests.ui.helpers import element, wait_until


async def _drill_rows(user: User) -> list[dict[str, Any]]:
    await wait_shown(user, "insights-drill")
    tables = [t for t in element(user, "insights-drill").descendants() if isinstance(t, ui.table)]
    await wait_until(lambda: bool(tables[0].rows), what="the members behind the point")
    return list(tables[0].rows)


async def _signed_in_over_the_book(user: User, make_staff: Any) -> money_fixture.Book:
    book = money_fixture.build()
    money_fixture.roll_up_book()
    await signed_in(user, make_staff, "executive", email="exec@test.example", name="Eve Exec")
    await open_first_half_of_2026(user)
    # The tabs reload one after the other: click the subscription charts once they show the new period.
    await wait_shown(user, "insights-chart-mrr")
    await wait_until(lambda: figure(user, "insights-chart-mrr")["data"][0]["x"][0] == "2026-01-01", what="months")
    return book


def _click(user: User, marker: str, point: dict[str, Any]) -> None:
    user.find(marker=marker).trigger("plotly_click", {"points": [point]})


async def test_clicking_a_month_of_mrr_lists_its_members(user: User, make_staff: Any) -> None:
    book = await _signed_in_over_the_book(user, make_staff)
    _click(user, "insights-chart-mrr", {"x": "2026-03-01", "y": 40.0, "curveNumber": 0, "pointNumber": 2})
    rows = await _drill_rows(user)
    assert [(r["member_id"], r["plan_code"], r["mrr_before_cents"], r["mrr_after_cents"]) for r in rows] == [
        (book.ids["a"], "Basic", "$20.00", "$10.00"),  # money, not "2000" under "Mrr before cents"; plans in words
        (book.ids["b"], "Yearly", "$10.00", "$10.00"),
        (book.ids["c"], "Premium", "$0.00", "$20.00"),
    ]
    assert rows[0]["display_name"] == "a" and rows[0]["movement"] == "Contraction"
    tables = [t for t in element(user, "insights-drill").descendants() if isinstance(t, ui.table)]
    headings = {c["name"]: c["label"] for c in tables[0].columns}
    assert (headings["mrr_before_cents"], headings["plan_code"], headings["member_id"]) == (
        "MRR before",  # QA: "Mrr before"
        "Plan",
        "Member #",
    )
    assert "2026-03-01 (month)" in texts(user, "insights-drill-title")[0]  # a month of MRR, whatever the grain


async def test_clicking_a_movement_bar_lists_who_moved(user: User, make_staff: Any) -> None:
    book = await _signed_in_over_the_book(user, make_staff)
    churned = [t["name"] for t in figure(user, "insights-chart-mrr_movements")["data"]].index("Churned")
    _click(user, "insights-chart-mrr_movements", {"x": "2026-04-01", "y": -30.0, "curveNumber": churned})
    rows = await _drill_rows(user)
    assert [(r["member_id"], r["movement"], r["mrr_change_cents"]) for r in rows] == [
        (book.ids["a"], "Churned", "-$10.00"),
        (book.ids["f"], "Churned", "-$20.00"),
    ]


async def test_clicking_a_cohort_cell_lists_the_cohort_and_who_still_paid(user: User, make_staff: Any) -> None:
    book = await _signed_in_over_the_book(user, make_staff)
    heatmap = figure(user, "insights-chart-cohorts")["data"][0]
    january = next(label for label in heatmap["y"] if label.startswith("2026-01"))
    _click(user, "insights-chart-cohorts", {"x": 3, "y": january, "z": 0.0})  # April: A had churned
    rows = await _drill_rows(user)
    assert [(r["member_id"], r["paying"]) for r in rows] == [(book.ids["a"], "no")]
    assert "2026-04-01" in texts(user, "insights-drill-title")[0]


def test_drill_headings_and_values_read_as_words() -> None:
    """QA: the backlog drill read "Sla due at", "Past sla" "true", "Worst reason" "inappropriate_content"."""
    from datetime import UTC, datetime

    from console.insights.pages.drill import heading, readable

    assert [heading(k) for k in ("sla_due_at", "past_sla", "age_hours", "first_report_at", "mrr_change_cents")] == [
        "SLA due",
        "Past SLA",
        "Age (h)",
        "First report",
        "MRR change",
    ]
    row = readable(
        {
            "worst_reason": "inappropriate_content",
            "target_type": "live_stream",
            "past_sla": True,
            "resolved_at": datetime(2026, 3, 1, 12, tzinfo=UTC),
        }
    )
    assert (row["worst_reason"], row["target_type"], row["past_sla"]) == ("Inappropriate content", "Live stream", "Yes")
