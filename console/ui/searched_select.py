"""A select whose options the server searches as the user types: for choices too many to send to the browser whole
(collections, advertisers). Nothing is read while the page is built: the first options arrive when the list opens,
and each typed text asks again. `search(text) -> {value: label}` is one service call with a limit in its own unit
of work; it runs off the event loop. The chosen value always stays among the options (with its label), so a new
answer never clears it.

    SearchedSelect(lambda text: collection_choices(actor, text), label="Collection", none_label="Any collection")
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import run, ui
from nicegui.events import GenericEventArguments, ValueChangeEventArguments

from console.errors import ConsoleError
from console.ui.forms import report

SEARCH_MAX = 120  # longer typed text is cut before it reaches the service
DEBOUNCE_MS = 250


class SearchedSelect(ui.select):
    def __init__(
        self,
        search: Callable[[str], dict[Any, str]],
        *,
        label: str,
        value: Any = None,
        value_label: str | None = None,
        none_label: str | None = None,
    ) -> None:
        self._search = search
        self._none: dict[Any, str] = {None: none_label} if none_label is not None else {}
        self._chosen: dict[Any, str] = {} if value is None else {value: value_label or f"#{value}"}
        self._asked = 0  # answers to older questions are dropped (typing is faster than the database)
        self.loaded = False
        super().__init__({**self._none, **self._chosen}, label=label, value=value, with_input=True)
        self.props(f"input-debounce={DEBOUNCE_MS}")
        self.on("popup-show", self._opened)
        self.on("input-value", self._typed)
        self.on_value_change(self._remember)

    def _remember(self, e: ValueChangeEventArguments) -> None:
        options = self.options if isinstance(self.options, dict) else {}
        self._chosen = {} if e.value is None else {e.value: str(options.get(e.value, f"#{e.value}"))}

    async def _opened(self) -> None:
        if not self.loaded:
            await self.search("")

    async def _typed(self, e: GenericEventArguments) -> None:
        await self.search(e.args if isinstance(e.args, str) else "")

    async def search(self, text: str) -> None:
        """Ask the server for the options matching `text` and show them (the chosen one kept)."""
        self._asked += 1
        mine = self._asked
        try:
            found = await run.io_bound(self._search, text.strip()[:SEARCH_MAX])
        except ConsoleError as exc:
            report(exc)
            return
        if found is None or mine != self._asked or self.is_deleted:  # shutting down, or a newer question
            return
        self.loaded = True
        self.set_options({**self._none, **self._chosen, **found}, value=self.value)
