"""`FormState`: one editor's fields and the values the page last put into them. A fill never overwrites what
the user changed.

Why it exists (issue 8): NiceGUI sends a value the server sets on a text input to the browser as an element
update plus an `updateValue` call, and the browser then shows the server's value, whatever was typed. A page
that builds its inputs and fills them afterwards queues those calls before the page has even connected; on a
loaded server they arrive seconds later and wipe what the user typed meanwhile, and Save then finds nothing
changed. So an editor builds every input with its value (`value=` at construction queues nothing) and changes
values later only through `fill`, which leaves a touched field alone.

"Touched" is judged on the server: a field whose value differs from the value the page last put there (or,
after a save, from the value that was sent). Keystrokes still on their way to the server are not seen, which
is why nothing is filled while a page loads.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

from nicegui import ui
from nicegui.elements.mixins.value_element import ValueElement

NOTHING_TO_SAVE = "Nothing to save — no changes."

E = TypeVar("E", bound=ValueElement)


def same(a: Any, b: Any) -> bool:
    """Equal as the services see it: surrounding blanks do not count, None is an empty text, 2.0 is 2."""

    def norm(value: Any) -> Any:
        if value is None:
            return ""
        if isinstance(value, str):
            return value.strip()
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, list | tuple):
            return [norm(v) for v in value]
        return value

    return bool(norm(a) == norm(b))


class FormState:
    """The fields of one form by name, and per field the value the page last put there (`base`)."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        self.base: dict[str, Any] = dict(values)
        self.fields: dict[str, ValueElement] = {}
        self.filling = False  # True while the page itself sets values (change handlers can tell)

    def add(self, name: str, element: E) -> E:
        """Register a field that was built with `value=self.base[name]`."""
        if name not in self.base:
            raise KeyError(f"{name} has no value to start from")
        self.fields[name] = element
        return element

    def values(self) -> dict[str, Any]:
        return {name: element.value for name, element in self.fields.items()}

    def changed(self, reference: Mapping[str, Any] | None = None) -> list[str]:
        """The fields whose value differs (as the services see it) from `reference` (default: `base`)."""
        reference = self.base if reference is None else reference
        return [name for name, element in self.fields.items() if not same(element.value, reference.get(name))]

    def fill(self, values: Mapping[str, Any], *, since: Mapping[str, Any] | None = None) -> list[str]:
        """Show `values` as the stored state. A field the user has touched since the page last filled it (or
        since `since`: the values a save sent) keeps the user's value. Returns the names of the kept fields."""
        reference = self.base if since is None else since
        kept = []
        with self._filling():
            for name, element in self.fields.items():
                if name not in values:
                    continue
                if element.value == reference.get(name):  # untouched: any edit at all counts as touched here
                    element.value = values[name]  # an equal value sends nothing to the browser
                else:
                    kept.append(name)
                self.base[name] = values[name]
        return kept

    def reset(self, values: Mapping[str, Any]) -> None:
        """The user chose to discard their input ("Take theirs"): every field shows `values`."""
        with self._filling():
            for name, element in self.fields.items():
                if name in values:
                    element.value = values[name]
                    self.base[name] = values[name]

    def restore(self, values: Mapping[str, Any]) -> None:
        """The user chose to bring back a draft: fields show it, and stay changed against `base`."""
        with self._filling():
            for name, value in self.accepted(values).items():
                self.fields[name].value = value

    @contextmanager
    def _filling(self) -> Iterator[None]:
        self.filling = True
        try:
            yield
        finally:
            self.filling = False

    def accepted(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """The entries of `values` (e.g. a draft from browser storage: untrusted) that the fields can hold."""
        return {
            name: value
            for name, value in values.items()
            if name in self.fields and _fits(self.fields[name], self.base.get(name), value)
        }

    def text_fields(self) -> dict[str, ui.input]:
        """Text inputs and text areas: the fields whose typing the browser itself can keep (drafts.py)."""
        return {name: e for name, e in self.fields.items() if isinstance(e, ui.input)}

    def disable(self, extra: Iterable[ui.element] = ()) -> None:
        for element in [*self.fields.values(), *extra]:
            if hasattr(element, "disable"):
                element.disable()


def _fits(element: ValueElement, base: Any, value: Any) -> bool:
    if isinstance(element, ui.select) and not isinstance(element, ui.input_chips):
        choices = list(element.options)
        if getattr(element, "multiple", False) and isinstance(value, list):
            return all(v in choices for v in value)
        return value in choices
    if isinstance(element, ui.toggle | ui.radio):
        return value in list(element.options)
    if isinstance(base, bool) or isinstance(element, ui.switch | ui.checkbox):
        return isinstance(value, bool)
    if isinstance(element, ui.number):
        return value is None or (isinstance(value, int | float) and not isinstance(value, bool))
    if isinstance(base, list) or isinstance(element, ui.input_chips):
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    return isinstance(value, str)


def unchanged(typed: Mapping[str, Any], stored: Mapping[str, Any]) -> bool:
    """Whether every typed value equals the stored one (as the services see it): then Save has nothing to do."""
    return all(same(value, stored.get(name)) for name, value in typed.items())


def clear_sent(fields: Mapping[str, ValueElement], sent: Mapping[str, Any], empty: Any = "") -> None:
    """After an "add" succeeded: empty the fields that still hold what was sent (a field typed into during
    the round trip keeps the new text)."""
    for name, element in fields.items():
        if name in sent and element.value == sent[name]:
            element.value = empty
