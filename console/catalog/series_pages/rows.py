"""What the seasons page reads: the series with its seasons and their episodes as plain values, and the words
the page shows for them."""

from __future__ import annotations

from typing import Any

from console.actor import Actor
from console.catalog.rules import format_duration
from console.catalog.series import get_series, list_seasons, season_view
from console.db import session_scope
from console.ui.formatting import plural

SEASON_LABELS = {
    "season_number": "Season number",
    "title": "Title",
    "release_year": "Release year",
    "description": "Description",
}


def text(value: Any) -> str:
    return "" if value is None else str(value)


def load(actor: Actor, series_id: int) -> dict[str, Any]:
    """The series and its seasons with their episodes, as plain values for the page."""
    with session_scope() as session:
        series = get_series(session, actor=actor, series_id=series_id)
        seasons = []
        for group in list_seasons(session, actor=actor, series_id=series_id):
            row = season_view(group.season)
            row["next_episode"] = group.next_episode_number
            row["episodes"] = [
                {
                    "id": e.id,
                    "number": e.episode_number,
                    "title": e.title,
                    "state": e.state,
                    "duration": format_duration(e.duration_seconds) or "—",
                    "version": e.version,
                }
                for e in group.episodes
            ]
            seasons.append(row)
        return {
            "id": series.id,
            "title": series.title,
            "deleted": series.deleted_at is not None,
            "seasons": seasons,
        }


def season_heading(season: dict[str, Any]) -> str:
    bits = [f"Season {season['season_number']}"]
    if season["title"]:
        bits.append(str(season["title"]))
    bits.append(plural(len(season["episodes"]), "episode"))
    return " · ".join(bits)
