"""The video editor page body (/catalog/new and /catalog/{id}; the routes are in `catalog/pages.py`).

- `view.EditorView`: the page; it owns the stored state, the save and the drafts kept in the browser.
- `header.EditorHeader`: title, state, version, Save and publishing buttons, series and 2257 links, notices.
- `form.VideoForm`: the fields by section; `collection_field.CollectionField`: the server-searched Collection.
- `preview`: the preview card and the thumbnail upload; `performers.PerformerPicker`: the linked performers.
- `history.HistoryTab`, `publishing.Publishing` (and the gate's refusal), `conflict_dialog.VideoConflict` (the
  shared `console.ui.conflict.ConflictDialog` set up for videos).
- `store`: what the page reads and writes, each in one unit of work; `values`: labels and pure conversions.

Every field is sent to the service as typed (the service parses durations, money and dates and answers with
ValidationFailed, shown on the fields). Saves carry the version that was loaded; a Conflict opens a side-by-side
dialog and keeps the typed input. Nothing here builds a query.
"""

from __future__ import annotations

from console.catalog.editor.store import history_of, snapshot
from console.catalog.editor.values import (
    FIELD_LABELS,
    HISTORY_LABELS,
    comparable,
    element_values,
    empty_view,
    form_values,
    safe_colour,
    safe_image,
)
from console.catalog.editor.view import EditorView
from console.staff.auth import SessionInfo


def build(info: SessionInfo, video_id: int | None) -> None:
    EditorView(info.actor, video_id).build()


__all__ = [
    "FIELD_LABELS",
    "HISTORY_LABELS",
    "EditorView",
    "build",
    "comparable",
    "element_values",
    "empty_view",
    "form_values",
    "history_of",
    "safe_colour",
    "safe_image",
    "snapshot",
]
