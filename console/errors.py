"""Errors that services raise and pages turn into clear messages (never a stack trace)."""

from __future__ import annotations

from typing import Any


class ConsoleError(Exception):
    """Base for every error whose message is safe and useful to show to a staff member."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationFailed(ConsoleError):
    """Bad input: `errors` maps a field name to what is wrong with it."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{field}: {msg}" for field, msg in self.errors.items()) or "Invalid input")


class Forbidden(ConsoleError):
    """The actor's roles do not grant the permission the operation needs."""


class NotFound(ConsoleError):
    pass


class Conflict(ConsoleError):
    """Someone else changed the row since it was read; `current` holds what is stored now."""

    def __init__(self, message: str, *, current: dict[str, Any] | None = None, changed_by: str | None = None) -> None:
        super().__init__(message)
        self.current = current or {}
        self.changed_by = changed_by


class RuleViolation(ConsoleError):
    """A business rule refuses the change (for example removing the last administrator)."""
