"""What staff see for a record's statuses, name kinds, ID types and checklist, and the longest text each
field takes."""

from __future__ import annotations

from datetime import date

from console.audit.models import READ_ACTIONS as AUDIT_READ_ACTIONS

STATUS_LABELS = {
    "incomplete": "Incomplete",
    "pending_verification": "Pending verification",
    "verified": "Verified",
    "rejected": "Rejected",
    "revoked": "Revoked",
}


NAME_KIND_LABELS = {
    "stage": "Stage name",
    "maiden": "Maiden name",
    "alias": "Alias",
    "nickname": "Nickname",
    "previous_legal": "Previous legal name",
}


ID_TYPE_LABELS = {
    "passport": "Passport",
    "drivers_licence": "Driver licence",
    "state_id": "State ID",
    "national_id": "National ID card",
    "other_government_id": "Other government photo ID",
}


CHECKLIST_LABELS = {
    "id_examined": "I examined the original government photo ID",
    "name_matches": "The legal name matches the ID",
    "dob_matches": "The date of birth matches the ID",
    "photo_matches": "The photo on the ID matches the performer",
}


LEGAL_FACTS = ("legal_first_name", "legal_middle_name", "legal_last_name", "date_of_birth")


EARLIEST_DOB = date(1900, 1, 1)


# A record's reads (viewed, a scan shown or downloaded): the audit log's one list, narrowed to legal records.
READ_ACTIONS = tuple(sorted(a for a in AUDIT_READ_ACTIONS if a.startswith("legal_record.")))


NAME_MAX = 120  # each legal name


# The longest text each field takes, for forms that show a counter (console.ui.forms.limit_lengths).
TEXT_LIMITS = {
    "legal_first_name": NAME_MAX,
    "legal_middle_name": NAME_MAX,
    "legal_last_name": NAME_MAX,
    "notes": 5000,
    "reason": 1000,
    "name": 255,  # another name
    "number": 64,
    "issuing_state": 64,
}
