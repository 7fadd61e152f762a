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
"""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from console.actor import Actor
from console.audit.service import record
from console.catalog.gate import publish_blockers_many
from console.catalog.models import Collection, Performer, Video, VideoPerformer
from console.catalog.rules import format_duration, format_money, slugify
from console.catalog.service import (
    EDITABLE,
    SLUG_MAX,
    DatabaseLookups,
    VideoFilter,
    check_performer_ids,
    deferred_recounts,
    filtered_videos,
    validate_video_data,
    video_view,
)
from console.catalog.service import _recount_collections as recount_collections
from console.catalog.service import _recount_performers as recount_performers
from console.db import preassign_ids, utcnow
from console.errors import ConsoleError, ValidationFailed
from console.staff.permissions import Permission, require

COLUMNS: tuple[str, ...] = (
    "slug",
    "title",
    "kind",
    "collection",
    "description",
    "release_date",
    "duration",
    "language",
    "country",
    "director",
    "genres",
    "hls_url",
    "thumbnail_url",
    "poster_url",
    "backdrop_url",
    "trailer_url",
    "qualities",
    "access_level",
    "monetization",
    "rental_price",
    "purchase_price",
    "ppv_price",
    "performer_count",
    "performers",
    "featured",
)
REQUIRED_COLUMNS = ("slug", "title")
MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
MAX_XLSX_UNPACKED = 300 * 1024 * 1024  # a 20 MB zip may not inflate into gigabytes
FIRST_DATA_ROW = 2  # spreadsheet numbering: the header is row 1
EXPORT_LIMIT = 200_000
EXPORT_BATCH = 1_000
CHUNK = 500  # rows whose videos/performers/collections are looked up together
XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0", ""}

# The service's field names -> the column a staff member sees in the file.
_COLUMN_OF_FIELD = {
    "collection_id": "collection",
    "duration_seconds": "duration",
    "release_year": "release_date",
    "rental_price_cents": "rental_price",
    "purchase_price_cents": "purchase_price",
    "ppv_price_cents": "ppv_price",
    "is_featured": "featured",
}
_FIELD_OF_COLUMN = {
    "collection": "collection_id",
    "duration": "duration_seconds",
    "rental_price": "rental_price_cents",
    "purchase_price": "purchase_price_cents",
    "ppv_price": "ppv_price_cents",
    "featured": "is_featured",
}
_EXAMPLE = {
    "slug": "summer-nights",
    "title": "Summer Nights",
    "kind": "movie",
    "collection": "summer-collection",
    "description": "Two strangers, one long summer.",
    "release_date": "2024-06-21",
    "duration": "1:32:05",
    "language": "English",
    "country": "US",
    "director": "Alex Example",
    "genres": "Drama; Romance",
    "hls_url": "https://cdn.example.com/summer-nights/master.m3u8",
    "thumbnail_url": "https://cdn.example.com/summer-nights/thumb.jpg",
    "poster_url": "https://cdn.example.com/summer-nights/poster.jpg",
    "backdrop_url": "",
    "trailer_url": "",
    "qualities": "720p; 1080p",
    "access_level": "PREMIUM",
    "monetization": "tvod",
    "rental_price": "3.99",
    "purchase_price": "9.99",
    "ppv_price": "",
    "performer_count": "2",
    "performers": "jane-example; john-example",
    "featured": "no",
}


# --- reports ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowIssue:
    row: int  # spreadsheet row number (the header is row 1)
    column: str  # "" when the problem concerns the whole row
    message: str


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0  # rows with at least one error
    errors: list[RowIssue] = field(default_factory=list)
    warnings: list[RowIssue] = field(default_factory=list)
    dry_run: bool = True
    all_or_nothing: bool = False
    written: bool = False  # whether changes are in the caller's transaction (it commits them)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        counts = f"{self.created:,} new, {self.updated:,} changed, {self.unchanged:,} unchanged"
        bad = f"{self.failed:,} row{'s' if self.failed != 1 else ''} with errors"
        if self.dry_run:
            return f"Dry run of {self.rows:,} rows: {counts}, {bad}. Nothing was written."
        if not self.written and self.errors:
            return (
                f"Nothing was imported: {bad} and all-or-nothing is on. "
                f"The other rows were valid ({counts}). Fix the errors and import again."
            )
        skipped = f"; {bad} skipped" if self.failed else ""
        return f"Import finished ({self.rows:,} rows): {counts}{skipped}."


# --- cells --------------------------------------------------------------------------------------------------


def _looks_dangerous(text: str) -> bool:
    """Would a spreadsheet treat it as a formula, or is it a neutralised value whose quote must survive?"""
    while text.startswith("'"):
        text = text[1:]
        if text.startswith(FORMULA_STARTS):
            return True
    return text.startswith(FORMULA_STARTS)


def neutralise(value: Any) -> Any:
    """'=cmd()' -> "'=cmd()": a spreadsheet shows such a cell as text instead of running it."""
    if isinstance(value, str) and _looks_dangerous(value):
        return "'" + value
    return value


def _unneutralise(text: str) -> str:
    return text[1:] if text.startswith("'") and _looks_dangerous(text[1:]) else text


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def _cell_text(value: Any) -> str:
    """An XLSX cell's value as the text the import reads (Excel turns typed dates and times into numbers)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        if value.time() == time(0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return f"{value.hour}:{value.minute:02d}:{value.second:02d}"
    if isinstance(value, timedelta):
        return format_duration(int(value.total_seconds()))
    return str(value)


