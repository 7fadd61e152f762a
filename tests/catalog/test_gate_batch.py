"""gate.publish_blockers_many: the same reasons, in the same order, as publish_blockers video by video."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from console.actor import SYSTEM
from console.catalog import gate
from console.catalog import performers as performer_service
from console.catalog.models import Video
from console.db import session_scope
from tests.catalog.factories import extra_check, make_collection, make_performer, make_publishable_video, make_video


def embargo(_session: object, video: Video) -> list[str]:
    return ["the title is under embargo"] if "embargo" in video.title.lower() else []


def test_many_videos_get_the_reasons_each_would_get() -> None:
    collection = make_collection()
    gone = make_performer("Gone Soon")
    ids = [
        make_publishable_video(collection),
        make_publishable_video(collection, title="Embargo night"),
        make_publishable_video(collection, performers=[gone, make_performer()]),
        make_video(title="Bare draft", performer_count=3),
    ]
    with session_scope() as session:
        performer_service.delete_performer(session, actor=SYSTEM, performer_id=gone)
    calls: list[int] = []

    def counted_batch(session: object, videos: Sequence[Video]) -> dict[int, list[str]]:
        calls.append(len(videos))
        return {v.id: ["batch says no"] for v in videos if "Bare" in v.title}

    # `embargo` is registered without a batch: it is asked video by video.
    with extra_check(embargo), session_scope() as session:
        gate.register_check(
            "test-batched", lambda _s, v: ["batch says no"] if "Bare" in v.title else [], batch=counted_batch
        )
        try:
            videos = list(session.execute(select(Video).where(Video.id.in_(ids))).scalars())
            one_by_one = {v.id: gate.publish_blockers(session, v) for v in videos}
            calls.clear()
            together = gate.publish_blockers_many(session, videos)
            assert gate.publish_blockers_many(session, []) == {}
        finally:
            gate.register_check("test-batched", lambda _s, _v: [])
    assert together == one_by_one
    assert calls == [len(ids)]  # one call for all of them
    by_title = {v.title: together[v.id] for v in videos}
    assert "the title is under embargo" in by_title["Embargo night"]
    assert by_title["Bare draft"][-1] == "batch says no"
    assert any("1 performer(s) linked" in r for r in together[ids[2]])
