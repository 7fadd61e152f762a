"""Ads fixtures: reviewers and ad-ops staff as actors (the database is emptied after every test)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from console.actor import Actor


@pytest.fixture
def ops(actor_with: Callable[..., Actor]) -> Actor:
    return actor_with("ads")


@pytest.fixture
def reviewer(actor_with: Callable[..., Actor]) -> Actor:
    return actor_with("ads")


@pytest.fixture
def reviewer2(actor_with: Callable[..., Actor]) -> Actor:
    return actor_with("ads")
