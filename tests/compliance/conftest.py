"""Compliance test fixtures: staff actors by role (the database is emptied after every test)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from console.actor import Actor


@pytest.fixture
def clerk(actor_with: Callable[..., Actor]) -> Actor:
    """The compliance officer who enters records."""
    return actor_with("compliance")


@pytest.fixture
def verifier(actor_with: Callable[..., Actor]) -> Actor:
    """A second compliance officer (two people per record)."""
    return actor_with("compliance")
