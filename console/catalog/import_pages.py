"""Bulk metadata import page: template download, dry run with per-row errors, commit, progress."""

from __future__ import annotations


def register() -> None:
    """Registers /catalog/import (being built)."""
