"""The publishing gate: every path that makes a video public asks `publish_blockers()` first.

Each check returns the reasons it refuses (empty when satisfied). The catalog registers its own
checks here (the video's own fields; an episode's series must be published and not deleted); the
compliance area registers the 2257 checks with `register_check()` at import, so the
editor, bulk publish, import and the scheduler all get them without knowing they exist.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.catalog.models import Performer, Season, Video, VideoPerformer

Check = Callable[[Session, Video], list[str]]
# Optional: the same check for many videos at once ({video id: reasons}), for callers that ask about many.
BatchCheck = Callable[[Session, Sequence[Video]], dict[int, list[str]]]
_CHECKS: list[tuple[str, Check]] = []
_BATCH: dict[str, BatchCheck] = {}

# Modules that register checks. Loaded before the first answer, so no entry point (CLI, scheduler, a test
# that imports only the catalog) can ask the gate without them.
PLUGINS = ("console.compliance.gate_checks",)
_plugins_loaded = False


def _load_plugins() -> None:
    global _plugins_loaded
    if not _plugins_loaded:
        for module in PLUGINS:
            importlib.import_module(module)
        _plugins_loaded = True


def registered_checks() -> list[str]:
    _load_plugins()
    return [name for name, _ in _CHECKS]


def register_check(name: str, check: Check, *, batch: BatchCheck | None = None) -> None:
    """Add a check (idempotent by name, so re-imports do not double it). `batch`, when given, answers exactly
    like `check` for many videos in a few queries; publish_blockers_many() uses it (the import does)."""
    if batch is None:
        _BATCH.pop(name, None)
    else:
        _BATCH[name] = batch
    for i, (existing, _) in enumerate(_CHECKS):
        if existing == name:
            _CHECKS[i] = (name, check)
            return
    _CHECKS.append((name, check))


def publish_blockers(session: Session, video: Video) -> list[str]:
    _load_plugins()
    reasons: list[str] = []
    for _, check in _CHECKS:
        reasons.extend(check(session, video))
    return reasons


def publish_blockers_many(session: Session, videos: Sequence[Video]) -> dict[int, list[str]]:
    """publish_blockers() for each video (by id), the same reasons in the same order: checks registered with a
    `batch` answer for all videos at once, the others video by video."""
    _load_plugins()
    reasons: dict[int, list[str]] = {video.id: [] for video in videos}
    if not videos:
        return reasons
    for name, check in _CHECKS:
        batch = _BATCH.get(name)
        if batch is not None:
            found = batch(session, videos)
            for video in videos:
                reasons[video.id].extend(found.get(video.id, []))
        else:
            for video in videos:
                reasons[video.id].extend(check(session, video))
    return reasons


def _catalog_reasons(video: Video, linked: int) -> list[str]:
    reasons = []
    if video.deleted_at is not None:
        reasons.append("the video is deleted; restore it first")
    if not (video.title or "").strip():
        reasons.append("title is missing")
    if not (video.slug or "").strip():
        reasons.append("slug is missing")
    if video.kind != "series" and not video.hls_url:
        reasons.append("HLS manifest URL is missing")
    if not video.thumbnail_url:
        reasons.append("thumbnail is missing")
    if video.collection_id is None:
        reasons.append("no collection is chosen")
    if linked != video.performer_count:
        reasons.append(f"{linked} performer(s) linked but the performer count says {video.performer_count}")
    return reasons


def _live_performers(session: Session, video_ids: Sequence[int]) -> dict[int, int]:
    """How many live performers each video has linked (videos without any are missing)."""
    rows = session.execute(
        select(VideoPerformer.video_id, func.count())
        .join(Performer, Performer.id == VideoPerformer.performer_id)
        .where(VideoPerformer.video_id.in_(video_ids), Performer.deleted_at.is_(None))
        .group_by(VideoPerformer.video_id)
    )
    return {video_id: int(n) for video_id, n in rows.tuples()}


def _catalog_check(session: Session, video: Video) -> list[str]:
    return _catalog_reasons(video, _live_performers(session, [video.id]).get(video.id, 0))


def _catalog_check_many(session: Session, videos: Sequence[Video]) -> dict[int, list[str]]:
    linked: dict[int, int] = {}
    ids = [video.id for video in videos]
    for start in range(0, len(ids), 1_000):
        linked.update(_live_performers(session, ids[start : start + 1_000]))
    return {video.id: _catalog_reasons(video, linked.get(video.id, 0)) for video in videos}


register_check("catalog", _catalog_check, batch=_catalog_check_many)


def _series_reason(title: str, state: str, deleted: bool) -> list[str]:
    if deleted:
        return [f"its series “{title}” is deleted; restore and publish the series first"]
    if state != "published":
        return [f"its series “{title}” is not published ({state}); publish the series first"]
    return []


def _series_check_many(session: Session, videos: Sequence[Video]) -> dict[int, list[str]]:
    """An episode is public only under a public series: the series (through the season) must be published and
    not deleted. One round trip per 1,000 episodes; other videos pass."""
    seasons = {video.id: video.season_id for video in videos if video.season_id is not None}
    found: dict[int, list[str]] = {video.id: [] for video in videos}
    season_ids = sorted(set(seasons.values()))
    series: dict[int, tuple[str, str, bool]] = {}
    for start in range(0, len(season_ids), 1_000):
        rows = session.execute(
            select(Season.id, Video.title, Video.state, Video.deleted_at.is_not(None))
            .join(Video, Video.id == Season.series_id)
            .where(Season.id.in_(season_ids[start : start + 1_000]))
        )
        series.update({season_id: (title, state, deleted) for season_id, title, state, deleted in rows.tuples()})
    for video_id, season_id in seasons.items():
        if season_id in series:
            found[video_id] = _series_reason(*series[season_id])
    return found


def _series_check(session: Session, video: Video) -> list[str]:
    return _series_check_many(session, [video])[video.id]


register_check("series", _series_check, batch=_series_check_many)
