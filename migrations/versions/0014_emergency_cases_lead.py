"""Emergency cases lead the moderation queue: their `queue_key` carries EMERGENCY_LEAD.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-29

Reviewed by hand. Data only, no schema change. The queue (and "Next case") orders by `moderation_cases.queue_key`
= base priority x 3600 - epoch seconds of the first report, i.e. priority + hours waiting. An emergency (an
UNDERAGE or NON_CONSENSUAL report, `emergency` true) weighs 1,000, but age has no cap, so a case waiting more than
about 42 days outranked a fresh emergency. From now on an emergency's key also carries 10^12
(console/moderation/service/priority.EMERGENCY_LEAD), which every emergency key is written with; this adds it to
the emergency cases already stored (their keys are below 5 x 10^11, the floor, so running it twice changes nothing).
The downgrade takes it away again from the keys above the floor. One UPDATE each way; the queue's indexes on
queue_key stay as they are (only the emergency rows move, to the top).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LEAD = 10**12  # console/moderation/service/priority.EMERGENCY_LEAD, written out: a revision does not import the app
FLOOR = LEAD // 2

cases = sa.table(
    "moderation_cases",
    sa.column("queue_key", sa.BigInteger),
    sa.column("emergency", sa.Boolean),
)


def upgrade() -> None:
    op.execute(
        cases.update()
        .where(cases.c.emergency == sa.true(), cases.c.queue_key < FLOOR)
        .values(queue_key=cases.c.queue_key + LEAD)
    )


def downgrade() -> None:
    op.execute(cases.update().where(cases.c.queue_key >= FLOOR).values(queue_key=cases.c.queue_key - LEAD))
