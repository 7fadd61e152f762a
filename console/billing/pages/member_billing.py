"""The billing part of the member 360 page (/members/{id}): subscriptions with their actions, the latest payments each
with "Refund…" (or "Not refundable…", which says why), the refunds of those payments, and the credit ledger with
its balance and "Grant credits…". It is read in one unit of work (queries.member_billing) and redrawn after each
action."""

from __future__ import annotations

from functools import partial
from typing import Any

from nicegui import ui

from console.actor import Actor
from console.billing.models import LIVE_SUBSCRIPTION_STATES
from console.billing.pages.common import (
    PAYMENT_KIND_LABELS,
    PAYMENT_STATUS_LABELS,
    PROVIDER_LABELS,
    REFUND_STATUS_LABELS,
    SUBSCRIPTION_STATUS_LABELS,
    money,
    sandbox_label,
    status_badge,
)
from console.billing.pages.refund_dialog import RefundDialog
from console.billing.pages.subscription_dialogs import SubscriptionActions
from console.billing.service import credits, queries
from console.billing.service.queries import MemberBilling
from console.billing.service.refund_rules import not_refundable_now
from console.billing.service.refunds import REFUND_REASON_LABELS
from console.staff.permissions import Permission, can
from console.ui.dialog_draft import draft_key
from console.ui.dialogs import within
from console.ui.formatting import fmt_dt
from console.ui.forms import number_input, typed_number
from console.ui.reason_dialog import ReasonDialog
from console.ui.session import require_live_session
from console.ui.work import call, unit_of_work

LEDGER_LABELS = {"purchase": "Bought", "usage": "Used", "refund": "Refunded", "bonus": "Granted"}
GRANT_MAX = 100_000


def sub_row(s: Any) -> dict[str, Any]:
    """A subscription as plain values (the part shows these; the conflict panel compares them)."""
    if s.status == "canceled":
        renewal = f"canceled {fmt_dt(s.canceled_at)}"
    elif s.cancel_at_period_end:
        renewal = "ends with the period"
    elif s.status in LIVE_SUBSCRIPTION_STATES:
        renewal = "renews"
    else:
        renewal = "—"
    return {
        "id": s.id,
        "version": s.version,
        "plan_id": s.plan_id,
        "plan": s.plan_name,
        "price": f"{money(s.price_cents, s.currency)} / {s.interval}",
        "currency": s.currency,
        "status": s.status,
        "status_label": SUBSCRIPTION_STATUS_LABELS.get(s.status, s.status),
        "provider": s.provider,
        "cancel_at_period_end": s.cancel_at_period_end,
        "period_end": fmt_dt(s.current_period_end),
        "renewal": renewal,
        "cancel_reason": s.cancel_reason or "",
    }


