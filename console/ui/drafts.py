"""Unsaved changes kept across a reload, a lost connection or a server restart, and offered back.

`DraftKeeper` watches one editor's `FormState`. While the form differs from what is stored it keeps a draft
(the values, the row's id and the version they were based on, the time), and when the editor is opened again
it shows "You have unsaved changes from <time> — Restore / Discard". A draft based on an older version than
the one stored now is marked as such, and restoring it makes the page show the conflict as a stale save does.
A successful save clears the draft.

Where drafts live (the two stores):

- `BrowserDrafts`: the browser's localStorage, written by the browser itself (assets/drafts.js) on every
  keystroke. The only place that holds text typed while the page was not connected (a slow first round trip,
  "Connection lost") and that survives a reload and a server restart. Used for catalog data, which is not
  secret: titles, descriptions, URLs. Nothing the user typed travels in `run_javascript` code; the browser
  reads the form from the page (element ids and a JSON property) and sends drafts back as a call's result.
- `ServerDrafts`: the signed-in browser's server-side storage (`app.storage.user`: var/nicegui, a directory
  only the console's user can read, or Redis when configured), written when the server receives a change.
  Used for 2257 data (legal names, dates of birth, production notes): it never rests unencrypted in a browser
  profile on a shared machine. The price: keystrokes that never reached the server are not kept.

Both key a draft by staff member and row, so another person signing in on the same browser is never offered
it; drafts older than `MAX_AGE` are dropped.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from nicegui import Client, app, ui

from console.ui.form_state import FormState, same
from console.ui.formatting import fmt_dt
from console.ui.later import when_connected

MAX_AGE = timedelta(days=14)
STORAGE_KEY = "drafts"
SCRIPT = '<script defer src="/assets/drafts.js"></script>'


@dataclass
class Draft:
    row_id: int | None
    version: int | None
    values: dict[str, Any]
    saved_at: datetime | None = None
    extras: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "meta": {"row_id": self.row_id, "version": self.version},
            "values": {**self.values, **self.extras},
            "saved_at": (self.saved_at or datetime.now(UTC)).isoformat(),
        }

    @classmethod
    def parse(cls, raw: Any) -> Draft | None:
        """A stored draft (from a browser: untrusted) or None when it is not one."""
        if not isinstance(raw, dict) or not isinstance(raw.get("values"), dict):
            return None
        meta = raw.get("meta")
        if not isinstance(meta, dict):
            meta = {}
        row_id, version = meta.get("row_id"), meta.get("version")
        if not all(v is None or (isinstance(v, int) and not isinstance(v, bool)) for v in (row_id, version)):
            return None
        try:
            saved_at = datetime.fromisoformat(str(raw.get("saved_at")).replace("Z", "+00:00"))
        except ValueError:
            return None
        if saved_at.tzinfo is None:
            saved_at = saved_at.replace(tzinfo=UTC)
        return cls(row_id, version, {str(k): v for k, v in raw["values"].items()}, saved_at.astimezone(UTC))


class DraftStore(Protocol):
    def attach(self, keeper: DraftKeeper) -> None: ...
    async def offered(self) -> Draft | None: ...
    def prepare(self, draft: Draft) -> None: ...
    def keep(self, draft: Draft, *, force: bool = False) -> None: ...
    def clear(self) -> None: ...


class ServerDrafts:
    """Drafts in `app.storage.user` (server side), one per staff member and form."""

    def __init__(self, key: str) -> None:
        self.key = key
        self._offered: Draft | None = None

    def attach(self, keeper: DraftKeeper) -> None:
        """While the page is built: the draft as it is now is the one to offer (typing may replace it soon)."""
        del keeper
        self._offered = Draft.parse(self._all().get(self.key))

    def _all(self) -> dict[str, Any]:
        if not isinstance(app.storage.user.get(STORAGE_KEY), dict):
            app.storage.user[STORAGE_KEY] = {}
        drafts: dict[str, Any] = app.storage.user[STORAGE_KEY]  # the stored (observed) dict, not a copy
        return drafts

    async def offered(self) -> Draft | None:
        return self._offered

    def prepare(self, draft: Draft) -> None:
        del draft  # the server writes whole drafts when it keeps one

    def keep(self, draft: Draft, *, force: bool = False) -> None:
        del force
        drafts = self._all()
        cutoff = datetime.now(UTC) - MAX_AGE
        for key in [k for k, v in drafts.items() if k != self.key and _older(v, cutoff)]:
            del drafts[key]
        drafts[self.key] = draft.as_json()

    def clear(self) -> None:
        self._all().pop(self.key, None)


def _older(raw: Any, cutoff: datetime) -> bool:
    draft = Draft.parse(raw)
    return draft is None or draft.saved_at is None or draft.saved_at < cutoff


class BrowserDrafts:
    """Drafts in the browser's localStorage, written there by assets/drafts.js."""

    def __init__(self, key: str) -> None:
        self.key = key
        self._spec: dict[str, Any] = {}
        self.holder: ui.element | None = None
        self.client: Client | None = None

    def attach(self, keeper: DraftKeeper) -> None:
        ui.add_head_html(SCRIPT)
        self.client = ui.context.client  # handlers may run in the slot of an element deleted meanwhile
        self.holder = ui.element("div").classes("hidden").mark("draft-holder")
        self.holder._props["data-draft-key"] = self.key
        self._spec = {"texts": {name: e.id for name, e in keeper.form.text_fields().items()}}
        self._publish(keeper.snapshot())

    def _publish(self, draft: Draft) -> bool:
        """Put what the server holds (fields other than text, extras, meta) where the browser reads it."""
        texts = self._spec["texts"]
        state = {k: v for k, v in draft.as_json()["values"].items() if k not in texts}
        spec = {**self._spec, "state": state, "meta": {"row_id": draft.row_id, "version": draft.version}}
        if spec == self._spec or self.holder is None:
            return False
        self._spec = spec
        self.holder._props["data-draft-spec"] = json.dumps(spec, ensure_ascii=False, default=str)
        self.holder.update()
        return True

    async def offered(self) -> Draft | None:
        if self.client is None:
            return None
        try:
            raw = await self.client.run_javascript(f"return consoleDrafts.offered({json.dumps(self.key)})", timeout=5)
        except TimeoutError:
            return None
        return Draft.parse(raw)

    def prepare(self, draft: Draft) -> None:
        """After a save: drafts the browser writes from now on carry the new version (and the stored state)."""
        self._publish(draft)

    def keep(self, draft: Draft, *, force: bool = False) -> None:
        if (self._publish(draft) or force) and self.client is not None:
            self.client.run_javascript(f"consoleDrafts.changed({json.dumps(self.key)})")

    def clear(self) -> None:
        if self.client is not None:
            self.client.run_javascript(f"consoleDrafts.clear({json.dumps(self.key)})")