# --- reading files -------------------------------------------------------------------------------------------


def template_csv() -> bytes:
    """The header and one example row, as UTF-8 CSV (with a BOM, so Excel reads the accents right)."""
    return to_csv([_EXAMPLE])


def _refuse(message: str) -> ValidationFailed:
    return ValidationFailed({"file": message})


def _normalise_header(name: Any) -> str:
    return _cell_text(name).strip().lstrip("\ufeff").lower().replace(" ", "_")


def _extent(cells: list[str]) -> int:
    """1 + the position of the last non-blank cell (0 for a blank row)."""
    for i in range(len(cells) - 1, -1, -1):
        if cells[i].strip():
            return i + 1
    return 0


def _frame_from(grid: list[list[str]]) -> pd.DataFrame:
    """First line = header; the index of the returned frame is the spreadsheet row number."""
    if not grid or not any(cell.strip() for cell in grid[0]):
        raise _refuse("is empty: the first row must hold the column names (download the template)")
    raw_header = [_normalise_header(h) for h in grid[0]]
    body = grid[1:]
    extents = [_extent(r) for r in body]
    widest = max(extents, default=0)
    keep = []  # positions of named columns; unnamed ones must be empty (spreadsheets add such columns)
    for i, name in enumerate(raw_header):
        if name:
            keep.append(i)
        elif i < widest and any(e > i and body[n][i].strip() for n, e in enumerate(extents)):
            raise _refuse(f"column {i + 1} has data but no name in the first row")
    header = [raw_header[i] for i in keep]
    if widest > len(raw_header):
        n = next(n for n, e in enumerate(extents) if e > len(raw_header))
        raise _refuse(f"row {n + FIRST_DATA_ROW} has more cells than there are columns")
    twice = sorted({h for h in header if header.count(h) > 1})
    if twice:
        raise _refuse(f"names these columns more than once: {', '.join(twice)}")
    check_columns(header)
    rows: list[list[str]] = []
    numbers: list[int] = []
    for n, (raw, e) in enumerate(zip(body, extents, strict=True)):
        if not e:
            continue  # blank lines between rows
        rows.append([raw[i] if i < len(raw) else "" for i in keep])
        numbers.append(n + FIRST_DATA_ROW)
    if len(rows) > MAX_ROWS:
        raise _refuse(f"has more than {MAX_ROWS:,} rows; split it into several files")
    return pd.DataFrame(rows, columns=header, index=pd.Index(numbers, name="row"), dtype=object)


def check_columns(columns: Iterable[str]) -> list[str]:
    """Refuse unknown columns and missing required ones; return the columns the file leaves out."""
    present = list(columns)
    unknown = [c for c in present if c not in COLUMNS]
    missing = [c for c in REQUIRED_COLUMNS if c not in present]
    problems = []
    if unknown:
        problems.append(f"has unknown columns: {', '.join(unknown)} (allowed: {', '.join(COLUMNS)})")
    if missing:
        problems.append(f"lacks the required columns: {', '.join(missing)}")
    if problems:
        raise _refuse("; ".join(problems))
    return [c for c in COLUMNS if c not in present]


