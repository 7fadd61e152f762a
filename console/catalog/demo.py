"""Catalog demo data (through the services, audited) and the bulk benchmark catalog for `seed --scale`."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.actor import SYSTEM
from console.bulkload import analyze, bulk_load
from console.catalog import collections as collection_service
from console.catalog import performers as performer_service
from console.catalog import series as series_service
from console.catalog import service as video_service
from console.catalog.models import Collection, Performer, SocialMediaLink, Video, VideoPerformer
from console.catalog.rules import slugify
from console.compliance.demo import paperwork_before_publish
from console.db import session_scope
from console.demo_data import FIRST, LAST, PERFORMER_COLUMNS

COLLECTIONS = [
    ("After Dark", "#FF6B6B", "#4ECDC4", "Late-night features and premieres"),
    ("Studio Classics", "#8E6C8A", "#F2C14E", "Remastered catalogue favourites"),
    ("Indie Showcase", "#2E86AB", "#F6AE2D", "Independent producers, new voices"),
    ("Live Sessions", "#E4572E", "#29335C", "Recorded live streams and events"),
    ("Documentary Lens", "#4C956C", "#FEFEE3", "Behind the work: interviews and making-of"),
    ("Couples", "#D1495B", "#EDAE49", "Stories told by two"),
    ("Spotlight", "#6A4C93", "#8AC926", "Editors' picks, rotated weekly"),
]
ADJECTIVES = [
    "Midnight",
    "Velvet",
    "Golden",
    "Secret",
    "Endless",
    "Electric",
    "Silent",
    "Crimson",
    "Summer",
    "Hidden",
    "Neon",
    "Wild",
    "Private",
    "Lost",
    "Burning",
    "Sweet",
]
NOUNS = [
    "Hour",
    "Motel",
    "Garden",
    "Affair",
    "Tide",
    "Session",
    "Weekend",
    "Lounge",
    "Promise",
    "Journey",
    "Mirror",
    "Letters",
    "Harbor",
    "Encore",
    "Rooftop",
    "Frequency",
]
GENRES = ["romance", "drama", "comedy", "documentary", "reality", "fantasy", "thriller", "music"]
CDN = "https://stream.example.com/v"
# Demo series (title, episode titles per season): two seasons each, episodes made through the series service.
SERIES = [
    ("Harbor Lights", [["Arrival", "Low Tide", "Signals"], ["Homecoming", "The Long Night", "Last Call"]]),
    ("Velvet Letters", [["First Letter", "Reply"], ["Postmark", "Return to Sender"]]),
]
SERIES_VIDEOS = sum(1 + sum(len(season) for season in seasons) for _, seasons in SERIES)


def _title(rng: random.Random, i: int) -> str:
    return f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}" + (f" {rng.randrange(2, 5)}" if i % 7 == 0 else "")


def _thumbnail(rng: random.Random, colour: str, text: str) -> str | None:
    """A locally generated PNG thumbnail (no remote images), stored through the media service."""
    try:
        from io import BytesIO

        from PIL import Image, ImageDraw

        from console.catalog.media import store_thumbnail
    except ImportError:
        return None
    image = Image.new("RGB", (320, 180), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 140, 320, 180), fill=(0, 0, 0))
    draw.text((10, 150), text[:40], fill=(255, 255, 255))
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    return store_thumbnail(buffer.getvalue(), "demo.png")


def seed_catalog_demo(*, videos: int = 300, performers: int = 120) -> str:
    rng = random.Random(7)
    with session_scope() as session:
        if session.execute(select(Collection.id).limit(1)).first() is not None:
            return "Catalog demo data already present; nothing added."
        collections = _demo_collections(session)
        people = [_demo_performer(session, rng, i) for i in range(performers)]
        now = datetime.now(UTC)
        published = 0
        with_series = videos >= 2 * SERIES_VIDEOS  # `videos` counts every video, series and episodes included
        for i in range(videos - SERIES_VIDEOS if with_series else videos):
            published += _demo_video(session, rng, i, collections, people, now)
        if with_series:
            published += _seed_series(session, rng, collections, people, now)
    series_note = f", including {len(SERIES)} series with their seasons and episodes" if with_series else ""
    return (
        f"Seeded {len(COLLECTIONS)} collections, {performers} performers, {videos} videos ({published} published)"
        f"{series_note}."
    )


def _demo_collections(session: Session) -> list[Collection]:
    return [
        collection_service.create_collection(
            session,
            actor=SYSTEM,
            data={"name": name, "color_primary": primary, "color_accent": accent, "description": about},
        )
        for name, primary, accent, about in COLLECTIONS
    ]


def _demo_performer(session: Session, rng: random.Random, i: int) -> Performer:
    """The demo's performer number `i` (from 0), with an Instagram link and, most of the time, an X one."""
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    slug = f"{slugify(name)}-{i + 1}"
    performer = performer_service.create_performer(
        session,
        actor=SYSTEM,
        data={
            "name": name,
            "slug": slug,
            "bio": f"{name} has worked with independent studios since {rng.randrange(2012, 2024)}.",
            "is_active": rng.random() > 0.05,
        },
    )
    handle = slug.replace("-", "_")
    sites = [("instagram", f"https://instagram.com/{handle}")]
    if rng.random() < 0.6:
        sites.append(("twitter", f"https://x.com/{handle}"))
    for platform, url in sites:
        performer_service.set_social_link(
            session, actor=SYSTEM, performer_id=performer.id, platform=platform, handle=handle, url=url
        )
    return performer


