"""What a staff member typed into a dialog, kept until they send or save it or press Cancel.

A dialog lives in its page: when the connection is lost for longer than NiceGUI waits (about 20 s), the page
reloads and the dialog goes with it, and so did a refund's note, a moderator's long reason or a half-made campaign.
`DialogDraft` keeps the fields' changed values on the server (`app.storage.user`, as `ServerDrafts` keeps 2257
drafts: var/nicegui, readable only by the console's user) under a key naming the staff member, the action and the
row. Opening the same dialog again brings them back, with a line saying so and a Clear button. A successful action
and Cancel drop it; Escape and a lost page keep it. Keystrokes that never reached the server are not in it.
`TextDraft` is the one-field case (a reason, a note).
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
PLAIN = (str, int, float, bool, type(None))  # what the JSON storage keeps as it is; files and objects are skipped


def draft_key(actor: Actor, *parts: object) -> str:
    """The key of one dialog's draft: the staff member first, so a colleague on the same browser never gets it."""
    return ":".join(str(p) for p in (actor.staff_id, *parts))


def selection(ids: Iterable[int]) -> str:
    """One key part for a bulk action's rows, the same whatever order they were picked in: the same selection made
    again after a lost page gets its reason back, another selection does not."""
    chosen = sorted(set(ids))
    digest = hashlib.sha256(",".join(map(str, chosen)).encode()).hexdigest()[:12]
    return f"{len(chosen)}-{digest}"


def _plain(value: Any) -> Any:
    """The value as the storage keeps it, or `...` when it cannot be kept (an upload, a date object)."""
    if isinstance(value, PLAIN):
        return value
    if isinstance(value, list | tuple) and all(isinstance(v, PLAIN) for v in value):
        return list(value)
    return ...


def _offers(field: Any, value: Any) -> bool:
    """Whether a select still offers `value` (every item of a multiple one); other fields take any value."""
    options = getattr(field, "options", None)
    if options is None or value is None or "new-value-mode" in getattr(field, "props", {}):
        return True
    return all(v in options for v in (value if isinstance(value, list) else [value]))


class DialogDraft:
    """Keeps the changed values of `fields` (name → input) under `key`; build it after the fields (its 'restored'
    line goes where it is built). `version` is the version of the row the dialog edits: a draft made on another
    version is restored with `stale` set, for the dialog to base its save on that version and show the conflict."""

    what = "what you typed and did not save"

    def __init__(self, key: str, fields: dict[str, Any], *, version: int | None = None) -> None:
        self.key, self.version = key, version
        self.fields = {n: f for n, f in fields.items() if _plain(getattr(f, "value", ...)) is not ...}
        self.initial = {n: _plain(f.value) for n, f in self.fields.items()}
        self.storage: dict[str, Any] | None = None
        self.based_on: int | None = None
        try:
            self.storage = app.storage.user  # the browser's own dict, kept: the action may end after the page went
        except (RuntimeError, AssertionError, KeyError):
            return  # no signed-in browser storage here: nothing is kept, as before
        self.restored_line = ui.row().classes("items-center gap-1 w-full text-xs no-wrap").mark("text-draft-restored")
        self.restored_line.visible = False
        self.restore()
        self._prune()
        for field in self.fields.values():
            field.on_value_change(self.keep)

    @property
    def stale(self) -> bool:
        """The restored draft was typed on another version of the row than the one the dialog opened on."""
        return self.based_on is not None and self.version is not None and self.based_on != self.version

    def _drafts(self) -> dict[str, Any]:
        assert self.storage is not None
        if not isinstance(self.storage.get(STORAGE_KEY), dict):
            self.storage[STORAGE_KEY] = {}
        drafts: dict[str, Any] = self.storage[STORAGE_KEY]
        return drafts

    def _prune(self) -> None:
        """Drafts left older than `MAX_AGE` go, once per dialog opened (not per keystroke)."""
        cutoff, drafts = datetime.now(UTC) - MAX_AGE, self._drafts()
        for key in [k for k, v in drafts.items() if k != self.key and (_parse(v)[1] or cutoff) <= cutoff]:
            del drafts[key]

    def restore(self) -> None:
        values, saved_at, version = _parse(self._drafts().get(self.key))
        if values is None or saved_at is None or saved_at < datetime.now(UTC) - MAX_AGE:
            self._drafts().pop(self.key, None)
            return
        changed = {n: v for n, v in values.items() if n in self.fields and v != self.initial[n]}
        if not changed:
            return
        for name, value in changed.items():  # in the form's order: a type before the format it offers
            if _offers(self.fields[name], value):  # an option no longer offered: that field stays as it opened
                self.fields[name].value = value
        self.based_on = version
        with self.restored_line:
            ui.icon("restore").classes("text-sm")
            note = f"Restored from {fmt_dt(saved_at)}: {self.what}."
            if self.stale:
                note += " It was changed since: saving shows what is stored now beside it."
            ui.label(note).classes("min-w-0 grow").mark("text-draft-when")  # wraps beside the icon and Clear
            ui.button("Clear", on_click=self.discard).props("dense flat no-caps size=sm").mark("text-draft-clear")
        self.restored_line.visible = True

    def keep(self) -> None:
        now = {n: _plain(f.value) for n, f in self.fields.items()}
        changed = {n: v for n, v in now.items() if v is not ... and v != self.initial[n]}
        drafts = self._drafts()
        if not any(v.strip() if isinstance(v, str) else v not in (None, []) for v in changed.values()):
            drafts.pop(self.key, None)  # nothing changed, or only emptied: no work to lose
            return
        version = self.based_on if self.based_on is not None else self.version
        drafts[self.key] = {"values": changed, "version": version, "saved_at": datetime.now(UTC).isoformat()}

    def rebase(self, version: int | None) -> None:
        """The dialog's save is now based on `version` (a conflict was shown): the draft is kept as typed on it."""
        self.version, self.based_on = version, None
        if self.storage is not None and self.key in self._drafts():
            self.keep()

    def discard(self) -> None:
        """Clear: the fields back to what the dialog opened with, the draft gone."""
        for name, value in self.initial.items():
            self.fields[name].value = value
        self.based_on = None
        self.clear()
        self.restored_line.visible = False

    def clear(self) -> None:
        """The input was sent, saved or cancelled: nothing to keep."""
        if self.storage is not None:
            self._drafts().pop(self.key, None)


class TextDraft(DialogDraft):
    """One text field (a reason, a note); build it right after the field."""

    what = "what you typed and did not send"

    def __init__(self, key: str, field: Any) -> None:
        super().__init__(key, {"text": field})


def _parse(raw: Any) -> tuple[dict[str, Any] | None, datetime | None, int | None]:
    """A stored draft's values, time and version, or Nones when it is not one."""
    if not isinstance(raw, dict) or not isinstance(raw.get("values"), dict):
        return None, None, None
    try:
        saved_at = datetime.fromisoformat(str(raw.get("saved_at")))
    except ValueError:
        return None, None, None
    version = raw.get("version")
    return (
        raw["values"],
        saved_at if saved_at.tzinfo else saved_at.replace(tzinfo=UTC),
        version if isinstance(version, int) else None,
    )
