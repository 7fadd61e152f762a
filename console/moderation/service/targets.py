"""What a report is about: whether the target exists, a short label for the queue, its reach for the priority,
and the member behind it (the author of a comment or chat message, or the member reported) for sanctions."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.catalog.models import Performer, Video
from console.members.models import Member
from console.moderation.models import ChatMessage, Comment, LiveStream
from console.moderation.service import priority

LABEL_MAX = 200
TARGET_LABELS = {
    "video": "Video",
    "comment": "Comment",
    "member": "Member",
    "performer": "Performer",
    "live_stream": "Live stream",
    "chat_message": "Chat message",
}


@dataclass(frozen=True)
class TargetInfo:
    label: str
    reach: int
    member_id: int | None = None  # who a warning, mute, suspension or ban would apply to
    video_id: int | None = None  # the video a comment is on, or the video reported
    stream_id: int | None = None  # the stream a chat message was sent in, or the stream reported


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= LABEL_MAX else flat[: LABEL_MAX - 1] + "…"


def describe(session: Session, target_type: str, target_id: int) -> TargetInfo | None:
    """The target as the queue needs it, or None when it does not exist."""
    if target_type == "video":
        video = session.get(Video, target_id)
        if video is None:
            return None
        return TargetInfo(_short(video.title), priority.video_reach(video.view_count), video_id=video.id)
    if target_type == "comment":
        row = session.execute(
            select(Comment, Video.view_count).join(Video, Video.id == Comment.video_id).where(Comment.id == target_id)
        ).first()
        if row is None:
            return None
        comment, views = row
        reach = priority.video_reach(views) // 2
        return TargetInfo(_short(comment.body), reach, member_id=comment.member_id, video_id=comment.video_id)
    if target_type == "member":
        member = session.get(Member, target_id)
        if member is None:
            return None
        return TargetInfo(_short(f"@{member.username} ({member.display_name})"), 0, member_id=member.id)
    if target_type == "performer":
        performer = session.get(Performer, target_id)
        return None if performer is None else TargetInfo(_short(performer.name), 0)
    if target_type == "live_stream":
        stream = session.get(LiveStream, target_id)
        if stream is None:
            return None
        reach = priority.stream_reach(stream.status == "live", stream.viewer_count)
        return TargetInfo(_short(stream.title), reach, stream_id=stream.id)
    if target_type == "chat_message":
        found = session.execute(
            select(ChatMessage, LiveStream.status)
            .join(LiveStream, LiveStream.id == ChatMessage.stream_id)
            .where(ChatMessage.id == target_id)
        ).first()
        if found is None:
            return None
        message, status = found
        return TargetInfo(
            _short(message.body),
            10 if status == "live" else 0,
            member_id=message.member_id,
            stream_id=message.stream_id,
        )
    return None
