"""Legal records: create, amend, other names, ID documents and scans, two-person verification, revocation,
retention-bound deletion. Reads of legal data are audited; only compliance/admin may read them.

Every event about a record (its names, IDs and scans included) is written with entity `legal_record` and
the record's id, so the record's amendment history is one indexed query. Previous values travel in the
event's `before`, which is what 28 CFR 75 asks of an amended record.

The package, by what each file holds: `labels` (labels and text limits), `dates` (18th birthday, age, retention),
`views` (the audited shapes, the legal name), `locking` (the version-checked lock), `scan_files` (scan files
follow the transaction), `reading` (audited reads), `lifecycle` (create to delete), `names` (other names),
`documents` (ID documents and scans). Everything other modules import is re-exported here; a test that
replaces `audit` patches the module whose function it calls (e.g. `records.documents.audit` for `add_scan`).
"""

from __future__ import annotations

from console.compliance.records.dates import _parse_date, age_on, eighteenth_birthday, retention_from
from console.compliance.records.documents import (
    add_document,
    add_scan,
    amend_document,
    delete_document,
    preview_amend_document,
)
from console.compliance.records.labels import (
    CHECKLIST_LABELS,
    EARLIEST_DOB,
    ID_TYPE_LABELS,
    LEGAL_FACTS,
    NAME_KIND_LABELS,
    NAME_MAX,
    READ_ACTIONS,
    STATUS_LABELS,
    TEXT_LIMITS,
)
from console.compliance.records.lifecycle import (
    amend_record,
    check_record_fields,
    completeness_problems,
    create_record,
    delete_record,
    dependants,
    reject_record,
    revoke_record,
    submit_for_verification,
    verify_record,
)
from console.compliance.records.names import add_name, remove_name
from console.compliance.records.reading import (
    RecordDetail,
    can_read_legal,
    compliance_badges,
    read_scan,
    record_history,
    view_record,
)
from console.compliance.records.views import document_view, legal_name, record_view

__all__ = [
    "CHECKLIST_LABELS",
    "EARLIEST_DOB",
    "ID_TYPE_LABELS",
    "LEGAL_FACTS",
    "NAME_KIND_LABELS",
    "NAME_MAX",
    "READ_ACTIONS",
    "STATUS_LABELS",
    "TEXT_LIMITS",
    "RecordDetail",
    "_parse_date",
    "add_document",
    "add_name",
    "add_scan",
    "age_on",
    "amend_document",
    "amend_record",
    "can_read_legal",
    "check_record_fields",
    "completeness_problems",
    "compliance_badges",
    "create_record",
    "delete_document",
    "delete_record",
    "dependants",
    "document_view",
    "eighteenth_birthday",
    "legal_name",
    "preview_amend_document",
    "read_scan",
    "record_history",
    "record_view",
    "reject_record",
    "remove_name",
    "retention_from",
    "revoke_record",
    "submit_for_verification",
    "verify_record",
    "view_record",
]
