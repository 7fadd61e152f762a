"""Money as text: format_money for staff to read, parse_money for what they type (and what they must not)."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.billing.money import format_money, parse_money
from console.errors import ValidationFailed

BLNS = Path(__file__).resolve().parents[1] / "data" / "blns" / "blns.txt"


@pytest.mark.parametrize(
    ("cents", "currency", "text"),
    [
        (1250, "USD", "$12.50"),
        (300, "EUR", "€3.00"),
        (1250, "CHF", "CHF 12.50"),  # Babel / CLDR en: the code before the number
        (1250, "chf", "CHF 12.50"),
        (0, "USD", "$0.00"),
        (5, "USD", "$0.05"),
        (123456, "USD", "$1,234.56"),
        (123456789, "GBP", "£1,234,567.89"),
        (-1250, "USD", "-$12.50"),
        (-123456, "CHF", "-CHF 1,234.56"),
        (1250, "JPY", "¥1,250"),
        (99, "SEK", "SEK 0.99"),
    ],
)
def test_format_money(cents: int, currency: str, text: str) -> None:
    assert format_money(cents, currency) == text


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("12", 1200),
        ("12.5", 1250),
        ("12.50", 1250),
        ("$12.50", 1250),
        ("1,234.56", 123456),
        ("$1,234.56", 123456),
        ("  7.05 ", 705),
        ("0.01", 1),
        (".5", 50),
        ("12.", 1200),
        ("1,000,000.00", 100_000_000),
        ("1000000", 100_000_000),
    ],
)
def test_parse_money_accepts(text: str, cents: int) -> None:
    assert parse_money(text) == cents


def test_parse_money_round_trips_format_money() -> None:
    for cents in (1, 99, 100, 1250, 123456, 99_999_999, 100_000_000):
        assert parse_money(format_money(cents, "USD")) == cents
    assert parse_money(format_money(300, "EUR"), currency="EUR") == 300
    assert parse_money("1,250", currency="JPY") == 1250


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Amount is required"),
        ("   ", "Amount is required"),
        (None, "Amount is required"),
        ("-5", "Amount must not be negative"),
        ("-$5.00", "Amount must not be negative"),
        ("$-5.00", "Amount must not be negative"),
        ("\u22125", "Amount must not be negative"),
        ("0", "Amount must be more than zero"),
        ("0.00", "Amount must be more than zero"),
        ("12.505", "Amount may have at most 2 decimals"),
        ("1,000,000.01", "Amount must be at most $1,000,000.00"),
        ("99999999999999999999", "Amount must be at most $1,000,000.00"),
        ("12abc", "Amount must be an amount like 12.50"),
        ("twelve", "Amount must be an amount like 12.50"),
        ("1e3", "Amount must be an amount like 12.50"),
        ("1_000", "Amount must be an amount like 12.50"),
        ("12,34", "Amount must be an amount like 12.50"),
        ("1,2345.00", "Amount must be an amount like 12.50"),
        ("1.2.3", "Amount must be an amount like 12.50"),
        ("€12.50", "Amount must be an amount like 12.50"),
        ("NaN", "Amount must be an amount like 12.50"),
        ("Infinity", "Amount must be an amount like 12.50"),
        ("\u0661\u0662", "Amount must be an amount like 12.50"),  # Arabic-Indic digits: int() would take them
        ("\uff11\uff12", "Amount must be an amount like 12.50"),  # full-width digits
        ("12\x00", "Amount must be an amount like 12.50"),
        ("1 000", "Amount must be an amount like 12.50"),
    ],
)
def test_parse_money_refuses(text: str | None, message: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_money(text)
    assert caught.value.errors.keys() == {"amount"}
    assert str(caught.value) == message


def test_parse_money_names_the_given_field() -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_money("x", field="unused_part")
    assert str(caught.value).startswith("Unused part must be")


def test_parse_money_zero_decimal_currency() -> None:
    with pytest.raises(ValidationFailed, match="whole amount"):
        parse_money("12.50", currency="JPY")


def test_hostile_strings_are_refused_or_read_as_plain_amounts() -> None:
    """Every line of the Big List of Naughty Strings: a clear refusal naming the field, or an ordinary amount."""
    lines = [line for line in BLNS.read_text(encoding="utf-8").split("\n") if line and not line.startswith("#")]
    assert len(lines) > 400
    accepted = {}
    for line in [*lines, "lone \ud800 surrogate", "1\u202e00", "\ufeff12"]:
        try:
            cents = parse_money(line)
        except ValidationFailed as exc:
            assert exc.errors.keys() == {"amount"}
            assert str(exc).startswith("Amount ")
        else:
            assert 0 < cents <= 100_000_000
            accepted[line] = cents
    # Only plain ASCII numbers get through (the list holds a few, like "1" and "1.00").
    assert all(set(line.strip()) <= set("0123456789.,$") for line in accepted), accepted
