"""The file format the template, the import and the export share: the columns, the service field each
stands for, the example row, and cell text (formula neutralising, typed spreadsheet values as text)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from console.catalog.rules import format_duration

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
