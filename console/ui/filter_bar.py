"""A filter bar: labelled selects and inputs that build a filter object (a service's dataclass) and apply it when
a select changes or Enter is pressed in an input. Whole-number inputs are checked here ("must be a whole number",
on the field) and the filter is not applied until they are right; the service validates the rest and its
messages land on the fields too (`show_errors`). A field can also be a checkbox (`toggle=True`) or a widget the page
builds itself (`build=lambda start: SearchedSelect(...)`, its value taken as it is); `row` is the bar's row, for a
page's extra buttons.

    bar = FilterBar(CaseFilter, [
        FilterField("status", "Status", options={"live": "Open, claimed or escalated", ...}, default="live"),
        FilterField("older_than_hours", "Older than (hours)", number=True, maximum=8784),
    ], on_apply=self.apply_filter, mark="queue-filter")
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

from nicegui import app, ui

from console.errors import ValidationFailed
from console.ui.forms import clear_errors, select
from console.ui.forms import show_errors as show_field_errors

F = TypeVar("F")
LAST_LIST = "last_list:"  # app.storage.user key prefix: a list's last filtered address, by path


@dataclass(frozen=True)
class FilterField:
    name: str  # the filter object's keyword argument
    label: str
    options: dict[Any, str] | None = None  # a select (value -> label); None makes a text input
    default: Any = None
    number: bool = False  # a whole-number input; empty means None
    minimum: int = 0
    maximum: int = 1_000_000_000
    width: str = "w-40"
    mark: str | None = None  # the widget's mark is f"{bar mark}-{this}" (default: the name)
    toggle: bool = False  # a checkbox; its value is True or False
    build: Callable[[Any], Any] | None = None  # the page builds the widget from the start value (a SearchedSelect)
    hint: str = ""  # the input's hover text: what the short label leaves out


def parse_value(spec: FilterField, raw: Any) -> tuple[Any, str | None]:
    """(value, error) for one field's raw widget or query-string value."""
    if spec.build is not None:  # the page's own widget: its value is taken as it is
        return (spec.default if raw is None or raw == "" else raw), None
    if spec.toggle:
        return (raw if isinstance(raw, bool) else bool(spec.default)), None
    if spec.options is not None:
        return (raw if raw in spec.options else spec.default), None
    text = "" if raw is None else str(raw).strip()
    if not spec.number:
        return (text or spec.default), None
    if text == "":
        return spec.default, None
    if not (text.isascii() and text.isdigit()) or len(text) > 10:
        return None, "must be a whole number"
    value = int(text)
    if not spec.minimum <= value <= spec.maximum:
        return None, f"must be between {spec.minimum:,} and {spec.maximum:,}"
    return value, None