def _demo_video(
    session: Session,
    rng: random.Random,
    i: int,
    collections: list[Collection],
    people: list[Performer],
    now: datetime,
) -> int:
    """The demo's stand-alone video number `i` (from 0) with its cast; most complete ones are published or
    scheduled. Returns 1 when it was published."""
    collection = rng.choice(collections)
    title = _title(rng, i)
    cast = rng.sample(people, rng.choice([1, 1, 2, 2, 3]))
    complete = rng.random() > 0.12
    data: dict[str, Any] = {
        "title": title,
        "slug": f"{slugify(title)}-{i + 1}",
        "kind": "live" if i % 23 == 0 else "movie",
        "collection_id": collection.id,
        "description": f"{title}: a {rng.choice(GENRES)} story.",
        "duration_seconds": rng.randrange(8 * 60, 110 * 60),
        "release_date": (now - timedelta(days=rng.randrange(0, 900))).date().isoformat(),
        "language": "English",
        "country": rng.choice(["US", "GB", "FR", "DE", "ES", "CA"]),
        "genres": rng.sample(GENRES, 2),
        "qualities": ["480p", "720p", "1080p"] + (["4k"] if i % 5 == 0 else []),
        "access_level": rng.choice(["FREE", "BASIC", "BASIC", "PREMIUM"]),
        "monetization": "svod",
        "performer_count": len(cast),
        "is_featured": i % 17 == 0,
        "hls_url": f"{CDN}/{i + 1}/master.m3u8" if complete else None,
        "thumbnail_url": _thumbnail(rng, collection.color_primary, title) if complete else None,
    }
    video = video_service.create_video(session, actor=SYSTEM, data=data)
    video_service.set_performers(session, actor=SYSTEM, video_id=video.id, performer_ids=[p.id for p in cast])
    roll = rng.random()
    if complete and roll < 0.62:
        return _publish_if_ready(session, video)
    if complete and roll < 0.70:
        _publish_if_ready(session, video, publish_at=now + timedelta(hours=rng.randrange(2, 240)))
    return 0


