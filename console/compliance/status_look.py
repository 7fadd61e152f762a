"""How a 2257 record's status looks on every compliance page: one colour per status, the same on the worklist, the
index, the record and the production's cast (the index drew "Pending verification" cyan where the worklist drew
it orange)."""

from __future__ import annotations

import json

from console.compliance.records import STATUS_LABELS

STATUS_COLOURS = {
    "incomplete": "grey-7",
    "pending_verification": "orange-8",
    "verified": "positive",
    "rejected": "negative",
    "revoked": "deep-orange-10",
}
NO_RECORD, NO_RECORD_COLOUR = "No record", "negative"

# A table cell's badge whose value is the status in words ("Pending verification"; "No record" for none).
_BY_WORDS = {STATUS_LABELS[status]: colour for status, colour in STATUS_COLOURS.items()} | {NO_RECORD: NO_RECORD_COLOUR}
STATUS_WORDS_CELL = f"""
<q-td :props="props"><q-badge :label="props.value"
  :color="{json.dumps(_BY_WORDS).replace('"', "'")}[props.value] || 'grey-7'" /></q-td>"""
