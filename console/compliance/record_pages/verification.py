"""The verification card (two people per record): what is missing and Submit; the checklist, Verify and Reject…
for a second person; who verified and Revoke… (which holds the public videos relying on the record)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nicegui import ui

from console.compliance import records, worklist
from console.compliance.record_pages.data import reason_dialog, run_service
from console.compliance.record_pages.part import RecordPart
from console.ui.cards import titled_card
from console.ui.dialog_draft import draft_key
from console.ui.formatting import fmt_dt, plural

if TYPE_CHECKING:
    from console.compliance.record_pages.view import RecordView

OPEN_STATES = ("incomplete", "rejected", "revoked")


class VerificationCard(RecordPart):
    def __init__(self, page: RecordView) -> None:
        super().__init__(page)
        self.checks: dict[str, ui.checkbox] = {}

    def build(self) -> None:
        with titled_card("Verification (two people per record)"):
            self.body()

    @ui.refreshable_method
    def body(self) -> None:
        status = self.page.record["status"]
        if status in OPEN_STATES:
            self.to_submit()
        elif status == "pending_verification":
            self.to_verify()
        elif status == "verified":
            self.verified()

    def to_submit(self) -> None:
        problems = self.page.data["problems"]
        if problems:
            ui.label("Before it can go to verification:").classes("text-sm")
            for problem in problems:
                ui.label(f"• {problem}").classes("text-sm text-warning").mark("record-problem")
        else:
            ui.label("Complete: a second person can verify it once you submit it.").classes("text-sm")
        if self.page.can_edit:
            ui.button("Submit for verification", icon="send", on_click=self.submit).props(
                "unelevated dense color=primary no-caps"
            ).mark("record-submit")

    def to_verify(self) -> None:
        rec = self.page.record
        if self.page.actor.staff_id in (rec["entered_by_id"], rec["amended_by_id"]):
            ui.label("You entered or last amended this record: a second person must verify it.").classes(
                "text-sm text-warning"
            ).mark("verify-own-record")
        if not self.page.can_verify:
            ui.label("Waiting for a verifier.").classes("text-sm opacity-70")
            return
        ui.label("Confirm each item against the original ID:").classes("text-sm")
        self.checks.clear()
        for key, label in records.CHECKLIST_LABELS.items():
            self.checks[key] = ui.checkbox(label).props("dense").mark(f"check-{key}")
        with ui.row().classes("gap-2"):
            ui.button("Verify", icon="verified", on_click=self.verify).props(
                "unelevated dense color=positive no-caps"
            ).mark("record-verify")
            ui.button("Reject…", icon="block", on_click=self.reject).props("outline dense color=negative no-caps").mark(
                "record-reject"
            )

    def verified(self) -> None:
        rec = self.page.record
        who = self.page.staff_name(rec["verified_by_id"], rec["verified_by_label"])
        ui.label(f"Verified by {who} on {fmt_dt(rec['verified_at'])}; every checklist item was confirmed.").classes(
            "text-sm"
        ).mark("record-verified-by")
        if self.page.can_verify:
            ui.button("Revoke…", icon="gpp_bad", on_click=self.revoke).props(
                "outline dense color=negative no-caps"
            ).mark("record-revoke")

    # --- handlers: one service call each, then the view refreshes ----------------------------------------------

    async def submit(self) -> None:
        record_id, version = self.page.record_id, self.page.record["version"]
        await self.page.change(
            lambda s, a: records.submit_for_verification(s, actor=a, record_id=record_id, expected_version=version),
            "Submitted: a second person can verify it now.",
        )

    async def verify(self) -> None:
        record_id, version = self.page.record_id, self.page.record["version"]
        ticked = {key: bool(box.value) for key, box in self.checks.items()}
        await self.page.change(
            lambda s, a: records.verify_record(
                s, actor=a, record_id=record_id, checklist=ticked, expected_version=version
            ),
            "Verified. Videos relying on this record can pass the publishing checks.",
        )

    async def reject(self) -> None:
        record_id, version = self.page.record_id, self.page.record["version"]

        async def act(reason: str, field: ui.textarea) -> bool:
            ok, _ = await self.page.change(
                lambda s, a: records.reject_record(
                    s, actor=a, record_id=record_id, reason=reason, expected_version=version
                ),
                "Rejected: the reason is on the record.",
                fields={"reason": field},
            )
            return ok

        await reason_dialog(
            self.page.dialog_host,
            "Reject this record?",
            "It goes back to the person who entered it, with your reason.",
            ok_label="Reject",
            action=act,
            draft=draft_key(self.page.actor, "record-reject", record_id),
        )

    async def revoke(self) -> None:
        record_id, version = self.page.record_id, self.page.record["version"]
        ok, deps = await run_service(lambda s, a: worklist.public_dependants(s, actor=a, record_id=record_id))
        if not ok:
            return
        n = len(deps)
        listed = "".join(f"\n• {title}" for _, title in deps[:10]) + ("\n…" if n > 10 else "")

        async def act(reason: str, field: ui.textarea) -> bool:
            done, result = await self.page.change(
                lambda s, a: records.revoke_record(
                    s, actor=a, record_id=record_id, reason=reason, expected_version=version
                ),
                None,
                fields={"reason": field},
            )
            if done:
                ui.notify(
                    f"Record revoked. {plural(len(result[1]), 'public video')} put on hold.",
                    type="warning",
                    multi_line=True,
                )
            return done

        await reason_dialog(
            self.page.dialog_host,
            "Revoke this verified record?",
            f"{plural(n, 'public video')} relying on it will be put on hold (unpublished) now." + listed,
            ok_label="Revoke and hold" if n else "Revoke",
            action=act,
            draft=draft_key(self.page.actor, "record-revoke", record_id),
        )
