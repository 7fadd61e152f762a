"""The two staff look-ups the moderation pages needed (added with them): the names of a page's assignees, for
moderators who may not read the staff list, and whom an administrator can hand a case to."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from console.actor import Actor
from console.db import session_scope
from console.errors import Forbidden
from console.moderation.service import queue
from console.staff import service as staff_service


def test_staff_names_for_moderators(mod: Actor, actor_with: Callable[..., Actor]) -> None:
    other = actor_with("content")
    assert mod.staff_id is not None and other.staff_id is not None
    with session_scope() as session:
        names = queue.staff_names(session, actor=mod, staff_ids={mod.staff_id, other.staff_id})
        assert set(names) == {mod.staff_id, other.staff_id}
        assert queue.staff_names(session, actor=mod, staff_ids=set()) == {}
        with pytest.raises(Forbidden):
            queue.staff_names(session, actor=other, staff_ids={mod.staff_id})


def test_assignable_staff_are_active_moderators_and_admins_for_admins_only(
    make_staff: Callable[..., tuple[int, str]], actor_for: Callable[[int], Actor], admin: Actor, mod: Actor
) -> None:
    zed, _ = make_staff("moderator", name="Zed Mod")
    gone, _ = make_staff("moderator", name="Gone Mod")
    make_staff("content", name="Cora Content")
    both, _ = make_staff("content", "moderator", name="Bea Both")
    with session_scope() as session:
        staff_service.set_active(session, actor=admin, staff_id=gone, active=False, reason="left")
    with session_scope() as session:
        found: list[tuple[int, Any]] = queue.assignable_staff(session, actor=admin)
        names = [name for _id, name in found]
        assert names == sorted(names)
        assert "Zed Mod" in names and "Bea Both" in names and "Root Admin" in names
        assert "Gone Mod" not in names and "Cora Content" not in names
        assert (zed, "Zed Mod") in found and (both, "Bea Both") in found
        with pytest.raises(Forbidden):
            queue.assignable_staff(session, actor=mod)
