"""Errors that services raise and pages turn into clear messages (never a stack trace)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any


class ConsoleError(Exception):
    """Base for every error whose message is safe and useful to show to a staff member."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def sentence(label: str, message: str) -> str:
    """('Title', 'is required') -> 'Title is required'; ('Roles', 'choose at least one') -> 'Choose at least one'."""
    if message.startswith(("is ", "must ", "contains ", "does ", "has ", "needs ", "may ", "makes ", "names ")):
        return f"{label} {message}"
    first = message.split(" ", 1)[0]
    if not first.isalpha():  # a file name, a code or a number opens it: "fake.png is not a PNG" stays as it is
        return message
    return message[:1].upper() + message[1:]


def default_label(field: str) -> str:
    """A field name as a label when the form gives none: 'issuing_state' -> 'Issuing state'."""
    return field.replace("_", " ").strip().capitalize()


class ValidationFailed(ConsoleError):
    """Bad input: `errors` maps a field name to what is wrong with it ('is required', 'must be ...').

    Services name fields, not labels (the same rule serves the editor, the CSV import and the command line);
    a page turns each into a sentence with its own label (`describe(labels)`, `console.ui.forms.show_errors`)."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__(self.describe())

    def describe(self, labels: Mapping[str, str] | None = None) -> str:
        """'Duration must be h:mm:ss, mm:ss or seconds; Title is required' with the form's `labels`."""
        labels = labels or {}
        text = "; ".join(sentence(labels.get(f) or default_label(f), m) for f, m in self.errors.items())
        return text or "Invalid input"


class Forbidden(ConsoleError):
    """The actor's roles do not grant the permission the operation needs."""


class NotFound(ConsoleError):
    pass


class Conflict(ConsoleError):
    """Someone else changed the row since it was read; `current` holds what is stored now, `changed_by` and
    `changed_at` who changed it last and when (console/audit/last_change.py). `in_panel`: the page shows it in a
    conflict panel beside the form (console/ui/conflict.ConflictCatcher), so no notification repeats it."""

    def __init__(
        self,
        message: str,
        *,
        current: dict[str, Any] | None = None,
        changed_by: str | None = None,
        changed_at: datetime | None = None,
    ) -> None:
        super().__init__(message)
        self.current = current or {}
        self.changed_by = changed_by
        self.changed_at = changed_at
        self.in_panel = False


class RuleViolation(ConsoleError):
    """A business rule refuses the change (for example removing the last administrator)."""