def _nothing() -> dict[str, Any]:
    return {}


class DraftKeeper:
    """Keeps one editor's unsaved changes as a draft and offers them back (see the module docstring).

    `dirty()` says whether the form (and what `extras()` returns, e.g. a list of performers) differs from what
    is stored (by default: whether the form has changed fields); `stored_extras()` is that stored part.
    `on_restore(draft, outdated)` lets the page bring back the extras and, for an outdated draft, show the conflict.
    """

    def __init__(
        self,
        store: DraftStore,
        form: FormState,
        *,
        row_id: int | None,
        version: Callable[[], int | None],
        what: str,
        dirty: Callable[[], bool] | None = None,
        extras: Callable[[], dict[str, Any]] | None = None,
        stored_extras: Callable[[], dict[str, Any]] | None = None,
        on_restore: Callable[[Draft, bool], Awaitable[None] | None] | None = None,
    ) -> None:
        self.store, self.form, self.row_id = store, form, row_id
        self.version, self.what = version, what
        self.dirty = dirty or (lambda: bool(form.changed()))
        self.extras = extras or _nothing
        self.stored_extras = stored_extras or _nothing
        self.on_restore = on_restore
        self.offer_box: ui.column | None = None
        self.pending: Draft | None = None

    def snapshot(self) -> Draft:
        return Draft(self.row_id, self.version(), self.form.values(), datetime.now(UTC), self.extras())

    def start(self) -> None:
        """Call once the form is built: place the (hidden) offer here, watch the fields, offer when connected."""
        self.offer_box = ui.column().classes("w-full gap-1 p-2 rounded bg-blue-1 text-black").mark("draft-offer")
        self.offer_box.visible = False
        self.store.attach(self)
        for element in self.form.fields.values():
            element.on_value_change(self.changed)
        when_connected(self.offer, name="ui.drafts: offer")  # the offer once the page is connected

    def changed(self) -> None:
        """A field or an extra changed: keep the draft, or drop it when nothing differs any more."""
        if self.form.filling:  # the page shows a stored state (or a restored draft: kept after)
            return
        if self.dirty():
            self.store.keep(self.snapshot())
        elif isinstance(self.store, ServerDrafts):
            self.store.clear()

    def saved(self, *, leaving: bool = False) -> None:
        """After a successful save the draft is done; text typed during the save starts the next one. `leaving`:
        the page goes elsewhere next (a created row opens at its own address)."""
        self.store.clear()
        if leaving:
            return
        self.store.prepare(self.snapshot())
        if self.dirty():
            self.store.keep(self.snapshot(), force=True)

    async def offer(self) -> None:
        draft = await self.store.offered()
        if draft is None:
            return
        if draft.row_id != self.row_id or draft.saved_at is None or draft.saved_at < datetime.now(UTC) - MAX_AGE:
            self.store.clear()
            return
        values = self.form.accepted(draft.values)
        stored = self.stored_extras()
        draft.extras = {k: draft.values[k] for k in stored if k in draft.values}
        if not any(not same(v, self.form.base.get(k)) for k, v in values.items()) and all(
            same(v, stored[k]) for k, v in draft.extras.items()
        ):
            if not self.dirty():
                self.store.clear()
            return  # nothing in it differs from what is stored
        self.pending = draft
        self._show_offer(draft)

    def outdated(self, draft: Draft) -> bool:
        return draft.version != self.version()

    def _show_offer(self, draft: Draft) -> None:
        box = self.offer_box
        if box is None:
            return
        box.clear()
        with box:
            with ui.row().classes("items-center gap-2 w-full"):
                ui.icon("restore").classes("text-lg")
                ui.label(f"You have unsaved changes from {fmt_dt(draft.saved_at)} — Restore them?").classes(
                    "text-sm font-semibold"
                ).mark("draft-offer-text")
                ui.space()
                ui.button("Restore", on_click=self.restore).props("dense unelevated no-caps color=primary").mark(
                    "draft-restore"
                )
                ui.button("Discard", on_click=self.discard).props("dense flat no-caps").mark("draft-discard")
            if self.outdated(draft):
                ui.label(
                    f"{self.what} was changed since (version {draft.version} then, {self.version()} now): restoring "
                    "shows your changes next to the saved version, as a stale save does."
                ).classes("text-xs").mark("draft-outdated")
        box.visible = True

    async def restore(self) -> None:
        draft, self.pending = self.pending, None
        if self.offer_box is not None:
            self.offer_box.visible = False
        if draft is None:
            return
        outdated = self.outdated(draft)
        self.form.restore(draft.values)
        if self.on_restore is not None:
            result = self.on_restore(draft, outdated)
            if result is not None:
                await result
        self.changed()
        ui.notify("Your unsaved changes are back in the form. Save to keep them.", type="info")

    def discard(self) -> None:
        self.pending = None
        if self.offer_box is not None:
            self.offer_box.visible = False
        self.store.clear()
        if self.dirty():  # what was typed on this page since is a new draft
            self.store.keep(self.snapshot(), force=True)
