"""Staff by name for the pages that mention them (who claimed, decided, examined, requested): one query for a set
of ids. A page shows the name, as the header and the claim lines do; the label stored with a row (the e-mail at the
time) stays for an account that is gone. No permission check: callers are services that have checked their own."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.staff.models import Staff


def names_of(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    """{staff id: name} for the ids given (None skipped; no query for none)."""
    wanted = {int(i) for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(session.execute(select(Staff.id, Staff.name).where(Staff.id.in_(wanted))).tuples().all())
