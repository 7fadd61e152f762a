"""The target of a case in context (from context.case_detail's dict): a video's card with the reported time
ranges, a comment in its thread, a chat message with the messages around it, a live stream with its reported
messages, a member or performer with their history. Platform text is shown with labels (escaped); an image is
shown only from this console's own /media path, never from a remote address."""

from __future__ import annotations

from typing import Any

from nicegui import ui

from console.catalog.rules import LOCAL_THUMBNAIL_RE, format_duration
from console.members.models import MEMBER_STATUS_LABELS
from console.moderation.pages.common import STATUS_LABELS, time_range
from console.moderation.pages.member_record import decision_lines, strike_lines, until_facts
from console.ui.formatting import fmt_dt, fmt_time, plural


def render(target: dict[str, Any]) -> None:
    if target.get("missing"):
        ui.label("The reported item no longer exists.").classes("text-sm opacity-70").mark("target-missing")
        return
    RENDERERS[target["kind"]](target)


def local_thumbnail(url: str | None) -> str | None:
    """The thumbnail address if it is one this console stored under /media; None for anything else."""
    return url if url and LOCAL_THUMBNAIL_RE.fullmatch(url) else None


def _video(t: dict[str, Any]) -> None:
    with ui.row().classes("items-start gap-3 no-wrap").mark("target-video"):
        thumb = local_thumbnail(t.get("thumbnail_url"))
        if thumb:
            ui.image(thumb).classes("w-48 h-28 rounded").props("fit=cover").mark("target-thumbnail")
        else:
            with ui.element("div").classes("w-48 h-28 rounded bg-grey-3 flex items-center justify-center"):
                ui.label("No local thumbnail").classes("text-xs opacity-70 text-black").mark("target-no-thumbnail")
        with ui.column().classes("gap-1"):
            ui.link(t["title"], f"/catalog/{int(t['id'])}").classes("font-semibold").mark("target-title")
            ui.label(
                f"State: {t['state']} · duration {format_duration(t.get('duration_seconds')) or '—'} · "
                f"{t.get('view_count', 0):,} views"
            ).classes("text-sm")
            ranges = t.get("ranges") or []
            if ranges:
                ui.label("Reported moments:").classes("text-xs opacity-70")
                with ui.row().classes("gap-1"):
                    for r in ranges:
                        ui.badge(time_range(r["start"], r["end"])).props("color=orange-8").mark("target-range")


def _comment(t: dict[str, Any]) -> None:
    ui.label("On the video:").classes("text-xs opacity-70")
    ui.link(t.get("video_title") or f"Video #{t['video_id']}", f"/catalog/{int(t['video_id'])}").classes("text-sm")
    with ui.column().classes("w-full gap-1").mark("target-thread"):
        for c in t["thread"]:
            box = "bg-yellow-2 text-black border-l-4 border-orange-8" if c["reported"] else ""
            with ui.column().classes(f"w-full gap-0 p-1 rounded {box} {'ml-6' if c['reply'] else ''}"):
                with ui.row().classes("items-center gap-2 text-xs"):
                    ui.label(f"@{c['author']}").classes("font-semibold")
                    ui.label(fmt_dt(c["at"])).classes("opacity-60")
                    if c["reported"]:
                        ui.badge("reported").props("color=orange-8").mark("thread-reported")
                    if c["hidden"]:
                        ui.badge("hidden").props("color=grey-7").mark("thread-hidden")
                body = ui.label(c["body"]).classes("text-sm whitespace-pre-wrap break-words")
                body.mark("thread-reported-body" if c["reported"] else "thread-body")
                if c["hidden"]:
                    body.classes("line-through opacity-60")
    member_history(t.get("member") or {})


def _chat(t: dict[str, Any]) -> None:
    with ui.row().classes("items-center gap-2 text-sm"):
        ui.label(f"In the stream “{t['stream_title']}”").mark("target-stream-title")
        ui.badge(t["stream_status"]).props("outline")
        ui.label("chat on" if t["chat_enabled"] else "chat off").classes("text-xs opacity-70")
    _messages(t["messages"], mark="target-chat")
    member_history(t.get("member") or {})