class MemberBillingPanel:
    def __init__(self, actor: Actor, member_id: int, data: MemberBilling, *, host: ui.element) -> None:
        self.actor, self.member_id, self.host = actor, member_id, host
        self.data = data
        self.subs = [sub_row(s) for s in data.subscriptions]
        self.may_manage = can(actor, Permission.BILLING_MANAGE)
        self.may_refund = can(actor, Permission.BILLING_REFUND)
        self.actions = SubscriptionActions(actor, host=host, current=self.current_sub, reload=self.reload)

    def build(self) -> None:
        sandbox_label()
        self.subscriptions()
        self.payments()
        self.refunds()
        self.ledger()

    def show(self, data: MemberBilling) -> None:
        self.data = data
        self.subs = [sub_row(s) for s in data.subscriptions]
        for part in (self.subscriptions, self.payments, self.refunds, self.ledger):
            part.refresh()

    async def reload(self) -> None:
        ok, data = await call(lambda s: queries.member_billing(s, actor=self.actor, member_id=self.member_id))
        if ok and data is not None:
            self.show(data)

    def current_sub(self, sub_id: int) -> dict[str, Any] | None:
        return next((s for s in self.subs if s["id"] == sub_id), None)

    # --- parts -----------------------------------------------------------------------------------------------

    @ui.refreshable_method
    def subscriptions(self) -> None:
        with ui.card().classes("w-full gap-2 p-3").mark("member-subscriptions"):
            ui.label(f"Subscriptions ({len(self.subs)})").classes("font-semibold")
            if not self.subs:
                ui.label("No subscription.").classes("text-sm opacity-70")
            for sub in self.subs:
                with ui.column().classes("w-full gap-1 border-b pb-2").mark(f"sub-{sub['id']}"):
                    with ui.row().classes("items-center gap-2"):
                        ui.label(sub["plan"]).classes("font-semibold").mark("sub-plan")
                        status_badge(sub["status"], SUBSCRIPTION_STATUS_LABELS).mark("sub-status")
                        ui.label(sub["price"]).classes("text-sm")
                        ui.badge(PROVIDER_LABELS.get(sub["provider"], sub["provider"])).props("outline")
                    ui.label(f"Period ends {sub['period_end']} · {sub['renewal']}").classes("text-sm").mark(
                        "sub-renewal"
                    )
                    if sub["cancel_reason"]:
                        ui.label(f"Cancel reason: {sub['cancel_reason']}").classes("text-xs opacity-70")
                    self.sub_actions(sub)

    def sub_actions(self, sub: dict[str, Any]) -> None:
        if not self.may_manage or sub["status"] not in LIVE_SUBSCRIPTION_STATES:
            return
        if sub["provider"] == "apple":
            ui.label("Billed by Apple: the member changes or cancels it in their Apple account settings.").classes(
                "text-xs opacity-70"
            ).mark("sub-apple")
            return
        sid, actions = sub["id"], self.actions
        with ui.row().classes("gap-1"):
            self._button("Cancel now…", f"sub-cancel-now-{sid}", lambda: actions.cancel_now(sub), danger=True)
            if sub["cancel_at_period_end"]:
                self._button("Resume", f"sub-resume-{sid}", lambda: actions.resume(sub))
            else:
                self._button(
                    "Cancel at period end…", f"sub-cancel-end-{sid}", lambda: actions.cancel_at_period_end(sub)
                )
            self._button("Extend…", f"sub-extend-{sid}", lambda: actions.extend(sub))
            self._button("Change plan…", f"sub-change-plan-{sid}", lambda: actions.change_plan(sub))

    def _button(self, label: str, mark: str, handler: Any, *, danger: bool = False) -> None:
        """A subscription's action: it redraws the list it is in, so its handler runs in the page's host."""
        colour = " color=negative" if danger else ""
        ui.button(label, on_click=within(self.host, handler)).props(f"dense outline no-caps{colour}").mark(mark)

    @ui.refreshable_method
    def payments(self) -> None:
        data = self.data
        with ui.card().classes("w-full gap-1 p-3").mark("member-payments"):
            more = " (the latest)" if data.more_payments else ""
            ui.label(f"Payments ({len(data.payments)}{more})").classes("font-semibold")
            if not data.payments:
                ui.label("No payment.").classes("text-sm opacity-70")
            for p in data.payments:
                with ui.row().classes("w-full items-center gap-3 text-sm border-b pb-1").mark(f"payment-{p.id}"):
                    ui.label(f"#{p.id}").classes("w-16 opacity-70")
                    ui.label(fmt_dt(p.created_at)).classes("w-40")
                    ui.label(PAYMENT_KIND_LABELS.get(p.kind, p.kind)).classes("w-24")
                    ui.label(money(p.amount_cents, p.currency)).classes("w-24 text-right font-semibold")
                    status_badge(p.status, PAYMENT_STATUS_LABELS)
                    if p.refunded_cents:
                        ui.label(f"refunded {money(p.refunded_cents, p.currency)}").classes("text-xs opacity-70")
                    if p.being_refunded_cents:
                        ui.label(f"being refunded {money(p.being_refunded_cents, p.currency)}").classes(
                            "text-xs text-orange-9"
                        ).mark(f"payment-being-refunded-{p.id}")
                    ui.label(PROVIDER_LABELS.get(p.provider, p.provider)).classes("text-xs opacity-70")
                    ui.space()
                    if self.may_refund:
                        # a failed or Apple payment, or all of it on its way: the dialog says why, no "Refund…"
                        blocked = not_refundable_now(p) is not None
                        label, mark = ("Not refundable…", "not-refundable") if blocked else ("Refund…", "refund")
                        ui.button(label, on_click=within(self.host, partial(self.refund, p.id))).props(
                            "dense flat no-caps" + (" color=grey-7" if blocked else "")
                        ).mark(f"payment-{mark}-{p.id}")

    @ui.refreshable_method
    def refunds(self) -> None:
        data = self.data
        with ui.card().classes("w-full gap-1 p-3").mark("member-refunds"):
            ui.label(f"Refunds ({len(data.refunds)})").classes("font-semibold")
            if not data.refunds:
                ui.label("No refund.").classes("text-sm opacity-70")
            for r in data.refunds:
                with ui.row().classes("w-full items-center gap-3 text-sm border-b pb-1").mark("member-refund"):
                    ui.label(f"#{r.id}").classes("w-16 opacity-70")
                    ui.label(fmt_dt(r.created_at)).classes("w-40")
                    ui.label(money(r.amount_cents, r.currency)).classes("w-24 text-right font-semibold").mark(
                        "member-refund-amount"
                    )
                    status_badge(r.status, REFUND_STATUS_LABELS).mark("member-refund-status")
                    ui.label(f"payment #{r.payment_id} · {REFUND_REASON_LABELS.get(r.reason, r.reason)}")
                    ui.label(f"by {r.requested_by_label}").classes("text-xs opacity-70")
                    if r.status == "rejected" and r.decision_note:
                        ui.label(f"rejected: {r.decision_note}").classes("text-xs text-orange-9").mark(
                            "member-refund-why"
                        )
                    if r.error:
                        ui.label(r.error).classes("text-xs text-negative")

    @ui.refreshable_method
    def ledger(self) -> None:
        data = self.data
        with ui.card().classes("w-full gap-1 p-3").mark("member-ledger"):
            with ui.row().classes("items-center gap-3 w-full"):
                ui.label("Credits").classes("font-semibold")
                ui.label(f"Balance: {data.credit_balance:,}").classes("text-sm").mark("member-credit-balance")
                ui.space()
                if self.may_manage:
                    ui.button("Grant credits…", icon="add", on_click=within(self.host, self.grant)).props(
                        "dense outline no-caps"
                    ).mark("member-grant-credits")
            for e in data.ledger:
                with ui.row().classes("w-full items-center gap-3 text-sm border-b pb-1").mark("ledger-entry"):
                    ui.label(fmt_dt(e.created_at)).classes("w-40")
                    ui.label(LEDGER_LABELS.get(e.kind, e.kind)).classes("w-20")
                    ui.label(f"{e.amount:+,}").classes("w-20 text-right font-semibold").mark("ledger-amount")
                    ui.label(f"= {e.balance_after:,}").classes("w-20 text-right opacity-70")
                    ui.label(e.reason or "").classes("text-xs opacity-80")
                    if e.created_by_label:
                        ui.label(f"by {e.created_by_label}").classes("text-xs opacity-70")

    # --- handlers --------------------------------------------------------------------------------------------

    async def refund(self, payment_id: int) -> None:
        await RefundDialog(self.actor, payment_id, host=self.host, on_done=self.reload).open()

    async def grant(self) -> None:
        if require_live_session() is None:
            return
        dialog = ReasonDialog(
            "Grant credits?",
            "Bonus credits are added to the member's balance at once (they are not money).",
            ok_label="Grant",
            host=self.host,
            mark="grant",
            draft=draft_key(self.actor, "grant", self.member_id),
        )
        with dialog.extra:
            amount = dialog.field(
                "amount",
                number_input("Credits", value=10).mark("grant-amount"),
            )

        async def confirmed(reason: str) -> bool:
            credits_wanted = typed_number(amount)
            ok, _ = await dialog.attempt(
                unit_of_work(
                    lambda s: credits.grant_credits(
                        s, actor=self.actor, member_id=self.member_id, amount=credits_wanted, reason=reason
                    )
                )
            )
            return ok

        if await dialog.ask(confirmed, done="Credits granted."):
            await self.reload()
