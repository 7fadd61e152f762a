"""One row of an import, planned: the chunk's lookups (one IN query each), the row's cells turned into the
editor's input, validated by the editor's rules, and what the row would change. Nothing is written here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from console.catalog.models import Collection, Performer, Video, VideoPerformer
from console.catalog.rules import slugify
from console.catalog.service import (
    EDITABLE,
    SLUG_MAX,
    DatabaseLookups,
    check_performer_ids,
    validate_video_data,
    video_view,
)
from console.catalog.transfer.columns import (
    _COLUMN_OF_FIELD,
    _FIELD_OF_COLUMN,
    NO,
    YES,
    _cell_text,
    _split,
    _unneutralise,
)
from console.catalog.transfer.report import RowIssue
from console.errors import ConsoleError, ValidationFailed

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
