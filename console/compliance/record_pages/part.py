"""The base of the record editor's cards (names, IDs, verification): the `RecordView` they belong to, and the
"add a row to the record" call the names and IDs forms share."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from console.ui.form_state import clear_sent
from console.ui.view_part import ViewPart

if TYPE_CHECKING:
    from console.compliance.record_pages.view import RecordView


class RecordPart(ViewPart):
    page: RecordView
    fields: dict[str, Any]  # the card's add form, by the names the service's messages use

    async def add_to_record(
        self, add: Callable[..., Any], data: dict[str, Any], done: str, *, kept: tuple[str, ...]
    ) -> None:
        """`add(session, actor=…, record_id=…, data=data)` through the view's `change` (which refreshes the cards);
        once added, the fields in `kept` that still hold what was sent are emptied (the others stay for the next)."""
        record_id = self.page.record_id
        ok, _ = await self.page.change(
            lambda s, a: add(s, actor=a, record_id=record_id, data=data), done, fields=self.fields
        )
        if ok:
            clear_sent({k: self.fields[k] for k in kept}, data)