def _messages(messages: list[dict[str, Any]], *, mark: str) -> None:
    with ui.column().classes("w-full gap-0 font-mono text-xs").mark(mark):
        for m in messages:
            box = "bg-yellow-2 text-black border-l-4 border-orange-8" if m.get("reported") else ""
            with ui.row().classes(f"w-full items-start gap-2 no-wrap p-1 rounded {box}"):
                clock = ui.label(fmt_time(m.get("at"))).classes("opacity-60 shrink-0")  # the viewer's zone
                if m.get("at"):
                    clock.tooltip(fmt_dt(m["at"], seconds=True))
                ui.label(f"@{m['author']}").classes("font-semibold shrink-0")
                body = ui.label(m["body"]).classes("whitespace-pre-wrap break-words")
                body.mark("chat-reported-body" if m.get("reported") else "chat-body")
                if m.get("reported"):
                    ui.badge("reported").props("color=orange-8").mark("chat-reported")
                if m.get("deleted"):
                    body.classes("line-through opacity-60")
                    ui.badge("deleted").props("color=grey-7").mark("chat-deleted")


def _stream(t: dict[str, Any]) -> None:
    with ui.column().classes("gap-1").mark("target-stream"):
        ui.label(t["title"]).classes("font-semibold").mark("target-title")
        ui.label(
            f"Performer: {t['performer']} · status {t['status']} · {t['viewer_count']:,} watching now "
            f"(peak {t['peak_viewers']:,}) · chat {'on' if t['chat_enabled'] else 'off'}"
        ).classes("text-sm").mark("target-stream-status")
    reported = t.get("reported_messages") or []
    if reported:
        ui.label("Reported chat messages:").classes("text-xs opacity-70")
        _messages([{**m, "reported": False} for m in reported], mark="stream-reported-messages")


def _member(t: dict[str, Any]) -> None:
    member_history(t.get("member") or {})


def _performer(t: dict[str, Any]) -> None:
    ui.link(t["name"], f"/performers/{int(t['id'])}").classes("font-semibold").mark("target-title")
    past = t.get("past_cases") or []
    ui.label(f"Cases about this performer: {len(past)}").classes("text-xs opacity-70")
    for c in past:
        with ui.row().classes("items-center gap-2 text-sm"):
            ui.link(f"#{c['id']}", f"/moderation/cases/{int(c['id'])}").mark("target-past-case")
            ui.label(f"{STATUS_LABELS.get(c['status'], c['status'])} · {c['reason']} · {fmt_dt(c['at'])}")


def member_history(m: dict[str, Any]) -> None:
    """The member behind the target: status, sanctions running, strikes, decisions, how often reported."""
    if not m or m.get("missing"):
        return
    with ui.card().classes("w-full gap-1 p-2").props("flat bordered").mark("target-member"):
        with ui.row().classes("items-center gap-2"):
            ui.link(f"@{m['username']}", f"/members/{int(m['id'])}").classes("font-semibold").mark("target-username")
            ui.label(m.get("display_name") or "").classes("text-sm opacity-70")
            ui.badge(MEMBER_STATUS_LABELS.get(m["status"], m["status"])).props("outline").mark("target-member-status")
        until = until_facts(m)
        ui.label(
            " · ".join(
                [f"member since {fmt_dt(m['created_at'])}", f"{plural(m['cases_about'], 'case')} about them", *until]
            )
        ).classes("text-xs opacity-70").mark("target-member-facts")
        strike_lines(m.get("strikes") or [], mark="target-strike")
        decision_lines(m.get("decisions") or [], heading="Past decisions", mark="target-decision")


RENDERERS = {
    "video": _video,
    "comment": _comment,
    "chat_message": _chat,
    "live_stream": _stream,
    "member": _member,
    "performer": _performer,
}
