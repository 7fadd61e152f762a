"""Dialogs that go away when they close: a page that opens a dialog per click must not pile them up.

A handler that runs in such a dialog (its Save button) runs in the dialog's slot, which goes with the dialog: any
ui call after the close (a toast, a navigation, a new dialog) then fails with "The parent element this slot belongs
to has been deleted", and the rest of the handler is skipped. So does a button in a panel its handler clears (a
conflict panel's Take theirs). `closed(dialog)` closes a dialog and carries on in the element around it, and
`outside(panel, handler)` runs a button's handler there:

    with closed(self.dialog):
        ui.notify("Saved.", type="positive")
        await self.on_saved(saved_id)
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

from nicegui import Client, ui
from nicegui.slot import Slot

# A dialog that holds typed input: a stray click beside it does not close it (and lose the input); Esc, a deliberate
# key the shortcut sheet lists, and Cancel still do.
KEEPS_INPUT = "no-backdrop-dismiss"


def dialog_open(client: Client) -> bool:
    """Whether a dialog of this page is open (the browser tells the server when one closes): no page key, Ctrl+S
    included, acts behind it."""
    return any(isinstance(element, ui.dialog) and element.value for element in list(client.elements.values()))


def keyboard_ready(fields: Iterable[Any], submit: Callable[[], Any] | None) -> None:
    """A dialog worked from the keyboard: its first input has the focus when it opens (else the dialog itself
    has it, and Enter did nothing), and Enter in a one-line text input runs `submit` (a textarea keeps Enter for
    new lines; a select keeps it for choosing). `submit` None: Enter submits nothing (a legal correction)."""
    inputs = [f for f in fields if isinstance(f, ui.input | ui.select | ui.number)]
    if inputs:
        inputs[0].props("autofocus")
    for field in inputs if submit is not None else ():
        if isinstance(field, ui.input | ui.number) and not isinstance(field, ui.textarea):
            field.on("keydown.enter", submit)


def one_at_a_time(handler: Callable[[], Awaitable[Any]]) -> Callable[[], Awaitable[None]]:
    """`handler`, with a second press ignored while the first runs (a double click, Enter twice: two performers
    made of one form)."""
    running = False

    async def once() -> None:
        nonlocal running
        if running:
            return
        running = True
        try:
            await handler()
        finally:
            running = False

    return once


@contextmanager
def held_open(dialog: ui.dialog) -> Iterator[None]:
    """Neither Esc nor a click outside closes `dialog` while its action runs: the answer (a refund's outcome, a
    refusal) has its dialog to land in."""
    dialog.props("persistent")
    try:
        yield
    finally:
        if not dialog.is_deleted:
            dialog.props(remove="persistent")


class Working:
    """A dialog's action, one at a time: while it runs its button spins, a second press (a double click, Enter
    twice) finds `busy` and does nothing, and the dialog stays open for the answer (`held_open`)."""

    def __init__(self) -> None:
        self.busy = False

    @contextmanager
    def running(self, dialog: ui.dialog, button: ui.button) -> Iterator[None]:
        self.busy = True
        button.props("loading")
        try:
            with held_open(dialog):
                yield
        finally:
            self.busy = False
            if not button.is_deleted:
                button.props(remove="loading")


def deleted_on_close(dialog: ui.dialog) -> ui.dialog:
    """Delete `dialog` once it closes (by a button, Escape or a click outside): `with deleted_on_close(ui.dialog())`."""
    dialog.on_value_change(lambda e: None if e.value or dialog.is_deleted else dialog.delete())
    return dialog


@contextmanager
def closed(dialog: ui.dialog) -> Iterator[None]:
    """Close `dialog` (deleting it, if it is deleted on close) and run the block in the element it was built in."""
    around = dialog.parent_slot
    dialog.close()
    if around is None:  # a dialog outside any element: nothing to carry on in
        yield
        return
    with around:
        yield


def outside(element: ui.element, handler: Callable[[], Any]) -> Callable[[], Awaitable[None]]:
    """`handler` for a button inside `element`, run in the element around `element`: a handler that clears or
    deletes `element` (hides a panel, closes a dialog) would take its own button's slot with it."""
    return _run_in(element.parent_slot, handler)


def within(host: ui.element, handler: Callable[[], Any]) -> Callable[[], Awaitable[None]]:
    """`handler` for a button in a part the handler redraws (a refreshable list), run in `host`, an element of the
    page that stays (where its dialogs live)."""
    return _run_in(host.default_slot, handler)


def _run_in(around: Slot | None, handler: Callable[[], Any]) -> Callable[[], Awaitable[None]]:
    async def run() -> None:
        with around if around is not None else nullcontext():
            result = handler()
            if inspect.isawaitable(result):
                await result

    return run
