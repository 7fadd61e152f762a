"""The before/after table of one audited change, shared by every history tab (plain text, escaped by NiceGUI)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from nicegui import ui

from console.ui.formatting import fmt_value

DIFF_COLUMNS = [
    {"name": "field", "label": "Field", "field": "field", "align": "left"},
    {"name": "before", "label": "Before", "field": "before", "align": "left"},
    {"name": "after", "label": "After", "field": "after", "align": "left"},
]


def diff_table(diff: Iterable[tuple[str, Any, Any]], labels: dict[str, str]) -> ui.table:
    """One row per changed field: its label, the value before and after."""
    rows = [{"field": labels.get(k, k), "before": fmt_value(b), "after": fmt_value(a)} for k, b, a in diff]
    table = ui.table(columns=DIFF_COLUMNS, rows=rows, row_key="field")
    return table.props("dense flat bordered wrap-cells").classes("w-full")
