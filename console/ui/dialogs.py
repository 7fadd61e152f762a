"""Dialogs that go away when they close: a page that opens a dialog per click must not pile them up."""

from __future__ import annotations

from nicegui import ui


def deleted_on_close(dialog: ui.dialog) -> ui.dialog:
    """Delete `dialog` once it closes (by a button, Escape or a click outside): `with deleted_on_close(ui.dialog())`."""
    dialog.on_value_change(lambda e: None if e.value or dialog.is_deleted else dialog.delete())
    return dialog