def _read_xlsx(data: bytes) -> list[list[str]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" not in names:
                raise _refuse("is a ZIP archive but not an Excel workbook (.xlsx)")
            if sum(info.file_size for info in archive.infolist()) > MAX_XLSX_UNPACKED:
                raise _refuse("unpacks to more than 300 MB; save it as CSV or split it")
    except zipfile.BadZipFile as exc:
        raise _refuse("looks like an .xlsx workbook but is damaged; save it again") from exc
    from openpyxl import load_workbook

    grid: list[list[str]] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it skips
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)  # data_only: never formulas
            try:
                sheet = book.worksheets[0]
                filled = 0  # formatted but empty rows do not count (they keep the numbering)
                for values in sheet.iter_rows(values_only=True):
                    cells = [_cell_text(v) for v in values]
                    if any(c.strip() for c in cells):
                        filled += 1
                        grid.append(cells)
                    else:
                        grid.append([])
                    if filled > MAX_ROWS + 1:
                        raise _refuse(f"has more than {MAX_ROWS:,} rows; split it into several files")
            finally:
                book.close()
    except ValidationFailed:
        raise
    except Exception as exc:  # openpyxl raises many kinds on a broken workbook
        raise _refuse(f"could not be read as an Excel workbook ({type(exc).__name__}); save it again") from exc
    return grid


def _read_csv(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _refuse(
            "is neither an Excel workbook (.xlsx) nor UTF-8 CSV text; in Excel choose Save As → “CSV UTF-8”"
        ) from exc
    if "\x00" in text:
        raise _refuse("contains binary data; upload a CSV (UTF-8) or .xlsx file")
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)  # Excel in some locales saves with ';'
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            header=None,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            nrows=2 * MAX_ROWS + 2,  # blank lines do not count; _frame_from applies the limit
            engine="c",
        )
    except pd.errors.EmptyDataError as exc:
        raise _refuse("is empty: the first row must hold the column names (download the template)") from exc
    except (pd.errors.ParserError, ValueError) as exc:
        raise _refuse(f"is not valid CSV: {str(exc).strip()[:200]}") from exc
    if len(frame) > 2 * MAX_ROWS + 1:
        raise _refuse(f"has more than {MAX_ROWS:,} rows; split it into several files")
    # Short rows are padded with NaN (a float) even with na_filter=False: those cells are empty.
    return [[cell if isinstance(cell, str) else "" for cell in row] for row in frame.itertuples(index=False, name=None)]


def read_table(data: bytes, filename: str) -> pd.DataFrame:
    """CSV or XLSX -> a frame of text cells whose index is the spreadsheet row number.

    The format is decided by the content (an .xlsx is a ZIP archive), never by `filename`, which only
    appears in messages. Raises ValidationFailed({"file": ...}) with a message a person can act on.
    """
    name = (filename or "the file")[:120]
    if len(data) > MAX_BYTES:
        raise _refuse(f"{name} is larger than {MAX_BYTES // (1024 * 1024)} MB; split it into several files")
    if not data.strip():
        raise _refuse(f"{name} is empty")
    if data.startswith(XLSX_MAGIC):
        grid = _read_xlsx(data)
    elif data.startswith(OLE_MAGIC):
        raise _refuse("is an old Excel .xls file; save it as .xlsx or CSV UTF-8")
    else:
        grid = _read_csv(data)
    return _frame_from(grid)


# --- import ---------------------------------------------------------------------------------------------------


ProgressFn = Callable[[int, int], None]
Record = tuple[int, str, dict[str, str]]  # (spreadsheet row number, slug, cells)
PUBLIC = ("published", "scheduled")


