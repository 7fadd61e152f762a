"""A date field that shows and takes dates the way the console writes them: YYYY-MM-DD.

The browser's own date input (`type=date`) shows the date in the browser's locale: 06/11/1987 in an en-US browser,
which a clerk from elsewhere reads as 6 November, on a legal record. This field is text with a mask (digits only,
the dashes put in while typing, so "19870611" becomes 1987-06-11) and a calendar behind an icon. The calendar is
built on its first use, not with the page: most dates are typed, and every element costs each page open.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import ui

ISO_MASK = "####-##-##"
ISO_HINT = "YYYY-MM-DD"


class DateField(ui.input):
    """`ui.input` holding an ISO date as text (or what was typed so far: the service says what is wrong)."""

    def __init__(
        self,
        label: str,
        value: str = "",
        *,
        on_change: Callable[..., Any] | None = None,
        props: str = "dense",
        calendar: bool = True,
    ) -> None:
        super().__init__(label, value=value or "", placeholder=ISO_HINT, on_change=on_change)
        # the message under the field says what is wrong: an error icon beside the calendar (and a clear button)
        # would leave a narrow field room for "2000-0" of the date it is about
        self.props(f'{props} mask="{ISO_MASK}" inputmode=numeric no-error-icon')
        self._menu: ui.menu | None = None
        if calendar:
            with self.add_slot("append"):
                ui.icon("edit_calendar").classes("cursor-pointer").on("click", self.open_calendar)

    def open_calendar(self) -> None:
        """Build the calendar on first use (bound both ways to the text), then show it."""
        if self._menu is None:
            with self:
                self._menu = ui.menu().props("no-parent-event")
                with self._menu:
                    ui.date(mask="YYYY-MM-DD").bind_value(self).on_value_change(self._menu.close)
        self._menu.open()


def date_field(
    label: str, value: str = "", *, mark: str | None = None, classes: str = "w-40", **kwargs: Any
) -> DateField:
    """A `DateField` with its width and test marker."""
    field = DateField(label, value, **kwargs).classes(classes)
    return field.mark(mark) if mark else field
