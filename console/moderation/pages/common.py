"""What the moderation pages share: plain-text formatting of cases (ages, time ranges, reasons, badges).

Service calls go through console/ui/work.py like every area's. Nothing here builds a query."""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

from nicegui import ui

from console.actor import Actor
from console.catalog.rules import format_duration
from console.moderation.models import REASONS
from console.moderation.service import queue
from console.moderation.service.priority import REASON_LABELS
from console.moderation.service.targets import TARGET_LABELS
from console.ui.formatting import plural  # noqa: F401 - re-exported for this area's parts
from console.ui.work import call

T = TypeVar("T")

STATUS_LABELS = {
    "open": "Open",
    "claimed": "Claimed",
    "escalated": "Escalated",
    "resolved": "Resolved",
    "dismissed": "Dismissed",
}
STATUS_COLOURS = {
    "open": "primary",
    "claimed": "orange-8",
    "escalated": "deep-purple-6",
    "resolved": "positive",
    "dismissed": "grey-7",
}
TYPE_COLOURS = {
    "video": "indigo-6",
    "comment": "teal-8",
    "member": "brown-6",
    "performer": "pink-7",
    "live_stream": "red-8",
    "chat_message": "cyan-9",
}
FEEDBACK_TEXT = {
    "resolved": "Thank you for your report. We reviewed it and took action under our rules.",
    "no_violation": "Thank you for your report. We reviewed it and found no violation of our rules.",
}


def age_text(since: datetime | None, now: datetime) -> str:
    """'12 min', '5 h', '3 d 4 h' since `since`."""
    if since is None:
        return "—"
    minutes = max(0, int((now - since).total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} min"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} h"
    return f"{hours // 24} d {hours % 24} h"


async def open_next_case(actor: Actor) -> None:
    """Claim the next case of the queue and open it ("No case waiting." when there is none)."""
    ok, case_id = await call(lambda s: getattr(queue.next_case(s, actor=actor), "id", None))
    if not ok:
        return
    if case_id is None:
        ui.notify("No case waiting.", type="info")
        return
    ui.navigate.to(f"/moderation/cases/{case_id}")


def minutes_text(minutes: float | None) -> str:
    """'45 min', '19.9 h', and from two days on as `age_text` writes waits: '9 d 9 h'."""
    if minutes is None:
        return "—"
    if minutes < 90:
        return f"{minutes:.0f} min"
    if minutes < 48 * 60:
        return f"{minutes / 60:.1f} h"
    hours = round(minutes / 60)
    return f"{hours // 24} d {hours % 24} h"


def closed_text(per_person: list[tuple[str, int]]) -> str:
    """'36 (Demo Moderator: 30, Max Mod: 6)': the count first; a bare "Demo Moderator 36" read as a name."""
    if not per_person:
        return "none yet"
    total = sum(n for _, n in per_person)
    return f"{total:,} (" + ", ".join(f"{name}: {n:,}" for name, n in per_person) + ")"


def time_range(start: int | None, end: int | None) -> str:
    """Seconds in a video as h:mm:ss: '0:01:05' to '0:01:30' joined by an en dash, or 'from 0:01:05'."""
    if start is None:
        return ""
    if end is None:
        return f"from {format_duration(start)}"
    return f"{format_duration(start)}–{format_duration(end)}"


def reasons_text(counts: dict[str, int]) -> str:
    """Each reason with its count ('Harassment x3'), worst first."""
    ordered = sorted(counts.items(), key=lambda kv: REASONS.index(kv[0]) if kv[0] in REASONS else len(REASONS))
    return ", ".join(f"{REASON_LABELS.get(r, r).split(' (')[0]} ×{n}" for r, n in ordered)


def type_label(target_type: str) -> str:
    return TARGET_LABELS.get(target_type, target_type)


def status_badge(status: str) -> ui.badge:
    return ui.badge(STATUS_LABELS.get(status, status)).props(f"color={STATUS_COLOURS.get(status, 'grey-7')}")


def type_badge(target_type: str) -> ui.badge:
    return ui.badge(type_label(target_type)).props(f"outline color={TYPE_COLOURS.get(target_type, 'grey-8')}")


def emergency_badge() -> ui.badge:
    return ui.badge("EMERGENCY").props("color=negative").classes("font-bold").mark("case-emergency")
