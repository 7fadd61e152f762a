"""A select whose options the server searches as the user types: for choices too many to send to the browser whole
(collections, advertisers). `search(text)` is one service call with a limit in its own unit of work; it runs off the
event loop and answers `{value: label}`, or a `Found` that also says how many match in all: then a hint under the
field reads "20 of 57: type to search" while not every match is shown.

Nothing is read while the page is built unless the page already holds the first answer (`offered`, read with the
rest of the page): otherwise the first options arrive when the list opens, and each typed text asks again. The chosen
value always stays among the options (with its label), and so does a pinned one (`pin`: the stored value, to go back
to), so a new answer never clears them; a value no search finds (a deleted collection) shows as `missing_label`
gives it ("#12" unless told). Answers come in display order, the kept values after them.

    SearchedSelect(lambda text: collection_options(actor, text), label="Collection", none_label="Any collection")
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from nicegui import run, ui
from nicegui.events import GenericEventArguments, Handler, ValueChangeEventArguments

from console.errors import ConsoleError
from console.ui.forms import report

SEARCH_MAX = 120  # longer typed text is cut before it reaches the service
DEBOUNCE_MS = 250


@dataclass
class Found:
    """One answer of a search: the options it offers, in order, and how many match in all (None: not counted)."""

    options: dict[Any, str] = field(default_factory=dict)
    total: int | None = None


def missing(value: Any) -> str:
    return f"#{value}"


class SearchedSelect(ui.select):
    def __init__(
        self,
        search: Callable[[str], Mapping[Any, str] | Found],
        *,
        label: str,
        value: Any = None,
        value_label: str | None = None,
        none_label: str | None = None,
        missing_label: Callable[[Any], str] = missing,
        offered: Found | None = None,
        on_change: Handler[ValueChangeEventArguments[Any]] | None = None,
    ) -> None:
        """`offered`: the first answer when the page already read it (then opening the list asks nothing)."""
        self._search, self._missing = search, missing_label
        self._none: dict[Any, str] = {None: none_label} if none_label is not None else {}
        self._chosen: dict[Any, str] = {} if value is None else {value: value_label or missing_label(value)}
        self._pinned: dict[Any, str] = {}
        self._found = offered or Found()
        self._asked = 0  # answers to older questions are dropped (typing is faster than the database)
        # the text the shown answer is for (not `_text`: that is NiceGUI's text content, drawn inside the field)
        self._answered_text: str | None = "" if offered is not None else None
        self.loaded = offered is not None
        super().__init__(self._merged(), label=label, value=value, with_input=True, on_change=on_change)
        self.props(f"input-debounce={DEBOUNCE_MS}")
        self.on("popup-show", self._opened)
        self.on("input-value", self._typed)
        self.on_value_change(self._remember)
        self._hint()

    def _merged(self) -> dict[Any, str]:
        """The "none" entry, the answer in its order, then the chosen and the pinned values it does not hold."""
        merged = {**self._none, **self._found.options}
        for value, label in [*self._chosen.items(), *self._pinned.items()]:
            merged.setdefault(value, label)
        return merged

    def _hint(self) -> None:
        shown, total = len(self._found.options), self._found.total
        if total is not None and total > shown:
            self.props(f'hint="{shown:,} of {total:,}: type to search"')
        else:
            self.props(remove="hint")

    def _remember(self, e: ValueChangeEventArguments) -> None:
        options = self.options if isinstance(self.options, dict) else {}
        self._chosen = {} if e.value is None else {e.value: str(options.get(e.value, self._missing(e.value)))}

    def pin(self, value: Any, label: str | None = None) -> None:
        """Keep `value` among the options from now on, whatever is chosen or typed (the one before is let go)."""
        self._pinned = {} if value is None else {value: label or self._missing(value)}
        if value is not None and value not in self.options:
            self.set_options(self._merged(), value=self.value)

    async def _opened(self) -> None:
        if not self.loaded:
            await self.search("")

    async def _typed(self, e: GenericEventArguments) -> None:
        await self.search(e.args if isinstance(e.args, str) else "")

    async def search(self, text: str) -> None:
        """Ask the server for the options matching `text` and show them (the chosen and pinned ones kept)."""
        text = text.strip()[:SEARCH_MAX]
        if self.loaded and text == self._answered_text:  # the answer shown is for this very text
            return
        self._asked += 1
        mine, self._answered_text = self._asked, text
        try:
            found = await run.io_bound(self._search, text)
        except ConsoleError as exc:
            self._answered_text = None
            report(exc)
            return
        if found is None or mine != self._asked or self.is_deleted:  # shutting down, or a newer question
            return
        self.loaded = True
        self._found = found if isinstance(found, Found) else Found(dict(found))
        self.set_options(self._merged(), value=self.value)
        self._hint()
