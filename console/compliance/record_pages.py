"""/compliance/records/{performer_id}: one performer's 2257 legal record.

Legal name and date of birth (inline errors, stale saves shown and input kept, a warning before a verified
record's legal facts change), other names, examined IDs with encrypted scans (uploads checked by content)
and an in-page viewer fed by single-use addresses (scan_route), submission, second-person verification with
the checklist, rejection, revocation (holds shown), and the amendment history.

Every read of the record goes through `records.view_record`, which audits it; every change goes through
the records service in its own unit of work. Nothing here builds a query, and all user text is rendered
as text.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Any

from nicegui import run, ui
from nicegui.events import UploadEventArguments
from sqlalchemy.orm import Session

from console.actor import Actor
from console.audit.service import iter_diff
from console.catalog.page_parts import confirm_in, show_conflict
from console.compliance import records, scan_route, worklist
from console.compliance.document_dialog import DocumentEditDialog
from console.compliance.models import ID_TYPES, NAME_KINDS
from console.config import get_settings
from console.db import session_scope
from console.errors import Conflict, ConsoleError, NotFound, ValidationFailed
from console.members.countries import COUNTRIES
from console.staff.auth import SessionInfo
from console.staff.permissions import Permission, can
from console.ui.drafts import Draft, DraftKeeper, ServerDrafts
from console.ui.form_state import NOTHING_TO_SAVE, FormState, clear_sent
from console.ui.formatting import fmt_date, fmt_dt
from console.ui.forms import clear_errors, guarded, limit_length, limit_lengths, report
from console.ui.history import diff_table
from console.ui.keymap import save_key
from console.ui.page import staff_page
from console.ui.session import require_live_session

STATUS_COLOURS = {
    "incomplete": "grey-7",
    "pending_verification": "orange-8",
    "verified": "positive",
    "rejected": "negative",
    "revoked": "deep-orange-9",
}
FORM_FIELDS = ("legal_first_name", "legal_middle_name", "legal_last_name", "date_of_birth", "notes")
FIELD_LABELS = {
    "legal_first_name": "Legal first name",
    "legal_middle_name": "Legal middle name",
    "legal_last_name": "Legal last name",
    "date_of_birth": "Date of birth",
    "notes": "Notes",
}
HISTORY_LABELS = FIELD_LABELS | {
    "status": "Status",
    "status_reason": "Status reason",
    "verified_by_label": "Verified by",
    "verified_at": "Verified at",
    "verified_by_id": "Verifier (staff #)",
    "checklist": "Checklist",
    "retention_until": "Kept until",
    "name": "Name",
    "kind": "Kind",
    "used_from": "Used from",
    "used_to": "Used to",
    "doc_type": "ID type",
    "number": "ID number",
    "issuing_country": "Issuing country",
    "issuing_state": "Issuing state",
    "issue_date": "Issue date",
    "expiry_date": "Expiry date",
    "examined_on": "Examined on",
    "examined_by_label": "Examined by",
    "sha256": "SHA-256",
    "content_type": "File type",
    "size_bytes": "Size (bytes)",
}
ACTION_LABELS = {
    "legal_record.create": "Record created",
    "legal_record.amend": "Record amended",
    "legal_record.submit": "Submitted for verification",
    "legal_record.verify": "Verified",
    "legal_record.reject": "Rejected",
    "legal_record.revoke": "Revoked",
    "legal_record.name_add": "Name added",
    "legal_record.name_remove": "Name removed",
    "legal_record.id_add": "ID added",
    "legal_record.scan_add": "Scan added",
    "legal_record.view": "Record viewed",
    "legal_record.scan_view": "Scan viewed",
    "legal_record.scan_download": "Scan downloaded",
    "legal_record.delete": "Record deleted",
}
READS = frozenset(records.READ_ACTIONS)
HISTORY_COLUMNS: list[dict[str, Any]] = [
    {"name": "when", "label": "When (UTC)", "field": "when", "align": "left"},
    {"name": "who", "label": "Who", "field": "who", "align": "left"},
    {"name": "what", "label": "What", "field": "what", "align": "left"},
    {"name": "changes", "label": "Changes", "field": "changes", "align": "left"},
    {"name": "reason", "label": "Reason", "field": "reason", "align": "left"},
]
SCAN_KINDS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/webp": "WebP", "application/pdf": "PDF"}
COUNTRY_OPTIONS = {code: f"{code} · {name}" for code, name in sorted(COUNTRIES.items())}


# --- pure helpers ------------------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date | datetime):
        return value.isoformat()[:10]
    return str(value).strip()


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def size_text(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(1, round(n / 1024))} KB"


def legal_name_of(view: dict[str, Any]) -> str:
    """`Last, First Middle` from a record view (the order the index is kept in)."""
    given = " ".join(p for p in (view["legal_first_name"], view["legal_middle_name"]) if p)
    return f"{view['legal_last_name']}, {given}"


def facts_differ(stored: dict[str, Any], typed: dict[str, Any]) -> bool:
    return any(_text(stored.get(k)) != _text(typed.get(k)) for k in records.LEGAL_FACTS)


INTERNAL_KEYS = {"id", "name_id", "scan_id", "document_id", "performer_id", "examined_by_id", "verified_by_id"}


def change_summary(action: str, before: Any, after: Any, diff: list[tuple[str, Any, Any]]) -> str:
    """What an event changed, in a few words (the row's dialog shows every value before and after)."""
    values = after if isinstance(after, dict) else (before if isinstance(before, dict) else {})
    if action in ("legal_record.name_add", "legal_record.name_remove"):
        kind = records.NAME_KIND_LABELS.get(str(values.get("kind")), str(values.get("kind")))
        return f"{values.get('name')} ({kind.lower()})"
    if action == "legal_record.id_add":
        doc_type = records.ID_TYPE_LABELS.get(str(values.get("doc_type")), str(values.get("doc_type")))
        return f"{doc_type} · {values.get('issuing_country')} · examined {values.get('examined_on')}"
    if action in ("legal_record.scan_add", "legal_record.scan_view", "legal_record.scan_download"):
        return f"scan #{values.get('scan_id')} of ID #{values.get('document_id')}"
    if action == "legal_record.create":
        return "(created)"
    names = [HISTORY_LABELS.get(k, k) for k, _, _ in diff if k not in INTERNAL_KEYS]
    return ", ".join(names[:8]) + (" …" if len(names) > 8 else "")


def history_rows(events: list[Any]) -> tuple[list[dict[str, Any]], dict[int, list[tuple[str, Any, Any]]]]:
    rows, diffs = [], {}
    for e in events:
        diff = [(k, b, a) for k, b, a in iter_diff(e.before, e.after) if k != "version"]
        rows.append(
            {
                "id": e.id,
                "when": e.occurred_at.strftime("%Y-%m-%d %H:%M:%S"),
                "who": e.actor_label,
                "action": e.action,
                "what": ACTION_LABELS.get(e.action, e.action),
                "changes": change_summary(e.action, e.before, e.after, diff),
                "reason": e.reason or "",
                "read": e.action in READS,
            }
        )
        diffs[e.id] = diff
    return rows, diffs


def snapshot(session: Session, actor: Actor, detail: records.RecordDetail) -> dict[str, Any]:
    """Everything the page shows, as plain values, read in the unit of work of one audited view."""
    p = detail.performer
    out: dict[str, Any] = {
        "performer": {"id": p.id, "name": p.name, "deleted": p.deleted_at is not None},
        "record": None,
        "names": [],
        "documents": [],
        "problems": [],
        "holds": [],
        "history": [],
        "diffs": {},
        "staff": {},
    }
    rec = detail.record
    if rec is None:
        return out
    out["record"] = records.record_view(rec) | {
        "entered_by_id": rec.entered_by_id,
        "amended_by_id": rec.amended_by_id,
        "created_at": rec.created_at,
        "amended_at": rec.amended_at,
    }
    out["names"] = [
        {"id": n.id, "name": n.name, "kind": n.kind, "used_from": n.used_from, "used_to": n.used_to}
        for n in detail.names
    ]
    out["documents"] = [
        records.document_view(doc)
        | {
            "version": doc.version,
            "scans": [
                {
                    "id": s.id,
                    "content_type": s.content_type,
                    "size_bytes": s.size_bytes,
                    "original_name": s.original_name,
                    "uploaded_at": s.uploaded_at,
                    "sha256": s.sha256,
                }
                for s in scans
            ]
        }
        for doc, scans in detail.documents
    ]
    out["problems"] = records.completeness_problems(session, rec)
    out["holds"] = [
        {"hold_id": h.hold_id, "video_id": h.video_id, "title": h.title, "state": h.video_state, "reason": h.reason}
        for h in worklist.holds_of_record(session, actor=actor, record_id=rec.id)
    ]
    out["history"], out["diffs"] = history_rows(records.record_history(session, actor=actor, record_id=rec.id))
    out["staff"] = worklist.staff_names(
        session, actor=actor, ids=[i for i in (rec.entered_by_id, rec.amended_by_id) if i is not None]
    )
    return out


def load(actor: Actor, performer_id: int) -> dict[str, Any]:
    with session_scope() as session:
        detail = records.view_record(session, actor=actor, performer_id=performer_id)
        return snapshot(session, actor, detail)


async def run_service(fn: Callable[[Session, Actor], Any], **guard: Any) -> tuple[bool, Any]:
    """`fn(session, actor)` in its own unit of work off the event loop, as the live session's staff member;
    service errors become field messages or notifications (forms.guarded)."""
    live = require_live_session()
    if live is None:
        return False, None

    def work() -> Any:
        with session_scope() as session:
            return fn(session, live.actor)

    return await guarded(lambda: run.io_bound(work), **guard)


async def reason_dialog(
    host: ui.element,
    title: str,
    message: str,
    *,
    ok_label: str,
    action: Callable[[str, ui.textarea], Awaitable[bool]],
    danger: bool = True,
) -> None:
    """A confirmation that asks for a reason; `action(reason, field)` returns True when it succeeded."""
    with host, ui.dialog() as dialog, ui.card().classes("min-w-[420px] max-w-[90vw]").mark("reason-dialog"):
        ui.label(title).classes("text-lg font-semibold")
        ui.label(message).classes("text-sm whitespace-pre-line").mark("reason-message")
        reason = (
            ui.textarea("Reason (required; kept in the audit log)")
            .props("dense autogrow")
            .classes("w-full")
            .mark("reason-input")
        )
        limit_length(reason, records.TEXT_LIMITS["reason"], "Reason")

        async def go() -> None:
            if await action(reason.value or "", reason):
                dialog.close()

        with ui.row().classes("justify-end w-full"):
            ui.button("Cancel", on_click=dialog.close).props("flat").mark("reason-cancel")
            ui.button(ok_label, on_click=go).props(f"color={'negative' if danger else 'primary'}").mark("reason-ok")
    dialog.open()


# --- the page ------------------------------------------------------------------------------------------------------


def build(info: SessionInfo, performer_id: int) -> None:
    actor = info.actor
    can_edit = can(actor, Permission.COMPLIANCE_EDIT)
    can_verify = can(actor, Permission.COMPLIANCE_VERIFY)
    loaded = load(actor, performer_id)
    performer = loaded["performer"]
    st: dict[str, Any] = {"data": loaded, "busy": False, "viewer": None}
    st["form_version"] = loaded["record"]["version"] if loaded["record"] else None

    with ui.row().classes("items-center gap-2 w-full"):
        ui.link("← Compliance worklist", "/compliance").classes("text-sm")
        ui.label("·").classes("opacity-50")
        ui.label("Performer:").classes("text-sm opacity-70")
        ui.link(performer["name"], f"/performers/{performer_id}").classes("text-sm font-semibold").mark(
            "record-performer"
        )
        if performer["deleted"]:
            ui.badge("performer deleted").props("color=grey-7")
    dialog_host = ui.element("div")  # dialogs live here, outside the sections that refresh

    if loaded["record"] is None:
        _create_form(actor, performer_id, performer["name"], can_edit)
        return

    record_id = int(loaded["record"]["id"])

    # --- refreshing --------------------------------------------------------------------------------------------

    async def refresh() -> None:
        try:
            data = await run.io_bound(load, actor, performer_id)
        except ConsoleError as exc:
            report(exc)
            return
        if data is None:  # shutting down
            return
        st["data"] = data
        for section in (header, names_section, documents_section, verification_section, holds_section):
            await section.refresh()
        history_table.rows = [r for r in data["history"] if show_reads.value or not r["read"]]
        history_table.update()

    async def change(fn: Callable[[Session, Actor], Any], success: str | None, **guard: Any) -> tuple[bool, Any]:
        """A change to the record besides the identity form. The form adopts the new version only when it
        was based on the version just before the change (then the only change since is this one)."""

        def work(session: Session, who: Actor) -> tuple[int, int, Any]:
            before = worklist.record_version(session, actor=who, record_id=record_id)
            result = fn(session, who)
            session.flush()
            return before, worklist.record_version(session, actor=who, record_id=record_id), result

        ok, outcome = await run_service(work, **guard)
        if ok:
            before, after, result = outcome
            if before == st["form_version"]:
                st["form_version"] = after
            if success:
                ui.notify(success, type="positive")
            await refresh()
            return True, result
        return False, None

    # --- header ----------------------------------------------------------------------------------------------

    @ui.refreshable
    def header() -> None:
        rec = st["data"]["record"]
        staff = st["data"]["staff"]
        with ui.row().classes("items-center gap-3 w-full"):
            ui.label(legal_name_of(rec)).classes("text-lg font-semibold").mark("record-legal-name")
            ui.badge(records.STATUS_LABELS[rec["status"]]).props(
                f"color={STATUS_COLOURS.get(rec['status'], 'grey')}"
            ).mark("record-status")
            ui.label(f"version {rec['version']}").classes("text-xs opacity-60")
        if rec["status_reason"]:
            ui.label(f"Reason: {rec['status_reason']}").classes("text-sm").mark("record-status-reason")
        bits = [f"Record #{rec['id']}", f"entered {fmt_dt(rec['created_at'])}"]
        if rec["entered_by_id"] in staff:
            bits[-1] += f" by {staff[rec['entered_by_id']]}"
        bits.append(f"last amended {fmt_dt(rec['amended_at'])}")
        if rec["amended_by_id"] in staff:
            bits[-1] += f" by {staff[rec['amended_by_id']]}"
        if rec["status"] == "verified":
            bits.append(f"verified {fmt_dt(rec['verified_at'])} by {rec['verified_by_label']}")
        bits.append(f"kept until {fmt_date(rec['retention_until'])} (28 CFR 75.4)")
        ui.label(" · ".join(bits)).classes("text-xs opacity-70").mark("record-facts")

    header()

    with ui.tabs().props("dense align=left no-caps").classes("w-full") as tabs:
        record_tab = ui.tab("record", label="Record").mark("tab-record")
        history_tab = ui.tab("history", label="History").mark("tab-history")

    with ui.tab_panels(tabs, value=record_tab).classes("w-full"):
        with ui.tab_panel(record_tab).classes("p-0"), ui.row().classes("w-full gap-3 items-start"):
            with ui.column().classes("gap-3 grow basis-[560px] max-w-[900px]"):
                # --- legal identity ---------------------------------------------------------------------------
                with ui.card().classes("w-full gap-1"):
                    ui.label("Legal identity (as on the examined ID)").classes("font-semibold")
                    draft_host = ui.element("div").classes("w-full")  # "You have unsaved changes …"
                    rec = loaded["record"]
                    form = _identity_form(rec)
                    fields = form.fields
                    conflict_box = ui.column().classes("w-full gap-0 p-2 rounded bg-orange-100 text-black")
                    conflict_box.mark("record-conflict")
                    conflict_box.visible = False
                    summary = ui.label("").classes("text-negative text-sm").mark("record-summary")
                    summary.visible = False
                    if not can_edit:
                        for field in fields.values():
                            field.props("readonly")
                    else:
                        with ui.row().classes("justify-end w-full"):
                            ui.button("Save", icon="save", on_click=lambda: save()).props(
                                "unelevated color=primary dense no-caps"
                            ).tooltip("Ctrl+S").mark("record-save")

                # --- other names ---------------------------------------------------------------------------------
                with ui.card().classes("w-full gap-1"):
                    ui.label("Other names (stage, maiden, aliases, nicknames, previous legal names)").classes(
                        "font-semibold"
                    )

                    @ui.refreshable
                    def names_section() -> None:
                        names = st["data"]["names"]
                        if not names:
                            ui.label("No other names recorded.").classes("text-sm opacity-70")
                        for n in names:
                            with ui.row().classes("items-center gap-2 w-full no-wrap").mark("record-name"):
                                ui.label(n["name"]).classes("text-sm font-semibold truncate min-w-0")
                                ui.badge(records.NAME_KIND_LABELS.get(n["kind"], n["kind"])).props("outline")
                                used = " – ".join(_text(d) or "…" for d in (n["used_from"], n["used_to"]))
                                if n["used_from"] or n["used_to"]:
                                    ui.label(f"used {used}").classes("text-xs opacity-70")
                                ui.space()
                                if can_edit:
                                    ui.button(icon="close", on_click=lambda n=n: drop_name(n)).props(
                                        "flat dense round size=sm color=negative aria-label=Remove"
                                    ).mark(f"name-remove-{n['id']}")

                    names_section()
                    if can_edit:
                        with ui.row().classes("w-full items-start gap-2"):
                            name_input = ui.input("Name").props("dense").classes("w-56")
                            limit_length(name_input, records.TEXT_LIMITS["name"])
                            name_input.mark("name-new")
                            name_kind = (
                                ui.select(
                                    {k: records.NAME_KIND_LABELS[k] for k in NAME_KINDS}, value="stage", label="Kind"
                                )
                                .props("dense options-dense")
                                .classes("w-44")
                                .mark("name-kind")
                            )
                            name_from = ui.input("Used from").props("dense type=date").classes("w-40")
                            name_from.mark("name-from")
                            name_to = ui.input("Used to").props("dense type=date").classes("w-40").mark("name-to")

                            async def add_name() -> None:
                                data = {
                                    "name": name_input.value or "",
                                    "kind": name_kind.value,
                                    "used_from": name_from.value or "",
                                    "used_to": name_to.value or "",
                                }
                                ok, _ = await change(
                                    lambda s, a: records.add_name(s, actor=a, record_id=record_id, data=data),
                                    "Name added.",
                                    fields={
                                        "name": name_input,
                                        "kind": name_kind,
                                        "used_from": name_from,
                                        "used_to": name_to,
                                    },
                                )
                                if ok:
                                    sent = {
                                        "name": data["name"],
                                        "used_from": data["used_from"],
                                        "used_to": data["used_to"],
                                    }
                                    clear_sent({"name": name_input, "used_from": name_from, "used_to": name_to}, sent)

                            ui.button("Add name", icon="add", on_click=add_name).props(
                                "unelevated dense color=primary no-caps"
                            ).mark("name-add")

                    async def drop_name(n: dict[str, Any]) -> None:
                        label = records.NAME_KIND_LABELS.get(n["kind"], n["kind"]).lower()
                        if not await confirm_in(
                            dialog_host,
                            f"Remove the {label} “{n['name']}”?",
                            "Only for a name entered by mistake: the audit log keeps it as an amendment.",
                            ok_label="Remove",
                            danger=True,
                        ):
                            return
                        await change(
                            lambda s, a: records.remove_name(s, actor=a, name_id=int(n["id"])), "Name removed."
                        )

                # --- ID documents ---------------------------------------------------------------------------------
                with ui.card().classes("w-full gap-2"):
                    ui.label("Government photo IDs examined").classes("font-semibold")
                    limit_mb = get_settings().records_scan_max_mb

                    scan_errors: dict[int, ui.label] = {}

                    @ui.refreshable
                    def documents_section() -> None:
                        scan_errors.clear()
                        docs = st["data"]["documents"]
                        if not docs:
                            ui.label("No ID recorded yet.").classes("text-sm opacity-70")
                        for doc in docs:
                            _document_card(doc)

                    def _document_card(doc: dict[str, Any]) -> None:
                        doc_id = int(doc["id"])
                        with ui.card().classes("w-full gap-1 p-2").props("flat bordered").mark(f"document-{doc_id}"):
                            with ui.row().classes("items-center gap-2 w-full"):
                                ui.label(records.ID_TYPE_LABELS.get(doc["doc_type"], doc["doc_type"])).classes(
                                    "font-semibold text-sm"
                                )
                                where = doc["issuing_country"] + (
                                    f" · {doc['issuing_state']}" if doc["issuing_state"] else ""
                                )
                                ui.badge(where).props("outline")
                                ui.label(f"No. {doc['number']}").classes("font-mono text-sm").mark(
                                    f"document-number-{doc_id}"
                                )
                                expiry = doc["expiry_date"]
                                if expiry is not None and expiry < date.today():
                                    ui.badge("expired").props("color=negative")
                                if can_edit:
                                    ui.space()
                                    ui.button(
                                        "Correct…",
                                        icon="edit",
                                        on_click=lambda d=doc: DocumentEditDialog(
                                            dialog_host, d, change=change, preview=run_service
                                        ).open(),
                                    ).props("flat dense no-caps size=sm").mark(f"document-correct-{doc_id}")
                            dates = [
                                f"issued {fmt_date(doc['issue_date'])}",
                                f"expires {fmt_date(expiry)}",
                                f"examined {fmt_date(doc['examined_on'])}"
                                + (f" by {doc['examined_by_label']}" if doc["examined_by_label"] else ""),
                            ]
                            ui.label(" · ".join(dates)).classes("text-xs opacity-70")
                            if not doc["scans"]:
                                ui.label("No scanned copy yet: upload one (the record needs it).").classes(
                                    "text-xs text-warning"
                                )
                            for scan in doc["scans"]:
                                scan_id = int(scan["id"])
                                with ui.row().classes("items-center gap-2 w-full no-wrap").mark(f"scan-{scan_id}"):
                                    ui.icon("picture_as_pdf" if scan["content_type"] == "application/pdf" else "image")
                                    ui.label(
                                        f"Scan #{scan_id} · {SCAN_KINDS.get(scan['content_type'], '?')} · "
                                        f"{size_text(scan['size_bytes'])} · uploaded {fmt_dt(scan['uploaded_at'])}"
                                    ).classes("text-xs")
                                    ui.label(f"SHA-256 {scan['sha256'][:12]}…").classes("text-xs font-mono opacity-60")
                                    ui.space()
                                    ui.button("View", icon="visibility", on_click=lambda s=scan: view_scan(s)).props(
                                        "flat dense no-caps size=sm"
                                    ).mark(f"scan-view-{scan_id}")
                                    ui.button(
                                        "Download", icon="download", on_click=lambda s=scan: download_scan(s)
                                    ).props("flat dense no-caps size=sm").mark(f"scan-download-{scan_id}")
                            if can_edit:
                                ui.upload(
                                    label=f"Add a scan (PNG, JPEG, WebP or PDF, ≤ {limit_mb} MB)",
                                    auto_upload=True,
                                    max_file_size=limit_mb * 1024 * 1024,
                                    on_upload=lambda e, d=doc_id: uploaded(e, d),
                                    on_rejected=lambda: ui.notify(
                                        f"That file was not accepted: PNG, JPEG, WebP or PDF up to {limit_mb} MB.",
                                        type="negative",
                                    ),
                                ).props(
                                    'accept=".png,.jpg,.jpeg,.webp,.pdf,image/png,image/jpeg,image/webp,'
                                    'application/pdf" flat bordered dense'
                                ).classes("w-full").mark(f"scan-upload-{doc_id}")
                                scan_errors[doc_id] = (
                                    ui.label("").classes("text-negative text-xs").mark(f"scan-error-{doc_id}")
                                )
                                scan_errors[doc_id].visible = False

                    documents_section()
                    if can_edit:
                        with ui.card().classes("w-full gap-1 p-2").props("flat bordered").mark("document-form"):
                            ui.label("Add an examined ID").classes("text-sm font-semibold")
                            with ui.row().classes("w-full items-start gap-2"):
                                doc_fields: dict[str, Any] = {
                                    "doc_type": ui.select(
                                        {t: records.ID_TYPE_LABELS[t] for t in ID_TYPES}, value="passport", label="Type"
                                    )
                                    .props("dense options-dense")
                                    .classes("w-56")
                                    .mark("document-type"),
                                    "number": ui.input("Number").props("dense").classes("w-44").mark("document-number"),
                                    "issuing_country": ui.select(
                                        COUNTRY_OPTIONS, value="US", label="Issuing country", with_input=True
                                    )
                                    .props("dense options-dense")
                                    .classes("w-56")
                                    .mark("document-country"),
                                    "issuing_state": ui.input("State / region")
                                    .props("dense")
                                    .classes("w-40")
                                    .mark("document-state"),
                                }
                                limit_lengths(doc_fields, records.TEXT_LIMITS)
                            with ui.row().classes("w-full items-start gap-2"):
                                doc_fields["issue_date"] = (
                                    ui.input("Issued on")
                                    .props("dense type=date stack-label")
                                    .classes("w-40")
                                    .mark("document-issued")
                                )
                                doc_fields["expiry_date"] = (
                                    ui.input("Expires on")
                                    .props("dense type=date stack-label")
                                    .classes("w-40")
                                    .mark("document-expires")
                                )
                                doc_fields["examined_on"] = (
                                    ui.input("Examined on", value=date.today().isoformat())
                                    .props("dense type=date stack-label")
                                    .classes("w-40")
                                    .mark("document-examined")
                                )
                                ui.space()

                                async def add_document() -> None:
                                    data = {k: field.value or "" for k, field in doc_fields.items()}
                                    ok, _ = await change(
                                        lambda s, a: records.add_document(s, actor=a, record_id=record_id, data=data),
                                        "ID added. Upload its scan next.",
                                        fields=doc_fields,
                                    )
                                    if ok:
                                        keys = ("number", "issuing_state", "issue_date", "expiry_date")
                                        clear_sent({k: doc_fields[k] for k in keys}, data)

                                ui.button("Add ID", icon="add_card", on_click=add_document).props(
                                    "unelevated dense color=primary no-caps"
                                ).mark("document-add")

            # --- the side: verification, viewer, holds -------------------------------------------------------
            with ui.column().classes("gap-3 w-[500px] max-w-full"):
                with ui.card().classes("w-full gap-1"):
                    ui.label("Verification (two people per record)").classes("font-semibold")

                    @ui.refreshable
                    def verification_section() -> None:
                        rec = st["data"]["record"]
                        status = rec["status"]
                        problems = st["data"]["problems"]
                        if status in ("incomplete", "rejected", "revoked"):
                            if problems:
                                ui.label("Before it can go to verification:").classes("text-sm")
                                for problem in problems:
                                    ui.label(f"• {problem}").classes("text-sm text-warning").mark("record-problem")
                            else:
                                ui.label("Complete: a second person can verify it once you submit it.").classes(
                                    "text-sm"
                                )
                            if can_edit:
                                ui.button("Submit for verification", icon="send", on_click=lambda: submit()).props(
                                    "unelevated dense color=primary no-caps"
                                ).mark("record-submit")
                        elif status == "pending_verification":
                            mine = actor.staff_id in (rec["entered_by_id"], rec["amended_by_id"])
                            if mine:
                                ui.label(
                                    "You entered or last amended this record: a second person must verify it."
                                ).classes("text-sm text-warning").mark("verify-own-record")
                            if can_verify:
                                ui.label("Confirm each item against the original ID:").classes("text-sm")
                                checks.clear()
                                for key, label in records.CHECKLIST_LABELS.items():
                                    checks[key] = ui.checkbox(label).props("dense").mark(f"check-{key}")
                                with ui.row().classes("gap-2"):
                                    ui.button("Verify", icon="verified", on_click=lambda: verify()).props(
                                        "unelevated dense color=positive no-caps"
                                    ).mark("record-verify")
                                    ui.button("Reject…", icon="block", on_click=lambda: reject()).props(
                                        "outline dense color=negative no-caps"
                                    ).mark("record-reject")
                            else:
                                ui.label("Waiting for a verifier.").classes("text-sm opacity-70")
                        elif status == "verified":
                            ui.label(
                                f"Verified by {rec['verified_by_label']} on {fmt_dt(rec['verified_at'])}; every "
                                "checklist item was confirmed."
                            ).classes("text-sm").mark("record-verified-by")
                            if can_verify:
                                ui.button("Revoke…", icon="gpp_bad", on_click=lambda: revoke()).props(
                                    "outline dense color=negative no-caps"
                                ).mark("record-revoke")

                    checks: dict[str, ui.checkbox] = {}
                    verification_section()

                with ui.card().classes("w-full gap-1").mark("scan-viewer"):
                    ui.label("ID viewer").classes("font-semibold")

                    @ui.refreshable
                    def viewer_section() -> None:
                        shown = st["viewer"]
                        if shown is None:
                            ui.label("Choose “View” on a scan to see it here.").classes("text-sm opacity-70")
                            return
                        with ui.row().classes("items-center w-full"):
                            ui.label(shown["label"]).classes("text-xs opacity-70")
                            ui.space()
                            ui.button(icon="close", on_click=lambda: close_viewer()).props(
                                "flat dense round size=sm aria-label=Close"
                            ).mark("scan-viewer-close")
                        if shown["content_type"] == "application/pdf":
                            frame = ui.element("iframe").classes("w-full h-[640px] border-0").mark("scan-viewer-pdf")
                            frame._props["src"] = shown["url"]
                            frame._props["title"] = shown["label"]
                            frame._props["referrerpolicy"] = "no-referrer"
                        else:
                            image = ui.image(shown["url"]).classes("w-full").props("fit=contain")
                            image.mark("scan-viewer-image")
                            image._props["alt"] = shown["label"]
                            image.on(
                                "error",
                                lambda: ui.notify(
                                    "The scan could not be shown (its link expired, or the stored file failed its "
                                    "integrity check). Choose View again.",
                                    type="warning",
                                ),
                            )

                    viewer_section()

                with ui.card().classes("w-full gap-1"):
                    ui.label("Videos on hold because of this record").classes("font-semibold")

                    @ui.refreshable
                    def holds_section() -> None:
                        holds = st["data"]["holds"]
                        if not holds:
                            ui.label("None.").classes("text-sm opacity-70")
                        for h in holds:
                            with ui.column().classes("gap-0 w-full").mark("record-hold"):
                                ui.link(h["title"], f"/compliance/productions/{int(h['video_id'])}").classes(
                                    "text-sm"
                                ).mark(f"record-hold-{int(h['video_id'])}")
                                ui.label(f"{h['state']} · {h['reason']}").classes("text-xs opacity-70")

                    holds_section()

        with ui.tab_panel(history_tab).classes("p-0"):
            show_reads = (
                ui.checkbox("Include views and scan views", on_change=lambda: filter_history())
                .props("dense")
                .mark("history-show-reads")
            )
            history_table = (
                ui.table(
                    columns=HISTORY_COLUMNS,
                    rows=[r for r in loaded["history"] if not r["read"]],
                    row_key="id",
                )
                .props("dense flat bordered wrap-cells")
                .classes("w-full")
                .mark("history-table")
            )
            history_table.on("row-click", lambda e: show_event(e.args[1]))
            ui.label("Newest first; the latest 300 events. Click a row for the values before and after.").classes(
                "text-xs opacity-70"
            )

    def filter_history() -> None:
        history_table.rows = [r for r in st["data"]["history"] if show_reads.value or not r["read"]]
        history_table.update()

    def show_event(row: dict[str, Any]) -> None:
        diff = st["data"]["diffs"].get(row.get("id"), [])
        with dialog_host, ui.dialog() as dialog, ui.card().classes("min-w-[560px] max-w-[90vw]").mark("history-event"):
            ui.label(f"{row['what']} · {row['when']} UTC · {row['who']}").classes("font-semibold")
            if row.get("reason"):
                ui.label(f"Reason: {row['reason']}").classes("text-sm")
            if diff:
                diff_table(diff, HISTORY_LABELS).mark("history-diff")
            else:
                ui.label("No field changes recorded.").classes("text-sm opacity-70")
            ui.button("Close", on_click=dialog.close).props("flat")
        dialog.open()

    # --- identity form: save, conflicts ----------------------------------------------------------------------

    def typed() -> dict[str, Any]:
        return {name: (fields[name].value or "") for name in FORM_FIELDS}

    async def save() -> None:
        if not can_edit or st["busy"]:
            return
        if not form.changed():
            ui.notify(NOTHING_TO_SAVE, type="info")
            return
        data = typed()
        sent = form.values()
        stored = st["data"]["record"]
        if stored["status"] == "verified" and facts_differ(stored, data):
            ok, deps = await run_service(lambda s, a: worklist.public_dependants(s, actor=a, record_id=record_id))
            if not ok:
                return
            n = len(deps)
            if not await confirm_in(
                dialog_host,
                "Change the legal facts of a verified record?",
                "The record goes back to verification by a second person, and "
                f"{plural(n, 'public video')} will be put on hold until it is verified again."
                + ("\n\nOn hold: " + ", ".join(f"“{t}”" for _, t in deps[:10]) + (" …" if n > 10 else "") if n else ""),
                ok_label="Save and hold" if n else "Save",
                danger=True,
            ):
                return
        caught: dict[str, Conflict] = {}

        def work(session: Session, who: Actor) -> tuple[int, list[int]]:
            try:
                rec, held = records.amend_record(
                    session, actor=who, record_id=record_id, data=data, expected_version=st["form_version"]
                )
            except Conflict as exc:
                caught["conflict"] = exc
                raise
            return rec.version, held

        st["busy"] = True
        expected = st["form_version"]
        try:
            ok, result = await run_service(work, fields=fields, summary=summary)
        finally:
            st["busy"] = False
        if ok:
            version, held = result
            st["form_version"] = version
            conflict_box.visible = False
            if version == expected:  # the service found nothing to change (e.g. only blanks around a name)
                ui.notify(f"{NOTHING_TO_SAVE} The stored record already has these values.", type="info")
            else:
                ui.notify("Record saved.", type="positive")
            if held:
                ui.notify(
                    f"{plural(len(held), 'public video')} put on hold until the record is verified again.",
                    type="warning",
                    multi_line=True,
                )
            await refresh()
            form.fill(identity_values(st["data"]["record"]), since=sent)  # untouched fields show what is stored
            drafts.saved()
        elif "conflict" in caught:
            exc = caught["conflict"]
            st["form_version"] = exc.current.get("version", st["form_version"])
            show_conflict(conflict_box, exc, data, FIELD_LABELS)

    # --- IDs and scans ---------------------------------------------------------------------------------------

    async def uploaded(e: UploadEventArguments, doc_id: int) -> None:
        def refuse(message: str) -> None:
            error_label = scan_errors.get(doc_id)
            if error_label is not None:
                error_label.text = message
                error_label.visible = True
            ui.notify(message, type="negative", multi_line=True)

        limit = get_settings().records_scan_max_mb
        if e.file.size() > limit * 1024 * 1024:
            refuse(f"{e.file.name[:120]} is larger than {limit} MB")
            return
        data = await e.file.read()
        name = e.file.name
        live = require_live_session()
        if live is None:
            return

        def work() -> tuple[int, int, int]:
            with session_scope() as session:
                before = worklist.record_version(session, actor=live.actor, record_id=record_id)
                scan = records.add_scan(session, actor=live.actor, document_id=doc_id, data=data, filename=name)
                session.flush()
                return before, worklist.record_version(session, actor=live.actor, record_id=record_id), scan.id

        try:
            outcome = await run.io_bound(work)
        except ValidationFailed as exc:
            refuse(exc.errors.get("scan", exc.message))
            return
        except ConsoleError as exc:
            report(exc)
            return
        if outcome is None:
            return
        before, after, _scan_id = outcome
        if before == st["form_version"]:
            st["form_version"] = after
        ui.notify("Scan stored, encrypted, with its SHA-256.", type="positive")
        await refresh()

    def _grant(scan: dict[str, Any], purpose: scan_route.Purpose) -> str | None:
        live = require_live_session()
        if live is None or live.actor.staff_id is None:
            return None
        return scan_route.issue(live.actor.staff_id, int(scan["id"]), purpose)

    async def view_scan(scan: dict[str, Any]) -> None:
        url = _grant(scan, "view")
        if url is None:
            return
        kind = SCAN_KINDS.get(scan["content_type"], "?")
        st["viewer"] = {"url": url, "content_type": scan["content_type"], "label": f"Scan #{scan['id']} · {kind}"}
        await viewer_section.refresh()

    async def close_viewer() -> None:
        st["viewer"] = None
        await viewer_section.refresh()

    def download_scan(scan: dict[str, Any]) -> None:
        url = _grant(scan, "download")
        if url is not None:
            ui.download.from_url(url)

    # --- verification ------------------------------------------------------------------------------------------

    async def submit() -> None:
        version = st["data"]["record"]["version"]
        await change(
            lambda s, a: records.submit_for_verification(s, actor=a, record_id=record_id, expected_version=version),
            "Submitted: a second person can verify it now.",
        )

    async def verify() -> None:
        version = st["data"]["record"]["version"]
        ticked = {key: bool(box.value) for key, box in checks.items()}
        await change(
            lambda s, a: records.verify_record(
                s, actor=a, record_id=record_id, checklist=ticked, expected_version=version
            ),
            "Verified. Videos relying on this record can pass the publishing checks.",
        )

    async def reject() -> None:
        version = st["data"]["record"]["version"]

        async def act(reason: str, field: ui.textarea) -> bool:
            ok, _ = await change(
                lambda s, a: records.reject_record(
                    s, actor=a, record_id=record_id, reason=reason, expected_version=version
                ),
                "Rejected: the reason is on the record.",
                fields={"reason": field},
            )
            return ok

        await reason_dialog(
            dialog_host,
            "Reject this record?",
            "It goes back to the person who entered it, with your reason.",
            ok_label="Reject",
            action=act,
        )

    async def revoke() -> None:
        version = st["data"]["record"]["version"]
        ok, deps = await run_service(lambda s, a: worklist.public_dependants(s, actor=a, record_id=record_id))
        if not ok:
            return
        n = len(deps)
        listed = "".join(f"\n• {title}" for _, title in deps[:10]) + ("\n…" if n > 10 else "")

        async def act(reason: str, field: ui.textarea) -> bool:
            done, result = await change(
                lambda s, a: records.revoke_record(
                    s, actor=a, record_id=record_id, reason=reason, expected_version=version
                ),
                None,
                fields={"reason": field},
            )
            if done:
                _rec, held = result
                ui.notify(
                    f"Record revoked. {plural(len(held), 'public video')} put on hold.",
                    type="warning",
                    multi_line=True,
                )
            return done

        await reason_dialog(
            dialog_host,
            "Revoke this verified record?",
            f"{plural(n, 'public video')} relying on it will be put on hold (unpublished) now." + listed,
            ok_label="Revoke and hold" if n else "Revoke",
            action=act,
        )

    # --- keyboard: Ctrl+S (or ⌘S) saves the identity form; the sheet lists it --------------------------------------

    if can_edit:
        save_key(save, mark="record-keys", description="Save the identity form")

    # --- unsaved changes: kept on the server (legal data never rests in the browser), offered back ----------------

    def restored(draft: Draft, outdated: bool) -> None:
        if outdated:  # what a stale save does: the stored values next to the kept input; saving again replaces
            stored = st["data"]["record"]
            message = (
                f"The record was changed (now version {stored['version']}) after your unsaved changes of "
                f"{fmt_dt(draft.saved_at)}. Your input is restored: compare it with the saved values and save again."
            )
            current = identity_values(stored) | {"version": stored["version"]}
            show_conflict(conflict_box, Conflict(message, current=current), typed(), FIELD_LABELS)

    drafts = DraftKeeper(
        ServerDrafts(f"{actor.staff_id}:legal-record:{record_id}"),
        form,
        row_id=record_id,
        version=lambda: st["form_version"],  # the version the identity form is based on
        dirty=lambda: bool(form.changed()),
        what="The record",
        on_restore=restored,
    )
    if can_edit:
        with draft_host:
            drafts.start()


def identity_values(rec: dict[str, Any] | None) -> dict[str, str]:
    """A record view (or nothing, for a new record) as the identity form's fields hold it."""
    rec = rec or {}
    return {name: _text(rec.get(name)) for name in FORM_FIELDS}


def _identity_form(rec: dict[str, Any] | None) -> FormState:
    """The legal name/DOB/notes inputs, built with the record's values (or empty for a new record)."""
    form = FormState(identity_values(rec))
    v = form.base
    with ui.row().classes("w-full gap-2 no-wrap"):
        form.add(
            "legal_first_name",
            ui.input("Legal first name", value=v["legal_first_name"])
            .props("dense")
            .classes("grow")
            .mark("record-first-name"),
        )
        form.add(
            "legal_middle_name",
            ui.input("Middle name(s)", value=v["legal_middle_name"])
            .props("dense")
            .classes("grow")
            .mark("record-middle-name"),
        )
        form.add(
            "legal_last_name",
            ui.input("Legal last name", value=v["legal_last_name"])
            .props("dense")
            .classes("grow")
            .mark("record-last-name"),
        )
    form.add(
        "date_of_birth",
        ui.input("Date of birth", value=v["date_of_birth"])
        .props("dense type=date stack-label")
        .classes("w-48")
        .mark("record-dob"),
    )
    form.add(
        "notes",
        ui.textarea("Notes", value=v["notes"])
        .props("dense autogrow")
        .classes("w-full")
        .mark("record-notes"),
    )
    limit_lengths(form.fields, records.TEXT_LIMITS)
    return form


def _create_form(actor: Actor, performer_id: int, stage_name: str, can_edit: bool) -> None:
    with ui.card().classes("w-full max-w-[760px] gap-1").mark("record-create-card"):
        ui.label(f"{stage_name} has no legal record yet.").classes("font-semibold").mark("record-none")
        if not can_edit:
            ui.label("Your roles can read records but not create them.").classes("text-sm opacity-70")
            return
        ui.label(
            "Enter the legal name and date of birth exactly as they appear on the government photo ID you examined."
        ).classes("text-sm opacity-70")
        draft_host = ui.element("div").classes("w-full")
        form = _identity_form(None)
        fields = form.fields
        summary = ui.label("").classes("text-negative text-sm")
        summary.visible = False
        drafts = DraftKeeper(
            ServerDrafts(f"{actor.staff_id}:legal-record-new:{performer_id}"),
            form,
            row_id=None,
            version=lambda: None,
            dirty=lambda: bool(form.changed()),
            what="The record",
        )
        with draft_host:
            drafts.start()

        async def create() -> None:
            data = {name: (fields[name].value or "") for name in FORM_FIELDS}
            clear_errors(fields)
            ok, _ = await run_service(
                lambda s, a: records.create_record(s, actor=a, performer_id=performer_id, data=data).id,
                fields=fields,
                summary=summary,
            )
            if ok:
                drafts.saved(leaving=True)
                ui.notify("Record created. Add the examined ID and its scan next.", type="positive")
                ui.navigate.to(f"/compliance/records/{performer_id}")

        with ui.row().classes("justify-end w-full"):
            ui.button("Create record", icon="add", on_click=create).props("unelevated color=primary no-caps").mark(
                "record-create"
            )


def register() -> None:
    @staff_page("/compliance/records/{performer_id}", title="2257 record", permission=Permission.COMPLIANCE_READ_LEGAL)
    def record_page(info: SessionInfo, performer_id: str) -> None:
        # A str parameter: a non-numeric address gets the in-frame 404, not FastAPI's JSON 422.
        if not (performer_id.isascii() and performer_id.isdigit()) or len(performer_id) > 18:
            raise NotFound(f"There is no performer #{performer_id[:40]}.")
        build(info, int(performer_id))
