"""Series (seed 002): the seasons of a `series` video and their episodes.

A season belongs to one series video and has a number unique within it (0 for specials). Its episodes are
`episode` videos: they are created through `service.create_video`, so every video rule (title, slug, URLs,
prices …) applies, and they carry an episode number unique among the season's live episodes. Episodes
publish like any other video, through the gate (`service.publish` -> `_make_public`); nothing here makes a
video public. Every change writes its audit event in the caller's transaction; nothing here commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.actor import Actor
from console.audit.last_change import last_change
from console.audit.service import record
from console.catalog.models import Season, Video
from console.catalog.rules import slugify
from console.catalog.service import SLUG_MAX, _locked_video, create_video
from console.errors import Conflict, NotFound, RuleViolation, ValidationFailed
from console.staff.permissions import Permission, require
from console.validation import clean_text

SEASON_NUMBER_MAX = 1_000
EPISODE_NUMBER_MAX = 10_000
SEASON_TITLE_MAX = 200  # the column's length
SEASON_DESCRIPTION_MAX = 5_000
# What a new episode takes over from its series unless the input says otherwise.
INHERITED = ("collection_id", "access_level", "language", "country", "genres")


def season_view(season: Season) -> dict[str, Any]:
    """The audited and displayed state of a season."""
    return {
        "id": season.id,
        "series_id": season.series_id,
        "season_number": season.season_number,
        "title": season.title,
        "description": season.description,
        "release_year": season.release_year,
        "version": season.version,
    }


def episode_place(video: Video) -> dict[str, Any]:
    """Where an episode sits (the before/after of a renumbering)."""
    return {"season_id": video.season_id, "episode_number": video.episode_number}


@dataclass
class SeasonEpisodes:
    season: Season
    episodes: list[Video] = field(default_factory=list)

    @property
    def next_episode_number(self) -> int:
        numbers = [e.episode_number for e in self.episodes if e.episode_number is not None]
        return max(numbers) + 1 if numbers else 1


@dataclass(frozen=True)
class EpisodeContext:
    """For the video editor: "Episode 3 of Season 1 of <series>"."""

    series_id: int
    series_title: str
    season_id: int
    season_number: int
    episode_number: int | None


# --- reading -------------------------------------------------------------------------------------------


def episode_ids(session: Session, video_id: int) -> list[int]:
    """The ids of a series' episodes that are not deleted, in id order (none for any other kind of video): what an
    emergency report on the series holds with it."""
    return list(
        session.execute(
            select(Video.id)
            .join(Season, Season.id == Video.season_id)
            .where(Season.series_id == video_id, Video.deleted_at.is_(None))
            .order_by(Video.id)
        ).scalars()
    )


def _series(session: Session, series_id: int, *, lock: bool = False) -> Video:
    query = select(Video).where(Video.id == series_id)
    if lock:  # serialises season numbering per series
        query = query.with_for_update()
    video = session.execute(query).scalar_one_or_none()
    if video is None:
        raise NotFound(f"Video #{series_id} does not exist.")
    if video.kind != "series":
        raise RuleViolation(
            f"“{video.title}” is a {video.kind}, not a series: only series videos have seasons and episodes. "
            "Change its kind to “series” in the editor first."
        )
    return video


def _changeable(series: Video) -> None:
    if series.deleted_at is not None:
        raise RuleViolation(f"The series “{series.title}” is deleted; restore it before changing its seasons.")


def get_series(session: Session, *, actor: Actor, series_id: int) -> Video:
    """The series video; RuleViolation when the video is not a series."""
    require(actor, Permission.CATALOG_READ)
    return _series(session, series_id)


def list_seasons(session: Session, *, actor: Actor, series_id: int) -> list[SeasonEpisodes]:
    """The seasons of a series by number, each with its live episodes by episode number."""
    require(actor, Permission.CATALOG_READ)
    series = _series(session, series_id)
    seasons = list(
        session.execute(
            select(Season).where(Season.series_id == series.id).order_by(Season.season_number, Season.id)
        ).scalars()
    )
    grouped = {s.id: SeasonEpisodes(s) for s in seasons}
    if grouped:
        episodes = session.execute(
            select(Video)
            .where(Video.season_id.in_(list(grouped)), Video.deleted_at.is_(None))
            .order_by(Video.episode_number, Video.id)
        ).scalars()
        for episode in episodes:
            if episode.season_id is not None:
                grouped[episode.season_id].episodes.append(episode)
    return list(grouped.values())


def episode_context(session: Session, *, actor: Actor, video_id: int) -> EpisodeContext | None:
    """Which season and series an episode belongs to; None for any other video."""
    require(actor, Permission.CATALOG_READ)
    row = session.execute(
        select(Video.episode_number, Season.id, Season.season_number, Season.series_id)
        .join(Season, Season.id == Video.season_id)
        .where(Video.id == video_id)
    ).first()
    if row is None:
        return None
    episode_number, season_id, season_number, series_id = row
    series_title = session.execute(select(Video.title).where(Video.id == series_id)).scalar_one()
    return EpisodeContext(
        series_id=series_id,
        series_title=series_title,
        season_id=season_id,
        season_number=season_number,
        episode_number=episode_number,
    )


# --- validation ----------------------------------------------------------------------------------------------


def _whole_number(raw: Any, field_name: str, errors: dict[str, str], *, low: int, high: int) -> int | None:
    """A whole number in [low, high] from a typed string, an int or an integral float (ui.number)."""
    message = f"must be a whole number from {low} to {high:,}"
    if isinstance(raw, bool):
        errors[field_name] = message
        return None
    if isinstance(raw, float):
        if not raw.is_integer():
            errors[field_name] = message
            return None
        raw = int(raw)
    if isinstance(raw, str):
        raw = raw.strip()
        if not (raw.isascii() and raw.isdigit() and len(raw) <= 9):
            errors[field_name] = message
            return None
        raw = int(raw)
    if not isinstance(raw, int) or not low <= raw <= high:
        errors[field_name] = message
        return None
    return raw


def _next_season_number(session: Session, series_id: int) -> int:
    last = session.execute(select(func.max(Season.season_number)).where(Season.series_id == series_id)).scalar_one()
    return 1 if last is None else int(last) + 1


def _next_episode_number(session: Session, season_id: int) -> int:
    last = session.execute(
        select(func.max(Video.episode_number)).where(Video.season_id == season_id, Video.deleted_at.is_(None))
    ).scalar_one()
    return 1 if last is None else int(last) + 1


def _clean_season(session: Session, data: dict[str, Any], *, series_id: int, current: Season | None) -> dict[str, Any]:
    """Validate season input; a field left out keeps its stored value (or its default for a new season)."""
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}

    def given(name: str) -> bool:
        return name in data and (current is None or data[name] is not None)

    raw_number = data.get("season_number") if given("season_number") else None
    if raw_number in (None, ""):
        number: int | None = current.season_number if current else _next_season_number(session, series_id)
    else:
        number = _whole_number(raw_number, "season_number", errors, low=0, high=SEASON_NUMBER_MAX)
    if number is not None:
        clash = select(Season.id).where(Season.series_id == series_id, Season.season_number == number)
        if current is not None:
            clash = clash.where(Season.id != current.id)
        if session.execute(clash).first():
            errors["season_number"] = f"is already used: this series has a Season {number}"
    out["season_number"] = number
    if given("title"):
        out["title"] = clean_text(data.get("title"), "title", errors, max_len=SEASON_TITLE_MAX, required=False) or None
    else:
        out["title"] = current.title if current else None
    if given("description"):
        out["description"] = (
            clean_text(
                data.get("description"),
                "description",
                errors,
                max_len=SEASON_DESCRIPTION_MAX,
                required=False,
                multiline=True,
            )
            or None
        )
    else:
        out["description"] = current.description if current else None
    year: Any = data.get("release_year") if given("release_year") else (current.release_year if current else None)
    if year in (None, ""):
        out["release_year"] = None
    else:
        out["release_year"] = _whole_number(year, "release_year", errors, low=1880, high=2100)
        if "release_year" in errors:
            errors["release_year"] = "must be a year between 1880 and 2100"
    if errors:
        raise ValidationFailed(errors)
    return out


def _check_episode_number(
    session: Session, raw: Any, *, season: Season, exclude_id: int | None, errors: dict[str, str]
) -> int | None:
    """A free episode number in `season` (None typed means the next one)."""
    if raw in (None, ""):
        return _next_episode_number(session, season.id)
    number = _whole_number(raw, "episode_number", errors, low=1, high=EPISODE_NUMBER_MAX)
    if number is None:
        return None
    clash = select(Video.id, Video.title).where(
        Video.season_id == season.id, Video.episode_number == number, Video.deleted_at.is_(None)
    )
    if exclude_id is not None:
        clash = clash.where(Video.id != exclude_id)
    taken = session.execute(clash).first()
    if taken is not None:
        errors["episode_number"] = (
            f"is already used: episode {number} of Season {season.season_number} is “{taken.title}”"
        )
        return None
    return number


# --- seasons -------------------------------------------------------------------------------------------------


def _locked_season(session: Session, season_id: int, expected_version: int | None) -> Season:
    season = session.execute(select(Season).where(Season.id == season_id).with_for_update()).scalar_one_or_none()
    if season is None:
        raise NotFound(f"Season #{season_id} does not exist.")
    if expected_version is not None and season.version != expected_version:
        last = last_change(session, "season", season_id)
        raise Conflict(
            f"Season {season.season_number} was changed by {last.by or 'someone else'} while you edited it. "
            "Your input is kept: compare it with the saved version and save again.",
            current=season_view(season),
            changed_by=last.by,
            changed_at=last.at,
        )
    return season


def add_season(session: Session, *, actor: Actor, series_id: int, data: dict[str, Any] | None = None) -> Season:
    """A new season; its number defaults to the next free one (highest + 1, or 1 for the first)."""
    require(actor, Permission.CATALOG_EDIT)
    series = _series(session, series_id, lock=True)
    _changeable(series)
    values = _clean_season(session, data or {}, series_id=series.id, current=None)
    season = Season(series_id=series.id, **values)
    session.add(season)
    session.flush()
    record(session, actor, "season.create", "season", season.id, after=season_view(season))
    return season


def update_season(
    session: Session, *, actor: Actor, season_id: int, data: dict[str, Any], expected_version: int | None
) -> Season:
    require(actor, Permission.CATALOG_EDIT)
    season = _locked_season(session, season_id, expected_version)
    series = _series(session, season.series_id)
    _changeable(series)
    values = _clean_season(session, data, series_id=series.id, current=season)
    before = season_view(season)
    for name, value in values.items():
        setattr(season, name, value)
    if season_view(season) == before:
        return season
    session.flush()
    record(session, actor, "season.update", "season", season.id, before, season_view(season))
    return season


def delete_season(session: Session, *, actor: Actor, season_id: int, expected_version: int | None = None) -> None:
    """Delete an empty season; refused while it holds live episodes.

    Deleted episodes cannot keep pointing at a season that is gone (the database refuses): they are detached
    and become (still deleted) movies, each with its own audit event."""
    require(actor, Permission.CATALOG_EDIT)
    season = _locked_season(session, season_id, expected_version)
    series = _series(session, season.series_id)
    _changeable(series)
    episodes = list(session.execute(select(Video).where(Video.season_id == season.id).with_for_update()).scalars())
    live = [e for e in episodes if e.deleted_at is None]
    if live:
        count = f"{len(live)} episode{'s' if len(live) != 1 else ''}"
        raise RuleViolation(
            f"Season {season.season_number} of “{series.title}” still holds {count}. "
            "Move them to another season or delete them before deleting the season."
        )
    for episode in episodes:
        place_before = {**episode_place(episode), "kind": episode.kind}
        episode.kind, episode.season_id, episode.episode_number = "movie", None, None
        session.flush()
        record(
            session,
            actor,
            "video.episode_detach",
            "video",
            episode.id,
            place_before,
            {**episode_place(episode), "kind": episode.kind},
            reason=f"its season (Season {season.season_number} of “{series.title}”) was deleted",
        )
    before = season_view(season)
    session.delete(season)
    session.flush()
    record(session, actor, "season.delete", "season", before["id"], before, None)


# --- episodes ------------------------------------------------------------------------------------------------


def add_episode(session: Session, *, actor: Actor, season_id: int, data: dict[str, Any]) -> Video:
    """A new draft `episode` video in the season, through the video service (every video rule applies).

    `episode_number` defaults to the next free one; collection, access level, language, country and genres
    default to the series'; the slug defaults to "<series slug>-s01e02-<title>"."""
    require(actor, Permission.CATALOG_EDIT)
    season = _locked_season(session, season_id, None)  # the lock serialises numbering within the season
    series = _series(session, season.series_id)
    _changeable(series)
    errors: dict[str, str] = {}
    number = _check_episode_number(session, data.get("episode_number"), season=season, exclude_id=None, errors=errors)
    if errors or number is None:
        raise ValidationFailed(errors)
    values = {key: value for key, value in data.items() if key != "episode_number"}
    for name in INHERITED:
        if values.get(name) in (None, "", []):
            values[name] = getattr(series, name)
    values["kind"] = "episode"
    if not values.get("slug"):
        title = str(values.get("title") or "").strip()
        values["slug"] = slugify(f"{series.slug} s{season.season_number:02d}e{number:02d} {title}", SLUG_MAX)
    return create_video(session, actor=actor, data=values, season_id=season.id, episode_number=number)


