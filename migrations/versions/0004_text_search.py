"""Accent- and case-insensitive search: folded search columns, filled for existing rows, with trigram indexes.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24

Reviewed by hand. Adds videos.title_search, performers.name_search, legal_records.legal_name_search (first,
middle and last name together) and performer_names.name_search, each holding `console.textsearch.fold()` of
the text beside it; fills them in batches of 5,000 rows (the folding is Python, the same function the console
uses for every write and every search term, so both databases agree); then replaces the trigram indexes on the
raw columns, which no query uses any more, with trigram indexes on the folded ones (PostgreSQL; SQLite gets a
plain index, as for the indexes they replace), and ANALYZEs each table on PostgreSQL so the planner knows the new
columns at once. Downgrade restores the old indexes and drops the columns.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from console.textsearch import Folded, refold

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table, folded column, its sources, the new index, the old trigram indexes (name, column) it replaces
SEARCHED = [
    ("videos", "title_search", ("title",), "ix_videos_title_search_trgm", [("ix_videos_title_trgm", "title")]),
    ("performers", "name_search", ("name",), "ix_performers_name_search_trgm", [("ix_performers_name_trgm", "name")]),
    (
        "legal_records",
        "legal_name_search",
        ("legal_first_name", "legal_middle_name", "legal_last_name"),
        "ix_legal_records_name_search_trgm",
        [
            ("ix_legal_records_first_trgm", "legal_first_name"),
            ("ix_legal_records_middle_trgm", "legal_middle_name"),
            ("ix_legal_records_last_trgm", "legal_last_name"),
        ],
    ),
    (
        "performer_names",
        "name_search",
        ("name",),
        "ix_performer_names_name_search_trgm",
        [("ix_performer_names_name_trgm", "name")],
    ),
]


def _trigram_index(name: str, table: str, column: str) -> None:
    op.create_index(
        name, table, [column], unique=False, postgresql_using="gin", postgresql_ops={column: "gin_trgm_ops"}
    )


def upgrade() -> None:
    bind = op.get_bind()
    for table, column, sources, index, old_indexes in SEARCHED:
        op.add_column(table, sa.Column(column, sa.Text(), server_default="", nullable=False))
        refold(bind, table, Folded(column, sources))
        for old, _ in old_indexes:
            op.drop_index(old, table_name=table)
        _trigram_index(index, table, column)
        if bind.dialect.name == "postgresql":
            op.execute(f"ANALYZE {table}")  # statistics for the new column, so searches are planned on the index


def downgrade() -> None:
    for table, column, _, index, old_indexes in reversed(SEARCHED):
        op.drop_index(index, table_name=table)
        for old, old_column in old_indexes:
            _trigram_index(old, table, old_column)
        op.drop_column(table, column)
