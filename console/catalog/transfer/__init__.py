"""Bulk video metadata: import from CSV/XLSX (dry run, then commit) and export in the very same format.

The column set (`COLUMNS`) is shared by the template, the import and the export, so an exported file
re-imports unchanged:

    slug            the key: an existing live video with this slug is updated, otherwise one is created
                    (an empty cell takes the slug made from the title)
    title           required
    kind            movie | series | episode | live (episodes are not created here: they need a season)
    collection      the collection's slug (empty: no collection)
    description
    release_date    YYYY-MM-DD
    duration        h:mm:ss (also mm:ss or plain seconds)
    language, country (ISO code, e.g. US), director
    genres          separated by semicolons: "Drama; Romance"
    hls_url, thumbnail_url, poster_url, backdrop_url, trailer_url   https:// only
    qualities       separated by semicolons: "720p; 1080p"
    access_level    FREE | BASIC | PREMIUM
    monetization    svod | avod | tvod | ppv
    rental_price, purchase_price, ppv_price    money like 4.99
    performer_count 1 to 10
    performers      performer slugs separated by semicolons, in billing order
    featured        yes | no

Only `slug` and `title` must be present as columns. A column left out of the file keeps what is stored
(new videos get the default); a column that is present but empty in a row clears that value. Unknown
columns are refused, so a misspelt header never silently does nothing.

Rows are imported in chunks of `CHUNK`: the chunk's videos, performers and collections are read with a few
IN queries, every row is validated in Python by the editor's own rules (`service.validate_video_data`, the
same `_clean` that `create_video`/`update_video` run, and `check_performer_ids` from `set_performers`), and
the valid rows are written together in one SAVEPOINT: videos in one flush, performer links in another. The
audit events are the services' (video.create or video.update, plus video.performers when the links change;
none for unchanged rows). Every public video a row changes is put to the publishing gate (gate.py, with every
registered check) after the change; a refusal becomes that row's error and the chunk is written again
without it. When the database refuses the batch, the chunk is redone a row at a time so the error lands on
its row. The dry run does exactly the same writes (without audit events) and rolls all of it back: it
reports what the import would do and leaves no rows and no audit events behind. Importing never publishes:
a new video is a draft and an existing video keeps its state.

Spreadsheets run formulas: every exported text cell starting with =, +, -, @, tab or CR gets a leading
single quote (also a cell that would look neutralised already), and the import removes exactly that quote.

The package, by what each file holds: `columns` (the format and cell text), `reading` (CSV/XLSX -> frame),
`planning` (one row validated and planned), `engine` (chunks, savepoints, gate, audit; `dry_run`, `commit`),
`report` (`ImportReport`, `issues_csv`), `exporting` (template, `export_rows`, `to_csv`, `to_xlsx`).
A test that changes a limit patches the module that reads it (`reading.MAX_ROWS`, `engine.CHUNK`,
`exporting.EXPORT_BATCH`).
"""

from __future__ import annotations

from console.catalog.service import VideoFilter
from console.catalog.transfer.columns import COLUMNS, REQUIRED_COLUMNS, _unneutralise, neutralise
from console.catalog.transfer.engine import ProgressFn, commit, dry_run
from console.catalog.transfer.exporting import (
    EXPORT_LIMIT,
    _export_row,
    export_rows,
    template_csv,
    to_csv,
    to_xlsx,
)
from console.catalog.transfer.reading import MAX_BYTES, MAX_ROWS, check_columns, read_table
from console.catalog.transfer.report import ImportReport, RowIssue, issues_csv

__all__ = [
    "COLUMNS",
    "EXPORT_LIMIT",
    "MAX_BYTES",
    "MAX_ROWS",
    "REQUIRED_COLUMNS",
    "ImportReport",
    "ProgressFn",
    "RowIssue",
    "VideoFilter",
    "_export_row",
    "_unneutralise",
    "check_columns",
    "commit",
    "dry_run",
    "export_rows",
    "issues_csv",
    "neutralise",
    "read_table",
    "template_csv",
    "to_csv",
    "to_xlsx",
]
