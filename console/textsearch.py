"""Accent- and case-insensitive name search, the same on SQLite and PostgreSQL.

Searched text (video titles, performer names, legal names, other names) has a *folded* copy in a column beside it
(`title_search`, `name_search`, `legal_name_search`), and a search compares the folded term with that column:
"amelie", "AMÉLIE" and "Amelie" all find "Amélie". PostgreSQL serves the column from a trigram (GIN) index.

One Python function, `fold()`, makes both sides, so both databases give the same answers whatever their collation
or locale. The columns are kept by the ORM (before every insert and update of a row, see `keep_folded`) and by
`bulkload.bulk_load` (which adds them to every row it loads); migration 0004 filled them for existing rows.
Changing `fold()` therefore needs a migration that recomputes the columns (`refold()` does it in batches).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Text, bindparam, column, event, literal, or_, select, text, update
from sqlalchemy import table as table_clause

# Latin letters that carry their "accent" in the letter itself, so NFKD does not split it off.
_LETTERS = str.maketrans(
    {"ø": "o", "đ": "d", "ð": "d", "ł": "l", "ħ": "h", "ŧ": "t", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th"}
)
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})  # controls, invisible format characters, lone surrogates


def _is_ignorable_mark(mark: int, base: int) -> bool:
    """Combining marks that are accents: the generic diacritics, and any mark on a Latin, Greek, Cyrillic,
    Armenian, Hebrew or Arabic letter (niqqud, harakat). Marks are kept where they are letters' vowel signs
    (Devanagari, Telugu, Thai...), and variation selectors are dropped (they only pick a glyph)."""
    return (
        0x0300 <= mark <= 0x036F
        or 0x1AB0 <= mark <= 0x1AFF
        or 0x1DC0 <= mark <= 0x1DFF
        or 0x20D0 <= mark <= 0x20FF
        or 0xFE00 <= mark <= 0xFE2F
        or 0xE0100 <= mark <= 0xE01EF
        or base < 0x0800
    )


def _without_accents(decomposed: str) -> str:
    out: list[str] = []
    base = 0
    for ch in decomposed:
        category = unicodedata.category(ch)
        if category in _DROPPED_CATEGORIES:
            continue
        if category == "Mn":
            if _is_ignorable_mark(ord(ch), base):
                continue
        else:
            base = ord(ch)
        out.append(ch)
    return "".join(out)


def fold(text: str | None) -> str:
    """The search form of `text`: case-folded, accents removed, invisible characters dropped, white space
    collapsed. 'Amélie  Poulain' -> 'amelie poulain'; 'STRASSE' and 'Straße' -> 'strasse'; 'Søren' -> 'soren'."""
    if not text:
        return ""
    if text.isascii():
        lower = text.lower()
        if not lower.isprintable():
            lower = "".join(ch for ch in lower if ch.isprintable() or ch.isspace())
        return " ".join(lower.split())
    # compatibility forms and accents first ("ℾ" -> "Γ", "ᾼ" -> "Α"), then case ("Γ" -> "γ", "ß" -> "ss"), then
    # whatever casefold built that decomposes again
    text = _without_accents(unicodedata.normalize("NFKD", text))
    text = _without_accents(unicodedata.normalize("NFKD", text.casefold()))
    folded = unicodedata.normalize("NFC", text).translate(_LETTERS)
    return " ".join(folded.split())


@dataclass(frozen=True)
class Folded:
    """A folded column and the text columns it is made from (joined by a space, empty ones left out)."""

    column: str
    sources: tuple[str, ...]

    def value(self, get: Callable[[str], Any]) -> str:
        return fold(" ".join(str(v) for v in (get(name) for name in self.sources) if v))


FOLDED: dict[str, list[Folded]] = {}  # table name -> its folded columns


def keep_folded(model: Any, column: str, *sources: str) -> None:
    """Keep `model.column` equal to fold(sources) on every ORM insert and update of a row of `model`."""
    spec = Folded(column, sources)
    FOLDED.setdefault(model.__tablename__, []).append(spec)

    def refresh(_mapper: Any, _connection: Any, target: Any) -> None:
        new = spec.value(lambda name: getattr(target, name))
        if getattr(target, column) != new:
            setattr(target, column, new)

    event.listen(model, "before_insert", refresh)
    event.listen(model, "before_update", refresh)


def folded_columns(table: str) -> list[str]:
    return [spec.column for spec in FOLDED.get(table, [])]


def with_folded(table: str, row: Mapping[str, Any]) -> dict[str, Any]:
    """`row` (a dict of column values for `table`) with its folded columns filled in (for bulk loads)."""
    out = dict(row)
    for spec in FOLDED.get(table, []):
        out[spec.column] = spec.value(lambda name: row.get(name))
    return out


def refold(connection: Any, table: str, spec: Folded, *, batch: int = 5_000) -> int:
    """Recompute one folded column for every row of `table`, in keyset batches by id (for migrations).
    PostgreSQL gets one UPDATE ... FROM unnest(ids, values) per batch; SQLite an executemany."""
    t = table_clause(table, column("id"), column(spec.column), *(column(s) for s in spec.sources))
    postgres = connection.dialect.name == "postgresql"
    last, done = 0, 0
    while True:
        rows = connection.execute(
            select(t.c.id, *(t.c[s] for s in spec.sources)).where(t.c.id > last).order_by(t.c.id).limit(batch)
        ).all()
        if not rows:
            return done
        ids = [r[0] for r in rows]
        values = [spec.value(dict(zip(spec.sources, r[1:], strict=True)).get) for r in rows]
        if postgres:
            connection.execute(
                text(
                    f"UPDATE {table} SET {spec.column} = v.folded "
                    "FROM unnest(CAST(:ids AS bigint[]), CAST(:values AS text[])) AS v(id, folded) "
                    f"WHERE {table}.id = v.id"
                ),
                {"ids": ids, "values": values},
            )
        else:
            connection.execute(
                update(t).where(t.c.id == bindparam("row_id")).values({spec.column: bindparam("folded")}),
                [{"row_id": i, "folded": v} for i, v in zip(ids, values, strict=True)],
            )
        last, done = ids[-1], done + len(rows)


def escape_like(text: str) -> str:
    """`text` for a LIKE pattern with '/' as the escape character."""
    return text.replace("/", "//").replace("%", "/%").replace("_", "/_")


def pattern(text: str) -> Any:
    """A LIKE pattern written into the SQL rather than bound. PostgreSQL plans a bound pattern once for every value
    (a prepared statement's generic plan, after a few runs): it cannot see that "%zzzz%" matches nothing, and walked
    a million members in date order looking for one (0.9 s). Written in, each search is planned for its own text;
    SQLAlchemy quotes it (it is a literal, never SQL)."""
    return literal(text, Text(), literal_execute=True)


def contains(column: Any, folded: str) -> Any:
    """`column` (a folded search column) contains `folded` anywhere; the pattern is written in (`pattern`)."""
    return column.like(pattern(f"%{escape_like(folded)}%"), escape="/")


def word_in(column: Any, word: str) -> Any:
    """`column` is a folded search column, `word` a folded word. Three letters or more: the name contains them.
    Two letters (Li, Wu, Ng): a whole word of the name is exactly them — a two-letter "contains" would match most
    names and no trigram index could serve it, while these four anchored patterns are each served by the
    trigram index. (Folded text has single spaces between words, so the patterns find every whole word.)"""
    if len(word) >= 3:
        return contains(column, word)
    w = escape_like(word)
    return or_(*(column.like(pattern(p), escape="/") for p in (w, f"{w} %", f"% {w}", f"% {w} %")))
