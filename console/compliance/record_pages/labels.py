"""What the record editor shows, as words: status colours, field and event labels, and the pure helpers that turn
a record view or an audit event into the text a part displays (no NiceGUI, no database)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from console.audit.service import iter_diff
from console.compliance import records
from console.members.countries import COUNTRIES
from console.ui.formatting import fmt_dt

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
    {"name": "when", "label": "When", "field": "when", "align": "left"},
    {"name": "who", "label": "Who", "field": "who", "align": "left"},
    {"name": "what", "label": "What", "field": "what", "align": "left"},
    {"name": "changes", "label": "Changes", "field": "changes", "align": "left"},
    {"name": "reason", "label": "Reason", "field": "reason", "align": "left"},
]
SCAN_KINDS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/webp": "WebP", "application/pdf": "PDF"}
COUNTRY_OPTIONS = {code: f"{code} · {name}" for code, name in sorted(COUNTRIES.items())}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date | datetime):
        return value.isoformat()[:10]
    return str(value).strip()


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


def history_rows(
    events: list[Any], staff: dict[int, str] | None = None
) -> tuple[list[dict[str, Any]], dict[int, list[tuple[str, Any, Any]]]]:
    """The History tab's rows and diffs; `staff` names the staff who acted (else the stored label, the e-mail)."""
    staff = staff or {}
    rows, diffs = [], {}
    for e in events:
        diff = [(k, b, a) for k, b, a in iter_diff(e.before, e.after) if k != "version"]
        rows.append(
            {
                "id": e.id,
                "when": fmt_dt(e.occurred_at, seconds=True),
                "who": staff.get(e.actor_id or 0, e.actor_label) if e.actor_kind == "staff" else e.actor_label,
                "action": e.action,
                "what": ACTION_LABELS.get(e.action, e.action),
                "changes": change_summary(e.action, e.before, e.after, diff),
                "reason": e.reason or "",
                "read": e.action in READS,
            }
        )
        diffs[e.id] = diff
    return rows, diffs


def identity_values(rec: dict[str, Any] | None) -> dict[str, str]:
    """A record view (or nothing, for a new record) as the identity form's fields hold it."""
    rec = rec or {}
    return {name: _text(rec.get(name)) for name in FORM_FIELDS}
