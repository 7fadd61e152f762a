"""The catalog import bench (`catalog.import_N_*`) parses, dry-runs and commits its generated file on a tiny catalog:
a 24-row file (the bench's 10,000 rows take seconds a run) re-importing the catalog's existing videos and creating
new ones, each commit rolled back."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from console.actor import SYSTEM
from console.catalog import import_bench
from console.catalog import service as catalog
from console.catalog.import_bench import IMPORT_RUNS, import_measurements
from console.catalog.models import Video
from console.db import session_scope
from tests.catalog.factories import audit_mark, make_collection, make_performers, make_video

ROWS = 24


def _existing_video(collection_id: int, performer_ids: list[int]) -> int:
    """A draft movie the bench's file re-imports: it picks videos whose id is a multiple of 20."""
    while (video_id := make_video(collection_id=collection_id)) % 20:
        pass
    with session_scope() as session:
        catalog.set_performers(session, actor=SYSTEM, video_id=video_id, performer_ids=performer_ids)
    return video_id


def _videos() -> int:
    with session_scope() as session:
        return session.execute(select(func.count()).select_from(Video)).scalar_one()


def test_bench_parses_dry_runs_and_commits_the_file(monkeypatch: pytest.MonkeyPatch, admin: Any) -> None:
    monkeypatch.setattr(import_bench, "IMPORT_ROWS", ROWS)
    collection = make_collection()
    performers = make_performers(3)
    for _ in range(2):  # file rows 0 (unchanged) and 1 (new description, billing order reversed)
        _existing_video(collection, performers)
    videos, mark = _videos(), audit_mark()
    results = import_measurements(admin)
    names = [r["name"] for r in results]
    assert names == [f"catalog.import_{ROWS}_parse", f"catalog.import_{ROWS}_dry_run", f"catalog.import_{ROWS}_commit"]
    for result in results:
        assert result["n"] == IMPORT_RUNS, result["name"]
        assert 0 <= result["p50_ms"] <= result["p95_ms"], result["name"]
        assert not [key for key in result if "error" in key], result["name"]
    # The commit ran for real: every new row created, the changed existing one updated, none refused.
    assert results[-1]["rows"] == {"created": ROWS - 2, "updated": 1, "failed": 0}
    assert (_videos(), audit_mark()) == (videos, mark)  # and every commit was rolled back
