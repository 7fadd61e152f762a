"""/moderation/cases/{id}: one case. The header (status, priority and its parts, SLA, claim), the target in
context, every report, then the actions, internal notes and the decisions (with Reverse… for those who may).

Every handler makes one unit of work off the event loop: the service call and, in the same transaction, the
case as it now is, which then redraws the parts. Decisions carry the case version the page showed; a stale one
keeps the dialog open with the reason and shows who changed the case in its conflict panel.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import ui
from sqlalchemy.orm import Session

from console.actor import Actor
from console.db import session_scope, utcnow
from console.errors import Conflict, NotFound
from console.moderation.models import LIVE_CASE_STATES, ModerationCase
from console.moderation.pages import case_target
from console.moderation.pages.case_actions import ActionsPanel, Preset, presets_for
from console.moderation.pages.common import (
    STATUS_LABELS,
    age_text,
    emergency_badge,
    open_next_case,
    plural,
    status_badge,
    time_range,
    type_badge,
)
from console.moderation.service import appeals, context, decisions, priority, queue
from console.moderation.service.context import CaseDetail
from console.moderation.service.decisions import ACTION_LABELS, ActionRequest
from console.staff.permissions import Permission, can
from console.ui.dialog_draft import draft_key
from console.ui.filter_bar import list_address
from console.ui.formatting import fmt_dt
from console.ui.forms import limit_length
from console.ui.keymap import page_keys
from console.ui.page import body_later
from console.ui.reason_dialog import ReasonDialog
from console.ui.work import call, unit_of_work


class CaseView:
    """One case: the target in context, its reports, the actions, the notes and the decisions."""

    def __init__(self, actor: Actor, case_id: int, loaded: tuple[CaseDetail, list[tuple[int, str]]]) -> None:
        self.actor, self.case_id = actor, case_id
        self.detail, self.staff = loaded

    @staticmethod
    def read(actor: Actor, case_id: int) -> tuple[CaseDetail, list[tuple[int, str]]]:
        """The case and, for those who assign, the staff to assign to (a missing case is the in-frame 404)."""
        with session_scope() as session:
            detail = context.case_detail(session, actor=actor, case_id=case_id)
            staff = queue.assignable_staff(session, actor=actor) if can(actor, Permission.MODERATION_ASSIGN) else []
            return detail, staff

    @property
    def case(self) -> ModerationCase:
        return self.detail.case

    def mine(self) -> bool:
        return self.case.status == "claimed" and self.case.assignee_id == self.actor.staff_id

    def member_username(self) -> str | None:
        target = self.detail.target
        member = target.get("member") or {}
        return member.get("username")

    def snapshot(self) -> dict[str, Any]:
        """What the page shows of the case, to set beside what is stored when a decision comes too late."""
        return {
            "status": STATUS_LABELS.get(self.case.status, self.case.status),
            "assignee": self.detail.assignee or "nobody",
            "decisions": len(self.detail.decisions),
        }

    def build(self) -> None:
        self.host = ui.element("div")  # dialogs live here, outside the parts that refresh
        with ui.row().classes("items-center gap-3 w-full"):
            ui.link("← Queue", list_address("/moderation")).classes("text-sm").mark("case-back")
            ui.space()
            if can(self.actor, Permission.MODERATION_ACT):
                ui.button("Next case (n)", icon="skip_next", on_click=self.next_case).props("dense flat no-caps").mark(
                    "case-next"
                )
        self.actions = ActionsPanel(self)
        with ui.row().classes("w-full items-start gap-4 no-wrap"):
            with ui.column().classes("grow min-w-0 gap-3"):
                self.header()
                self.target()
                self.reports()
            with ui.column().classes("w-[420px] shrink-0 gap-3"):
                self.actions.build()
                self.notes_card()
                self.history()
        self.register_keys()

    def register_keys(self) -> None:
        keys = page_keys()
        if can(self.actor, Permission.MODERATION_ACT):
            keys.add("c", "Claim this case", self.claim_key)
            keys.add("d", "Dismiss (no violation)…", lambda: self.actions.open("dismiss"))
            for preset in presets_for(self.case.target_type):
                keys.add(preset.digit, preset.label + "…", self._preset(preset))
            keys.add("n", "Next case: claim the highest priority one and open it", self.next_case)
        keys.add("r", "Reload this case", self.reload)

    def _preset(self, preset: Preset) -> Callable[[], Awaitable[None]]:
        return lambda: self.actions.preset(preset)

    def show(self, detail: CaseDetail) -> None:
        self.detail = detail
        for part in (self.header, self.target, self.reports, self.actions.build, self.notes, self.history):
            part.refresh()

    # --- parts -----------------------------------------------------------------------------------------------

    @ui.refreshable_method
    def header(self) -> None:
        case, now = self.case, utcnow()
        with ui.card().classes("w-full gap-1 p-3").mark("case-header"):
            with ui.row().classes("items-center gap-2 no-wrap"):
                ui.label(f"Case #{case.id}").classes("text-lg font-semibold")
                status_badge(case.status).mark("case-status")
                if case.emergency and case.status in LIVE_CASE_STATES:  # a closed case is in no queue
                    emergency_badge()
                type_badge(case.target_type)
                ui.label(case.target_label).classes("text-sm truncate").mark("case-target-label")
            parts = " + ".join(f"{name} {value}" for name, value in (case.priority_parts or {}).items())
            hours = priority.age_hours(case.first_report_at, now)
            shown = priority.shown_priority(case.base_priority, case.first_report_at, now)
            lead = ""
            if case.emergency:
                live = case.status in LIVE_CASE_STATES
                lead = " · an emergency: ahead of every other case in the queue" if live else " · was an emergency"
            ui.label(f"Priority {shown} = {parts} + age {hours}{lead}").classes("text-sm").mark("case-priority")
            overdue = case.sla_due_at < now and case.status in LIVE_CASE_STATES
            with ui.row().classes("items-center gap-4 text-sm"):
                ui.label(f"SLA due {fmt_dt(case.sla_due_at)}" + (" (overdue)" if overdue else "")).classes(
                    "text-negative font-semibold" if overdue else ""
                ).mark("case-sla")
                ui.label(
                    f"first report {age_text(case.first_report_at, now)} ago · {plural(case.report_count, 'report')} "
                    f"from {plural(case.reporter_count, 'reporter')}"
                ).classes("opacity-80")
            self.claim_line()
            if case.previous_case_id:
                ui.link(f"Earlier case #{case.previous_case_id}", f"/moderation/cases/{case.previous_case_id}").classes(
                    "text-xs"
                )

    def claim_line(self) -> None:
        case = self.case
        with ui.row().classes("items-center gap-2 text-sm"):
            if case.status == "claimed":
                ui.label(f"Claimed by {self.detail.assignee or '?'}").mark("case-assignee")
                ui.label(f"until {fmt_dt(case.claim_expires_at)}").classes("opacity-70").mark("case-claim-expiry")
            elif case.status in LIVE_CASE_STATES:
                ui.label("Nobody holds it").classes("opacity-70").mark("case-assignee")
            if not can(self.actor, Permission.MODERATION_ACT) or case.status not in LIVE_CASE_STATES:
                return
            if self.claimable():
                ui.button("Claim (c)", icon="pan_tool", on_click=self.claim).props("dense unelevated no-caps").mark(
                    "case-claim"
                )
            if case.status == "claimed" and (self.mine() or can(self.actor, Permission.MODERATION_ASSIGN)):
                ui.button("Release", icon="undo", on_click=self.release).props("dense flat no-caps").mark(
                    "case-release"
                )
            if self.staff:
                pick = ui.select(dict(self.staff), label="Reassign to").props("dense outlined options-dense")
                pick.classes("w-48").mark("case-reassign-to")
                ui.button("Reassign", on_click=lambda: self.reassign(pick.value)).props("dense flat no-caps").mark(
                    "case-reassign"
                )

    def claimable(self) -> bool:
        case, now = self.case, utcnow()
        if case.status == "open":
            return True
        if case.status == "escalated":
            return can(self.actor, Permission.MODERATION_ASSIGN)
        return not self.mine() and case.claim_expires_at is not None and case.claim_expires_at < now

    @ui.refreshable_method
    def target(self) -> None:
        with ui.card().classes("w-full gap-2 p-3").mark("case-target"):
            ui.label("The reported item").classes("font-semibold")
            case_target.render(self.detail.target)

    @ui.refreshable_method
    def reports(self) -> None:
        detail = self.detail
        with ui.card().classes("w-full gap-2 p-3").mark("case-reports"):
            more = f" (the latest {len(detail.reports)})" if len(detail.reports) < self.case.report_count else ""
            ui.label(f"Reports: {self.case.report_count:,}{more}").classes("font-semibold")
            for r in detail.reports:
                with ui.column().classes("w-full gap-0 border-b pb-1").mark("case-report"):
                    with ui.row().classes("items-center gap-2 text-xs"):
                        ui.label(f"@{detail.reporters.get(r.reporter_id, '?')}").classes("font-semibold").mark(
                            "case-reporter"
                        )
                        ui.badge(priority.REASON_LABELS.get(r.reason, r.reason)).props("outline").mark("case-reason")
                        ui.label(fmt_dt(r.created_at)).classes("opacity-60")
                        if r.video_start_s is not None:
                            ui.label(time_range(r.video_start_s, r.video_end_s)).mark("case-report-range")
                        if r.chat_message_id is not None:
                            ui.label(f"chat message #{r.chat_message_id}").classes("opacity-70")
                    if r.description:
                        ui.label(r.description).classes("text-sm whitespace-pre-wrap break-words").mark(
                            "case-report-description"
                        )

    def notes_card(self) -> None:
        """The notes, redrawn with the case, and the box for a new one, built once: a note being typed survives a
        claim or a decision (which redraw every other part)."""
        with ui.card().classes("w-full gap-1 p-3").mark("case-notes"):
            self.notes()
            if can(self.actor, Permission.MODERATION_ACT):
                text = ui.textarea("Note", placeholder="Add an internal note").props("dense outlined autogrow")
                text.classes("w-full").mark("note-input")
                limit_length(text, 4000)
                ui.button("Add note", on_click=lambda: self.add_note(text)).props("dense flat no-caps").mark("note-add")

    @ui.refreshable_method
    def notes(self) -> None:
        ui.label(f"Internal notes ({len(self.detail.notes)})").classes("font-semibold")
        for note in self.detail.notes:
            with ui.column().classes("w-full gap-0 border-b pb-1"):
                who = self.detail.staff_name(note.author_id, note.author_label)
                ui.label(f"{who} · {fmt_dt(note.created_at)}").classes("text-xs opacity-70")
                ui.label(note.body).classes("text-sm whitespace-pre-wrap break-words").mark("case-note-body")

    @ui.refreshable_method
    def history(self) -> None:
        may_reverse = can(self.actor, Permission.MODERATION_APPEALS)
        with ui.card().classes("w-full gap-1 p-3").mark("case-history"):
            ui.label(f"Decisions ({len(self.detail.decisions)})").classes("font-semibold")
            for d in self.detail.decisions:
                with ui.column().classes("w-full gap-0 border-b pb-1").mark("case-decision"):
                    with ui.row().classes("items-center gap-2 text-xs"):
                        ui.label(ACTION_LABELS.get(d.action, d.action)).classes("font-semibold").mark(
                            "case-decision-action"
                        )
                        who = self.detail.staff_name(d.actor_id, d.actor_label)
                        ui.label(f"{who} · {fmt_dt(d.created_at)}").classes("opacity-70")
                        if d.reversed_at is not None:
                            ui.badge(f"reversed {fmt_dt(d.reversed_at)}").props("color=grey-7").mark(
                                "case-decision-reversed"
                            )
                    ui.label(d.reason).classes("text-sm whitespace-pre-wrap break-words")
                    if d.rule or d.note:
                        ui.label(" · ".join(x for x in (d.rule, d.note) if x)).classes("text-xs opacity-70")
                    reversible = d.action in appeals.REVERSALS and d.reversed_at is None
                    if may_reverse and reversible and d.actor_id != self.actor.staff_id:
                        ui.button(
                            "Reverse…", on_click=lambda d=d: self.reverse(d.id, ACTION_LABELS.get(d.action, d.action))
                        ).props("dense flat no-caps color=warning").mark(f"decision-reverse-{d.id}")

    # --- handlers: one unit of work each (the service call, then the case as it is now) ----------------------

    def _with_detail(self, op: Callable[[Session], Any]) -> Callable[[Session], tuple[Any, CaseDetail]]:
        def work(session: Session) -> tuple[Any, CaseDetail]:
            result = op(session)
            return result, context.case_detail(session, actor=self.actor, case_id=self.case_id)

        return work

    async def run(self, op: Callable[[Session], Any], **guard: Any) -> tuple[bool, Any]:
        ok, result = await call(self._with_detail(op), **guard)
        if ok and result is not None:
            self.show(result[1])
            return True, result[0]
        if not guard:  # a refusal may mean the case moved on: show it as it is now
            await self.reload()
        return False, None

    async def reload(self) -> None:
        ok, detail = await call(lambda s: context.case_detail(s, actor=self.actor, case_id=self.case_id))
        if ok and detail is not None:
            self.show(detail)

    async def after_conflict(self, _exc: Conflict) -> dict[str, Any]:
        await self.reload()
        return self.snapshot()

    async def decide(self, dialog: ReasonDialog, request: ActionRequest) -> bool:
        """One action with the version the page showed; a conflict stays in the dialog, the reason kept."""
        seen, version = self.snapshot(), self.case.version
        # The dialog opens only on a case the moderator holds; a case released meanwhile (the conflict panel said
        # so and the page shows it open) is claimed and decided in one unit of work on the next confirmation,
        # where "Claim it first" could only be done by closing the dialog and losing the reason.
        claim_first = not self.mine() and self.claimable()

        def act(s: Session) -> str:
            expected = version
            if claim_first:
                expected = queue.claim(s, actor=self.actor, case_id=self.case_id, expected_version=version).version
            return decisions.act(
                s, actor=self.actor, case_id=self.case_id, request=request, expected_version=expected
            ).message

        ok, result = await dialog.attempt(
            unit_of_work(self._with_detail(act)),
            typed=seen,
            on_conflict=self.after_conflict,
        )
        if ok and result is not None:
            message, detail = result
            self.show(detail)
            ui.notify(message, type="positive")
        return ok

    async def claim_key(self) -> None:
        """`c`: claim, or say why this case cannot be claimed here (the button is not shown then)."""
        case = self.case
        if self.claimable():
            await self.claim()
        elif case.status == "escalated":
            ui.notify("This case is escalated: an administrator decides it now.", type="info")
        elif case.status == "claimed":
            who = "you" if self.mine() else (self.detail.assignee or "someone else")
            ui.notify(f"Claimed by {who} until {fmt_dt(case.claim_expires_at)}.", type="info")
        else:
            ui.notify(f"This case is {case.status}: there is nothing to claim.", type="info")

    async def claim(self) -> None:
        version = self.case.version
        ok, _ = await self.run(
            lambda s: queue.claim(s, actor=self.actor, case_id=self.case_id, expected_version=version).id
        )
        if ok:
            ui.notify(f"Case #{self.case_id} is yours until {fmt_dt(self.case.claim_expires_at)}.", type="positive")

    async def release(self) -> None:
        await self.run(lambda s: queue.release(s, actor=self.actor, case_id=self.case_id).id)

    async def reassign(self, staff_id: int | None) -> None:
        if staff_id is None:
            ui.notify("Choose the moderator first.", type="warning")
            return
        version = self.case.version
        await self.run(
            lambda s: (
                queue.reassign(
                    s, actor=self.actor, case_id=self.case_id, staff_id=int(staff_id), expected_version=version
                ).id
            )
        )

    async def add_note(self, field: ui.textarea) -> None:
        body = field.value or ""
        ok, result = await call(
            self._with_detail(lambda s: decisions.add_note(s, actor=self.actor, case_id=self.case_id, body=body).id),
            fields={"body": field},
        )
        if ok and result is not None:
            # only the notes (and who wrote them): the rest stays what the moderator has seen
            self.detail.notes, self.detail.staff = result[1].notes, result[1].staff
            field.value = ""  # added: the box is free for the next one
            self.notes.refresh()

    async def reverse(self, decision_id: int, label: str) -> None:
        dialog = ReasonDialog(
            f"Reverse “{label}”?",
            "Undoes what it did (shows, restores or lifts it) with its own audit event, and overturns its strike.",
            ok_label="Reverse",
            reason_label="Note (required; kept in the audit log)",
            max_length=appeals.NOTE_MAX,
            host=self.host,
            mark="reverse",
            draft=draft_key(self.actor, "reverse", decision_id),
        )

        async def confirmed(note: str) -> bool:
            ok, result = await dialog.attempt(
                unit_of_work(
                    self._with_detail(
                        lambda s: appeals.reverse_decision(s, actor=self.actor, decision_id=decision_id, note=note)
                    )
                )
            )
            if ok and result is not None:
                done, detail = result
                self.show(detail)
                ui.notify("Reversed: " + "; ".join(done), type="positive", multi_line=True)
            return ok

        await dialog.ask(confirmed)

    async def next_case(self) -> None:
        await open_next_case(self.actor)


def case_route(actor: Actor, case_id: str) -> None:
    # A str parameter: a non-numeric address gets the in-frame 404, not FastAPI's JSON 422.
    if not (case_id.isascii() and case_id.isdigit() and 0 < len(case_id) < 19) or int(case_id) == 0:
        raise NotFound(f"There is no case #{case_id[:40]}.")
    number = int(case_id)
    body_later(
        lambda: CaseView.read(actor, number), lambda loaded: CaseView(actor, number, loaded).build(), marker="case-page"
    )
