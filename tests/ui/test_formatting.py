"""Display text: stored UTC times in the viewer's zone with the zone named (DST edges included), money by Babel."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from console.billing.money import format_money, input_text, parse_money
from console.ui.formatting import (
    fmt_date,
    fmt_dt,
    fmt_money,
    fmt_time,
    in_viewer_zone,
    use_zone,
    viewer_zone,
    zone_named,
)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_without_a_zone_times_are_utc() -> None:
    assert fmt_dt(at("2026-11-29 10:05")) == "2026-11-29 10:05 UTC"
    assert fmt_dt(datetime(2026, 11, 29, 10, 5)) == "2026-11-29 10:05 UTC"  # naive values are stored UTC
    assert fmt_dt(None) == "—"


@pytest.mark.parametrize(
    ("zone", "stored", "shown"),
    [
        ("Europe/Berlin", "2026-11-29 10:05", "2026-11-29 11:05 CET"),
        ("Europe/Berlin", "2026-07-01 10:05", "2026-07-01 12:05 CEST"),
        ("America/New_York", "2026-11-29 10:05", "2026-11-29 05:05 EST"),
        ("America/Los_Angeles", "2026-07-01 10:05", "2026-07-01 03:05 PDT"),
        ("Asia/Tokyo", "2026-11-29 23:30", "2026-11-30 08:30 JST"),  # the local date moves on
        ("Europe/London", "2026-07-01 10:05", "2026-07-01 11:05 BST"),
        # shared abbreviations (CST: U.S. Central, China, Cuba; IST: India, Ireland, Israel) and numeric ones
        ("America/Chicago", "2026-11-29 10:05", "2026-11-29 04:05 America/Chicago"),
        ("Asia/Shanghai", "2026-11-29 10:05", "2026-11-29 18:05 Asia/Shanghai"),
        ("Asia/Kolkata", "2026-11-29 10:05", "2026-11-29 15:35 Asia/Kolkata"),
        ("Asia/Dubai", "2026-11-29 10:05", "2026-11-29 14:05 Asia/Dubai"),
        ("UTC", "2026-11-29 10:05", "2026-11-29 10:05 UTC"),
    ],
)
def test_times_in_the_viewers_zone_with_the_zone_named(zone: str, stored: str, shown: str) -> None:
    with use_zone(zone):
        assert fmt_dt(at(stored)) == shown
    assert fmt_dt(at(stored)) == f"{stored} UTC"  # only inside the block


def test_berlin_spring_forward_2026_03_29() -> None:
    """At 01:00 UTC Berlin's clocks jump from 02:00 CET to 03:00 CEST: 02:xx local never happens."""
    with use_zone("Europe/Berlin"):
        assert fmt_dt(at("2026-03-29 00:59")) == "2026-03-29 01:59 CET"
        assert fmt_dt(at("2026-03-29 01:00")) == "2026-03-29 03:00 CEST"
        shown = [fmt_dt(at("2026-03-29 00:00") + timedelta(minutes=m)) for m in range(0, 180, 15)]
    assert not any(" 02:" in text for text in shown)


def test_berlin_fall_back_2026_10_25() -> None:
    """At 01:00 UTC Berlin's clocks go from 03:00 CEST back to 02:00 CET: 02:30 happens twice, told apart."""
    with use_zone("Europe/Berlin"):
        first = fmt_dt(at("2026-10-25 00:30"))
        second = fmt_dt(at("2026-10-25 01:30"))
        assert fmt_dt(at("2026-10-25 00:59")) == "2026-10-25 02:59 CEST"
        assert fmt_dt(at("2026-10-25 01:00")) == "2026-10-25 02:00 CET"
    assert (first, second) == ("2026-10-25 02:30 CEST", "2026-10-25 02:30 CET")


def test_a_time_stored_with_another_offset_is_the_same_instant() -> None:
    plus_two = datetime(2026, 11, 29, 12, 5, tzinfo=timezone(timedelta(hours=2)))
    with use_zone("Europe/Berlin"):
        assert fmt_dt(plus_two) == "2026-11-29 11:05 CET"


def test_dates_stay_dates_in_any_zone() -> None:
    with use_zone("Pacific/Kiritimati"):
        assert fmt_date(date(2026, 11, 29)) == "2026-11-29"


def test_an_unknown_stored_zone_shows_utc_instead_of_failing() -> None:
    assert zone_named("Mars/Olympus_Mons").key == "UTC"
    with use_zone("Mars/Olympus_Mons"):
        assert fmt_dt(at("2026-11-29 10:05")) == "2026-11-29 10:05 UTC"


