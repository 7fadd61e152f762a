"""What the editor reads and writes, each in one unit of work: the opening read (the video, its performers, its
history, its series context, the first collections to offer), a stored video's snapshot after a change, the save
(the fields and the performers in one transaction) and the collection search. Nothing here touches the page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from console.actor import Actor
from console.audit.service import events_for, iter_diff
from console.catalog.collections import collection_choices, collections_by_id
from console.catalog.editor.values import ACTION_LABELS, HISTORY_LABELS, empty_view
from console.catalog.models import Collection, Video
from console.catalog.series import EpisodeContext, episode_context
from console.catalog.service import (
    create_video,
    get_video,
    performers_of,
    set_performers,
    update_video,
    video_history,
    video_view,
)
from console.staff.names import names_of
from console.staff.permissions import Permission, can
from console.ui.formatting import fmt_dt


def history_of(session: Session, actor: Actor, video_id: int) -> tuple[list[dict[str, Any]], dict[int, list]]:
    """Rows for the History tab and, per event id, its field-level diff (kept on the server)."""
    if can(actor, Permission.AUDIT_READ):
        events = events_for(session, actor=actor, entity="video", entity_id=video_id)
    else:
        events = video_history(session, actor=actor, video_id=video_id)
    rows, diffs = [], {}
    staff = names_of(session, (e.actor_id for e in events if e.actor_kind == "staff"))  # by name, as the conflicts
    for e in events:
        diff = [(k, b, a) for k, b, a in iter_diff(e.before, e.after) if k != "version"]
        names = [HISTORY_LABELS.get(k, k) for k, _, _ in diff]
        changes = "(created)" if e.before is None else ", ".join(names[:8]) + (" …" if len(names) > 8 else "")
        rows.append(
            {
                "id": e.id,
                "when": fmt_dt(e.occurred_at, seconds=True),
                "who": staff.get(e.actor_id or 0, e.actor_label) if e.actor_kind == "staff" else e.actor_label,
                "action": ACTION_LABELS.get(e.action, e.action),
                "changes": changes,
                "reason": e.reason or "",
            }
        )
        diffs[e.id] = diff
    return rows, diffs


def snapshot(session: Session, actor: Actor, video: Video) -> dict[str, Any]:
    """Everything the editor shows about a stored video, read in one unit of work."""
    performers = [
        {"id": p.id, "name": p.name + (" (deleted)" if p.deleted_at is not None else "")}
        for p, _order in performers_of(session, actor=actor, video_id=video.id)
    ]
    rows, diffs = history_of(session, actor, video.id)
    view = video_view(video)
    return {
        "view": view,
        "performers": performers,
        "history": rows,
        "diffs": diffs,
        "collection": collection_of(session, actor, view["collection_id"]),
    }


def empty_snapshot() -> dict[str, Any]:
    return {"view": empty_view(), "performers": [], "history": [], "diffs": {}, "collection": None}


def choice(c: Collection) -> dict[str, Any]:
    """A collection as the Collection field and the preview use it."""
    return {"id": c.id, "name": c.name, "primary": c.color_primary, "accent": c.color_accent}


def collection_of(session: Session, actor: Actor, collection_id: int | None) -> dict[str, Any] | None:
    """The video's collection as `choice` gives it; None for no collection or a deleted one."""
    if collection_id is None:
        return None
    found = collections_by_id(session, actor=actor, ids={collection_id}).get(collection_id)
    return choice(found) if found is not None else None


def search_collections(session: Session, actor: Actor, term: str | None) -> tuple[list[dict[str, Any]], int]:
    """The first page of live collections whose name contains `term`, and how many match in all."""
    page = collection_choices(session, actor=actor, search=term)
    return [choice(c) for c in page.rows], page.total


@dataclass
class Opening:
    """What the editor reads when it opens."""

    snap: dict[str, Any]
    episode_of: EpisodeContext | None
    collections: list[dict[str, Any]]  # the first page offered
    collections_total: int


def open_video(session: Session, actor: Actor, video_id: int | None) -> Opening:
    if video_id is None:
        snap, episode_of = empty_snapshot(), None
    else:
        snap = snapshot(session, actor, get_video(session, actor=actor, video_id=video_id))
        episode_of = episode_context(session, actor=actor, video_id=video_id)
    offered, total = search_collections(session, actor, None)
    return Opening(snap, episode_of, offered, total)


def save_video(
    session: Session,
    actor: Actor,
    *,
    video_id: int | None,
    version: int | None,
    data: dict[str, Any],
    performer_ids: list[int],
) -> dict[str, Any]:
    """Create or update the video and set its performers in one transaction; the stored result's snapshot."""
    if video_id is None:
        video = create_video(session, actor=actor, data=data)
        if performer_ids:
            video = set_performers(session, actor=actor, video_id=video.id, performer_ids=performer_ids)
    else:
        video = update_video(session, actor=actor, video_id=video_id, data=data, expected_version=version)
        video = set_performers(
            session, actor=actor, video_id=video.id, performer_ids=performer_ids, expected_version=video.version
        )
    return snapshot(session, actor, video)


def stored_video(session: Session, actor: Actor, video_id: int) -> dict[str, Any]:
    return snapshot(session, actor, get_video(session, actor=actor, video_id=video_id))