def _seed_series(
    session: Session, rng: random.Random, collections: list[Collection], people: list[Performer], now: datetime
) -> int:
    """The demo series: a published series video, two seasons, episodes (season 1 published, season 2 draft)."""
    published = 0
    for n, (title, seasons) in enumerate(SERIES):
        collection = collections[n % len(collections)]
        cast = rng.sample(people, 2)
        slug = slugify(title)
        thumbnail = _thumbnail(rng, collection.color_primary, title)
        series = video_service.create_video(
            session,
            actor=SYSTEM,
            data={
                "title": title,
                "slug": slug,
                "kind": "series",
                "collection_id": collection.id,
                "description": f"{title}: a {rng.choice(GENRES)} series in {len(seasons)} seasons.",
                "language": "English",
                "country": "GB",
                "genres": rng.sample(GENRES, 2),
                "access_level": "BASIC",
                "performer_count": len(cast),
                "hls_url": f"{CDN}/{slug}/trailer/master.m3u8",  # the series' trailer
                "thumbnail_url": thumbnail,
            },
        )
        video_service.set_performers(session, actor=SYSTEM, video_id=series.id, performer_ids=[p.id for p in cast])
        published += _publish_if_ready(session, series)
        for number, episodes in enumerate(seasons, start=1):
            season = series_service.add_season(
                session,
                actor=SYSTEM,
                series_id=series.id,
                data={"release_year": now.year - len(seasons) + number, "description": f"{title}, season {number}."},
            )
            for e, episode_title in enumerate(episodes, start=1):
                episode = series_service.add_episode(
                    session,
                    actor=SYSTEM,
                    season_id=season.id,
                    data={
                        "title": episode_title,
                        "description": f"{title} S{number:02d}E{e:02d}: {episode_title}.",
                        "duration_seconds": rng.randrange(22 * 60, 55 * 60),
                        "qualities": ["720p", "1080p"],
                        "performer_count": len(cast),
                        "hls_url": f"{CDN}/{slug}/s{number}e{e}/master.m3u8",
                        "thumbnail_url": thumbnail,
                    },
                )
                video_service.set_performers(
                    session, actor=SYSTEM, video_id=episode.id, performer_ids=[p.id for p in cast]
                )
                if number == 1:  # season 2 stays in draft
                    published += _publish_if_ready(session, episode)
    return published


def _publish_if_ready(session: Session, video: Video, publish_at: datetime | None = None) -> int:
    """Publish (or schedule, with `publish_at`) through the gate when nothing blocks it. The 2257 paperwork comes
    first (console.compliance.demo); a video whose performer is a deliberate compliance problem stays a draft.
    Returns 1 when the video was published now."""
    paperwork_before_publish(session, video)
    try:  # the gate answers inside publish/schedule, before anything changes
        if publish_at is not None:
            video_service.schedule(session, actor=SYSTEM, video_id=video.id, publish_at=publish_at)
            return 0
        video_service.publish(session, actor=SYSTEM, video_id=video.id)
    except video_service.PublishRefused:
        return 0
    return 1


VIDEO_COLUMNS = [
    "kind",
    "collection_id",
    "title",
    "slug",
    "description",
    "release_date",
    "release_year",
    "duration_seconds",
    "language",
    "country",
    "genres",
    "hls_url",
    "thumbnail_url",
    "qualities",
    "access_level",
    "monetization",
    "currency",
    "performer_count",
    "state",
    "published_at",
    "is_featured",
    "is_trending",
    "view_count",
    "like_count",
    "created_at",
    "updated_at",
    "version",
]
LINK_COLUMNS = ["performer_id", "platform", "handle", "url", "sort_order", "is_verified", "created_at", "updated_at"]
CAST_COLUMNS = ["video_id", "performer_id", "billing_order", "created_at"]


def scale_catalog(*, videos: int, performers: int) -> dict[str, int]:
    """Bulk benchmark catalog: performers with links, videos with 1-3 performers each."""
    rng = random.Random(99)
    now = datetime.now(UTC)
    collection_ids, first_performer, first_video = _scale_start()
    bulk_load(
        Performer,
        PERFORMER_COLUMNS,
        _scale_performer_rows(rng, now, first_performer, performers),
        rebuild_indexes=first_performer == 1,
    )
    performer_ids = range(first_performer, first_performer + performers)
    links = bulk_load(
        SocialMediaLink, LINK_COLUMNS, _scale_link_rows(performer_ids, now), rebuild_indexes=first_performer == 1
    )
    casts: list[list[int]] = []  # filled by the video rows as they are loaded
    video_rows = _scale_video_rows(rng, now, first_video, videos, performer_ids, collection_ids, casts)
    bulk_load(Video, VIDEO_COLUMNS, video_rows, rebuild_indexes=first_video == 1)
    cast_count = bulk_load(
        VideoPerformer, CAST_COLUMNS, _scale_cast_rows(casts, first_video, now), rebuild_indexes=first_video == 1
    )
    _recount_collections()
    analyze("performers", "social_media_links", "videos", "video_performers", "collections")
    return {"performers": performers, "social_links": links, "videos": videos, "video_performers": cast_count}


