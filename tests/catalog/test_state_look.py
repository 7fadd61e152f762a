"""A video's state has one look: the list tables' cell and the pages' badges take their colours from one dict."""

from __future__ import annotations

from console.catalog.list_pages.rows import CELL_SLOTS
from console.catalog.models import VIDEO_STATES
from console.catalog.state_look import VIDEO_STATE_CELL, VIDEO_STATE_COLOURS, state_colour
from console.compliance.worklist_pages import TAB_SLOTS


def test_every_state_has_a_colour_and_the_table_cell_uses_it() -> None:
    assert set(VIDEO_STATE_COLOURS) == set(VIDEO_STATES)
    for state, colour in VIDEO_STATE_COLOURS.items():
        assert f"'{state}': '{colour}'" in VIDEO_STATE_CELL
    assert state_colour("no-such-state") == state_colour(None) == "grey-7"


def test_the_catalog_list_and_the_compliance_worklist_draw_the_same_cell() -> None:
    assert CELL_SLOTS["body-cell-state"] is VIDEO_STATE_CELL
    assert TAB_SLOTS["blocked"]["body-cell-state"] is VIDEO_STATE_CELL
    assert TAB_SLOTS["holds"]["body-cell-video_state"] is VIDEO_STATE_CELL
