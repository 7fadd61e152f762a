"""2257 demo data (through the services, audited) and the bulk benchmark records for `seed --scale`.

Demo, in two steps that together keep the catalog demo coherent with the publishing gate:

1. `paperwork_before_publish()` — the catalog demo calls it before it publishes or schedules a video: every
   performer in the cast gets a verified legal record (entered by the demo compliance officer or carried over
   from the paper files by the system, verified by the system: examined passport/licence with an encrypted
   specimen scan, other names), and the video gets its production (date, the ID relied on per performer).
   Videos featuring a performer reserved for a problem case get nothing here, so the gate keeps them drafts.
2. `seed_compliance_demo()` — after the catalog demo: the custodian of records, records for everyone else,
   the problem cases, a production for every remaining video, and one revocation (its video goes on hold).

The problem cases (`CASES`, one reserved performer each when the catalog has at least `MIN_PERFORMERS`):
no record at all; incomplete without an ID; incomplete with an ID but no scan; pending verification (entered
by the compliance officer, so a second person must verify); pending (carried over by the system); rejected;
under 18 on a production date (they turned 18 the day after); an ID examined after the production date. Also
one verified performer whose only ID expires within 30 days, and one revoked record with its videos on hold.

Scale (`scale_compliance()`): one verified record per scale performer with 1-3 other names and 1-2 examined
IDs, each with a real Fernet-encrypted scan file (a tiny PNG, encrypted per file, its SHA-256 recorded); a
production for every scale video relying on a valid ID per performer, so the published scale catalog passes
the gate; and a few hundred newly signed performers (no videos yet) whose records are pending or incomplete.

The package, by what each file holds: `values` (the cases and made-up values), `planning` (who files the
paperwork, which performer carries which case), `identities` (a performer's made-up legal identity),
`paperwork` (step 1), `problem_cases` (step 2), `scale_rows` (the bulk columns and scan files), `scale`
(`scale_compliance`).
"""

from __future__ import annotations

from console.compliance.demo.identities import Identity
from console.compliance.demo.paperwork import paperwork_before_publish
from console.compliance.demo.planning import Plan, demo_cases
from console.compliance.demo.problem_cases import seed_compliance_demo
from console.compliance.demo.scale import Document, scale_compliance
from console.compliance.demo.scale_rows import (
    DOCUMENT_COLUMNS,
    EXAMINER,
    NAME_COLUMNS,
    PRODUCTION_COLUMNS,
    RECORD_COLUMNS,
    RELIED_COLUMNS,
    SCAN_COLUMNS,
    scale_marks,
    scale_scan,
)
from console.compliance.demo.values import (
    ALIASES,
    ALL_CHECKED,
    CASES,
    CUSTODIAN,
    EXPIRING_IN_DAYS,
    LOCATIONS,
    MIN_PERFORMERS,
    NATIONAL_ID_COUNTRIES,
    NICKNAMES,
    PRODUCERS,
    US_STATES,
)

__all__ = [
    "ALIASES",
    "ALL_CHECKED",
    "CASES",
    "CUSTODIAN",
    "DOCUMENT_COLUMNS",
    "EXAMINER",
    "EXPIRING_IN_DAYS",
    "LOCATIONS",
    "MIN_PERFORMERS",
    "NAME_COLUMNS",
    "NATIONAL_ID_COUNTRIES",
    "NICKNAMES",
    "PRODUCERS",
    "PRODUCTION_COLUMNS",
    "RECORD_COLUMNS",
    "RELIED_COLUMNS",
    "SCAN_COLUMNS",
    "US_STATES",
    "Document",
    "Identity",
    "Plan",
    "demo_cases",
    "paperwork_before_publish",
    "scale_compliance",
    "scale_marks",
    "scale_scan",
    "seed_compliance_demo",
]
