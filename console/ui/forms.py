"""Form helpers: show a service's validation errors on the fields, confirm dialogs, safe notifications."""

from __future__ import annotations

import unicodedata
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from nicegui import ui

from console.errors import Conflict, ConsoleError, ValidationFailed, default_label, sentence
from console.validation import too_long, trimmed


def clear_errors(fields: dict[str, Any]) -> None:
    for element in fields.values():
        if hasattr(element, "error"):
            element.error = None


def element_label(element: Any) -> str | None:
    """The label a field shows, without its hint in brackets: 'Duration (h:mm:ss)' -> 'Duration'."""
    props = getattr(element, "props", None)
    label = props.get("label") if isinstance(props, dict) else None
    return (label.split(" (")[0].strip() or None) if isinstance(label, str) else None


def field_message(name: str, message: str, label: str | None = None) -> str:
    """'is required' -> 'Title is required' (with the form's label, else the field name read as words);
    'choose at least one role' -> 'Choose at least one role'."""
    return sentence(label or default_label(name), message)


def show_errors(
    exc: ValidationFailed,
    fields: dict[str, Any],
    summary: ui.label | None = None,
    *,
    labels: Mapping[str, str] | None = None,
) -> None:
    """Put each message on its field; anything without a field goes to the summary (or a notification).

    Messages use the form's words: the label in `labels` (the form's map, for fields it names differently from
    what the input shows), else the label of the input the error belongs to, else the field name read as words.
    The services name fields, not labels (one rule for the editor, the import and the command line), so the
    page, which owns the labels, turns the names into them here."""
    leftovers = []
    for name, message in exc.errors.items():
        element = fields.get(name)
        label = (labels or {}).get(name) or element_label(element)
        if element is not None and hasattr(element, "error"):
            element.error = field_message(name, message, label)
        else:
            leftovers.append(field_message(name, message, label))
    if leftovers:
        text = "; ".join(leftovers)
        if summary is not None:
            summary.text = text
            summary.visible = True
        else:
            ui.notify(text, type="negative")


# The counter under a limited field, "1,234 / 2,000", counted in the browser as the services count: characters
# (code points: Quasar's own counter counts UTF-16 units, an emoji as 2), after trimming and NFC. Its `$parent` is
# the QInput, whose model value changes on each keystroke with no round trip (a server-set hint would send the
# element back on every keystroke, and the browser then overwrites what was typed meanwhile).
COUNTER = (
    "<span class='char-counter'>{{ [...String($parent.$props.modelValue ?? '').trim().normalize('NFC')]"
    ".length.toLocaleString('en-US') }} / MAX</span>"
)


def limit_length(element: Any, max_len: int, label: str | None = None) -> None:
    """A character counter with the limit ("1,234 / 2,000") and, past `max_len`, "Note is too long (2,000 characters
    at most)" on the field, as the text is typed or pasted. Instead of the browser's maxlength, which cuts pasted
    text without a word (a 600-character title was saved as its first 500): the text stays as pasted, to be
    shortened by its author (the service's refusal on save names the count as well).

    The message names the limit, not the count, which the counter shows: it changes once as the text passes the
    limit, not on every keystroke. A new message is a change of the element, and NiceGUI sends a changed element
    whole, value included: a count in the message sent the whole text back to the browser after every character
    typed past the limit (typing a 5,000-character note in Chromium took 2.5 times as long past 2,000)."""
    name = label or element_label(element) or "Text"
    element.props(remove="maxlength")
    element.props("counter")
    element.add_slot("counter", COUNTER.replace("MAX", f"{max_len:,}"))
    message = sentence(name, f"is too long ({max_len:,} characters at most)")

    def check(value: Any) -> str | None:
        text, _ = trimmed(value if isinstance(value, str) else "")
        return None if too_long(unicodedata.normalize("NFC", text), max_len) is None else message

    element.validation = check


def limit_lengths(
    fields: Mapping[str, Any], limits: Mapping[str, int], labels: Mapping[str, str] | None = None
) -> None:
    """`limit_length` for every field of a form that `limits` (the service's maximum lengths) names."""
    for name, max_len in limits.items():
        element = fields.get(name)
        if element is not None:
            limit_length(element, max_len, (labels or {}).get(name))


