"""Display helpers — always plain text (escaped by NiceGUI): times in the viewer's zone, money, JSON values for diffs.

Times are stored in UTC everywhere; `fmt_dt` shows them in the time zone the signed-in staff member chose on My
account, with the zone named: "2026-11-29 12:05 CET". The name is the zone database's abbreviation when it means
one UTC offset only (CET, CEST, EST, PDT, JST, UTC); when the abbreviation is shared by zones with different
offsets (CST is U.S. Central, China and Cuba; IST is India, Ireland and Israel) or is only a number ("+04"), the
IANA name is shown instead: "2026-11-29 16:35 Asia/Kolkata". Babel formats the date and time (locale
`DISPLAY_LOCALE`) and the money (`fmt_money`, CLDR's symbols and minor units: "$1,234.50", "€3.00", "¥1,250").

Whose zone: the page decorator (`console.ui.page.staff_page`) binds the session's zone to the NiceGUI client
(`bind_client_zone`), so the page build and every later event handler of that tab format in it; work that runs
in a thread (`run.io_bound`) has no client, so the caller carries the zone in with `in_viewer_zone` (the paged
table does). Without either, times are shown in UTC. Exports and CSV files never use this module: they write
UTC ISO 8601.
"""

from __future__ import annotations

import json
import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any, ParamSpec, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel.dates import format_datetime, format_timedelta
from babel.numbers import format_currency, format_decimal, get_currency_precision, get_currency_symbol

from console.errors import default_label

DISPLAY_LOCALE = "en_US"
UTC_ZONE = ZoneInfo("UTC")

P = ParamSpec("P")
R = TypeVar("R")

_zone: ContextVar[ZoneInfo | None] = ContextVar("console_viewer_zone", default=None)
_client_zones: weakref.WeakKeyDictionary[Any, ZoneInfo] = weakref.WeakKeyDictionary()


def word_labels(*values: str, **special: str) -> dict[str, str]:
    """The labels of stored values, in their order: each value read as words ("past_due" -> "Past due", as a field
    name without a label is) unless `special` gives it another ("trialing": "Trial")."""
    assert set(special) <= set(values), set(special) - set(values)
    return {v: special.get(v) or default_label(v) for v in values}


def plural(n: int, word: str) -> str:
    """`plural(1, "day")` is "1 day", `plural(1200, "day")` "1,200 days"."""
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def zone_named(name: str | None) -> ZoneInfo:
    """The zone for an IANA name; UTC for an empty or unknown one (a display must never fail on a stale name)."""
    try:
        return ZoneInfo(name) if name else UTC_ZONE
    except (ZoneInfoNotFoundError, ValueError):
        return UTC_ZONE


def _current_client() -> Any | None:
    try:
        from nicegui import context

        return context.client
    except (RuntimeError, LookupError, AttributeError):
        return None


def bind_client_zone(name: str | None) -> None:
    """Format times in `name` for the rest of this NiceGUI client's life (page build and its event handlers)."""
    client = _current_client()
    if client is not None:
        _client_zones[client] = zone_named(name)


def viewer_zone() -> ZoneInfo:
    """The zone times are shown in here: an explicit `use_zone`, else the client's, else UTC."""
    zone = _zone.get()
    if zone is not None:
        return zone
    client = _current_client()
    return _client_zones.get(client, UTC_ZONE) if client is not None else UTC_ZONE


@contextmanager
def use_zone(zone: ZoneInfo | str | None) -> Iterator[ZoneInfo]:
    """Show times in `zone` inside the block (tests, threads, a page build)."""
    chosen = zone if isinstance(zone, ZoneInfo) else zone_named(zone)
    token = _zone.set(chosen)
    try:
        yield chosen
    finally:
        _zone.reset(token)


def in_viewer_zone(func: Callable[P, R]) -> Callable[P, R]:
    """`func` bound to the zone of the viewer calling this now, for `run.io_bound` (a thread has no client)."""
    zone = viewer_zone()

    def bound(*args: P.args, **kwargs: P.kwargs) -> R:
        with use_zone(zone):
            return func(*args, **kwargs)

    return bound


@lru_cache(maxsize=4)
def _abbreviation_offsets(year: int) -> dict[str, frozenset[timedelta]]:
    """Every abbreviation the zone database uses in `year` (January and July) and the UTC offsets it stands for."""
    seen: dict[str, set[timedelta]] = {}
    for name in available_timezones():
        try:
            zone = ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            continue
        for month in (1, 7):
            local = datetime(year, month, 15, 12, tzinfo=UTC).astimezone(zone)
            abbreviation, offset = local.tzname(), local.utcoffset()
            if abbreviation and offset is not None:
                seen.setdefault(abbreviation, set()).add(offset)
    return {abbreviation: frozenset(offsets) for abbreviation, offsets in seen.items()}


