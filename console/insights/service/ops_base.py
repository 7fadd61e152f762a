"""Shared by the ops metrics: the tab permission check and bucketing of daily values."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from console.actor import Actor
from console.insights.periods import Grain, Period, bucket_start, buckets
from console.staff.permissions import Permission, can, require


def require_tab(actor: Actor, also: Permission | None = None) -> None:
    """INSIGHTS_READ, or the tab's own permission (ADS_READ, MODERATION_READ) when it has one."""
    if also is not None and can(actor, also):
        return
    require(actor, Permission.INSIGHTS_READ)


def points(values: dict[date, float], period: Period, grain: Grain) -> list[tuple[date, float]]:
    return [(start, values.get(start, 0.0)) for start in buckets(period, grain)]


def bucketed(rows: Iterable[Any], grain: Grain) -> dict[date, float]:
    out: dict[date, float] = defaultdict(float)
    for day, value in rows:
        out[bucket_start(day, grain)] += float(value or 0)
    return out
