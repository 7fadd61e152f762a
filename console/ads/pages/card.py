"""The review card beside the queue: the highlighted ad's preview, pre-check results, campaign and advertiser
facts, decision history, and Approve / Reject….

Opening an ad claims it for this reviewer (and lets go of the one open before), in one unit of work with the read
of the card, so two reviewers never decide one ad twice. Decisions carry the version the card showed; a stale one
(or someone else's claim) shows the conflict panel, reloads what is stored now and keeps the typed note and the
ticked reasons.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import run, ui
from sqlalchemy.orm import Session

from console.actor import Actor
from console.ads.pages import card_parts, preview
from console.ads.pages.common import CHECK_LABELS, STATE_LABELS, check_badge, state_badge
from console.ads.pages.reject_dialog import CONFLICT_LABELS, REJECT_KEPT, RejectDialog
from console.ads.service import queue, review
from console.errors import Conflict, ConsoleError, ValidationFailed
from console.staff.permissions import Permission, can
from console.ui.conflict import ConflictPanel
from console.ui.dialog_draft import draft_key
from console.ui.formatting import fmt_dt
from console.ui.forms import report, show_errors
from console.ui.session import require_live_session
from console.ui.work import unit_of_work

DECIDABLE = ("pending_review",)


APPROVE_KEPT = "Your note is kept. Decide again to act on what is stored now."


class ReviewPanel:
    """One ad's review card; `open(ad_id)` loads (and claims) another."""

    def __init__(
        self,
        actor: Actor,
        *,
        host: ui.element,
        on_decided: Callable[[], Awaitable[None]],
        on_stale: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        # on_stale: a decision came too late; the list behind the card reloads too (its row showed the old state)
        self.actor, self.host, self.on_decided, self.on_stale = actor, host, on_decided, on_stale
        self.can_review = can(actor, Permission.ADS_REVIEW)
        self.card: Any = None  # the service's ReviewCard
        self.claim_note: str | None = None  # why this reviewer does not hold the claim
        self.note_text = ""  # what was typed into the approval note, kept across redraws

    @property
    def ad_id(self) -> int | None:
        return None if self.card is None else int(self.card.ad.id)

    def build(self) -> None:
        ui.context.client.on_delete(self.let_go)
        with ui.card().classes("w-full gap-3 p-3").mark("review-card"):
            self.conflict = ConflictPanel(
                CONFLICT_LABELS,
                yours_heading="When you opened it",
                keep_note=APPROVE_KEPT,
                mark="review-conflict",
            )
            self.header()
            self.decision()
            self.body()

    def redraw(self) -> None:
        self.note_text = self.note.value if hasattr(self, "note") and not self.note.is_deleted else self.note_text
        for part in (self.header, self.decision, self.body):
            part.refresh()

    # --- parts -----------------------------------------------------------------------------------------------

    @ui.refreshable_method
    def header(self) -> None:
        if self.card is None:
            ui.label("Highlight an ad (j / k or a click) to review it here.").classes("text-sm opacity-70").mark(
                "review-empty"
            )
            return
        ad = self.card.ad
        with ui.row().classes("items-center gap-2 w-full"):
            ui.label(f"#{ad.id} {ad.name}").classes("text-lg font-semibold break-all").mark("review-title")
            state_badge(ad.state).mark("review-state")
            check_badge(ad.check_state).mark("review-check")
        holder = getattr(self.card, "claimed_by_label", None)
        if ad.state in DECIDABLE and holder:
            ui.label(f"Claimed by {holder} until {fmt_dt(self.card.claim_expires_at)}").classes("text-xs").mark(
                "review-claim"
            )
        if self.claim_note:
            ui.label(self.claim_note).classes("text-xs text-orange-9").mark("review-claim-note")

    @ui.refreshable_method
    def decision(self) -> None:
        card = self.card
        if card is None or not self.can_review or card.ad.state not in DECIDABLE:
            return
        failures = card_parts.hard_failures(card.checks)
        with ui.column().classes("w-full gap-1").mark("review-decision"):
            if failures:
                ui.label("Approve is blocked: " + "; ".join(str(f.get("message")) for f in failures)).classes(
                    "text-sm text-negative"
                ).mark("review-blocked")
            self.note = (
                ui.input("Approval note (optional)", value=self.note_text)
                .props("dense outlined clearable")
                .classes("w-full")
                .mark("review-note")
            )
            self.summary = ui.label("").classes("text-sm text-negative").mark("review-summary")
            self.summary.visible = False
            with ui.row().classes("gap-2 items-center"):
                approve = ui.button("Approve (a)", icon="check", on_click=self.approve).props(
                    "unelevated no-caps color=positive"
                )
                approve.mark("review-approve")
                reject = ui.button("Reject… (r)", icon="block", on_click=self.reject).props(
                    "unelevated no-caps color=negative"
                )
                reject.mark("review-reject")
                if failures or self.claim_note:
                    approve.disable()
                if self.claim_note:  # someone else is deciding it: wait for their claim to end
                    reject.disable()
                    ui.button("Try to claim again", icon="refresh", on_click=self.reload).props(
                        "flat dense no-caps"
                    ).mark("review-claim-retry")

    @ui.refreshable_method
    def body(self) -> None:
        card = self.card
        if card is None:
            return
        preview.render(card.ad)
        card_parts.checks(card.checks, submitted=card.ad.submitted_at is not None)
        card_parts.facts(card.ad, card.campaign, card.advertiser)
        card_parts.history(card.history)

    # --- loading ---------------------------------------------------------------------------------------------

    def seen(self) -> dict[str, Any]:
        """What the card shows of the ad, to set beside what is stored when a decision comes too late."""
        if self.card is None:
            return {}
        ad = self.card.ad
        return {
            "state": STATE_LABELS.get(ad.state, ad.state),
            "claimed_by": getattr(self.card, "claimed_by_label", None) or "nobody",
            "check": CHECK_LABELS.get(ad.check_state or "", "Not checked"),
            "version": ad.version,
        }

    def load(self, session: Session, ad_id: int, previous: int | None) -> tuple[Any, str | None]:
        """The card of `ad_id`, claimed for this reviewer when it waits for a decision (one unit of work)."""
        if previous is not None and previous != ad_id and self.can_review:
            try:
                with session.begin_nested():
                    review.release_ad(session, actor=self.actor, ad_id=previous)
            except ConsoleError:
                pass  # decided, or not ours any more: nothing to let go of
        card = queue.review_card(session, actor=self.actor, ad_id=ad_id)
        if not self.can_review or card.ad.state not in DECIDABLE:
            return card, None
        try:
            with session.begin_nested():
                review.claim_ad(session, actor=self.actor, ad_id=ad_id)
        except Conflict as exc:  # the holder and until when (in the viewer's zone) are on the claim line above
            holder = exc.changed_by or "Someone else"
            return card, f"{holder} holds this ad for review; you can claim it once they let it go or their claim ends."
        except ConsoleError as exc:
            return card, exc.message
        return queue.review_card(session, actor=self.actor, ad_id=ad_id), None

    async def open(self, ad_id: int) -> None:
        if require_live_session() is None:
            return
        previous = self.ad_id
        try:
            found = await run.io_bound(unit_of_work(lambda s: self.load(s, ad_id, previous)))
        except ConsoleError as exc:
            report(exc)
            return
        if found is None:  # shutting down
            return
        if previous != ad_id:
            self.note_text = ""
            self.conflict.hide()
        self.card, self.claim_note = found
        self.redraw()

    async def let_go(self) -> None:
        """The tab is gone for good (closed, not a reload): the ad it held goes back to the queue for the other
        reviewers instead of staying claimed until the claim runs out."""
        ad_id = self.ad_id
        if ad_id is None or not self.can_review or self.claim_note is not None:
            return

        def work(session: Session) -> None:
            with contextlib.suppress(ConsoleError):  # decided, or not ours any more
                review.release_ad(session, actor=self.actor, ad_id=ad_id)

        await run.io_bound(unit_of_work(work))

    async def reload(self) -> None:
        if self.ad_id is not None:
            await self.open(self.ad_id)

    async def stored_now(self, _exc: Conflict) -> dict[str, Any]:
        """After a conflict: the card as it is now (the typed note stays), for the conflict panel."""
        if self.ad_id is not None:
            await self.open(self.ad_id)
        if self.on_stale is not None:
            await self.on_stale()
        return self.seen()

    def again_note(self, kept: str) -> str:
        """What the conflict panel advises: decide again while the ad still waits for a decision, else nothing
        (it said "Reject again" for an ad someone had approved, which only got a refusal)."""
        card = self.card
        if card is not None and card.ad.state in DECIDABLE:
            return kept
        state = STATE_LABELS.get(card.ad.state, card.ad.state).lower() if card is not None else "gone"
        return f"Nothing is left to decide here: the ad is {state} now."

    # --- decisions -------------------------------------------------------------------------------------------

    async def approve(self) -> None:
        card = self.card
        if card is None or not self.can_review or card.ad.state not in DECIDABLE or require_live_session() is None:
            return
        if card_parts.hard_failures(card.checks) or self.claim_note:
            ui.notify(self.claim_note or "Approve is blocked by a failing hard check (see the card).", type="warning")
            return
        ad_id, version, note = int(card.ad.id), int(card.ad.version), (self.note.value or "").strip() or None
        seen = self.seen()
        self.conflict.hide()
        self.summary.visible = False
        try:
            await run.io_bound(
                unit_of_work(lambda s: review.approve_ad(s, actor=self.actor, ad_id=ad_id, version=version, note=note))
            )
        except Conflict as exc:
            current = await self.stored_now(exc)
            self.conflict.keep_note = self.again_note(APPROVE_KEPT)
            self.conflict.show(exc, seen, current=current)
            return
        except ValidationFailed as exc:
            show_errors(exc, {"note": self.note}, self.summary)
            return
        except ConsoleError as exc:
            self.summary.text = exc.message
            self.summary.visible = True
            return
        ui.notify(f"Approved #{ad_id}.", type="positive")
        self.note_text = ""
        await self.reload()
        await self.on_decided()

    async def reject(self) -> None:
        card = self.card
        if card is None or not self.can_review or card.ad.state not in DECIDABLE or require_live_session() is None:
            return
        if self.claim_note:
            ui.notify(self.claim_note, type="warning")
            return
        ad_id = int(card.ad.id)
        dialog = RejectDialog(
            f"Reject #{ad_id} {card.ad.name}?", host=self.host, draft=draft_key(self.actor, "ad-reject", ad_id)
        )

        async def stored_now(exc: Conflict) -> dict[str, Any]:
            current = await self.stored_now(exc)
            dialog.conflict.keep_note = self.again_note(REJECT_KEPT)
            return current

        async def confirmed(reasons: list[str], note: str | None) -> bool:
            current = self.card
            assert current is not None
            version, seen = int(current.ad.version), self.seen()
            ok, _ = await dialog.attempt(
                unit_of_work(
                    lambda s: review.reject_ad(
                        s, actor=self.actor, ad_id=ad_id, version=version, reasons=reasons, note=note
                    )
                ),
                typed=seen,
                on_conflict=stored_now,
            )
            return ok

        if await dialog.ask(confirmed, done=f"Rejected #{ad_id}."):
            await self.reload()
            await self.on_decided()
