"""Catalog: collections, videos, seasons, performers, video_performers, photos, social media links.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21

Reviewed by hand. Two foreign keys close cycles (collections.featured_video_id -> videos and
videos.season_id -> seasons -> videos): SQLite takes them inline (it does not check the target table
at CREATE time); PostgreSQL adds them with ALTER TABLE once both tables exist. PostgreSQL also gets
pg_trgm for title and performer-name search and the partial indexes from seed 001.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
TS = sa.DateTime(timezone=True)

CYCLIC_FKS = [
    ("fk_collections_featured_video_id_videos", "collections", "videos", ["featured_video_id"], "SET NULL"),
    ("fk_videos_season_id_seasons", "videos", "seasons", ["season_id"], "RESTRICT"),
]


def _inline_fks(table: str) -> list[sa.ForeignKeyConstraint]:
    if op.get_bind().dialect.name != "sqlite":
        return []
    return [
        sa.ForeignKeyConstraint(cols, [f"{target}.id"], name=name, ondelete=ondelete)
        for name, source, target, cols, ondelete in CYCLIC_FKS
        if source == table
    ]


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table(
        "collections",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("slug", sa.String(length=140), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("color_primary", sa.String(length=7), nullable=False),
        sa.Column("color_accent", sa.String(length=7), nullable=False),
        sa.Column("thumbnail_url", sa.String(length=2048), nullable=True),
        sa.Column("banner_url", sa.String(length=2048), nullable=True),
        sa.Column("featured_video_id", ID, nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("video_count", sa.Integer(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("deleted_at", TS, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "color_accent LIKE '#%' AND length(color_accent) = 7", name=op.f("ck_collections_color_accent_hex")
        ),
        sa.CheckConstraint(
            "color_primary LIKE '#%' AND length(color_primary) = 7", name=op.f("ck_collections_color_primary_hex")
        ),
        *_inline_fks("collections"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_collections")),
    )
    op.create_index("ix_collections_sort_order", "collections", ["sort_order", "id"], unique=False)
    op.create_index(
        "uq_collections_name_live",
        "collections",
        ["name"],
        unique=True,
        sqlite_where=sa.text("deleted_at IS NULL"),
        postgresql_where=sa.text("deleted_at IS NULL"),
    )
    op.create_index(
        "uq_collections_slug_live",
        "collections",
        ["slug"],
        unique=True,
        sqlite_where=sa.text("deleted_at IS NULL"),
        postgresql_where=sa.text("deleted_at IS NULL"),
    )

    op.create_table(
        "performers",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("slug", sa.String(length=220), nullable=False),
        sa.Column("bio", sa.Text(), nullable=True),
        sa.Column("profile_photo_url", sa.String(length=2048), nullable=True),
        sa.Column("cover_photo_url", sa.String(length=2048), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("video_count", sa.Integer(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("deleted_at", TS, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_performers")),
    )
    op.create_index("ix_performers_name", "performers", ["name", "id"], unique=False)
    op.create_index(
        "ix_performers_name_trgm",
        "performers",
        ["name"],
        unique=False,
        postgresql_using="gin",
        postgresql_ops={"name": "gin_trgm_ops"},
    )
    op.create_index(
        "uq_performers_slug_live",
        "performers",
        ["slug"],
        unique=True,
        sqlite_where=sa.text("deleted_at IS NULL"),
        postgresql_where=sa.text("deleted_at IS NULL"),
    )

    op.create_table(
        "videos",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("collection_id", ID, nullable=True),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("slug", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("release_date", sa.Date(), nullable=True),
        sa.Column("release_year", sa.Integer(), nullable=True),
        sa.Column("duration_seconds", sa.Integer(), nullable=True),
        sa.Column("language", sa.String(length=35), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("director", sa.String(length=200), nullable=True),
        sa.Column("genres", JSON, nullable=False),
        sa.Column("hls_url", sa.String(length=2048), nullable=True),
        sa.Column("thumbnail_url", sa.String(length=2048), nullable=True),
        sa.Column("poster_url", sa.String(length=2048), nullable=True),
        sa.Column("backdrop_url", sa.String(length=2048), nullable=True),
        sa.Column("trailer_url", sa.String(length=2048), nullable=True),
        sa.Column("qualities", JSON, nullable=False),
        sa.Column("file_size_bytes", sa.BigInteger(), nullable=True),
        sa.Column("access_level", sa.String(length=8), nullable=False),
        sa.Column("monetization", sa.String(length=8), nullable=False),
        sa.Column("rental_price_cents", sa.Integer(), nullable=True),
        sa.Column("purchase_price_cents", sa.Integer(), nullable=True),
        sa.Column("ppv_price_cents", sa.Integer(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("performer_count", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("publish_at", TS, nullable=True),
        sa.Column("published_at", TS, nullable=True),
        sa.Column("is_featured", sa.Boolean(), nullable=False),
        sa.Column("is_trending", sa.Boolean(), nullable=False),
        sa.Column("view_count", sa.BigInteger(), nullable=False),
        sa.Column("like_count", sa.Integer(), nullable=False),
        sa.Column("rating", sa.Numeric(precision=3, scale=2), nullable=True),
        sa.Column("season_id", ID, nullable=True),
        sa.Column("episode_number", sa.Integer(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("deleted_at", TS, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("(kind = 'episode') = (season_id IS NOT NULL)", name=op.f("ck_videos_episode_has_season")),
        sa.CheckConstraint("access_level IN ('FREE', 'BASIC', 'PREMIUM')", name=op.f("ck_videos_access_level_valid")),
        sa.CheckConstraint("kind IN ('movie', 'series', 'episode', 'live')", name=op.f("ck_videos_kind_valid")),
        sa.CheckConstraint(
            "monetization IN ('svod', 'avod', 'tvod', 'ppv')", name=op.f("ck_videos_monetization_valid")
        ),
        sa.CheckConstraint(
            "state <> 'published' OR published_at IS NOT NULL", name=op.f("ck_videos_published_has_time")
        ),
        sa.CheckConstraint("state <> 'scheduled' OR publish_at IS NOT NULL", name=op.f("ck_videos_scheduled_has_time")),
        sa.CheckConstraint(
            "state IN ('draft', 'scheduled', 'published', 'unpublished')", name=op.f("ck_videos_state_valid")
        ),
        sa.CheckConstraint(
            "(rental_price_cents IS NULL OR rental_price_cents >= 0) AND (purchase_price_cents IS NULL OR purchase_price_cents >= 0) AND (ppv_price_cents IS NULL OR ppv_price_cents >= 0)",
            name=op.f("ck_videos_prices_not_negative"),
        ),
        sa.CheckConstraint(
            "duration_seconds IS NULL OR duration_seconds >= 0", name=op.f("ck_videos_duration_not_negative")
        ),
        sa.CheckConstraint(
            "performer_count >= 1 AND performer_count <= 10", name=op.f("ck_videos_performer_count_range")
        ),
        sa.ForeignKeyConstraint(
            ["collection_id"], ["collections.id"], name=op.f("fk_videos_collection_id_collections"), ondelete="RESTRICT"
        ),
        *_inline_fks("videos"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_videos")),
    )
    op.create_index(
        "ix_videos_collection_live",
        "videos",
        ["collection_id", "created_at", "id"],
        unique=False,
        sqlite_where=sa.text("deleted_at IS NULL"),
        postgresql_where=sa.text("deleted_at IS NULL"),
    )
    op.create_index("ix_videos_created_at_id", "videos", ["created_at", "id"], unique=False)
    op.create_index(
        "ix_videos_featured",
        "videos",
        ["is_featured", "published_at"],
        unique=False,
        sqlite_where=sa.text("state = 'published' AND deleted_at IS NULL"),
        postgresql_where=sa.text("state = 'published' AND deleted_at IS NULL"),
    )
    op.create_index(
        "ix_videos_publish_at_scheduled",
        "videos",
        ["publish_at"],
        unique=False,
        sqlite_where=sa.text("state = 'scheduled' AND deleted_at IS NULL"),
        postgresql_where=sa.text("state = 'scheduled' AND deleted_at IS NULL"),
    )
    op.create_index(
        "ix_videos_state_published",
        "videos",
        ["state", "published_at", "id"],
        unique=False,
        sqlite_where=sa.text("deleted_at IS NULL"),
        postgresql_where=sa.text("deleted_at IS NULL"),
    )
    op.create_index(
        "ix_videos_title_trgm",
        "videos",
        ["title"],
        unique=False,
        postgresql_using="gin",
        postgresql_ops={"title": "gin_trgm_ops"},
    )
    op.create_index(
        "uq_videos_season_episode",
        "videos",
        ["season_id", "episode_number"],
        unique=True,
        sqlite_where=sa.text("season_id IS NOT NULL AND deleted_at IS NULL"),
        postgresql_where=sa.text("season_id IS NOT NULL AND deleted_at IS NULL"),
    )
    op.create_index(
        "uq_videos_slug_live",
        "videos",
        ["slug"],
        unique=True,
        sqlite_where=sa.text("deleted_at IS NULL"),
        postgresql_where=sa.text("deleted_at IS NULL"),
    )

    op.create_table(
        "seasons",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("series_id", ID, nullable=False),
        sa.Column("season_number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("release_year", sa.Integer(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("season_number >= 0", name=op.f("ck_seasons_season_number_not_negative")),
        sa.ForeignKeyConstraint(
            ["series_id"], ["videos.id"], name=op.f("fk_seasons_series_id_videos"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seasons")),
        sa.UniqueConstraint("series_id", "season_number", name=op.f("uq_seasons_series_id")),
    )
    if op.get_bind().dialect.name != "sqlite":
        for name, source, target, cols, ondelete in CYCLIC_FKS:
            op.create_foreign_key(name, source, target, cols, ["id"], ondelete=ondelete)
    op.create_table(
        "photos",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("video_id", ID, nullable=True),
        sa.Column("performer_id", ID, nullable=True),
        sa.Column("photo_type", sa.String(length=20), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("thumbnail_url", sa.String(length=2048), nullable=True),
        sa.Column("alt_text", sa.String(length=255), nullable=True),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("file_size_bytes", sa.Integer(), nullable=True),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("is_primary", sa.Boolean(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("deleted_at", TS, nullable=True),
        sa.CheckConstraint(
            "photo_type IN ('video_still', 'behind_scenes', 'performer_photo', 'profile')",
            name=op.f("ck_photos_photo_type_valid"),
        ),
        sa.CheckConstraint(
            "video_id IS NOT NULL OR performer_id IS NOT NULL", name=op.f("ck_photos_belongs_somewhere")
        ),
        sa.ForeignKeyConstraint(
            ["performer_id"], ["performers.id"], name=op.f("fk_photos_performer_id_performers"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["video_id"], ["videos.id"], name=op.f("fk_photos_video_id_videos"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_photos")),
    )
    op.create_index(
        "ix_photos_performer_live",
        "photos",
        ["performer_id"],
        unique=False,
        sqlite_where=sa.text("deleted_at IS NULL"),
        postgresql_where=sa.text("deleted_at IS NULL"),
    )
    op.create_index(
        "ix_photos_video_live",
        "photos",
        ["video_id"],
        unique=False,
        sqlite_where=sa.text("deleted_at IS NULL"),
        postgresql_where=sa.text("deleted_at IS NULL"),
    )

    op.create_table(
        "social_media_links",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("performer_id", ID, nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("handle", sa.String(length=100), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=True),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("is_verified", sa.Boolean(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["performer_id"],
            ["performers.id"],
            name=op.f("fk_social_media_links_performer_id_performers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_social_media_links")),
        sa.UniqueConstraint("performer_id", "platform", name=op.f("uq_social_media_links_performer_id")),
    )
    op.create_table(
        "video_performers",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("video_id", ID, nullable=False),
        sa.Column("performer_id", ID, nullable=False),
        sa.Column("billing_order", sa.Integer(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["performer_id"],
            ["performers.id"],
            name=op.f("fk_video_performers_performer_id_performers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["video_id"], ["videos.id"], name=op.f("fk_video_performers_video_id_videos"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_video_performers")),
        sa.UniqueConstraint("video_id", "performer_id", name=op.f("uq_video_performers_video_id")),
    )
    op.create_index("ix_video_performers_performer_id", "video_performers", ["performer_id", "video_id"], unique=False)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        for name, source, _target, _cols, _ondelete in CYCLIC_FKS:
            op.drop_constraint(name, source, type_="foreignkey")
    op.drop_index("ix_video_performers_performer_id", table_name="video_performers")

    op.drop_table("video_performers")
    op.drop_table("social_media_links")
    op.drop_index(
        "ix_photos_video_live",
        table_name="photos",
        sqlite_where=sa.text("deleted_at IS NULL"),
        postgresql_where=sa.text("deleted_at IS NULL"),
    )
    op.drop_index(
        "ix_photos_performer_live",
        table_name="photos",
        sqlite_where=sa.text("deleted_at IS NULL"),
        postgresql_where=sa.text("deleted_at IS NULL"),
    )

    op.drop_table("photos")
    op.drop_index(
        "uq_videos_slug_live",
        table_name="videos",
        sqlite_where=sa.text("deleted_at IS NULL"),
        postgresql_where=sa.text("deleted_at IS NULL"),
    )
    op.drop_index(
        "uq_videos_season_episode",
        table_name="videos",
        sqlite_where=sa.text("season_id IS NOT NULL AND deleted_at IS NULL"),
        postgresql_where=sa.text("season_id IS NOT NULL AND deleted_at IS NULL"),
    )
    op.drop_index(
        "ix_videos_title_trgm", table_name="videos", postgresql_using="gin", postgresql_ops={"title": "gin_trgm_ops"}
    )
    op.drop_index(
        "ix_videos_state_published",
        table_name="videos",
        sqlite_where=sa.text("deleted_at IS NULL"),
        postgresql_where=sa.text("deleted_at IS NULL"),
    )
    op.drop_index(
        "ix_videos_publish_at_scheduled",
        table_name="videos",
        sqlite_where=sa.text("state = 'scheduled' AND deleted_at IS NULL"),
        postgresql_where=sa.text("state = 'scheduled' AND deleted_at IS NULL"),
    )
    op.drop_index(
        "ix_videos_featured",
        table_name="videos",
        sqlite_where=sa.text("state = 'published' AND deleted_at IS NULL"),
        postgresql_where=sa.text("state = 'published' AND deleted_at IS NULL"),
    )
    op.drop_index("ix_videos_created_at_id", table_name="videos")
    op.drop_index(
        "ix_videos_collection_live",
        table_name="videos",
        sqlite_where=sa.text("deleted_at IS NULL"),
        postgresql_where=sa.text("deleted_at IS NULL"),
    )

    op.drop_table("seasons")
    op.drop_table("videos")
    op.drop_index(
        "uq_performers_slug_live",
        table_name="performers",
        sqlite_where=sa.text("deleted_at IS NULL"),
        postgresql_where=sa.text("deleted_at IS NULL"),
    )
    op.drop_index(
        "ix_performers_name_trgm",
        table_name="performers",
        postgresql_using="gin",
        postgresql_ops={"name": "gin_trgm_ops"},
    )
    op.drop_index("ix_performers_name", table_name="performers")

    op.drop_table("performers")
    op.drop_index(
        "uq_collections_slug_live",
        table_name="collections",
        sqlite_where=sa.text("deleted_at IS NULL"),
        postgresql_where=sa.text("deleted_at IS NULL"),
    )
    op.drop_index(
        "uq_collections_name_live",
        table_name="collections",
        sqlite_where=sa.text("deleted_at IS NULL"),
        postgresql_where=sa.text("deleted_at IS NULL"),
    )
    op.drop_index("ix_collections_sort_order", table_name="collections")

    op.drop_table("collections")