@dataclass
class _Lookups:
    """Per chunk of rows, one IN query each: the live videos the rows name (locked, as the editor locks the
    video it saves), their performer ids, and the performers the rows list; collections by slug are kept for
    the whole file. It also answers `_clean`'s two database questions (service.CleanLookups) from what it
    read, and asks the database only about anything else."""

    session: Session
    videos: dict[str, Video] = field(default_factory=dict)
    slugs: set[str] = field(default_factory=set)  # the slugs `videos` was read for (found or not)
    links: dict[int, list[int]] = field(default_factory=dict)  # video id -> performer ids in billing order
    performers: dict[str, Performer] = field(default_factory=dict)
    live_performers: set[int] = field(default_factory=set)
    collections: dict[str, Collection | None] = field(default_factory=dict)
    live_collections: dict[int, bool] = field(default_factory=dict)

    def load(self, records: list[Record]) -> None:
        session = self.session
        self.slugs = {slug for _, slug, _ in records if slug}
        live = select(Video).where(Video.slug.in_(self.slugs), Video.deleted_at.is_(None)).with_for_update(of=Video)
        self.videos = {v.slug: v for v in session.execute(live).scalars()} if self.slugs else {}
        self.links = {}
        if self.videos and "performers" in records[0][2]:
            for video_id, performer_id in session.execute(
                select(VideoPerformer.video_id, VideoPerformer.performer_id)
                .where(VideoPerformer.video_id.in_([v.id for v in self.videos.values()]))
                .order_by(VideoPerformer.video_id, VideoPerformer.billing_order, VideoPerformer.id)
            ):
                self.links.setdefault(video_id, []).append(performer_id)
        wanted = {p.lower() for _, _, cells in records for p in _split(cells.get("performers", ""))}
        self.performers = {}
        if wanted:
            query = select(Performer).where(Performer.slug.in_(wanted), Performer.deleted_at.is_(None))
            self.performers = {p.slug: p for p in session.execute(query).scalars()}
        self.live_performers = {p.id for p in self.performers.values()}
        new = {
            c for _, _, cells in records if (c := cells.get("collection", "").strip().lower())
        } - self.collections.keys()
        if new:
            self.collections.update(dict.fromkeys(new))
            found = select(Collection).where(Collection.slug.in_(new), Collection.deleted_at.is_(None))
            self.collections.update({c.slug: c for c in session.execute(found).scalars()})
            self.live_collections.update({c.id: True for c in self.collections.values() if c is not None})

    def collection_id(self, slug: str) -> int | None:
        found = self.collections.get(slug)
        return found.id if found is not None else None

    # service.CleanLookups

    def collection_is_live(self, collection_id: int) -> bool:
        if collection_id not in self.live_collections:  # e.g. a stored collection when the column is left out
            self.live_collections[collection_id] = DatabaseLookups(self.session).collection_is_live(collection_id)
        return self.live_collections[collection_id]

    def slug_taken(self, slug: str, except_id: int | None) -> bool:
        if slug not in self.slugs:
            return DatabaseLookups(self.session).slug_taken(slug, except_id)
        holder = self.videos.get(slug)  # live slugs are unique (uq_videos_slug_live)
        return holder is not None and holder.id != except_id

    def slugs_taken(self, slugs: list[str], except_id: int | None) -> set[str]:
        read = {slug for slug in slugs if slug in self.slugs and self.slug_taken(slug, except_id)}
        unread = [slug for slug in slugs if slug not in self.slugs]
        return read | (DatabaseLookups(self.session).slugs_taken(unread, except_id) if unread else set())


def _row_key(cells: Mapping[str, str]) -> str:
    slug = cells.get("slug", "").strip().lower()
    return slug or slugify(cells.get("title", ""), SLUG_MAX)


def _records(frame: pd.DataFrame) -> list[Record]:
    """(row number, slug, cells) for every row, cells as text with the export's neutralising quote removed."""
    columns = [str(c) for c in frame.columns]
    out = []
    for number, values in zip(frame.index, frame.itertuples(index=False, name=None), strict=True):
        cells = {col: _unneutralise(_cell_text(v)) for col, v in zip(columns, values, strict=True)}
        out.append((int(number), _row_key(cells), cells))
    return out


def _duplicates(records: list[Record]) -> dict[int, str]:
    rows_of: dict[str, list[int]] = {}
    for number, slug, _ in records:
        if slug:
            rows_of.setdefault(slug, []).append(number)
    messages = {}
    for slug, numbers in rows_of.items():
        if len(numbers) > 1:
            for n in numbers:
                others = ", ".join(str(o) for o in numbers if o != n)
                messages[n] = f"“{slug}” appears more than once in the file (also on row {others})"
    return messages


