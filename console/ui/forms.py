"""Form helpers: show a service's validation errors on the fields, confirm dialogs, safe notifications."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import ui

from console.errors import Conflict, ConsoleError, ValidationFailed


def clear_errors(fields: dict[str, Any]) -> None:
    for element in fields.values():
        if hasattr(element, "error"):
            element.error = None


def field_message(name: str, message: str) -> str:
    """'is required' -> 'Name is required'; 'choose at least one role' -> 'Choose at least one role'."""
    label = name.replace("_", " ").capitalize()
    if message.startswith(("is ", "must ", "contains ", "does ", "has ")):
        return f"{label} {message}"
    return message[:1].upper() + message[1:]


def show_errors(exc: ValidationFailed, fields: dict[str, Any], summary: ui.label | None = None) -> None:
    """Put each message on its field; anything without a field goes to the summary (or a notification)."""
    leftovers = []
    for name, message in exc.errors.items():
        element = fields.get(name)
        if element is not None and hasattr(element, "error"):
            element.error = field_message(name, message)
        else:
            leftovers.append(field_message(name, message))
    if leftovers:
        text = "; ".join(leftovers)
        if summary is not None:
            summary.text = text
            summary.visible = True
        else:
            ui.notify(text, type="negative")


def report(exc: ConsoleError) -> None:
    """A service refused: tell the staff member what happened and what to do (no stack traces)."""
    if isinstance(exc, Conflict):
        ui.notify(exc.message, type="warning", timeout=0, close_button="OK", multi_line=True)
    else:
        ui.notify(exc.message, type="negative", multi_line=True)


async def confirm(title: str, message: str, *, ok_label: str = "Confirm", danger: bool = False) -> bool:
    with ui.dialog() as dialog, ui.card().classes("min-w-[360px]"):
        ui.label(title).classes("text-lg font-semibold")
        ui.label(message).classes("whitespace-pre-line")
        with ui.row().classes("justify-end w-full"):
            ui.button("Cancel", on_click=lambda: dialog.submit(False)).props("flat")
            ui.button(ok_label, on_click=lambda: dialog.submit(True)).props(
                f"color={'negative' if danger else 'primary'}"
            ).mark("confirm-ok")
    result = await dialog
    dialog.delete()
    return bool(result)


async def guarded(
    action: Callable[[], Awaitable[Any] | Any], *, fields: dict[str, Any] | None = None, summary: ui.label | None = None
) -> tuple[bool, Any]:
    """Run a service call from a handler; map ConsoleErrors to messages. Returns (succeeded, result)."""
    if fields:
        clear_errors(fields)
    if summary is not None:
        summary.visible = False
    try:
        result = action()
        if hasattr(result, "__await__"):
            result = await result
        return True, result
    except ValidationFailed as exc:
        show_errors(exc, fields or {}, summary)
    except ConsoleError as exc:
        report(exc)
    return False, None
