"""Performers directory and profile editor: bio, photos with a primary photo, social links, their videos."""

from __future__ import annotations


def register() -> None:
    """Registers /performers and /performers/{performer_id} (being built)."""