def _service_data(
    cells: dict[str, str], slug: str, existing: Video | None, lookups: _Lookups, errors: dict[str, str]
) -> dict[str, Any]:
    """The editor-style input for create_video/update_video. Columns absent from the file keep what is stored."""
    data: dict[str, Any] = {name: getattr(existing, name) for name in EDITABLE} if existing else {}
    for column, value in cells.items():
        if column == "performers":
            continue
        if column == "slug":
            data["slug"] = slug
        elif column == "collection":
            key = value.strip().lower()
            data["collection_id"] = lookups.collection_id(key) if key else None
            if key and data["collection_id"] is None:
                errors["collection"] = f"no collection has the slug “{value.strip()[:140]}”"
        elif column in ("genres", "qualities"):
            data[column] = _split(value)
        elif column == "featured":
            flag = value.strip().lower()
            if flag not in YES | NO:
                errors["featured"] = "must be yes or no"
            data["is_featured"] = flag in YES
        elif column == "release_date":
            data["release_date"] = value
            stored = existing.release_date.isoformat() if existing and existing.release_date else ""
            keep_year = existing is not None and value.strip() in ("", stored)
            data["release_year"] = existing.release_year if existing and keep_year else None
        else:
            data[_FIELD_OF_COLUMN.get(column, column)] = value
    kind = (data.get("kind") or (existing.kind if existing else "movie")).strip()
    in_season = existing is not None and existing.season_id is not None
    if kind == "episode" and not in_season:
        errors["kind"] = "episode needs a season: add episodes from their series, not by import"
    elif in_season and kind != "episode":
        errors["kind"] = "this video is an episode of a series; its kind stays episode"
    return data


def _performer_ids(cells: dict[str, str], lookups: _Lookups, errors: dict[str, str]) -> list[int] | None:
    if "performers" not in cells:
        return None
    slugs = [s.lower() for s in _split(cells["performers"])]
    missing = [s for s in slugs if s not in lookups.performers]
    if missing:
        shown = ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "")
        errors["performers"] = f"performer(s) not found: {shown[:300]}"
        return None
    return [lookups.performers[s].id for s in slugs]


def _service_errors(exc: ConsoleError) -> dict[str, str]:
    if isinstance(exc, ValidationFailed):
        return {_COLUMN_OF_FIELD.get(name, name): message for name, message in exc.errors.items()}
    return {"": exc.message}


def _merge(errors: dict[str, str], exc: ConsoleError) -> None:
    for column, message in _service_errors(exc).items():
        errors.setdefault(column, message)


@dataclass
class _Row:
    """A valid row, planned: what it changes. `video` is set once it is written."""

    number: int
    existing: Video | None
    values: dict[str, Any]  # the service's cleaned values
    before: dict[str, Any] | None  # video_view of the existing video, before the change
    fields_changed: bool
    before_ids: list[int]  # the performers linked now, in billing order
    performer_ids: list[int] | None  # the new billing list when the links change, else None
    warnings: list[RowIssue]
    video: Video | None = None

    @property
    def outcome(self) -> str:
        if self.existing is None:
            return "created"
        return "updated" if self.fields_changed or self.performer_ids is not None else "unchanged"


def _plan(number: int, slug: str, cells: dict[str, str], lookups: _Lookups, errors: dict[str, str]) -> _Row | None:
    """Validate one row with the editor's rules (service.validate_video_data, set_performers' list rules) against
    the chunk's lookups, without touching the database. None when `errors` holds anything."""
    existing = lookups.videos.get(slug) if slug else None
    data = _service_data(cells, slug, existing, lookups, errors)
    performer_ids = _performer_ids(cells, lookups, errors)
    values: dict[str, Any] | None = None
    try:
        values = validate_video_data(lookups.session, data, current=existing, lookups=lookups)
    except ValidationFailed as exc:
        _merge(errors, exc)
    if performer_ids is not None:
        try:
            check_performer_ids(performer_ids, lookups.live_performers)
        except ValidationFailed as exc:
            _merge(errors, exc)
    if errors or values is None:
        return None
    before = video_view(existing) if existing is not None else None
    stored = lookups.links.get(existing.id, []) if existing is not None else []
    warnings = []
    state = existing.state if existing is not None else "draft"  # importing never publishes
    if performer_ids is not None and state not in PUBLIC and len(performer_ids) != values["performer_count"]:
        warnings.append(
            RowIssue(
                number,
                "performers",
                f"{len(performer_ids)} performer(s) listed but the performer count says "
                f"{values['performer_count']}: fine for a draft, but publishing will be refused",
            )
        )
    return _Row(
        number=number,
        existing=existing,
        values=values,
        before=before,
        fields_changed=before is not None and any(before[name] != value for name, value in values.items()),
        before_ids=stored,
        performer_ids=performer_ids if performer_ids is not None and performer_ids != stored else None,
        warnings=warnings,
    )


