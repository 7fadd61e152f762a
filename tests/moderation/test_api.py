"""POST /api/reports and /api/appeals: the platform's bearer token, JSON in and out, a message per field for bad
input (and nothing stored), a rate limit per client, and the same intake as the job (emergencies act)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from nicegui.testing import User
from sqlalchemy import func, select

from console.catalog.models import Video
from console.config import get_settings
from console.db import session_scope
from console.moderation import api
from console.moderation.models import Appeal, Report
from console.ratelimit import TokenBuckets
from tests.catalog.factories import make_published_video
from tests.moderation.factories import claim, decide, member

TOKEN = "platform-token-for-tests-0123456789"


@pytest.fixture
def platform(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONSOLE_PLATFORM_TOKEN", TOKEN)
    get_settings.cache_clear()
    api._limits.clear()


async def post(user: User, path: str, body: Any, token: str | None = TOKEN, raw: bytes | None = None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(transport=user.http_client._transport, base_url="http://test") as client:
        if raw is not None:
            return await client.post(path, content=raw, headers=headers | {"Content-Type": "application/json"})
        return await client.post(path, json=body, headers=headers)


def reports() -> int:
    with session_scope() as session:
        return int(session.execute(select(func.count()).select_from(Report)).scalar_one())


async def test_a_report_is_filed_and_an_emergency_acts(user: User, platform: None) -> None:
    video = make_published_video(title="Reported through the API")
    body = {"reporter_id": member(), "target_type": "video", "target_id": video, "reason": "UNDERAGE"}
    response = await post(user, "/api/reports", body)
    assert response.status_code == 201, response.text
    data = response.json()
    assert data["new_case"] and data["emergency_actions"] == [f"video #{video} put on compliance hold"]
    with session_scope() as session:
        assert session.get(Video, video).state == "unpublished"  # type: ignore[union-attr]


async def test_bad_input_gets_a_message_per_field_and_stores_nothing(user: User, platform: None) -> None:
    response = await post(user, "/api/reports", {"target_type": "planet", "reason": "boring"})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert {"reporter_id", "target_type", "target_id", "reason"} <= set(errors)
    for raw in (b"{not json", b"[1, 2]", b"x" * (65 * 1024)):
        response = await post(user, "/api/reports", None, raw=raw)
        assert response.status_code in (400, 413)
    assert reports() == 0


async def test_the_token_is_required(user: User, platform: None) -> None:
    body = {"reporter_id": member(), "target_type": "member", "target_id": member(), "reason": "spam"}
    assert (await post(user, "/api/reports", body, token=None)).status_code == 401
    assert (await post(user, "/api/reports", body, token="wrong")).status_code == 401
    assert reports() == 0


async def test_without_a_configured_token_intake_is_off(user: User) -> None:
    response = await post(user, "/api/reports", {})
    assert response.status_code == 503 and "CONSOLE_PLATFORM_TOKEN" in response.json()["error"]


async def test_clients_are_rate_limited(user: User, platform: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api, "_limiter", lambda: limiter)
    limiter = TokenBuckets(60, burst=2)
    body = {"reporter_id": member(), "target_type": "member", "target_id": member(), "reason": "spam"}
    codes = [(await post(user, "/api/reports", body)).status_code for _ in range(3)]
    assert codes == [201, 201, 429]


async def test_an_appeal_is_filed_once(user: User, platform: None, mod) -> None:
    from tests.moderation.factories import report

    case_id = report("member", member(), "harassment").case_id
    claim(case_id, mod)
    strike = decide(case_id, mod, "warn").strike_id
    first = await post(user, "/api/appeals", {"strike_id": strike, "body": "please reconsider"})
    again = await post(user, "/api/appeals", {"strike_id": strike, "body": "again"})
    assert first.status_code == 201 and again.status_code == 409 and "appealed once" in again.json()["error"]
    assert (await post(user, "/api/appeals", {"strike_id": "1"})).status_code == 422
    with session_scope() as session:
        assert session.execute(select(func.count()).select_from(Appeal)).scalar_one() == 1


def test_token_buckets_refill() -> None:
    now = [0.0]
    buckets = TokenBuckets(60, burst=1, clock=lambda: now[0])
    assert buckets.allow("a") == (True, 0.0)
    allowed, wait = buckets.allow("a")
    assert not allowed and 0.9 < wait <= 1.0
    assert buckets.allow("b")[0]  # per client
    now[0] = 1.01
    assert buckets.allow("a")[0]
