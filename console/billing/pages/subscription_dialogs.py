"""A subscription's actions on the member 360 page, each a small dialog with a required reason: cancel now (the
unused part of the period and its refund computed and shown before confirming), cancel at the period's end,
resume, extend by N days, change plan. Each runs one service call, which commits itself (Stripe is called in
between) through `run.io_bound`; the subscription version is the one the page shows, and a stale one keeps the
dialog open with the reason typed and the conflict panel saying who changed what."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import ui

from console.actor import Actor
from console.billing.pages.common import money
from console.billing.service import subscriptions
from console.errors import Conflict
from console.ui.dialog_draft import draft_key
from console.ui.formatting import fmt_dt
from console.ui.forms import confirm, first_choice, number_input, typed_number
from console.ui.reason_dialog import ReasonDialog
from console.ui.session import require_live_session
from console.ui.work import call, call_own

SNAPSHOT_LABELS = {
    "status_label": "Status",
    "plan": "Plan",
    "period_end": "Period ends",
    "renewal": "Renewal",
}
MAX_EXTEND_DAYS = 366
# Each action's dialog: its title and message (with the subscription's fields, e.g. {plan}), OK label and mark.
DIALOGS = {
    "cancel_now": ("Cancel {plan} now?", "The member loses access at once.", "Cancel now", "sub-cancel"),
    "cancel_at_period_end": (
        "Cancel {plan} at the end of the period?",
        "The member keeps access until {period_end}; it does not renew.",
        "Cancel at period end",
        "sub-cancel-end",
    ),
    "extend": ("Extend {plan}?", "Adds free days after {period_end} (goodwill or a comp).", "Extend", "sub-extend"),
    "change_plan": (
        "Change {plan} to another plan?",
        "The new price applies from the next period.",
        "Change",
        "sub-plan",
    ),
}


class SubscriptionActions:
    """`current(subscription_id)` gives the subscription's row as the page shows it now; `reload()` re-reads the
    member's billing and redraws it (after an action, and after a conflict)."""

    def __init__(
        self,
        actor: Actor,
        *,
        host: ui.element,
        current: Callable[[int], dict[str, Any] | None],
        reload: Callable[[], Awaitable[None]],
    ) -> None:
        self.actor, self.host, self.current, self.reload = actor, host, current, reload

    def _dialog(self, action: str, sub: dict[str, Any], *, danger: bool = False) -> ReasonDialog:
        """The dialog of `action` (`DIALOGS`) for the subscription `sub`."""
        title, message, ok_label, mark = DIALOGS[action]
        return ReasonDialog(
            title.format(**sub),
            message.format(**sub),
            ok_label=ok_label,
            danger=danger,
            conflict_labels=SNAPSHOT_LABELS,
            host=self.host,
            mark=mark,
            draft=draft_key(self.actor, action, sub["id"]),
        )

    async def _run(self, dialog: ReasonDialog, sub: dict[str, Any], work: Callable[[int, str], Any], done: str) -> None:
        """Ask; each confirmation calls `work(version, reason)` with the version the page shows now."""
        sub_id = int(sub["id"])

        async def confirmed(reason: str) -> bool:
            version = int((self.current(sub_id) or sub)["version"])
            ok, _ = await dialog.attempt(lambda: work(version, reason), typed=sub, on_conflict=self._conflict(sub_id))
            return ok

        if await dialog.ask(confirmed, done=done):
            await self.reload()

    def _conflict(self, sub_id: int) -> Callable[[Conflict], Awaitable[dict[str, Any] | None]]:
        async def reloaded(_exc: Conflict) -> dict[str, Any] | None:
            await self.reload()
            return self.current(sub_id)

        return reloaded

    # --- the actions -----------------------------------------------------------------------------------------

    async def cancel_now(self, sub: dict[str, Any]) -> None:
        if require_live_session() is None:
            return
        ok, preview = await call(
            lambda s: subscriptions.cancel_preview(s, actor=self.actor, subscription_id=int(sub["id"]))
        )
        if not ok or preview is None:
            return
        if preview.blocked:
            ui.notify(preview.blocked, type="warning", multi_line=True)
            return
        dialog = self._dialog("cancel_now", sub, danger=True)
        with dialog.extra:
            refund_unused = self._unused_part(dialog, preview)

        def work(version: int, reason: str) -> Any:
            return subscriptions.cancel_subscription(
                actor=self.actor,
                subscription_id=int(sub["id"]),
                version=version,
                at_period_end=False,
                reason=reason,
                refund_unused=bool(refund_unused and refund_unused.value),
            )

        await self._run(dialog, sub, work, f"{sub['plan']} canceled.")

    def _unused_part(self, dialog: ReasonDialog, preview: Any) -> ui.checkbox | None:
        """The unused part of the period and whether to refund it (computed by the service before confirming)."""
        unused = money(preview.unused_cents, preview.currency)
        ui.label(f"Unused part of the period (until {fmt_dt(preview.period_end)}): {unused}").classes(
            "text-sm font-semibold"
        ).mark("sub-unused")
        if preview.refundable_payment_id is None or not preview.unused_cents:
            why = preview.refund_blocked or "Nothing to refund."
            ui.label(why).classes("text-sm opacity-80").mark("sub-unused-none")
            return None
        return dialog.field(
            "refund_unused",
            ui.checkbox(f"Refund {unused} to payment #{preview.refundable_payment_id}", value=True).mark(
                "sub-refund-unused"
            ),
        )

    async def cancel_at_period_end(self, sub: dict[str, Any]) -> None:
        if require_live_session() is None:
            return
        dialog = self._dialog("cancel_at_period_end", sub)

        def work(version: int, reason: str) -> Any:
            return subscriptions.cancel_subscription(
                actor=self.actor, subscription_id=int(sub["id"]), version=version, at_period_end=True, reason=reason
            )

        await self._run(dialog, sub, work, f"{sub['plan']} ends on {sub['period_end']}.")

    async def resume(self, sub: dict[str, Any]) -> None:
        if require_live_session() is None:
            return
        if not await confirm(f"Resume {sub['plan']}?", f"It renews again on {sub['period_end']}.", ok_label="Resume"):
            return
        version = int((self.current(int(sub["id"])) or sub)["version"])
        ok, _ = await call_own(
            lambda: subscriptions.resume_subscription(actor=self.actor, subscription_id=int(sub["id"]), version=version)
        )
        if ok:
            ui.notify(f"{sub['plan']} renews again.", type="positive")
        await self.reload()

    async def extend(self, sub: dict[str, Any]) -> None:
        if require_live_session() is None:
            return
        dialog = self._dialog("extend", sub)
        with dialog.extra:
            days = dialog.field(
                "days",
                number_input("Days", value=7).mark("sub-days"),
            )
        dialog.focus(days)  # shown first, so typed first (QA: the focus was on the reason below it)

        def work(version: int, reason: str) -> Any:
            return subscriptions.extend_subscription(
                actor=self.actor,
                subscription_id=int(sub["id"]),
                version=version,
                days=typed_number(days),  # 1.5 is refused as not whole (int() made it 1), empty as required
                reason=reason,
            )

        await self._run(dialog, sub, work, f"{sub['plan']} extended.")

    async def change_plan(self, sub: dict[str, Any]) -> None:
        if require_live_session() is None:
            return
        sub_id = int(sub["id"])
        ok, plans = await call(lambda s: subscriptions.plans_to_change_to(s, actor=self.actor, subscription_id=sub_id))
        if not ok or plans is None:
            return
        if not plans:
            ui.notify(f"No other plan is offered that {sub['plan']} can move to.", type="warning")
            return
        choices = {p.id: f"{p.name} · {money(p.price_cents, p.currency)} / {p.interval}" for p in plans}
        dialog = self._dialog("change_plan", sub)
        with dialog.extra:
            plan = dialog.field("plan_id", first_choice(choices, "New plan", mark="sub-plan-choice"))
        dialog.focus(plan)

        def work(version: int, reason: str) -> Any:
            return subscriptions.change_plan(
                actor=self.actor, subscription_id=int(sub["id"]), version=version, plan_id=plan.value, reason=reason
            )

        await self._run(dialog, sub, work, "Plan changed.")
