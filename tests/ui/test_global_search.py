"""The header's search searches what the role may read: for every role, every target it offers opens a page the
role may see (never a 403), with the query in the list's own parameter."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from nicegui.testing import User

from console.actor import Actor
from console.staff.permissions import Permission, Role, can
from console.ui.global_search import TARGETS, targets_for
from tests.ui.helpers import current_path, current_url, element, sees_marker, sign_in_and_wait, wait_until

PRIMARY = {
    Role.ADMIN: "members",
    Role.MODERATOR: "members",
    Role.FINANCE: "payments",
    Role.CONTENT: "catalog",
    Role.COMPLIANCE: "compliance",
    Role.ADS: "advertisers",
    Role.EXECUTIVE: "payments",
}
LIST_PARAMETER = {  # target -> (path, parameter the list reads its search from)
    "members": ("/members", "q"),
    "payments": ("/billing", "search"),
    "catalog": ("/catalog", "q"),
    "compliance": ("/compliance/index", "q"),
    "advertisers": ("/ads/advertisers", "q"),
}
# What each list's search box is marked, to prove the list took the query.
SEARCH_BOX = {
    "members": "member-search",
    "payments": "payments-search",
    "catalog": "catalog-search",
    "advertisers": "advertiser-search",
    "compliance": "index-search",
}


def _actor(*roles: str) -> Actor:
    return Actor(kind="staff", staff_id=1, label="t", roles=frozenset(roles))


def test_every_role_searches_only_what_it_may_read() -> None:
    for role in Role:
        actor = _actor(role.value)
        offered = targets_for(actor)
        assert offered, f"{role} may read something, so it gets a search"
        assert offered[0].key == PRIMARY[role]
        assert {t.key for t in offered} == {t.key for t in TARGETS.values() if can(actor, t.permission)}
    assert targets_for(_actor("retired-role")) == []


def test_several_roles_keep_the_first_roles_search_first() -> None:
    assert targets_for(_actor("content", "finance"))[0].key == "payments"
    assert [t.key for t in targets_for(_actor("compliance"))] == ["compliance", "catalog"]


async def _search(user: User, target: str, text: str) -> None:
    if sees_marker(user, "global-search-target"):
        element(user, "global-search-target").set_value(target)
    assert TARGETS[target].placeholder in element(user, "global-search").props["placeholder"]
    user.find(marker="global-search").clear().type(text).trigger("keydown.enter")


@pytest.mark.parametrize("role", [r.value for r in Role])
async def test_each_search_of_a_role_opens_a_page_it_may_see(user: User, make_staff, role: str) -> None:
    _, email = make_staff(role)
    await sign_in_and_wait(user, email)
    offered = targets_for(_actor(role))
    for target in offered:
        await user.open("/account")
        await user.should_see(marker="global-search")
        if target.key == "cases":
            await _search(user, "cases", "#12")
            await wait_until(lambda: current_path(user) == "/moderation/cases/12", what="the case page")
            await user.should_see(marker="not-found")  # no case 12 here: a 404 in the frame, not a 403
        else:
            path, name = LIST_PARAMETER[target.key]
            await _search(user, target.key, "ann & co")
            await wait_until(lambda p=path: current_path(user) == p, what=f"the {target.key} list")
            assert parse_qs(urlsplit(current_url(user)).query) == {name: ["ann & co"]}
            if target.key in SEARCH_BOX:
                await wait_until(lambda t=target.key: sees_marker(user, SEARCH_BOX[t]), what="the list's search")
                assert element(user, SEARCH_BOX[target.key]).value == "ann & co"
        await user.should_not_see(marker="forbidden")
        assert can(_actor(role), target.permission)


async def test_a_case_search_needs_a_number(user: User, make_staff) -> None:
    _, email = make_staff("moderator")
    await sign_in_and_wait(user, email)
    await user.open("/account")
    await _search(user, "cases", "spam")
    await user.should_see("enter a case number")
    assert current_path(user) == "/account"


async def test_the_primary_search_needs_no_menu_choice(user: User, make_staff) -> None:
    _, email = make_staff("ads")
    await sign_in_and_wait(user, email)
    await user.open("/account")
    assert not sees_marker(user, "global-search-target")  # one target: no menu
    user.find(marker="global-search").type("acme").trigger("keydown.enter")
    await wait_until(lambda: current_path(user) == "/ads/advertisers", what="the advertisers list")
    assert element(user, "advertiser-search").value == "acme"
    assert Permission.ADS_READ in {t.permission for t in targets_for(_actor("ads"))}
