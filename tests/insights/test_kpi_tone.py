"""A KPI's change is coloured by what the metric wants: a rising churn or refund rate is bad news (red)."""

from __future__ import annotations

import pytest

from console.insights.pages.tab_view import TONE_CLASSES
from console.insights.series import Change, Kpi

# every headline number where less is better; the page test checks the tiles against this list
LOWER_IS_BETTER = {
    "Refunds",
    "Refund rate",
    "Failed payment rate",
    "Subscriber churn",
    "Gross revenue churn",
    "Net revenue churn",
    "Backlog",
    "Oldest case",
    "SLA breaches",
    "Breach rate",
    "Videos on hold",
    "Time to first action p50",
    "Time to first action p90",
    "Time to resolution p50",
    "Time to resolution p90",
}


@pytest.mark.parametrize(
    ("absolute", "lower", "tone"),
    [
        (5, False, "good"),
        (-5, False, "bad"),
        (5, True, "bad"),
        (-5, True, "good"),
        (0, True, "flat"),
        (0, False, "flat"),
    ],
)
def test_tone_reads_the_direction_against_the_metric(absolute: float, lower: bool, tone: str) -> None:
    assert Change(absolute, None).tone(lower_is_better=lower) == tone


def test_a_rising_churn_is_red_and_a_rising_revenue_green() -> None:
    churn = Kpi("Subscriber churn", 6.0, 4.0, "%", lower_is_better=True)
    revenue = Kpi("Net revenue", 600.0, 400.0, "USD")
    assert churn.change is not None and revenue.change is not None
    assert TONE_CLASSES[churn.change.tone(lower_is_better=churn.lower_is_better)] == "text-negative"
    assert TONE_CLASSES[revenue.change.tone(lower_is_better=revenue.lower_is_better)] == "text-positive"


def test_expected_class_encodes_the_rule() -> None:
    assert expected_class("Refund rate", "▲") == "text-negative"
    assert expected_class("Net revenue", "▲") == "text-positive"
    assert expected_class("Refund rate", "▼") == "text-positive"
    assert expected_class("Net revenue", "▶") == "opacity-70"


def expected_class(name: str, arrow: str) -> str:
    direction = {"▲": 1, "▼": -1, "▶": 0}[arrow]
    return TONE_CLASSES[Change(direction, None).tone(lower_is_better=name in LOWER_IS_BETTER)]
