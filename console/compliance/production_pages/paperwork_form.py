"""What the production and custodian forms share: their unsaved changes, kept on the server (2257 paperwork stays
off the browser) and offered back above the form to those who may edit it, and the save's messages (a summary
line, the conflict panel with "Take theirs")."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import ui

from console.actor import Actor
from console.ui.conflict import ConflictActions, ConflictPanel
from console.ui.drafts import Draft, DraftKeeper, ServerDrafts
from console.ui.form_state import FormState


class PaperworkForm:
    """A form view: its `form`, the `version` it is based on, whether it is `editable`, the `draft_host` the offer
    shows in, `restored(draft, outdated)`, which takes a restored draft in, and `take_theirs()`, which puts what is
    stored now in the form."""

    actor: Actor
    form: FormState
    version: Any
    editable: bool
    draft_host: ui.element
    drafts: DraftKeeper
    take_theirs: Callable[[], Any]

    def restored(self, draft: Draft, outdated: bool) -> None:
        raise NotImplementedError

    def keep_drafts(self, key: str, *, row_id: int | None, what: str) -> None:
        """Keep unsaved changes under `{staff id}:{key}`; for those who may edit, offer a kept draft back now."""
        self.drafts = DraftKeeper(
            ServerDrafts(f"{self.actor.staff_id}:{key}"),
            self.form,
            row_id=row_id,
            version=lambda: self.version,
            what=what,
            on_restore=self.restored,
        )
        if self.editable:
            with self.draft_host:
                self.drafts.start()

    def save_messages(self, mark: str, labels: dict[str, str], *, summary: str = "text-negative text-sm") -> None:
        """The save's summary line (refusals; `summary` its classes) and the conflict panel (a stale version)."""
        self.summary = ui.label("").classes(summary).mark(f"{mark}-summary")
        self.summary.visible = False
        take = ConflictActions(on_take_theirs=self.take_theirs) if self.editable else None
        self.conflict = ConflictPanel(labels, actions=take, mark=f"{mark}-conflict")
