"""What every insights metric returns: a named series of dated points, or a KPI with its previous value.

Plain dataclasses (no pandas) so services stay cheap to test; the pages shape them with pandas.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

GAP = math.nan  # a point with no value (no case that day): a gap in the line and an empty CSV cell, never a 0


@dataclass(frozen=True)
class Series:
    """One line or bar set on a chart. `points` are (bucket start, value), in date order."""

    name: str
    points: list[tuple[date, float]] = field(default_factory=list)
    definition: str = ""
    unit: str = ""
    is_sum: bool = False  # the sum of the chart's other series (a net): drawn as a line over bars, never stacked

    @property
    def total(self) -> float:
        return sum(value for _, value in self.points)

    def values(self) -> dict[date, float]:
        return dict(self.points)


@dataclass(frozen=True)
class Change:
    absolute: float
    percent: float | None  # None when the previous value is 0

    @property
    def direction(self) -> str:
        if self.absolute > 0:
            return "up"
        if self.absolute < 0:
            return "down"
        return "flat"

    def tone(self, *, lower_is_better: bool = False) -> str:
        """ "good", "bad" or "flat": the direction read against what the metric wants."""
        if self.direction == "flat":
            return "flat"
        return "good" if (self.direction == "up") != lower_is_better else "bad"


@dataclass(frozen=True)
class Kpi:
    """A headline number for the period and the same number for the comparison period (or None)."""

    name: str
    value: float | None
    previous: float | None = None
    unit: str = ""
    definition: str = ""
    lower_is_better: bool = False  # churn, refunds, failures, backlog: a rise is shown as bad news
    snapshot: bool = False  # a balance at the period's end (MRR, backlog), not a sum over it: no "today so far"

    @property
    def change(self) -> Change | None:
        """Absolute and relative change from `previous`; None when there is nothing to compare
        (no value or no previous value). The percentage alone is None when previous is 0."""
        if self.value is None or self.previous is None:
            return None
        absolute = self.value - self.previous
        percent = None if self.previous == 0 else 100.0 * absolute / abs(self.previous)
        return Change(absolute, percent)
