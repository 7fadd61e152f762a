"""Moderation fixtures: staff actors by role (the database is emptied after every test)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from console.actor import Actor


@pytest.fixture
def mod(actor_with: Callable[..., Actor]) -> Actor:
    return actor_with("moderator")


@pytest.fixture
def mod2(actor_with: Callable[..., Actor]) -> Actor:
    return actor_with("moderator")


@pytest.fixture
def content(actor_with: Callable[..., Actor]) -> Actor:
    return actor_with("content")
