"""Collections page: order, colours, active toggle, featured video, delete refusal."""

from __future__ import annotations


def register() -> None:
    """Registers /collections (being built)."""
