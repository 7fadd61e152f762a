"""Dialogs that do not pile up: `deleted_on_close(ui.dialog())` deletes the dialog (and what it holds) once it
closes, however it closes (a button, Escape, a click outside)."""

from __future__ import annotations

from nicegui import ui


def deleted_on_close(dialog: ui.dialog) -> ui.dialog:
    dialog.on_value_change(lambda e: None if e.value else dialog.delete())  # no closed dialogs pile up
    return dialog
