"""The compliance worklist: what the 2257 desk has to do, one server-paged list per tab.

- missing: performers (not deleted) without a verified legal record, with the record's status;
- pending: records waiting for a second person's verification, oldest first, with who entered them;
- expiring: IDs of verified records whose expiry date is within N days (default 60) or already passed,
  unless the same record holds another ID valid beyond the window (that one is the current ID);
- blocked: videos not yet public (draft, scheduled, unpublished) that lack a date of production, have a
  linked performer without a verified record, or whose production lacks the ID relied on for a performer (or
  relies on one examined after the date of production) — found in SQL; the gate's reasons are computed only
  for the rows on the page. Under-age at production is left to the gate's reasons (date arithmetic differs by
  database);
- holds: open compliance holds with the record, the performer and the reason.

Every list needs COMPLIANCE_READ_LEGAL. Lists that show legal data write one `compliance.worklist_view`
event per page of rows (not per row), naming the records shown. Counts use the bounded/estimated count of
console.paging, so a tab label never costs a full scan.

The package, by what each file holds: `rows` (tabs and row types), `queries` (one query per tab, the counts),
`tabs` (a page of each tab, audited), `record_reads` (small reads for the record editor).
"""

from __future__ import annotations

from console.compliance.worklist.queries import worklist_counts
from console.compliance.worklist.record_reads import (
    RecordHold,
    holds_of_record,
    public_dependants,
    record_version,
)
from console.compliance.worklist.rows import (
    BLOCKABLE_STATES,
    DEFAULT_EXPIRY_DAYS,
    MAX_EXPIRY_DAYS,
    TAB_LABELS,
    TABS,
    VIEW_ACTION,
    BlockedRow,
    ExpiringRow,
    HoldRow,
    MissingRow,
    PendingRow,
    TabCount,
)
from console.compliance.worklist.tabs import (
    REASON_FILTER_MAX,
    list_blocked,
    list_expiring,
    list_holds,
    list_missing,
    list_pending,
    list_tab,
)

__all__ = [
    "BLOCKABLE_STATES",
    "DEFAULT_EXPIRY_DAYS",
    "MAX_EXPIRY_DAYS",
    "REASON_FILTER_MAX",
    "TABS",
    "TAB_LABELS",
    "VIEW_ACTION",
    "BlockedRow",
    "ExpiringRow",
    "HoldRow",
    "MissingRow",
    "PendingRow",
    "RecordHold",
    "TabCount",
    "holds_of_record",
    "list_blocked",
    "list_expiring",
    "list_holds",
    "list_missing",
    "list_pending",
    "list_tab",
    "public_dependants",
    "record_version",
    "worklist_counts",
]