def _write(session: Session, rows: list[_Row]) -> dict[int, str]:
    """Apply planned rows as create_video/update_video/set_performers would: the videos in one flush, then their
    performer links in another; then ask the publishing gate about every public video the rows change (after
    the change, links included). Returns the gate's refusals by row number; records no audit events."""
    relink = [row.existing.id for row in rows if row.existing is not None and row.performer_ids is not None]
    if relink:
        for link in session.execute(select(VideoPerformer).where(VideoPerformer.video_id.in_(relink))).scalars():
            session.delete(link)
    collections: set[int | None] = set()
    performers: set[int] = set()
    for row in rows:
        if row.existing is None:
            row.video = Video(**row.values, state="draft")
            session.add(row.video)
            collections.add(row.video.collection_id)
        else:
            video = row.video = row.existing
            if row.fields_changed:
                collections |= {video.collection_id, row.values["collection_id"]}
                for name, value in row.values.items():
                    setattr(video, name, value)
            if row.performer_ids is not None:
                video.updated_at = utcnow()  # bumps the version, as set_performers does
        if row.performer_ids is not None:
            performers |= set(row.before_ids) | set(row.performer_ids)
    preassign_ids(session, [row.video for row in rows if row.existing is None])
    session.flush()
    links = [
        VideoPerformer(video_id=row.video.id, performer_id=performer_id, billing_order=order)
        for row in rows
        if row.video is not None and row.performer_ids
        for order, performer_id in enumerate(row.performer_ids, start=1)
    ]
    if links:
        preassign_ids(session, links)
        session.add_all(links)
        session.flush()
    recount_collections(session, collections)
    recount_performers(session, performers)
    public = {
        row.number: row.video
        for row in rows
        if row.video is not None
        and row.existing is not None
        and (row.fields_changed or row.performer_ids is not None)
        and row.video.state in PUBLIC
    }
    blockers = publish_blockers_many(session, list(public.values()))
    return {
        number: "This change would break a public video: " + "; ".join(blockers[video.id]) + "."
        for number, video in public.items()
        if blockers[video.id]
    }


def _record(session: Session, actor: Actor, rows: list[_Row]) -> None:
    """The audit events the services write: one per change of each row (video.create or video.update, and
    video.performers when the links change), in row order."""
    for row in rows:
        video = row.video
        assert video is not None
        if row.existing is None:
            record(session, actor, "video.create", "video", video.id, after=video_view(video))
        elif row.fields_changed:
            record(session, actor, "video.update", "video", video.id, row.before, video_view(video))
        if row.performer_ids is not None:
            before, after = {"performers": row.before_ids}, {"performers": row.performer_ids}
            record(session, actor, "video.performers", "video", video.id, before, after)


def _database_error(exc: Exception) -> str:
    if isinstance(exc, StaleDataError):
        return "the video was changed by someone else during the import; import this row again"
    orig = getattr(exc, "orig", None)
    constraint = getattr(getattr(orig, "diag", None), "constraint_name", None)
    detail = constraint or str(orig or exc).strip().splitlines()[0][:200]
    return f"the database refused this row ({detail}); nothing of it was saved"


@dataclass
class _ChunkResult:
    rows: list[_Row] = field(default_factory=list)  # applied
    errors: dict[int, dict[str, str]] = field(default_factory=dict)  # row number -> column -> message


def _import_chunk(
    session: Session,
    actor: Actor,
    chunk: list[Record],
    lookups: _Lookups,
    duplicates: dict[int, str],
    *,
    audit: bool,
) -> _ChunkResult:
    """Validate a chunk in Python, write its valid rows together in a SAVEPOINT, and record their audit events.

    When the gate refuses rows, the savepoint is rolled back and the chunk written again without them. When the
    database refuses the batch (a constraint, a concurrent change), the chunk is redone a row at a time, each
    row in its own savepoint, so the error lands on the row that caused it."""
    refused: dict[int, str] = {}
    for _ in range(3):
        lookups.load(chunk)
        result = _ChunkResult()
        for number, slug, cells in chunk:
            errors: dict[str, str] = {}
            if number in duplicates:
                errors["slug"] = duplicates[number]
            row = _plan(number, slug, cells, lookups, errors)
            if row is not None and number in refused:
                errors[""] = refused[number]
            elif row is not None:
                result.rows.append(row)
            if errors:
                result.errors[number] = errors
        savepoint = session.begin_nested()
        try:
            newly_refused = _write(session, result.rows)
        except (IntegrityError, DataError, StaleDataError):
            savepoint.rollback()
            break
        if newly_refused:  # undo the chunk and write it again without them
            savepoint.rollback()
            refused.update(newly_refused)
            continue
        if audit:
            _record(session, actor, result.rows)
        savepoint.commit()
        return result
    return _import_rows_one_by_one(session, actor, chunk, lookups, duplicates, audit=audit)


