"""Members can be found by display name: a folded search column, filled for existing rows, with a trigram index.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02

Reviewed by hand. The members list searched only e-mail and username prefixes and member numbers, so a moderator or
finance clerk who had a name ("Amélie Poulain", from a ticket or a chargeback) could not find the member. Adds
members.display_name_search holding `console.textsearch.fold()` of the display name (as 0004 did for titles and
performer names: the same Python function folds every write and every search term, so both databases agree), fills
it in batches of 5,000 rows, and indexes it: a trigram (GIN) index on PostgreSQL, which serves "contains" and the
anchored whole-word patterns; SQLite gets a plain index, as 0004's columns did. ANALYZE on PostgreSQL so searches
are planned on the new index at once. Downgrade drops the index and the column.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from console.textsearch import Folded, refold

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_members_display_name_search_trgm"


def upgrade() -> None:
    bind = op.get_bind()
    op.add_column("members", sa.Column("display_name_search", sa.Text(), server_default="", nullable=False))
    refold(bind, "members", Folded("display_name_search", ("display_name",)))
    op.create_index(
        INDEX,
        "members",
        ["display_name_search"],
        unique=False,
        postgresql_using="gin",
        postgresql_ops={"display_name_search": "gin_trgm_ops"},
    )
    if bind.dialect.name == "postgresql":
        op.execute("ANALYZE members")


def downgrade() -> None:
    op.drop_index(INDEX, table_name="members")
    op.drop_column("members", "display_name_search")
