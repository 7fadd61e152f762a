"""Billing fixtures: a Stripe client against the local Stripe server `run.py test` starts (CONSOLE_TEST_STRIPE_URL)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from console.billing import gateway as gateway_module
from console.billing.gateway import StripeGateway

STRIPE_KEY = "sk_test_console"


@pytest.fixture
def stripe_url() -> str:
    url = os.environ.get("CONSOLE_TEST_STRIPE_URL")
    if not url:  # run.py test always sets it; a bare pytest run must not pass these silently
        pytest.fail("CONSOLE_TEST_STRIPE_URL is not set: run the suite with `python3 run.py test`.")
    return url


@pytest.fixture
def stripe_gateway(stripe_url: str) -> Iterator[StripeGateway]:
    """The console's real Stripe gateway pointed at localstripe, in place for the test (and removed after)."""
    gateway = StripeGateway(STRIPE_KEY, api_base=stripe_url, max_network_retries=0, timeout=5)
    gateway_module.set_gateway(gateway)
    yield gateway
    gateway_module.set_gateway(None)


@pytest.fixture(autouse=True)
def _sandbox_by_default() -> Iterator[None]:
    gateway_module.set_gateway(None)
    yield
    gateway_module.set_gateway(None)
