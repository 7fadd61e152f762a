"""KPI tiles: money units are formatted by Babel like every amount in the console; other units as before."""

from __future__ import annotations

from console.insights.pages.tab_view import fmt_value


def test_money_kpis_use_the_currency_format() -> None:
    assert fmt_value(1234.5, "USD") == "$1,234.50"
    assert fmt_value(-12.0, "USD") == "-$12.00"
    assert fmt_value(1250.0, "JPY") == "¥1,250"
    assert fmt_value(3.0, "EUR") == "€3.00"


def test_other_units_keep_their_text() -> None:
    assert fmt_value(12.345, "%") == "12.3 %"
    assert fmt_value(1234.0, "members") == "1,234 members"
    assert fmt_value(None, "USD") == "—"


def test_hours_from_two_days_on_read_as_the_moderation_queue_writes_them() -> None:
    """The oldest case read "1,439 h" on Insights and "59 d 22 h" in the moderation queue."""
    assert fmt_value(1439.4, "h") == "59 d 23 h"
    assert fmt_value(47.5, "h") == "47.50 h" and fmt_value(19.9, "h") == "19.90 h"
    assert fmt_value(48.0, "h") == "2 d 0 h" and fmt_value(-50.2, "h") == "-2 d 2 h"