def _import_rows_one_by_one(
    session: Session,
    actor: Actor,
    chunk: list[Record],
    lookups: _Lookups,
    duplicates: dict[int, str],
    *,
    audit: bool,
) -> _ChunkResult:
    lookups.load(chunk)
    result = _ChunkResult()
    for number, slug, cells in chunk:
        errors: dict[str, str] = {}
        if number in duplicates:
            errors["slug"] = duplicates[number]
        row = _plan(number, slug, cells, lookups, errors)
        if row is not None:
            savepoint = session.begin_nested()
            try:
                refused = _write(session, [row])
            except (IntegrityError, DataError, StaleDataError) as exc:
                savepoint.rollback()
                errors[""] = _database_error(exc)
            else:
                if refused:
                    savepoint.rollback()
                    errors[""] = refused[number]
                else:
                    if audit:
                        _record(session, actor, [row])
                    savepoint.commit()
                    result.rows.append(row)
        if errors:
            result.errors[number] = errors
    return result


class _Discard(Exception):
    """Leaves deferred_recounts without recounting: everything the import wrote is about to be rolled back."""


def _run(
    session: Session,
    actor: Actor,
    frame: pd.DataFrame,
    *,
    dry_run: bool,
    all_or_nothing: bool,
    progress: ProgressFn | None,
) -> ImportReport:
    require(actor, Permission.CATALOG_EDIT)
    left_out = check_columns(str(c) for c in frame.columns)
    if len(frame) > MAX_ROWS:
        raise _refuse(f"has more than {MAX_ROWS:,} rows; split it into several files")
    report = ImportReport(rows=len(frame), dry_run=dry_run, all_or_nothing=all_or_nothing)
    if left_out:
        report.warnings.append(
            RowIssue(
                1,
                ", ".join(left_out),
                "not in the file: existing videos keep these values, new videos get the defaults",
            )
        )
    records = _records(frame)
    duplicates = _duplicates(records)
    lookups = _Lookups(session)
    total = len(records)
    done = 0
    if progress:
        progress(0, total)
    outer = session.begin_nested()  # dry runs and refused all-or-nothing imports roll back to here
    try:
        with deferred_recounts(session):  # collection/performer counters: once at the end, not per row
            for start in range(0, total, CHUNK):
                chunk = records[start : start + CHUNK]
                # A dry run (and an all-or-nothing import that already failed) is rolled back: no audit events.
                audit = not dry_run and not (all_or_nothing and report.errors)
                result = _import_chunk(session, actor, chunk, lookups, duplicates, audit=audit)
                for row in result.rows:
                    setattr(report, row.outcome, getattr(report, row.outcome) + 1)
                    report.warnings.extend(row.warnings)
                for number, errors in result.errors.items():
                    report.failed += 1
                    report.errors.extend(RowIssue(number, column, message) for column, message in errors.items())
                done += len(chunk)
                if progress:
                    progress(done, total)
            if dry_run or (all_or_nothing and report.errors):
                raise _Discard
    except _Discard:
        outer.rollback()
    except BaseException:
        outer.rollback()
        raise
    else:
        outer.commit()
        report.written = bool(report.created or report.updated)
    report.errors.sort(key=lambda issue: (issue.row, COLUMNS.index(issue.column) if issue.column in COLUMNS else -1))
    return report


def dry_run(session: Session, *, actor: Actor, frame: pd.DataFrame, progress: ProgressFn | None = None) -> ImportReport:
    """Validate and write every row exactly as `commit` would (the gate included), then roll all of it back: no
    rows, and no audit events (none are recorded, so a dry run does not hold the audit chain's lock either)."""
    return _run(session, actor, frame, dry_run=True, all_or_nothing=False, progress=progress)


def commit(
    session: Session,
    *,
    actor: Actor,
    frame: pd.DataFrame,
    all_or_nothing: bool,
    progress: ProgressFn | None = None,
) -> ImportReport:
    """Apply the rows in the caller's transaction (idempotent on slug; unchanged rows write nothing).

    all_or_nothing=True: when any row is invalid nothing is applied (report.written is False).
    all_or_nothing=False: the valid rows are applied (chunk by chunk); invalid and refused rows are reported
    and skipped.
    """
    return _run(session, actor, frame, dry_run=False, all_or_nothing=all_or_nothing, progress=progress)