def report(exc: ConsoleError) -> None:
    """A service refused: tell the staff member what happened and what to do (no stack traces). A conflict the page
    shows in its panel (`Conflict.in_panel`) is not repeated in a notification."""
    if isinstance(exc, Conflict) and exc.in_panel:
        return
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
    if not dialog.is_deleted:  # a refresh of the part that opened it may have taken it already
        dialog.delete()
    return bool(result)


async def guarded(
    action: Callable[[], Awaitable[Any] | Any],
    *,
    fields: dict[str, Any] | None = None,
    summary: ui.label | None = None,
    labels: Mapping[str, str] | None = None,
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
        show_errors(exc, fields or {}, summary, labels=labels)
    except ConsoleError as exc:
        report(exc)
    return False, None


def wide_input(label: str, *, mark: str, props: str, password: bool = False, toggle: bool = False) -> ui.input:
    """A full-width input of a form with its browser hints in `props` (autocomplete, maxlength, …); `password` hides
    what is typed, `toggle` adds the button that shows it."""
    return ui.input(label, password=password, password_toggle_button=toggle).props(props).mark(mark).classes("w-full")


def number_input(
    label: str, *, value: Any = None, props: str = "dense outlined", on_change: Callable[..., Any] | None = None
) -> ui.number:
    """A number field that keeps what was typed. NiceGUI's `ui.number` clamps to `min`/`max` and rounds to
    `precision` when the field loses focus, so -50 credits became 1 and 2.6 days 3, saved with no message. Here
    nothing is clamped or rounded: the service judges `typed_number(field)` and says on the field what is wrong."""
    return ui.number(label, value=value, on_change=on_change).props(props)


def first_choice(options: dict[Any, str], label: str, *, mark: str) -> ui.select:
    """A dialog's full-width select on its first option (empty when there is none): the choice the dialog is
    about, e.g. the plan to change to or the reported message to delete."""
    return (
        ui.select(options, label=label, value=next(iter(options), None))
        .props("dense outlined")
        .classes("w-full")
        .mark(mark)
    )


def typed_number(field: ui.number) -> Any:
    """What the field holds, for the service to judge (`as_typed`)."""
    return as_typed(field.value)


def as_typed(value: Any) -> Any:
    """A number field's value for the service: a whole number as an int, anything else as typed (2.5 stays 2.5 and
    is refused as not whole, never truncated to 2), empty as None."""
    if value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def select(
    options: dict[Any, str] | list[Any],
    *,
    value: Any = None,
    label: str | None = None,
    props: str = "dense options-dense",
    classes: str = "",
    with_input: bool = False,
    new_value_mode: str | None = None,
) -> ui.select:
    """A `ui.select` whose options arrive last. NiceGUI rebuilds a select's whole option list (one observable
    dict per option) on every `.props()` / `.classes()` change, so a 250-country select styled in a chain is built
    four times over (~14 ms of a page open); styled first and filled once, it is built once."""
    element = ui.select(
        {value: ""} if value is not None else [],
        value=value,
        label=label,
        with_input=with_input,
        new_value_mode=new_value_mode,  # type: ignore[arg-type]
    )
    if with_input:  # before the options: a listener added later rebuilds them again
        enter_picks_the_only_match(element)  # with new values taken too: "berl" picks Europe/Berlin, not "berl"
    element.props(props).classes(classes)
    element.set_options(dict(options) if isinstance(options, dict) else list(options), value=value)
    return element


def enter_picks_the_only_match(element: ui.select) -> ui.select:
    """Enter in a searchable select picks the one option left by what was typed ("Isr" -> "IL · Israel"). Quasar
    picks on Enter only an option highlighted with the arrow keys and swallows the key, so Enter did nothing and a
    keyboard user left the field with its old value. On first focus a listener goes on the field, ahead of Quasar's
    (capture): Enter with exactly one option listed picks it; with several nothing changes."""
    element.on(
        "focus",
        js_handler=f"""() => {{
            const root = getElement({element.id})?.$el;
            if (!root || root.dataset.pickOnEnter) return;
            root.dataset.pickOnEnter = "1";
            root.addEventListener("keydown", (event) => {{
                const q = getElement({element.id})?.$refs?.qRef;
                if (event.key !== "Enter" || !q || !q.options || q.options.length !== 1) return;
                if (!root.querySelector("input")?.value) return;
                q.toggleOption(q.options[0]);
            }}, true);
        }}""",
    )
    return element