def _scale_start() -> tuple[list[int], int, int]:
    """The live collections (the demo's seven created first when there are none), and the first free performer
    and video ids: the scale rows are numbered from there."""
    with session_scope() as session:
        if session.execute(select(Collection.id).limit(1)).first() is None:
            _demo_collections(session)
        collection_ids = list(session.execute(select(Collection.id).where(Collection.deleted_at.is_(None))).scalars())
        first_performer = int(session.execute(select(func.coalesce(func.max(Performer.id), 0))).scalar_one()) + 1
        first_video = int(session.execute(select(func.coalesce(func.max(Video.id), 0))).scalar_one()) + 1
    return collection_ids, first_performer, first_video


def _scale_performer_rows(rng: random.Random, now: datetime, first: int, count: int) -> Iterator[dict[str, Any]]:
    for i in range(count):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        created = now - timedelta(days=rng.random() * 1500)
        yield {
            "name": name,
            "slug": f"{slugify(name)}-s{first + i}",
            "bio": None,
            "is_active": True,
            "video_count": 0,
            "created_at": created,
            "updated_at": created,
            "version": 1,
        }


def _scale_link_rows(performer_ids: range, now: datetime) -> Iterator[dict[str, Any]]:
    """An Instagram link for every performer, and an X one for every other."""
    for pid in performer_ids:
        for order, platform in enumerate(("instagram", "twitter")[: 1 + pid % 2]):
            handle = f"performer_{pid}"
            yield {
                "performer_id": pid,
                "platform": platform,
                "handle": handle,
                "url": f"https://{platform}.com/{handle}",
                "sort_order": order,
                "is_verified": False,
                "created_at": now,
                "updated_at": now,
            }


def _scale_video_rows(
    rng: random.Random,
    now: datetime,
    first: int,
    count: int,
    performer_ids: range,
    collection_ids: list[int],
    casts: list[list[int]],
) -> Iterator[dict[str, Any]]:
    """The videos, 70% published; each one's cast (performer ids) is appended to `casts` as it is made."""
    for i in range(count):
        title = _title(rng, i)
        cast = rng.sample(performer_ids, rng.choice([1, 1, 2, 3])) if performer_ids else []
        casts.append(cast)
        created = now - timedelta(days=rng.random() * 1500)
        state = "published" if rng.random() < 0.7 else "draft"
        yield {
            "kind": "movie",
            "collection_id": rng.choice(collection_ids),
            "title": title,
            "slug": f"{slugify(title)}-s{first + i}",
            "description": None,
            "release_date": created.date(),
            "release_year": created.year,
            "duration_seconds": rng.randrange(600, 7200),
            "language": "English",
            "country": "US",
            "genres": rng.sample(GENRES, 2),
            "hls_url": f"{CDN}/s{first + i}/master.m3u8",
            "thumbnail_url": f"https://img.example.com/thumbs/s{first + i}.jpg",
            "qualities": ["720p", "1080p"],
            "access_level": "BASIC",
            "monetization": "svod",
            "currency": "USD",
            "performer_count": max(1, len(cast)),
            "state": state,
            "published_at": created if state == "published" else None,
            "is_featured": False,
            "is_trending": False,
            "view_count": rng.randrange(0, 100_000),
            "like_count": rng.randrange(0, 5000),
            "created_at": created,
            "updated_at": created,
            "version": 1,
        }


def _scale_cast_rows(casts: list[list[int]], first_video: int, now: datetime) -> Iterator[dict[str, Any]]:
    for i, cast in enumerate(casts):
        for order, pid in enumerate(cast, start=1):
            yield {"video_id": first_video + i, "performer_id": pid, "billing_order": order, "created_at": now}


def _recount_collections() -> None:
    with session_scope() as session:
        for collection in session.execute(select(Collection)).scalars():
            collection.video_count = session.execute(
                select(func.count())
                .select_from(Video)
                .where(Video.collection_id == collection.id, Video.deleted_at.is_(None))
            ).scalar_one()
