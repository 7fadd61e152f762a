"""How a video's publishing state looks on every page: one colour per state, the same on the catalog list, the
editor, the series and performer pages, the production page and the compliance worklist (they had drifted apart:
the performer page drew "scheduled" orange where every other page drew it blue)."""

from __future__ import annotations

import json

from nicegui import ui

VIDEO_STATE_COLOURS = {"draft": "grey-7", "scheduled": "info", "published": "positive", "unpublished": "warning"}
VIDEO_STATE_LABELS = {state: state.capitalize() for state in VIDEO_STATE_COLOURS}  # what staff read: "Draft"
VIDEO_KIND_LABELS = {"movie": "Movie", "series": "Series", "episode": "Episode", "live": "Live"}


def _js(mapping: dict[str, str]) -> str:
    return json.dumps(mapping).replace('"', "'")


# A table cell's badge (a Quasar body-cell slot): Vue renders the value as text; word and colour come from the dicts.
VIDEO_STATE_CELL = f"""
<q-td :props="props"><q-badge :label="{_js(VIDEO_STATE_LABELS)}[props.value] || props.value"
  :color="{_js(VIDEO_STATE_COLOURS)}[props.value] || 'grey-7'" /></q-td>"""
VIDEO_KIND_CELL = f"""<q-td :props="props">{{{{ {_js(VIDEO_KIND_LABELS)}[props.value] || props.value }}}}</q-td>"""


def state_colour(state: str | None) -> str:
    return VIDEO_STATE_COLOURS.get(state or "", "grey-7")


def state_badge(state: str) -> ui.badge:
    """The state as a badge in its colour."""
    return ui.badge(VIDEO_STATE_LABELS.get(state, state)).props(f"color={state_colour(state)}")
