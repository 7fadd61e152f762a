"""The publishing gate: every path that makes a video public asks `publish_blockers()` first.

Each check returns the reasons it refuses (empty when satisfied). The catalog registers its own
checks here; the compliance area registers the 2257 checks with `register_check()` at import, so the
editor, bulk publish, import and the scheduler all get them without knowing they exist.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.catalog.models import Performer, Video, VideoPerformer

Check = Callable[[Session, Video], list[str]]
_CHECKS: list[tuple[str, Check]] = []

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


def register_check(name: str, check: Check) -> None:
    """Add a check (idempotent by name, so re-imports do not double it)."""
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


def _catalog_check(session: Session, video: Video) -> list[str]:
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
    linked = session.execute(
        select(func.count())
        .select_from(VideoPerformer)
        .join(Performer, Performer.id == VideoPerformer.performer_id)
        .where(VideoPerformer.video_id == video.id, Performer.deleted_at.is_(None))
    ).scalar_one()
    if linked != video.performer_count:
        reasons.append(f"{linked} performer(s) linked but the performer count says {video.performer_count}")
    return reasons


register_check("catalog", _catalog_check)
