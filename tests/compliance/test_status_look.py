"""One colour per 2257 record status on every compliance page: the index drew "Pending verification" cyan (its own
map) where the worklist's badge drew it orange."""

from __future__ import annotations

import re

from console.compliance import index_pages, records, worklist_pages
from console.compliance.record_pages import STATUS_COLOURS as RECORD_PAGE_COLOURS
from console.compliance.status_look import NO_RECORD, NO_RECORD_COLOUR, STATUS_COLOURS, STATUS_WORDS_CELL


def test_the_worklist_index_and_record_draw_each_status_alike() -> None:
    assert set(STATUS_COLOURS) == set(records.STATUS_LABELS)
    assert RECORD_PAGE_COLOURS is STATUS_COLOURS
    assert worklist_pages.STATUS_WORDS_CELL is STATUS_WORDS_CELL
    worklist = dict(re.findall(r"'([^']+)': '([^']+)'", STATUS_WORDS_CELL))  # the cell's words -> colour
    for status, words in records.STATUS_LABELS.items():
        assert worklist[words] == STATUS_COLOURS[status]
        assert index_pages.STATUS_COLOURS.get(status) == STATUS_COLOURS[status]
    assert worklist[NO_RECORD] == NO_RECORD_COLOUR
