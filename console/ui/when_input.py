"""A future date and time typed in the staff member's own time zone (My account), read back as UTC.

Times are stored in UTC and shown in the viewer's zone with the zone named (console/ui/formatting.py); a time that
is typed must be read in the same zone, or a staff member in Tokyo who schedules "10:00" publishes at 19:00 their
time. The zone is named beside the fields, and the time field's label names the abbreviation in force on the
typed date (a summer date typed in winter says CEST). A wall-clock time the clocks skip (the spring-forward gap) is
refused in words; one they pass twice (the autumn fall-back) is the first of the two, and the confirmation names the
zone's abbreviation for that moment (CEST, not CET), so the reader can tell which.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from nicegui import ui

from console.ui.date_field import date_field
from console.ui.formatting import viewer_zone, zone_label


def parse_local(
    day: str | None, clock: str | None, zone: ZoneInfo, *, max_ahead: timedelta | None = None
) -> tuple[datetime | None, str | None]:
    """('2030-01-31', '14:30') read in `zone` -> (an aware UTC datetime in the future, within `max_ahead` when
    given, None) or (None, what is wrong)."""
    day, clock = (day or "").strip(), (clock or "").strip()
    if not day or not clock:
        return None, "Enter a date and a time"
    try:
        naive = datetime.strptime(f"{day} {clock[:5]}", "%Y-%m-%d %H:%M")
    except ValueError:
        return None, "Use a date like 2030-01-31 and a time like 14:30"
    when = naive.replace(tzinfo=zone).astimezone(UTC)
    if when.astimezone(zone).replace(tzinfo=None) != naive:
        return None, f"{clock[:5]} does not exist on {day} in {zone.key} (the clocks go forward): choose another time"
    now = datetime.now(UTC)
    if when <= now:
        return None, "Must be in the future"
    if max_ahead is not None and when > now + max_ahead:
        latest = (now + max_ahead).astimezone(zone).date().isoformat()
        return None, f"Must be within {max_ahead.days // 366} years (by {latest})"
    return when, None


def zone_at(day: str | None, clock: str | None, zone: ZoneInfo) -> str:
    """The zone's abbreviation at the typed date and time (CEST for a summer date typed in winter); at the moment
    of asking while nothing readable is typed."""
    try:
        naive = datetime.strptime(f"{(day or '').strip()} {(clock or '').strip()[:5]}", "%Y-%m-%d %H:%M")
    except ValueError:
        try:  # a date alone: its noon
            naive = datetime.strptime(f"{(day or '').strip()} 12:00", "%Y-%m-%d %H:%M")
        except ValueError:
            return zone_label(datetime.now(zone))
    return zone_label(naive.replace(tzinfo=zone))


class WhenInput:
    """The date and time fields (marked `{mark}-date`, `{mark}-time`) and the line naming the zone they are read
    in; `read()` gives the UTC time or None after putting what is wrong on the date field."""

    def __init__(self, mark: str, *, max_ahead: timedelta | None = None) -> None:
        self.zone, self.max_ahead = viewer_zone(), max_ahead
        label = zone_label(datetime.now(self.zone))
        name = self.zone.key if label == self.zone.key else f"{self.zone.key}, {label}"
        self.day = date_field("Date", mark=f"{mark}-date", classes="", on_change=self.relabel)
        # 24-hour text like the date (the browser's own time input shows 02:30 PM in an en-US browser)
        self.clock = (
            ui.input(f"Time ({label})", placeholder="HH:MM", on_change=self.relabel)
            .props('dense mask="##:##" inputmode=numeric')
            .mark(f"{mark}-time")
        )
        ui.label(f"Read in your time zone ({name}); change it on My account.").classes("text-xs opacity-70").mark(
            f"{mark}-zone"
        )

    def relabel(self) -> None:
        """The time field names the abbreviation in force on the typed date, not today's."""
        self.clock.set_label(f"Time ({zone_at(self.day.value, self.clock.value, self.zone)})")

    def read(self) -> datetime | None:
        when, error = parse_local(self.day.value, self.clock.value, self.zone, max_ahead=self.max_ahead)
        self.day.error = error
        return when