async def test_work_in_a_thread_keeps_the_callers_zone() -> None:
    """`run.io_bound` workers have no client: the paged table carries the zone in with in_viewer_zone."""
    stored = at("2026-11-29 10:05")
    with use_zone("Asia/Tokyo"):
        bound = in_viewer_zone(fmt_dt)
        unbound = fmt_dt
    loop = asyncio.get_running_loop()
    assert await loop.run_in_executor(None, bound, stored) == "2026-11-29 19:05 JST"
    assert await loop.run_in_executor(None, unbound, stored) == "2026-11-29 10:05 UTC"
    assert viewer_zone().key == "UTC"


@pytest.mark.parametrize(
    ("minor", "currency", "text"),
    [
        (123450, "USD", "$1,234.50"),
        (5, "USD", "$0.05"),
        (0, "USD", "$0.00"),
        (-123456, "USD", "-$1,234.56"),
        (300, "EUR", "€3.00"),
        (123456789, "eur", "€1,234,567.89"),
        (1250, "JPY", "¥1,250"),  # zero decimals: 1250 minor units are 1,250 yen, not 12.50
        (100_000_000, "JPY", "¥100,000,000"),
        (-1250, "JPY", "-¥1,250"),
        (1250, "KRW", "₩1,250"),
        (1250, "CHF", "CHF 12.50"),
    ],
)
def test_fmt_money(minor: int, currency: str, text: str) -> None:
    assert fmt_money(minor, currency) == text
    assert format_money(minor, currency) == text  # the services' messages say the same


def test_money_input_text_round_trips_through_parse_money() -> None:
    assert input_text(123450, "USD") == "1234.50"
    assert input_text(1250, "JPY") == "1250"
    for cents, currency in ((1, "USD"), (123450, "USD"), (300, "EUR"), (1250, "JPY"), (99, "KRW")):
        assert parse_money(input_text(cents, currency), currency=currency) == cents
    assert parse_money(fmt_money(123450, "USD")) == 123450


def test_the_clock_alone_is_in_the_viewers_zone_too() -> None:
    with use_zone("Europe/Berlin"):
        assert fmt_time(at("2026-10-25 00:30:09")) == "02:30:09"
        assert fmt_time(None) == ""
        assert fmt_dt(at("2026-10-25 00:30:09"), seconds=True) == "2026-10-25 02:30:09 CEST"
    assert fmt_time(at("2026-10-25 00:30:09")) == "00:30:09"


def test_how_long_ago_in_words() -> None:
    from console.ui.formatting import fmt_ago

    now = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
    assert fmt_ago(None) == ""
    assert fmt_ago(now - timedelta(seconds=59), now) == "just now"
    assert fmt_ago(now + timedelta(seconds=3), now) == "just now"  # a clock a little ahead
    assert fmt_ago(now - timedelta(minutes=1), now) == "1 minute ago"
    assert fmt_ago(now - timedelta(minutes=4, seconds=10), now) == "4 minutes ago"
    assert fmt_ago(now - timedelta(hours=3), now) == "3 hours ago"
    assert fmt_ago((now - timedelta(days=2)).replace(tzinfo=None), now) == "2 days ago"  # stored naive = UTC


def test_no_column_heading_says_utc_over_times_shown_in_the_viewers_zone() -> None:
    """Tables show times with fmt_dt, in the staff member's zone with the zone named: a heading "When (UTC)" over
    JST times misleads (seen on the ads pages and the 2257 record history)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "console"
    heading = re.compile(r"""(column\(\s*"[^"]+",\s*|"label":\s*)"[^"]*\(UTC\)""")
    found = [
        f"{p.relative_to(root)}:{n}"
        for p in root.rglob("*.py")
        for n, line in enumerate(p.read_text().splitlines(), 1)
        if heading.search(line)
    ]
    assert found == []


def test_file_weights_and_percentages_have_one_form_each() -> None:
    from console.ui.formatting import fmt_bytes, fmt_percent

    assert [fmt_bytes(n) for n in (38, 775, 1024, 151_757, 3_565_158)] == [
        "38 bytes",
        "775 bytes",
        "1.0 KB",
        "148.2 KB",
        "3.4 MB",
    ]
    assert [fmt_percent(v) for v in (20.93, 1.6, 1234.5)] == ["20.9 %", "1.6 %", "1,234.5 %"]
