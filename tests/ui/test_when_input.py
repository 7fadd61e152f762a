"""Typed times are read in the staff member's zone (console/ui/when_input.py): the UTC they stand for, the
spring-forward gap refused in words, the autumn's repeated hour read as its first pass, bad input named; the
abbreviation the time field names is the one in force on the typed date."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from console.ui.when_input import parse_local, zone_at

BERLIN, TOKYO, NEW_YORK = ZoneInfo("Europe/Berlin"), ZoneInfo("Asia/Tokyo"), ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("zone", "clock", "utc"),
    [
        (ZoneInfo("UTC"), "10:00", datetime(2099, 12, 31, 10, 0, tzinfo=UTC)),
        (TOKYO, "10:00", datetime(2099, 12, 31, 1, 0, tzinfo=UTC)),
        (BERLIN, "10:00", datetime(2099, 12, 31, 9, 0, tzinfo=UTC)),  # CET in winter
        (NEW_YORK, "22:30", datetime(2100, 1, 1, 3, 30, tzinfo=UTC)),  # the next day in UTC
    ],
)
def test_a_time_is_read_in_the_zone_and_stored_as_utc(zone: ZoneInfo, clock: str, utc: datetime) -> None:
    assert parse_local("2099-12-31", clock, zone) == (utc, None)


def test_summer_time_is_taken_into_account() -> None:
    assert parse_local("2099-07-01", "10:00", BERLIN) == (datetime(2099, 7, 1, 8, 0, tzinfo=UTC), None)  # CEST


def test_a_time_the_clocks_skip_is_refused_in_words() -> None:
    when, error = parse_local("2099-03-29", "02:30", BERLIN)  # Europe's clocks go from 02:00 to 03:00 that night
    assert when is None
    assert error == "02:30 does not exist on 2099-03-29 in Europe/Berlin (the clocks go forward): choose another time"


def test_the_repeated_autumn_hour_is_its_first_pass() -> None:
    when, error = parse_local("2099-10-25", "02:30", BERLIN)  # 02:00–03:00 happens twice: CEST, then CET
    assert error is None and when == datetime(2099, 10, 25, 0, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "clock", "error"),
    [
        ("", "10:00", "Enter a date and a time"),
        ("2099-12-31", None, "Enter a date and a time"),
        ("31/12/2099", "10:00", "Use a date like 2030-01-31 and a time like 14:30"),
        ("2099-02-30", "10:00", "Use a date like 2030-01-31 and a time like 14:30"),
        ("2099-12-31", "25:00", "Use a date like 2030-01-31 and a time like 14:30"),
        ("<script>", "10:00", "Use a date like 2030-01-31 and a time like 14:30"),
        ("2020-01-01", "10:00", "Must be in the future"),
    ],
)
def test_bad_input_is_named_and_gives_no_time(day: str, clock: str | None, error: str) -> None:
    assert parse_local(day, clock, TOKYO) == (None, error)


@pytest.mark.parametrize(
    ("day", "clock", "label"),
    [
        ("2099-07-01", "10:00", "CEST"),
        ("2099-01-15", "10:00", "CET"),
        ("2099-07-01", "", "CEST"),  # a date alone: its noon
        ("2099-10-25", "01:30", "CEST"),  # before the clocks go back that night
        ("2099-10-25", "04:00", "CET"),
    ],
)
def test_the_time_field_names_the_abbreviation_of_the_typed_date(day: str, clock: str, label: str) -> None:
    assert zone_at(day, clock, BERLIN) == label


def test_nothing_readable_typed_names_the_abbreviation_of_now() -> None:
    now = "CEST" if datetime.now(BERLIN).dst() else "CET"
    assert zone_at("", None, BERLIN) == zone_at("31/12/2099", "10:00", BERLIN) == now
    assert zone_at("2099-07-01", "10:00", TOKYO) == "JST"


def test_a_time_years_ahead_is_refused_when_the_dialog_limits_it() -> None:
    from datetime import timedelta

    ahead = timedelta(days=3 * 366)
    when, error = parse_local("9999-12-31", "10:00", TOKYO, max_ahead=ahead)
    assert when is None and error is not None and error.startswith("Must be within 3 years (by ")
    assert parse_local("2099-12-31", "10:00", TOKYO)[1] is None  # without the limit: any future time
    soon, problem = parse_local(
        (datetime.now(TOKYO) + timedelta(days=30)).strftime("%Y-%m-%d"), "10:00", TOKYO, max_ahead=ahead
    )
    assert problem is None and soon is not None
