"""`console.ui.date_field`: dates are typed and shown as YYYY-MM-DD whatever the browser's locale (the masked text
field, not `type=date`), and the calendar behind the icon is built on first use and bound both ways to the text."""

from __future__ import annotations

from nicegui import ui
from nicegui.testing import User

from console.ui.date_field import ISO_MASK, DateField, date_field
from tests.ui.helpers import element


async def test_a_date_is_masked_text_with_a_calendar_built_on_first_use(signed_in: User) -> None:
    user = signed_in
    fields: list[DateField] = []

    @ui.page("/test/date-field")
    def page() -> None:
        fields.append(date_field("Date of birth", "1987-06-11", mark="t-date", classes="w-48"))

    await user.open("/test/date-field")
    field = element(user, "t-date")
    assert isinstance(field, DateField) and field is fields[0]
    assert field.props["mask"] == ISO_MASK and field.props["placeholder"] == "YYYY-MM-DD"
    assert (
        field.props["type"] == "text"
    )  # not "date": the browser's own date input shows the locale's order (06/11/1987)
    assert field.value == "1987-06-11" and "w-48" in field.classes
    assert not [e for e in user.client.elements.values() if isinstance(e, ui.date | ui.menu)]  # not built yet

    field.open_calendar()
    [calendar] = [e for e in user.client.elements.values() if isinstance(e, ui.date)]
    [menu] = [e for e in user.client.elements.values() if isinstance(e, ui.menu)]
    assert calendar.value == "1987-06-11" and menu.value is True
    assert calendar.props["mask"] == "YYYY-MM-DD"

    calendar.set_value("1990-01-31")  # a day picked on the calendar
    assert field.value == "1990-01-31" and menu.value is False
    field.set_value("2001-02-03")  # typed
    assert calendar.value == "2001-02-03"

    field.open_calendar()  # again: the same calendar, not a second one
    assert len([e for e in user.client.elements.values() if isinstance(e, ui.date)]) == 1 and menu.value is True


async def test_without_a_calendar_and_with_a_change_handler(signed_in: User) -> None:
    user, seen = signed_in, []

    @ui.page("/test/date-field-plain")
    def page() -> None:
        date_field("From", mark="t-plain", calendar=False, on_change=lambda e: seen.append(e.value))

    await user.open("/test/date-field-plain")
    field = element(user, "t-plain")
    assert field.value == "" and "append" not in field.slots
    field.set_value("2026-11-01")
    assert seen == ["2026-11-01"]
