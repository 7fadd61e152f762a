"""What a staff member typed into a dialog's note or reason, kept until they send it or press Cancel.

A dialog lives in its page: when the connection is lost for longer than NiceGUI waits (about 20 s), the page
reloads and the dialog goes with it, and so did a refund's note or a moderator's long reason. `TextDraft` keeps
that one text field's value on the server (`app.storage.user`, as `ServerDrafts` keeps 2257 drafts: var/nicegui,
readable only by the console's user) under a key naming the staff member, the action and the row. Opening the
same dialog again brings the text back, with a line saying so and a Clear button. A successful action and Cancel
drop it; Escape and a lost page keep it. Keystrokes that never reached the server are not in it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from nicegui import app, ui

from console.actor import Actor
from console.ui.drafts import MAX_AGE
from console.ui.formatting import fmt_dt

STORAGE_KEY = "dialog_drafts"


def draft_key(actor: Actor, *parts: object) -> str:
    """The key of one dialog's draft: the staff member first, so a colleague on the same browser never gets it."""
    return ":".join(str(p) for p in (actor.staff_id, *parts))


def selection(ids: Iterable[int]) -> str:
    """One key part for a bulk action's rows, the same whatever order they were picked in: the same selection made
    again after a lost page gets its reason back, another selection does not."""
    chosen = sorted(set(ids))
    digest = hashlib.sha256(",".join(map(str, chosen)).encode()).hexdigest()[:12]
    return f"{len(chosen)}-{digest}"


class TextDraft:
    """Keeps `field`'s text under `key`; build it right after the field (its 'restored' line goes below it)."""

    def __init__(self, key: str, field: Any) -> None:
        self.key, self.field = key, field
        self.initial = field.value or ""
        self.storage: dict[str, Any] | None = None
        try:
            self.storage = app.storage.user  # the browser's own dict, kept: the action may end after the page went
        except (RuntimeError, AssertionError, KeyError):
            return  # no signed-in browser storage here: nothing is kept, as before
        self.restored_line = ui.row().classes("items-center gap-1 w-full text-xs").mark("text-draft-restored")
        self.restored_line.visible = False
        self.restore()
        field.on_value_change(self.keep)

    def _drafts(self) -> dict[str, Any]:
        assert self.storage is not None
        if not isinstance(self.storage.get(STORAGE_KEY), dict):
            self.storage[STORAGE_KEY] = {}
        drafts: dict[str, Any] = self.storage[STORAGE_KEY]
        return drafts

    def restore(self) -> None:
        raw = self._drafts().get(self.key)
        text, saved_at = _parse(raw)
        if text is None or saved_at is None or saved_at < datetime.now(UTC) - MAX_AGE:
            self._drafts().pop(self.key, None)
            return
        if text == self.initial:
            return
        self.field.value = text
        with self.restored_line:
            ui.icon("restore").classes("text-sm")
            ui.label(f"Restored from {fmt_dt(saved_at)}: what you typed and did not send.").mark("text-draft-when")
            ui.button("Clear", on_click=self.discard).props("dense flat no-caps size=sm").mark("text-draft-clear")
        self.restored_line.visible = True

    def keep(self) -> None:
        text = self.field.value or ""
        drafts = self._drafts()
        if not text.strip() or text == self.initial:
            drafts.pop(self.key, None)
            return
        cutoff = datetime.now(UTC) - MAX_AGE
        for key in [k for k, v in drafts.items() if k != self.key and (_parse(v)[1] or cutoff) <= cutoff]:
            del drafts[key]
        drafts[self.key] = {"text": text, "saved_at": datetime.now(UTC).isoformat()}

    def discard(self) -> None:
        """Clear: the field back to what the dialog opened with, the draft gone."""
        self.field.value = self.initial
        self.clear()
        self.restored_line.visible = False

    def clear(self) -> None:
        """The text was sent (or cancelled): nothing to keep."""
        if self.storage is not None:
            self._drafts().pop(self.key, None)


def _parse(raw: Any) -> tuple[str | None, datetime | None]:
    """A stored draft's text and time, or Nones when it is not one."""
    if not isinstance(raw, dict) or not isinstance(raw.get("text"), str):
        return None, None
    try:
        saved_at = datetime.fromisoformat(str(raw.get("saved_at")))
    except ValueError:
        return None, None
    return raw["text"], saved_at if saved_at.tzinfo else saved_at.replace(tzinfo=UTC)