def build_filter(
    factory: Callable[..., F], fields: list[FilterField], raw: Mapping[str, Any]
) -> tuple[F | None, dict[str, str]]:
    """The filter object from raw values, or (None, {field: message}) when an input is not acceptable."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for spec in fields:
        value, error = parse_value(spec, raw.get(spec.name))
        if error:
            errors[spec.name] = error
        else:
            values[spec.name] = value
    if errors:
        return None, errors
    return factory(**values), {}


def initial_values(fields: list[FilterField], params: Mapping[str, Any]) -> dict[str, Any]:
    """Starting values from a query string: acceptable values are taken, anything else falls back to the default."""
    start: dict[str, Any] = {}
    for spec in fields:
        value, error = parse_value(spec, params.get(spec.name))
        start[spec.name] = spec.default if error else value
    return start


def replace_address(params: Mapping[str, Any]) -> None:
    """Put a list's filters in the address (history.replace: no new history entry), so Back from a row, a page's
    "← list" link and a reload come back to the list as it was filtered; empty values are left out."""
    kept = {name: str(value) for name, value in params.items() if value not in (None, "", False)}
    path = ui.context.client.request.url.path
    address = path + (f"?{urlencode(kept)}" if kept else "")
    ui.navigate.history.replace(address)
    app.storage.user[f"{LAST_LIST}{path}"] = address


def list_address(path: str) -> str:
    """The list at `path` as this staff member last filtered it (a "← list" link's target), else `path`."""
    stored = app.storage.user.get(f"{LAST_LIST}{path}")
    return stored if isinstance(stored, str) and stored.startswith(f"{path}?") else path


def blank(spec: FilterField) -> Any:
    """What a field's widget shows after Clear."""
    if spec.toggle:
        return bool(spec.default)
    if spec.options is not None or spec.build is not None:
        return spec.default
    return "" if spec.default is None else str(spec.default)


class FilterBar(Generic[F]):
    def __init__(
        self,
        factory: Callable[..., F],
        fields: list[FilterField],
        *,
        on_apply: Callable[[F], Any],
        initial: Mapping[str, Any] | None = None,
        mark: str = "filter",
        on_clear: Callable[[], Any] | None = None,
        search_button: bool = False,
    ) -> None:
        """`search_button`: a "Search" button before Clear (marked `{mark}-search-go`), for a bar whose text inputs
        would otherwise apply on Enter alone, with nothing on screen to say so."""
        self.factory, self.specs, self.on_apply, self.mark = factory, fields, on_apply, mark
        self.on_clear = on_clear  # what else Clear resets (filters set outside the bar), before the apply
        start = initial_values(fields, initial or {})
        self.elements: dict[str, Any] = {}
        self._quiet = False
        with ui.row().classes("items-end gap-2 w-full").mark(f"{mark}-bar") as self.row:
            for spec in fields:
                self.elements[spec.name] = self._element(spec, start[spec.name])
            if search_button:
                ui.button("Search", icon="search", on_click=self.apply).props("dense unelevated").mark(
                    f"{mark}-search-go"
                )
            ui.button("Clear", on_click=self.clear).props("dense flat no-caps").mark(f"{mark}-clear")
        current, _errors = build_filter(factory, fields, start)
        self.current: F = current if current is not None else factory()

    def _element(self, spec: FilterField, value: Any) -> Any:
        element: Any
        if spec.build is not None:
            element = spec.build(value).classes(spec.width)
            element.on_value_change(self._changed)
        elif spec.toggle:
            element = ui.checkbox(spec.label, value=bool(value)).props("dense").classes(spec.width)
            element.on_value_change(self._changed)
        elif spec.options is not None:  # styled before its options arrive (forms.select)
            element = select(spec.options, value=value, label=spec.label, classes=spec.width)
            element.on_value_change(self._changed)
        else:
            shown = "" if value is None else str(value)
            element = ui.input(spec.label, value=shown).props("dense clearable").classes(spec.width)
            if spec.hint:
                element.props["title"] = spec.hint
            if spec.number:
                element.props("inputmode=numeric maxlength=10")
            element.on("keydown.enter", self.apply)
            element.on("clear", self.apply)
        return element.mark(f"{self.mark}-{spec.mark or spec.name}")

    def _changed(self) -> Any:
        # returns the coroutine for NiceGUI to run; nothing while clear() resets every field at once
        return None if self._quiet else self.apply()

    def raw(self) -> dict[str, Any]:
        return {name: element.value for name, element in self.elements.items()}

    def address_params(self) -> dict[str, Any]:
        """The applied filter as the address reads it back (`initial`): the selects and inputs that differ from
        their default, under their field names (checkboxes and the page's own widgets are not read from it)."""
        out: dict[str, Any] = {}
        for spec in self.specs:
            if spec.toggle or spec.build is not None:
                continue
            value = getattr(self.current, spec.name, None)
            if value is not None and value != "" and value != spec.default:
                out[spec.name] = value
        return out

    def read(self) -> F | None:
        """The filter the widgets describe, or None (with messages on the fields) when one is not acceptable."""
        clear_errors(self.elements)
        flt, errors = build_filter(self.factory, self.specs, self.raw())
        if errors:
            self.show_errors(ValidationFailed(errors))
        return flt

    def show_errors(self, exc: ValidationFailed) -> None:
        show_field_errors(exc, self.elements)

    async def apply(self) -> None:
        flt = self.read()
        if flt is None:
            return
        self.current = flt
        result = self.on_apply(flt)
        if inspect.isawaitable(result):
            await result

    async def clear(self) -> None:
        """Every field back to its default, then one apply."""
        self._quiet = True
        try:
            for spec in self.specs:
                self.elements[spec.name].set_value(blank(spec))
        finally:
            self._quiet = False
        if self.on_clear is not None:
            self.on_clear()
        await self.apply()
