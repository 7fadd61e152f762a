"""Catalog pages: the video list with filters and bulk actions, the video editor."""

from __future__ import annotations


def register() -> None:
    """Registers /catalog and /catalog/{video_id} (being built)."""