def move_episode(
    session: Session,
    *,
    actor: Actor,
    video_id: int,
    episode_number: Any,
    season_id: int | None = None,
    expected_version: int | None = None,
) -> Video:
    """Give an episode another number, in its season or in another season of the same series."""
    require(actor, Permission.CATALOG_EDIT)
    video = _locked_video(session, video_id, expected_version)
    current = _season_of(session, video)
    target = current if season_id in (None, current.id) else _locked_season(session, int(season_id), None)
    if target.series_id != current.series_id:
        raise ValidationFailed({"season_id": "must be a season of the same series"})
    _changeable(_series(session, target.series_id))
    errors: dict[str, str] = {}
    number = _check_episode_number(session, episode_number, season=target, exclude_id=video.id, errors=errors)
    if errors or number is None:
        raise ValidationFailed(errors)
    if (video.season_id, video.episode_number) == (target.id, number):
        return video
    before = episode_place(video)
    video.season_id, video.episode_number = target.id, number
    session.flush()
    record(session, actor, "video.episode_number", "video", video.id, before, episode_place(video))
    return video


def step_episode(
    session: Session, *, actor: Actor, video_id: int, step: int, expected_version: int | None = None
) -> Video:
    """Swap an episode's number with the previous (step -1) or next (step +1) live episode of its season.
    At either end nothing changes. Two audit events: one per renumbered episode."""
    require(actor, Permission.CATALOG_EDIT)
    if step not in (-1, 1):
        raise ValidationFailed({"step": "must be -1 (up) or +1 (down)"})
    video = _locked_video(session, video_id, expected_version)
    season = _season_of(session, video)
    _changeable(_series(session, season.series_id))
    mine = video.episode_number
    if mine is None:
        raise RuleViolation(f"“{video.title}” has no episode number; give it one first.")
    query = select(Video).where(
        Video.season_id == season.id,
        Video.deleted_at.is_(None),
        Video.id != video.id,
        Video.episode_number.is_not(None),
    )
    if step < 0:
        query = query.where(Video.episode_number < mine).order_by(Video.episode_number.desc())
    else:
        query = query.where(Video.episode_number > mine).order_by(Video.episode_number)
    neighbour = session.execute(query.limit(1).with_for_update()).scalar_one_or_none()
    if neighbour is None:
        return video
    theirs = neighbour.episode_number
    mine_before, theirs_before = episode_place(video), episode_place(neighbour)
    video.episode_number = None  # the unique index holds at every step: park, move the other, land
    session.flush()
    neighbour.episode_number = mine
    session.flush()
    video.episode_number = theirs
    session.flush()
    reason = f"moved {'up' if step < 0 else 'down'} in Season {season.season_number}"
    record(session, actor, "video.episode_number", "video", video.id, mine_before, episode_place(video), reason=reason)
    record(
        session,
        actor,
        "video.episode_number",
        "video",
        neighbour.id,
        theirs_before,
        episode_place(neighbour),
        reason=f"swapped with “{video.title}”",
    )
    return video


def _season_of(session: Session, video: Video) -> Season:
    if video.season_id is None:
        raise RuleViolation(f"“{video.title}” is a {video.kind}, not an episode of a season.")
    if video.deleted_at is not None:
        raise RuleViolation(f"The episode “{video.title}” is deleted; restore it before renumbering it.")
    season = session.get(Season, video.season_id)
    if season is None:  # the foreign key makes this impossible; say so plainly if it happens anyway
        raise NotFound(f"Season #{video.season_id} does not exist.")
    return season
