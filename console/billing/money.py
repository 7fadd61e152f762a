"""Money as text: integer cents + an ISO 4217 code shown to staff, and staff input read back into cents.

`format_money(1250, "USD")` -> "$12.50"; `format_money(300, "EUR")` -> "€3.00"; `format_money(1250, "CHF")` ->
"CHF 12.50"; `format_money(1250, "JPY")` -> "¥1,250". It is `console.ui.formatting.fmt_money` (Babel, CLDR's
symbols and minor units), named here for the services' messages. Zero-decimal currencies (JPY, KRW) have no cents:
their amounts are whole units; how many minor digits a currency has comes from CLDR too (`decimals`).
`input_text(1250, "USD")` -> "12.50": an amount as an amount field takes it back (no symbol, no separators).

`parse_money("1,234.56")` -> 123456. It accepts what a person types into an amount field ("12", "12.5",
"12.50", "$12.50", "1,234.56") and refuses anything else with a `ValidationFailed` naming the field ("Amount
…"): empty, zero or negative amounts, more decimals than the currency has, letters, misplaced commas, non-ASCII
digits, and anything over 1,000,000.00.
"""

from __future__ import annotations

import re

from console.errors import ValidationFailed
from console.ui.formatting import currency_digits, fmt_money

# Symbols a person may type before an amount (parse_money strips the currency's own, refuses "$-5").
SYMBOLS: dict[str, str] = {
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "JPY": "¥",
    "INR": "₹",
    "KRW": "₩",
    "CAD": "CA$",
    "AUD": "A$",
}
MAX_MONEY_UNITS = 1_000_000  # the largest amount staff may type: 1,000,000.00
_MAX_TEXT = 40

# Digits are ASCII only ([0-9], never \d: "١٢" or full-width digits are refused, not read as numbers).
_PLAIN = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")
_GROUPED = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?")


def decimals(currency: str) -> int:
    """How many minor-unit digits the currency has (2 for almost all; 0 for JPY and KRW), from CLDR."""
    return currency_digits(currency)


def format_money(cents: int, currency: str) -> str:
    """`cents` (minor units) of `currency` as staff read it: "$12.50", "€3.00", "CHF 12.50", "-$1,234.56"."""
    return fmt_money(cents, currency)


def input_text(cents: int, currency: str) -> str:
    """An amount as an amount field takes it back: "12.50", "1250" for JPY (no symbol, no thousands separators)."""
    places = decimals(currency)
    sign = "-" if cents < 0 else ""
    units, minor = divmod(abs(int(cents)), 10**places)
    return f"{sign}{units}" + (f".{minor:0{places}d}" if places else "")


def parse_money(text: str | None, *, currency: str = "USD", field: str = "amount") -> int:
    """What a person typed into an amount field, in minor units (cents); `ValidationFailed` naming `field` else."""

    def refuse(message: str) -> ValidationFailed:
        return ValidationFailed({field: message})

    raw = (text or "").strip()
    if not raw:
        raise refuse("is required")
    if len(raw) > _MAX_TEXT:
        raise refuse("must be an amount like 12.50")
    code = currency.upper()
    places = decimals(code)
    body = raw
    if body.startswith(("-", "\u2212")) or body.startswith(tuple(s + "-" for s in SYMBOLS.values())):
        raise refuse("must not be negative")
    symbol = SYMBOLS.get(code)
    if symbol and body.startswith(symbol):
        body = body[len(symbol) :].lstrip(" ")
    if body.startswith(("-", "\u2212")):
        raise refuse("must not be negative")
    if not (_PLAIN.fullmatch(body) or _GROUPED.fullmatch(body)):
        raise refuse("must be an amount like 12.50" if places else "must be a whole amount like 1250")
    whole, _, fraction = body.replace(",", "").partition(".")
    if len(fraction) > places:
        if places == 0:
            raise refuse("must be a whole amount (no decimals)")
        raise refuse(f"may have at most {places} decimals")
    cents = int(whole or "0") * 10**places + int((fraction or "").ljust(places, "0") or "0")
    if cents <= 0:
        raise refuse("must be more than zero")
    if cents > MAX_MONEY_UNITS * 10**places:
        raise refuse(f"must be at most {format_money(MAX_MONEY_UNITS * 10**places, code)}")
    return cents
