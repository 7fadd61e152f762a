"""How a video's publishing state looks on every page: one colour per state, the same on the catalog list, the
editor, the series and performer pages, the production page and the compliance worklist (they had drifted apart:
the performer page drew "scheduled" orange where every other page drew it blue)."""

from __future__ import annotations

import json

from nicegui import ui

VIDEO_STATE_COLOURS = {"draft": "grey-7", "scheduled": "info", "published": "positive", "unpublished": "warning"}

# A table cell's badge (a Quasar body-cell slot): Vue renders the value as text; the colours come from the dict.
VIDEO_STATE_CELL = f"""
<q-td :props="props"><q-badge :label="props.value"
  :color="{json.dumps(VIDEO_STATE_COLOURS).replace('"', "'")}[props.value] || 'grey'" /></q-td>"""


def state_colour(state: str | None) -> str:
    return VIDEO_STATE_COLOURS.get(state or "", "grey")


def state_badge(state: str) -> ui.badge:
    """The state as a badge in its colour."""
    return ui.badge(state).props(f"color={state_colour(state)}")
