"""The inspection export (28 CFR 75.5): one ZIP with everything an inspector asks for.

    README.txt                  what the ZIP holds, when and by whom it was made, the counts
    index_by_legal_name.csv     one row per record and depiction, by legal name (last, first)
    index_by_other_names.csv    every other name (and stage name) -> the legal record, alphabetically
    index_by_depiction.csv      one row per depiction and performer: legal name, ID relied on, age that day
    records.pdf                 the custodian statement, then one sheet per performer
    ids/<last>_<first>_<record>/<document>-<scan>.<ext>   decrypted copies of every ID scan (SHA-256 checked)
    PROBLEMS.txt                only when a scan could not be read (missing, altered, or a wrong key)

Records are read in keyset batches (never a whole table of ORM objects) and scans are decrypted one at a
time straight into the ZIP. The file is created 0600, written under a temporary name and renamed when
complete; the export writes ONE `compliance.export` audit event with the counts and the ZIP's SHA-256 in
the caller's transaction. If that transaction fails, the caller deletes the file (see `discard`).

Spreadsheets run formulas: text cells starting with = + - @ (or tab/CR) get a leading quote, as in the
catalog export.

The package, by what each file holds: `contents` (names, columns, cells, `ExportResult`, `discard`), `pdf`
(records.pdf), `passes` (the keyset passes that fill the ZIP; `passes.BATCH`), `build`
(`build_inspection_zip`).
"""

from __future__ import annotations

from console.compliance.export.build import build_inspection_zip
from console.compliance.export.contents import (
    DEPICTION_COLUMNS,
    LEGAL_COLUMNS,
    NAME_COLUMNS,
    ExportResult,
    ProgressFn,
    discard,
    export_filename,
    folder_name,
)
from console.compliance.export.pdf import FONTS, RecordsPdf

__all__ = [
    "DEPICTION_COLUMNS",
    "FONTS",
    "LEGAL_COLUMNS",
    "NAME_COLUMNS",
    "ExportResult",
    "ProgressFn",
    "RecordsPdf",
    "build_inspection_zip",
    "discard",
    "export_filename",
    "folder_name",
]
