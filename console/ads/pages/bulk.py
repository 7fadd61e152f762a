"""Bulk decisions from the queue: Approve selected (after a confirmation) and Reject selected… (the reject dialog),
each one `bulk_decide` call in its own unit of work, then a dialog with the result of every ad: decided, or
refused and why (a failing hard check, someone else's claim, already decided)."""

from __future__ import annotations

from typing import Any

from nicegui import ui

from console.actor import Actor
from console.ads.pages.reject_dialog import RejectDialog
from console.ads.service import review
from console.ui.bulk_bar import OutcomeTable
from console.ui.dialog_draft import draft_key, selection
from console.ui.forms import confirm
from console.ui.session import require_live_session
from console.ui.work import call, unit_of_work

OUTCOMES = OutcomeTable(("ad_id", "Ad"), ("name", "Name"), ("done", "done"), mark="ads-bulk-result", message_label="")


def plural(n: int) -> str:
    return f"{n:,} ad{'' if n == 1 else 's'}"


async def approve(actor: Actor, chosen: dict[int, str], *, host: ui.element) -> bool:
    """Approve the chosen ads ({id: name}); True when the service ran (whatever each ad's outcome)."""
    ids = list(chosen)
    asked = f"Approve {plural(len(ids))}?"
    if not await confirm(
        asked, "Ads with a failing hard check or claimed by someone else are refused and listed.", ok_label="Approve"
    ):
        return False
    ok, results = await call(lambda s: review.bulk_decide(s, actor=actor, ad_ids=ids, decision="approve"))
    if not ok:
        return False
    show_results("Approve", list(results or []), chosen, host=host)
    return True


async def reject(actor: Actor, chosen: dict[int, str], *, host: ui.element) -> bool:
    ids = list(chosen)
    if require_live_session() is None:
        return False
    dialog = RejectDialog(
        f"Reject {plural(len(ids))}?",
        "Each ad gets the same reasons and note. Ads claimed by someone else are refused and listed.",
        host=host,
        mark="bulk-reject",
        draft=draft_key(actor, "ads-reject", selection(ids)),
    )
    results: list[Any] = []

    async def confirmed(reasons: list[str], note: str | None) -> bool:
        ok, found = await dialog.attempt(
            unit_of_work(
                lambda s: review.bulk_decide(s, actor=actor, ad_ids=ids, decision="reject", reasons=reasons, note=note)
            )
        )
        results.extend(found or [])
        return ok

    if not await dialog.ask(confirmed):
        return False
    show_results("Reject", results, chosen, host=host)
    return True


def show_results(verb: str, results: list[Any], names: dict[int, str], *, host: ui.element) -> None:
    OUTCOMES.show(verb, results, names, host=host)
