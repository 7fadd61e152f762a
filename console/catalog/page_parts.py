"""Small UI pieces shared by the collection and performer pages: colour swatches, colour fields that show
service errors, running one service call in its own unit of work, and comparing colours in a conflict (the
panel itself is `console.ui.conflict`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import run, ui
from sqlalchemy.orm import Session

from console.catalog.rules import HEX_RE
from console.db import session_scope
from console.ui.forms import confirm, guarded
from console.ui.session import require_live_session


def safe_hex(value: Any) -> str | None:
    """'#ff6b6b' -> '#FF6B6B'; anything that is not exactly #RRGGBB -> None (never reaches a style)."""
    text = value.strip() if isinstance(value, str) else ""
    return text.upper() if HEX_RE.fullmatch(text) else None


def paint(target: ui.element, colour: Any) -> bool:
    """Set the element's background from a validated colour only; False (and a neutral look) otherwise."""
    checked = safe_hex(colour)
    target.style(replace=f"background-color: {checked}" if checked else "")
    return checked is not None


def text_colour_on(colour: str | None) -> str:
    """Black or white text, whichever reads better on the (validated) background colour."""
    if colour is None:
        return "#000000"
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#000000" if (0.299 * r + 0.587 * g + 0.114 * b) > 150 else "#FFFFFF"


def swatch(colour: Any, *, label: str) -> ui.element:
    element = ui.element("div").classes("w-4 h-4 rounded-sm border border-gray-400 shrink-0")
    if not paint(element, colour):
        element.classes("bg-gray-200")
    element.tooltip(f"{label}: {colour}")
    return element


class ColourField(ui.color_input):
    """`ui.color_input` that shows a service message on the field like the other inputs (`.error`)."""

    _field_error: str | None = None

    def __init__(self, label: str, *, value: str) -> None:
        super().__init__(label, value=value, preview=True)
        self.picker.q_color.props("format-model=hex")  # the picker hands back #rrggbb, never rgb()

    @property
    def error(self) -> str | None:
        return self._field_error

    @error.setter
    def error(self, message: str | None) -> None:
        self._field_error = message
        self._props["error"] = message is not None
        self._props["error-message"] = message
        self.update()


async def confirm_in(host: ui.element, title: str, message: str, **options: Any) -> bool:
    """forms.confirm() with its dialog under `host`: a list that refreshes meanwhile cannot delete it."""
    with host:
        return await confirm(title, message, **options)


async def call_service(fn: Callable[[Session], Any], **guard: Any) -> tuple[bool, Any]:
    """Run `fn(session)` in its own unit of work off the event loop; errors become messages (forms.guarded)."""
    if require_live_session() is None:
        return False, None

    def work() -> Any:
        with session_scope() as session:
            return fn(session)

    return await guarded(lambda: run.io_bound(work), **guard)


def same_ignoring_colour_case(key: str, stored: Any, typed: Any) -> bool:
    """The conflict panel's comparison for a form with colours: '#ff6b6b' and '#FF6B6B' are the same colour."""

    def norm(value: Any) -> str:
        text = "" if value is None else str(value).strip()
        return text.upper() if key.startswith("color_") else text

    return norm(stored) == norm(typed)
