"""`console.staff.names.names_of`: the one way pages get staff names for the ids they mention."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import event

from console import db
from console.staff.names import names_of


def test_names_for_ids_none_skipped_and_no_query_for_none(make_staff: Callable[..., tuple[int, str]]) -> None:
    ada, _ = make_staff("admin", name="Ada Admin")
    mo, _ = make_staff("moderator", name="Mo Mod")
    statements: list[str] = []
    with db.session_scope() as session:
        engine = session.get_bind()
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert names_of(session, [ada, None, mo, ada, 999_999]) == {ada: "Ada Admin", mo: "Mo Mod"}
            counted = len(statements)
            assert names_of(session, [None]) == {} and names_of(session, []) == {}
            assert len(statements) == counted  # nothing asked of the database
        finally:
            event.remove(engine, "before_cursor_execute", listener)