def issues_csv(report: ImportReport) -> bytes:
    """Every error and warning of a report as CSV (row, column, level, message), for fixing big files."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["row", "column", "level", "message"])
    for level, issues in (("error", report.errors), ("warning", report.warnings)):
        for issue in issues:
            writer.writerow([issue.row, neutralise(issue.column), level, neutralise(issue.message)])
    return buffer.getvalue().encode("utf-8-sig")


# --- export ----------------------------------------------------------------------------------------------------


def _export_row(video: Video, collection_slug: str, performer_slugs: list[str]) -> dict[str, str]:
    view = video_view(video)

    def text(name: str) -> str:
        value = view.get(name)
        return "" if value is None else str(value)

    row = {name: text(name) for name in COLUMNS if name in view}
    row.update(
        collection=collection_slug,
        release_date=video.release_date.isoformat() if video.release_date else "",
        duration=format_duration(video.duration_seconds),
        genres="; ".join(video.genres or []),
        qualities="; ".join(video.qualities or []),
        rental_price=format_money(video.rental_price_cents),
        purchase_price=format_money(video.purchase_price_cents),
        ppv_price=format_money(video.ppv_price_cents),
        performer_count=str(video.performer_count),
        performers="; ".join(performer_slugs),
        featured="yes" if video.is_featured else "no",
    )
    return {name: row.get(name, "") for name in COLUMNS}


def export_rows(session: Session, *, actor: Actor, flt: VideoFilter, limit: int = EXPORT_LIMIT) -> list[dict[str, str]]:
    """The videos `flt` selects, in id order, as import-format rows; read in keyset batches of 1,000."""
    require(actor, Permission.CATALOG_READ)
    query = filtered_videos(session, flt)
    collections: dict[int, str] = {}
    rows: list[dict[str, str]] = []
    last_id = 0
    while True:
        batch = list(session.execute(query.where(Video.id > last_id).order_by(Video.id).limit(EXPORT_BATCH)).scalars())
        if not batch:
            return rows
        if len(rows) + len(batch) > limit:
            raise ValidationFailed({"export": f"more than {limit:,} videos match; narrow the filter and export again"})
        ids = [v.id for v in batch]
        performers: dict[int, list[str]] = {}
        for video_id, slug in session.execute(
            select(VideoPerformer.video_id, Performer.slug)
            .join(Performer, Performer.id == VideoPerformer.performer_id)
            .where(VideoPerformer.video_id.in_(ids), Performer.deleted_at.is_(None))
            .order_by(VideoPerformer.video_id, VideoPerformer.billing_order, Performer.slug)
        ):
            performers.setdefault(video_id, []).append(slug)
        unknown = {v.collection_id for v in batch if v.collection_id is not None} - collections.keys()
        if unknown:
            for collection_id, collection_slug in session.execute(
                select(Collection.id, Collection.slug).where(Collection.id.in_(unknown))
            ):
                collections[collection_id] = collection_slug
        for video in batch:
            collection = collections.get(video.collection_id, "") if video.collection_id is not None else ""
            rows.append(_export_row(video, collection, performers.get(video.id, [])))
        last_id = batch[-1].id
        del batch  # the identity map holds clean objects weakly: each batch can be collected


def to_csv(rows: list[dict[str, str]]) -> bytes:
    """UTF-8 CSV with a BOM (Excel), formula-like cells neutralised."""
    frame = pd.DataFrame([[neutralise(r.get(c, "")) for c in COLUMNS] for r in rows], columns=list(COLUMNS))
    return frame.to_csv(index=False).encode("utf-8-sig")


def to_xlsx(rows: list[dict[str, str]]) -> bytes:
    """An .xlsx workbook (one sheet, text cells), formula-like cells neutralised.

    Written with openpyxl's streaming write-only mode rather than `DataFrame.to_excel`, which builds every
    cell as an object first: 200,000 rows x 25 columns would take gigabytes.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet("videos")
    widths = {"title": 40, "description": 50, "slug": 30, "performers": 30, "genres": 24}
    for i, name in enumerate(COLUMNS):
        letter = _column_letter(i)
        sheet.column_dimensions[letter].width = widths.get(name, 40 if name.endswith("_url") else 14)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for name in COLUMNS:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", str(neutralise(row.get(c, "")))) for c in COLUMNS])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index + 1))
