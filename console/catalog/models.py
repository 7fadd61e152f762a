"""The catalog model merged from seeds 001 (collections/videos/performers/photos/links), 000 (categories,
movies, access levels) and 002 (content types, seasons/episodes, monetization)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from console.db import Base, BigIntPK, JSONType, UTCDateTime, utcnow
from console.textsearch import keep_folded

VIDEO_KINDS = ("movie", "series", "episode", "live")
VIDEO_STATES = ("draft", "scheduled", "published", "unpublished")
ACCESS_LEVELS = ("FREE", "BASIC", "PREMIUM")
MONETIZATION = ("svod", "avod", "tvod", "ppv")
QUALITIES = ("480p", "720p", "1080p", "4k")
PHOTO_TYPES = ("video_still", "behind_scenes", "performer_photo", "profile")
SOCIAL_PLATFORMS = ("instagram", "twitter", "onlyfans", "tiktok", "youtube", "custom")

NOT_DELETED = text("deleted_at IS NULL")


class Collection(Base):
    __tablename__ = "collections"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    slug: Mapped[str] = mapped_column(String(140), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    color_primary: Mapped[str] = mapped_column(String(7), nullable=False, default="#263238")
    color_accent: Mapped[str] = mapped_column(String(7), nullable=False, default="#4FC3F7")
    thumbnail_url: Mapped[str | None] = mapped_column(String(2048))
    banner_url: Mapped[str | None] = mapped_column(String(2048))
    featured_video_id: Mapped[int | None] = mapped_column(
        ForeignKey("videos.id", ondelete="SET NULL", use_alter=True, name="fk_collections_featured_video_id_videos")
    )
    is_active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    sort_order: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    video_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow, onupdate=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint("color_primary LIKE '#%' AND length(color_primary) = 7", name="color_primary_hex"),
        CheckConstraint("color_accent LIKE '#%' AND length(color_accent) = 7", name="color_accent_hex"),
        Index("uq_collections_slug_live", "slug", unique=True, sqlite_where=NOT_DELETED, postgresql_where=NOT_DELETED),
        Index("uq_collections_name_live", "name", unique=True, sqlite_where=NOT_DELETED, postgresql_where=NOT_DELETED),
        Index("ix_collections_sort_order", "sort_order", "id"),
    )


class Video(Base):
    __tablename__ = "videos"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False, default="movie")
    collection_id: Mapped[int | None] = mapped_column(ForeignKey("collections.id", ondelete="RESTRICT"))
    title: Mapped[str] = mapped_column(String(500), nullable=False)
    title_search: Mapped[str] = mapped_column(Text, nullable=False, default="", server_default="")  # textsearch.py
    slug: Mapped[str] = mapped_column(String(500), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    release_date: Mapped[date | None] = mapped_column(Date)
    release_year: Mapped[int | None] = mapped_column(Integer)
    duration_seconds: Mapped[int | None] = mapped_column(Integer)
    language: Mapped[str | None] = mapped_column(String(35))
    country: Mapped[str | None] = mapped_column(String(2))
    director: Mapped[str | None] = mapped_column(String(200))
    genres: Mapped[list[str]] = mapped_column(JSONType, nullable=False, default=list)
    hls_url: Mapped[str | None] = mapped_column(String(2048))
    thumbnail_url: Mapped[str | None] = mapped_column(String(2048))
    poster_url: Mapped[str | None] = mapped_column(String(2048))
    backdrop_url: Mapped[str | None] = mapped_column(String(2048))
    trailer_url: Mapped[str | None] = mapped_column(String(2048))
    qualities: Mapped[list[str]] = mapped_column(JSONType, nullable=False, default=list)
    file_size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    access_level: Mapped[str] = mapped_column(String(8), nullable=False, default="FREE")
    monetization: Mapped[str] = mapped_column(String(8), nullable=False, default="svod")
    rental_price_cents: Mapped[int | None] = mapped_column(Integer)
    purchase_price_cents: Mapped[int | None] = mapped_column(Integer)
    ppv_price_cents: Mapped[int | None] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3), nullable=False, default="USD")
    performer_count: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    state: Mapped[str] = mapped_column(String(16), nullable=False, default="draft")
    publish_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    is_featured: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    is_trending: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    view_count: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    like_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    rating: Mapped[Decimal | None] = mapped_column(Numeric(3, 2))
    season_id: Mapped[int | None] = mapped_column(
        ForeignKey("seasons.id", ondelete="RESTRICT", use_alter=True, name="fk_videos_season_id_seasons")
    )
    episode_number: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow, onupdate=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint("performer_count >= 1 AND performer_count <= 10", name="performer_count_range"),
        CheckConstraint("kind IN ('movie', 'series', 'episode', 'live')", name="kind_valid"),
        CheckConstraint("state IN ('draft', 'scheduled', 'published', 'unpublished')", name="state_valid"),
        CheckConstraint("access_level IN ('FREE', 'BASIC', 'PREMIUM')", name="access_level_valid"),
        CheckConstraint("monetization IN ('svod', 'avod', 'tvod', 'ppv')", name="monetization_valid"),
        CheckConstraint("state <> 'scheduled' OR publish_at IS NOT NULL", name="scheduled_has_time"),
        CheckConstraint("state <> 'published' OR published_at IS NOT NULL", name="published_has_time"),
        CheckConstraint(
            "(rental_price_cents IS NULL OR rental_price_cents >= 0) AND "
            "(purchase_price_cents IS NULL OR purchase_price_cents >= 0) AND "
            "(ppv_price_cents IS NULL OR ppv_price_cents >= 0)",
            name="prices_not_negative",
        ),
        CheckConstraint("duration_seconds IS NULL OR duration_seconds >= 0", name="duration_not_negative"),
        CheckConstraint("(kind = 'episode') = (season_id IS NOT NULL)", name="episode_has_season"),
        Index("uq_videos_slug_live", "slug", unique=True, sqlite_where=NOT_DELETED, postgresql_where=NOT_DELETED),
        Index(
            "uq_videos_season_episode",
            "season_id",
            "episode_number",
            unique=True,
            sqlite_where=text("season_id IS NOT NULL AND deleted_at IS NULL"),
            postgresql_where=text("season_id IS NOT NULL AND deleted_at IS NULL"),
        ),
        Index("ix_videos_created_at_id", "created_at", "id"),
        Index(
            "ix_videos_collection_live",
            "collection_id",
            "created_at",
            "id",
            sqlite_where=NOT_DELETED,
            postgresql_where=NOT_DELETED,
        ),
        Index(
            "ix_videos_state_published",
            "state",
            "published_at",
            "id",
            sqlite_where=NOT_DELETED,
            postgresql_where=NOT_DELETED,
        ),
        Index(
            "ix_videos_featured",
            "is_featured",
            "published_at",
            sqlite_where=text("state = 'published' AND deleted_at IS NULL"),
            postgresql_where=text("state = 'published' AND deleted_at IS NULL"),
        ),
        Index(
            "ix_videos_publish_at_scheduled",
            "publish_at",
            sqlite_where=text("state = 'scheduled' AND deleted_at IS NULL"),
            postgresql_where=text("state = 'scheduled' AND deleted_at IS NULL"),
        ),
        Index(
            "ix_videos_title_search_trgm",
            "title_search",
            postgresql_using="gin",
            postgresql_ops={"title_search": "gin_trgm_ops"},
        ),
    )


class Season(Base):
    """A season of a `series` video (002); its episodes are `episode` videos pointing at it."""

    __tablename__ = "seasons"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("videos.id", ondelete="CASCADE"), nullable=False)
    season_number: Mapped[int] = mapped_column(Integer, nullable=False)
    title: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    release_year: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("series_id", "season_number"),
        CheckConstraint("season_number >= 0", name="season_number_not_negative"),
    )


class Performer(Base):
    __tablename__ = "performers"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    name_search: Mapped[str] = mapped_column(Text, nullable=False, default="", server_default="")  # textsearch.py
    slug: Mapped[str] = mapped_column(String(220), nullable=False)
    bio: Mapped[str | None] = mapped_column(Text)
    profile_photo_url: Mapped[str | None] = mapped_column(String(2048))
    cover_photo_url: Mapped[str | None] = mapped_column(String(2048))
    is_active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    video_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow, onupdate=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("uq_performers_slug_live", "slug", unique=True, sqlite_where=NOT_DELETED, postgresql_where=NOT_DELETED),
        Index("ix_performers_name", "name", "id"),
        Index(
            "ix_performers_name_search_trgm",
            "name_search",
            postgresql_using="gin",
            postgresql_ops={"name_search": "gin_trgm_ops"},
        ),
    )


class VideoPerformer(Base):
    __tablename__ = "video_performers"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    video_id: Mapped[int] = mapped_column(ForeignKey("videos.id", ondelete="CASCADE"), nullable=False)
    performer_id: Mapped[int] = mapped_column(ForeignKey("performers.id", ondelete="CASCADE"), nullable=False)
    billing_order: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    __table_args__ = (
        UniqueConstraint("video_id", "performer_id"),
        Index("ix_video_performers_performer_id", "performer_id", "video_id"),
    )


class Photo(Base):
    __tablename__ = "photos"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    video_id: Mapped[int | None] = mapped_column(ForeignKey("videos.id", ondelete="CASCADE"))
    performer_id: Mapped[int | None] = mapped_column(ForeignKey("performers.id", ondelete="CASCADE"))
    photo_type: Mapped[str] = mapped_column(String(20), nullable=False)
    url: Mapped[str] = mapped_column(String(2048), nullable=False)
    thumbnail_url: Mapped[str | None] = mapped_column(String(2048))
    alt_text: Mapped[str | None] = mapped_column(String(255))
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    file_size_bytes: Mapped[int | None] = mapped_column(Integer)
    sort_order: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    is_primary: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        CheckConstraint("video_id IS NOT NULL OR performer_id IS NOT NULL", name="belongs_somewhere"),
        CheckConstraint(
            "photo_type IN ('video_still', 'behind_scenes', 'performer_photo', 'profile')", name="photo_type_valid"
        ),
        Index("ix_photos_video_live", "video_id", sqlite_where=NOT_DELETED, postgresql_where=NOT_DELETED),
        Index("ix_photos_performer_live", "performer_id", sqlite_where=NOT_DELETED, postgresql_where=NOT_DELETED),
    )


class SocialMediaLink(Base):
    __tablename__ = "social_media_links"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    performer_id: Mapped[int] = mapped_column(ForeignKey("performers.id", ondelete="CASCADE"), nullable=False)
    platform: Mapped[str] = mapped_column(String(20), nullable=False)
    handle: Mapped[str] = mapped_column(String(100), nullable=False)
    url: Mapped[str | None] = mapped_column(String(2048))
    sort_order: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    is_verified: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow, onupdate=utcnow)

    __table_args__ = (UniqueConstraint("performer_id", "platform"),)


keep_folded(Video, "title_search", "title")
keep_folded(Performer, "name_search", "name")
