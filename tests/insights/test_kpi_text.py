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
