"""The actions panel of a case: one button per action valid for the target, the digit presets, and the dialog
each opens (reason required, plus days, the blocklist entry or the chat message where the action needs them).
The decision itself goes through CaseView.decide (the case version the page showed, a conflict kept in the
dialog)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nicegui import ui

from console.moderation.models import BLOCK_KINDS, BLOCK_SCOPES
from console.moderation.pages.common import FEEDBACK_TEXT, STATUS_LABELS, type_label
from console.moderation.service.decisions import ACTION_LABELS, ActionRequest
from console.staff.permissions import Permission, can
from console.ui.dialog_draft import draft_key
from console.ui.formatting import fmt_dt
from console.ui.forms import first_choice, limit_length, number_input, typed_number
from console.ui.reason_dialog import ReasonDialog
from console.ui.session import require_live_session

if TYPE_CHECKING:
    from console.moderation.pages.case import CaseView

MEMBER_TARGETS = ("comment", "chat_message", "member")
STREAM_TARGETS = ("live_stream", "chat_message")


@dataclass(frozen=True)
class ActionSpec:
    action: str
    button: str
    icon: str
    targets: tuple[str, ...] | None  # None: every kind of target
    danger: bool
    effect: str


SPECS = [
    ActionSpec("dismiss", "Dismiss", "block", None, False, "Closes the case: no violation. Reporters get that answer."),
    ActionSpec(
        "resolve", "Resolve", "task_alt", None, False, "Closes the case as handled (after an action taken on it)."
    ),
    ActionSpec(
        "hide_comment", "Hide comment", "visibility_off", ("comment",), True, "Hides it; its author gets a strike."
    ),
    ActionSpec(
        "delete_chat_message",
        "Delete message",
        "delete",
        STREAM_TARGETS,
        True,
        "Removes the message from the chat; its author gets a strike.",
    ),
    ActionSpec(
        "end_stream", "End stream", "stop_circle", STREAM_TARGETS, True, "Ends the stream now (cannot be undone)."
    ),
    ActionSpec("disable_chat", "Chat off", "speaker_notes_off", STREAM_TARGETS, False, "Turns the stream's chat off."),
    ActionSpec("unpublish_video", "Unpublish", "public_off", ("video",), True, "Takes the video off the platform."),
    ActionSpec("warn", "Warn", "warning", MEMBER_TARGETS, False, "Records a warning strike (90 days)."),
    ActionSpec("mute", "Mute", "volume_off", MEMBER_TARGETS, True, "The member cannot post for the days chosen."),
    ActionSpec(
        "suspend", "Suspend", "pause_circle", MEMBER_TARGETS, True, "The member cannot sign in for the days chosen."
    ),
    ActionSpec("ban", "Ban", "gavel", MEMBER_TARGETS, True, "The member is banned until an appeal lifts it."),
    ActionSpec("blocklist", "Blocklist", "playlist_remove", None, False, "The platform refuses this name or term."),
    ActionSpec("escalate", "Escalate", "upgrade", None, False, "Hands the case to an administrator; your claim ends."),
]
SPEC = {s.action: s for s in SPECS}
SERIES_TAKE_DOWN = (
    "Takes the series off the platform, with its public and scheduled episodes. Overturning it on appeal puts "
    "them back."
)
REMOVE_CONTENT = {
    "comment": "hide_comment",
    "chat_message": "delete_chat_message",
    "video": "unpublish_video",
    "live_stream": "end_stream",
}
# digit -> (action, days); "remove" means the target's REMOVE_CONTENT action. Only the presets that apply to
# the case's target are registered (and listed by ?).
PRESETS: list[tuple[str, str, int | None]] = [
    ("1", "dismiss", None),
    ("2", "remove", None),
    ("3", "warn", None),
    ("4", "mute", 1),
    ("5", "suspend", 7),
    ("6", "ban", None),
    ("7", "escalate", None),
    ("8", "resolve", None),
    ("9", "blocklist", None),
]
DEFAULT_DAYS = {"mute": 1, "suspend": 7}
SNAPSHOT_LABELS = {"status": "Status", "assignee": "Assigned to", "decisions": "Decisions taken"}


@dataclass(frozen=True)
class Preset:
    digit: str
    action: str
    days: int | None

    @property
    def label(self) -> str:
        days = f" for {self.days} day{'' if self.days == 1 else 's'}" if self.days else ""
        return ACTION_LABELS[self.action] + days

    @property
    def short(self) -> str:
        return f"{self.digit} {SPEC[self.action].button.lower()}" + (f" {self.days}d" if self.days else "")


def available(target_type: str) -> list[ActionSpec]:
    return [s for s in SPECS if s.targets is None or target_type in s.targets]


def presets_for(target_type: str) -> list[Preset]:
    """The digit presets that apply to this kind of target (2 removes whatever content it is)."""
    valid = {spec.action for spec in available(target_type)}
    found = []
    for digit, action, days in PRESETS:
        real = REMOVE_CONTENT.get(target_type) if action == "remove" else action
        if real in valid:
            found.append(Preset(digit, real, days))
    return found


class ActionsPanel:
    def __init__(self, view: CaseView) -> None:
        self.view = view
        self.asking = False  # one action dialog at a time (a digit pressed while one is open does nothing)

    @ui.refreshable_method
    def build(self) -> None:
        case = self.view.case
        with ui.card().classes("w-full gap-2 p-3").mark("case-actions"):
            ui.label("Actions").classes("font-semibold")
            if case.status in ("resolved", "dismissed"):
                self.closed()
                return
            if not can(self.view.actor, Permission.MODERATION_ACT):
                ui.label("Your roles can read cases, not decide them.").classes("text-sm opacity-70")
                return
            if case.status == "escalated" and not can(self.view.actor, Permission.MODERATION_ASSIGN):
                ui.label("Escalated: an administrator decides this case now.").classes("text-sm").mark("case-escalated")
                return
            mine = self.view.mine()
            if not mine:
                ui.label(self.not_mine()).classes("text-sm text-orange-9").mark("case-claim-hint")
            off = self.video_off_platform()
            if off:
                ui.label(off).classes("text-sm opacity-70").mark("case-video-off")
            with ui.grid(columns=2).classes("w-full gap-1"):
                for spec in available(case.target_type):
                    if off and spec.action == "unpublish_video":
                        continue
                    button = ui.button(f"{spec.button}…", icon=spec.icon, on_click=lambda a=spec.action: self.open(a))
                    colour = "color=negative" if spec.danger and mine else ""  # a disabled red button looks live
                    button.props(f"dense no-caps outline {colour}").mark(f"action-{spec.action}")
                    button.enabled = mine
            presets = [p for p in presets_for(case.target_type) if not (off and p.action == "unpublish_video")]
            keys = " · ".join(p.short for p in presets)
            ui.label(f"Keys: {keys} · c claim · n next case · ? all keys").classes("text-xs opacity-60").mark(
                "case-keys"
            )

    def video_off_platform(self) -> str | None:
        """Why Unpublish is not offered: the reported video is already off the platform (the service refuses it
        too; an overturned appeal would otherwise publish a video moderation never took down)."""
        target = self.view.detail.target
        if self.view.case.target_type != "video" or target.get("video_kind") == "series":  # its episodes may be up
            return None
        if target.get("state") in ("published", "scheduled", None):
            return None
        return f"The video is not on the platform ({target['state']}): there is nothing to unpublish."

    def not_mine(self) -> str:
        """Why the actions wait: nobody holds the case (claim it), or someone else does (only they decide now)."""
        case = self.view.case
        if case.status == "claimed" and case.assignee_id != self.view.actor.staff_id:
            who = self.view.detail.assignee or "another moderator"
            return f"{who} holds this case until {fmt_dt(case.claim_expires_at)}: only they can decide it now."
        return "Claim the case (c) to act on it, so nobody else decides it meanwhile."

    def closed(self) -> None:
        case = self.view.case
        ui.label(f"{STATUS_LABELS[case.status]} {fmt_dt(case.resolved_at)}.").classes("text-sm").mark("case-closed")
        if case.feedback_template:
            ui.label("What the platform sends the reporters:").classes("text-xs opacity-70")
            ui.label(FEEDBACK_TEXT.get(case.feedback_template, case.feedback_template)).classes(
                "text-sm italic p-2 rounded bg-grey-2 text-black"
            ).mark("case-feedback")

    async def preset(self, preset: Preset) -> None:
        await self.open(preset.action, days=preset.days)

    async def open(self, action: str, *, days: int | None = None) -> None:
        spec, case = SPEC[action], self.view.case
        if spec.targets is not None and case.target_type not in spec.targets:
            ui.notify(f"“{ACTION_LABELS[action]}” does not apply to a {type_label(case.target_type).lower()}.")
            return
        if case.status in ("resolved", "dismissed") or not self.view.mine():
            ui.notify(self.not_mine(), type="warning")
            return
        if action == "unpublish_video" and self.video_off_platform():
            ui.notify(self.video_off_platform(), type="warning")
            return
        if self.asking or require_live_session() is None:
            return
        who = self.view.member_username()
        about = f"\nMember: @{who}" if who and action in ("warn", "mute", "suspend", "ban") else ""
        series = action == "unpublish_video" and self.view.detail.target.get("video_kind") == "series"
        dialog = ReasonDialog(
            f"{ACTION_LABELS[action]}?",
            (SERIES_TAKE_DOWN if series else spec.effect) + about,
            ok_label=spec.button,
            danger=spec.danger,
            conflict_labels=SNAPSHOT_LABELS,
            host=self.view.host,
            mark="action",
            draft=draft_key(self.view.actor, "case", case.id, action),
        )
        with dialog.extra:
            extra = self.extra_fields(dialog, action, days)

        async def confirmed(reason: str) -> bool:
            return await self.view.decide(dialog, ActionRequest(action=action, reason=reason, **extra()))

        self.asking = True
        try:
            await dialog.ask(confirmed)
        finally:
            self.asking = False

    def extra_fields(self, dialog: ReasonDialog, action: str, days: int | None) -> Callable[[], dict[str, Any]]:
        """The inputs an action needs besides the reason; returns what reads them into ActionRequest fields."""
        if action in ("mute", "suspend"):
            field = dialog.field(
                "days",
                number_input("Days", value=days or DEFAULT_DAYS[action]).mark("action-days"),
            )
            return lambda: {"days": typed_number(field)}
        if action == "blocklist":
            return self._blocklist_fields(dialog)
        if action == "delete_chat_message" and self.view.case.target_type == "live_stream":
            messages = {
                int(m["id"]): f"@{m['author']}: {m['body'][:80]}"
                for m in self.view.detail.target.get("reported_messages", [])
                if not m["deleted"]
            }
            chosen = dialog.field(
                "chat_message_id", first_choice(messages, "Reported message to delete", mark="action-chat-message")
            )
            return lambda: {"chat_message_id": chosen.value}
        return lambda: {}

    def _blocklist_fields(self, dialog: ReasonDialog) -> Callable[[], dict[str, Any]]:
        username = self.view.member_username()
        with ui.row().classes("w-full gap-2 no-wrap"):
            kind = dialog.field(
                "block_kind",
                ui.select(list(BLOCK_KINDS), label="Kind", value="username" if username else "term")
                .props("dense outlined")
                .classes("w-32")
                .mark("action-block-kind"),
            )
            value = dialog.field(
                "block_value",
                ui.input("Value", value=username or "").props("dense outlined").classes("grow"),
            ).mark("action-block-value")
            limit_length(value, 254)
            scope = dialog.field(
                "block_scope",
                ui.select(list(BLOCK_SCOPES), label="Scope", value="all")
                .props("dense outlined")
                .classes("w-32")
                .mark("action-block-scope"),
            )
        return lambda: {"block_kind": kind.value, "block_value": value.value, "block_scope": scope.value}
