"""Fast loading of generated rows for `seed --scale`: COPY on PostgreSQL, batched executemany on SQLite.

Only for generated benchmark data written by the system (one audit event for the whole run), never
for staff input: staff changes go through the services and their per-row audit events.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from itertools import islice
from typing import Any, cast

from sqlalchemy import Table, insert

from console.db import get_engine, owner_engine, session_scope
from console.textsearch import folded_columns, with_folded


def _copy_value(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict) else str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def copy_line(row: dict[str, Any], columns: list[str]) -> str:
    """One line of PostgreSQL COPY text format."""
    return "\t".join(_copy_value(row[c]) for c in columns) + "\n"


def _batches(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def bulk_load(model: Any, columns: list[str], rows: Iterable[dict[str, Any]], *, rebuild_indexes: bool) -> int:
    """Load rows into `table`; with `rebuild_indexes` (an empty table) its secondary indexes are dropped
    first and built once at the end, which is several times faster than maintaining them per row.
    The table's folded search columns (textsearch.py) are computed from each row and loaded with it."""
    table = cast(Table, model.__table__)
    folded = [c for c in folded_columns(table.name) if c not in columns]
    if folded:  # the search columns (textsearch.py) are kept here too, as the ORM keeps them for every other write
        columns = [*columns, *folded]
        rows = (with_folded(table.name, row) for row in rows)
    engine = get_engine()
    count = 0
    if engine.dialect.name != "postgresql":
        for chunk in _batches(rows, 10_000):
            with session_scope() as session:
                session.execute(insert(table), chunk)
            count += len(chunk)
        return count
    indexes = list(table.indexes) if rebuild_indexes else []
    with owner_engine() as owner, owner.begin() as conn:  # DDL: the owner's, when the console's role owns nothing
        for index in indexes:
            index.drop(conn)
    try:
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                for chunk in _batches(rows, 5_000):
                    copy.write("".join(copy_line(row, columns) for row in chunk))
                    count += len(chunk)
            raw.commit()
        finally:
            raw.close()
    finally:
        with owner_engine() as owner, owner.begin() as conn:
            for index in indexes:
                index.create(conn)
    return count


def analyze(*tables: str) -> None:
    with owner_engine() as engine:  # only the owner may VACUUM a table
        if engine.dialect.name == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                for name in tables:
                    conn.exec_driver_sql(f"VACUUM ANALYZE {name}")
        else:
            with engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE")