def warm_up() -> None:
    """Build the abbreviation table (~0.3 s, the zone database read once) in a thread at start-up, so that the first
    page a staff member outside UTC opens does not wait for it."""
    threading.Thread(
        target=lambda: _abbreviation_offsets(datetime.now(UTC).year), name="zone-abbreviations", daemon=True
    ).start()


def zone_label(local: datetime) -> str:
    """How `local` (an aware datetime in the viewer's zone) names its zone: an abbreviation that means one offset,
    else the IANA name."""
    abbreviation = local.tzname() or ""
    key = getattr(local.tzinfo, "key", None) or abbreviation or "UTC"
    if abbreviation == "UTC" or key == "UTC":
        return "UTC"
    if abbreviation.isalpha() and len(_abbreviation_offsets(local.year).get(abbreviation, ())) == 1:
        return abbreviation
    return str(key)


def fmt_dt(value: datetime | None, zone: ZoneInfo | None = None, *, seconds: bool = False) -> str:
    """A stored (UTC) time in the viewer's zone, the zone named: "2026-11-29 12:05 CET"; "—" for none."""
    if value is None:
        return "—"
    if value.tzinfo is None:  # stored values are UTC; a naive one is read as such
        value = value.replace(tzinfo=UTC)
    local = value.astimezone(zone or viewer_zone())
    pattern = "yyyy-MM-dd HH:mm:ss" if seconds else "yyyy-MM-dd HH:mm"
    text = format_datetime(local, pattern, tzinfo=local.tzinfo, locale=DISPLAY_LOCALE)
    return f"{text} {zone_label(local)}"


def fmt_time(value: datetime | None) -> str:
    """Only the clock of a stored time in the viewer's zone, "11:05:09" (a line whose day and zone are given
    nearby, e.g. a chat transcript: its tooltip carries `fmt_dt`); "" for none."""
    if value is None:
        return ""
    local = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(viewer_zone())
    return format_datetime(local, "HH:mm:ss", tzinfo=local.tzinfo, locale=DISPLAY_LOCALE)


def fmt_ago(value: datetime | None, now: datetime | None = None) -> str:
    """How long ago a stored time was, in words: "4 minutes ago", "just now" under a minute; "" for none. For a
    line whose exact time is one hover away or does not matter (who changed a row while you edited it)."""
    if value is None:
        return ""
    value = value if value.tzinfo else value.replace(tzinfo=UTC)
    elapsed = (now or datetime.now(UTC)) - value
    if elapsed < timedelta(minutes=1):
        return "just now"
    return format_timedelta(-elapsed, add_direction=True, threshold=1.0, locale=DISPLAY_LOCALE)


def fmt_date(value: date | None) -> str:
    """A calendar date stays a date (no zone): "2026-11-29"."""
    return "—" if value is None else value.isoformat()


def currency_digits(currency: str) -> int:
    """How many minor-unit digits `currency` has (ISO 4217 via CLDR): 2 for USD and EUR, 0 for JPY and KRW."""
    return int(get_currency_precision((currency or "").upper())) if currency else 2


def fmt_money(amount_minor: int, currency: str) -> str:
    """`amount_minor` (cents, or whole yen) of `currency` as staff read it: "$12.50", "€3.00", "¥1,250",
    "CHF 12.50", "-$1,234.56" (Babel, `DISPLAY_LOCALE`)."""
    code = (currency or "").strip().upper()
    digits = currency_digits(code)
    amount = Decimal(int(amount_minor)).scaleb(-digits)
    if not code:
        return format_decimal(amount, format=f"#,##0{'.' + '0' * digits if digits else ''}", locale=DISPLAY_LOCALE)
    # CLDR puts a space between a symbol of letters and the digits ("CHF 12.50"); Babel's plain pattern does not
    spaced = get_currency_symbol(code, DISPLAY_LOCALE)[-1:].isalpha()
    text = format_currency(
        amount, code, format="¤ #,##0.00" if spaced else None, locale=DISPLAY_LOCALE, currency_digits=True
    )
    return text.replace("\xa0", " ")


def fmt_bytes(size: int) -> str:
    """A file's weight, the one way the console writes it: "775 bytes", "148.2 KB", "3.4 MB" (1 KB = 1,024 bytes;
    under 1 KB in bytes, since "0.8 KB" hides the number the checks compare)."""
    if size < 1024:
        return f"{size:,} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:,.1f} KB"
    return f"{size / 1024 / 1024:,.1f} MB"


def fmt_percent(value: float) -> str:
    """A percentage as the charts and Insights write it: "20.9 %" (one decimal, a space before the sign)."""
    return f"{value:,.1f} %"


def fmt_value(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
