"""A member's moderation record as the Member 360 page and a case about a member both show it: how long they are
muted or suspended, their strikes and the decisions about them. Plain values in, NiceGUI escapes them."""

from __future__ import annotations

from typing import Any

from nicegui import ui

from console.moderation.models import STRIKE_KINDS
from console.moderation.service.decisions import ACTION_LABELS
from console.ui.formatting import fmt_dt, word_labels

STRIKE_LABELS = word_labels(*STRIKE_KINDS)  # "content_removal" -> "Content removal"


def until_facts(record: dict[str, Any]) -> list[str]:
    """ "muted until …" and "suspended until …" while the member is."""
    until = [f"muted until {fmt_dt(record['muted_until'])}"] if record.get("muted_until") else []
    until += [f"suspended until {fmt_dt(record['suspended_until'])}"] if record.get("suspended_until") else []
    return until


def strike_count(strikes: list[dict[str, Any]]) -> str:
    """ "Strikes (1 running, 5 in all)": a lapsed or overturned strike no longer counts against the member, and a
    moderator weighing warn against suspend must not read five where one runs."""
    running = sum(1 for s in strikes if s["running"])
    if running == len(strikes):
        return f"Strikes ({running} running)" if running else "Strikes (none)"
    return f"Strikes ({running} running, {len(strikes)} in all)"


def strike_lines(strikes: list[dict[str, Any]], *, mark: str) -> None:
    """The strikes under their count, one line each (`mark`): an overturned or lapsed one badged, a running one
    with the day it lapses."""
    ui.label(strike_count(strikes)).classes("text-xs font-semibold pt-1").mark(f"{mark}-count")
    for s in strikes:
        with ui.row().classes("items-center gap-2 text-xs").mark(mark):
            ui.label(f"{STRIKE_LABELS.get(s['kind'], s['kind'])} · {fmt_dt(s['at'])}")
            ui.label(s["reason"]).classes("opacity-80")
            if s["overturned"]:
                ui.badge("Overturned").props("color=grey-7")
            elif not s["running"]:
                ui.badge(f"Lapsed {fmt_dt(s['expires_at'])}").props("color=grey-7")
            elif s["expires_at"] is not None:
                ui.label(f"runs until {fmt_dt(s['expires_at'])}").classes("opacity-70")


def decision_lines(decisions: list[dict[str, Any]], *, heading: str, mark: str) -> None:
    """The decisions about the member under `heading (count)`, one line each (`mark`) with a link to its case."""
    ui.label(f"{heading} ({len(decisions)})").classes("text-xs font-semibold pt-1")
    for d in decisions:
        with ui.row().classes("items-center gap-2 text-xs").mark(mark):
            ui.link(f"case #{d['case_id']}", f"/moderation/cases/{int(d['case_id'])}")
            ui.label(f"{ACTION_LABELS.get(d['action'], d['action'])} · {fmt_dt(d['at'])}")
            ui.label(d["reason"]).classes("opacity-80")
