"""CSV of a chart's aggregate points (never raw rows), recorded in the audit log as `insights.export`."""

from __future__ import annotations

import pandas as pd
from sqlalchemy.orm import Session

from console.actor import Actor
from console.audit import service as audit
from console.insights.periods import Grain, Period
from console.insights.series import Series


def to_csv(series: list[Series], *, compare: list[Series] | None = None, compare_label: str = "") -> str:
    """Long format: one row per (series, bucket), with the comparison period's points marked in `period`."""
    rows = [
        {"period": "current", "series": s.name, "bucket": d.isoformat(), "value": v, "unit": s.unit}
        for s in series
        for d, v in s.points
    ]
    rows += [
        {"period": compare_label or "comparison", "series": s.name, "bucket": d.isoformat(), "value": v, "unit": s.unit}
        for s in compare or []
        for d, v in s.points
    ]
    frame = pd.DataFrame(rows, columns=["period", "series", "bucket", "value", "unit"])
    return str(frame.to_csv(index=False))


def record_export(session: Session, *, actor: Actor, chart: str, period: Period, grain: Grain, compare: str) -> None:
    audit.record(
        session,
        actor,
        "insights.export",
        "chart",
        chart,
        after={
            "chart": chart,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "grain": grain,
            "compare": compare,
        },
    )


def file_name(chart: str, period: Period) -> str:
    return f"insights-{chart}-{period.start.isoformat()}-{period.end.isoformat()}.csv"
