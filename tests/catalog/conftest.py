"""Catalog test fixtures: staff actors by role (the database is emptied after every test)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from console.actor import Actor


@pytest.fixture
def content(actor_with: Callable[..., Actor]) -> Actor:
    return actor_with("content")
