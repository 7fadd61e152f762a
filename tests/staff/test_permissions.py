"""The role -> permission matrix, checked against a table written out by hand.

EXPECTED is deliberately NOT derived from console.staff.permissions.MATRIX: any change to the matrix
(a permission granted or withdrawn, a role or permission added) must make a test here fail, so that
the change is a conscious one reviewed together with this table.
"""

from __future__ import annotations

import pytest

from console.actor import SYSTEM, Actor, anonymous
from console.errors import Forbidden
from console.staff.permissions import TOTP_REQUIRED_ROLES, Permission, Role, can, permissions_for, require

ALL_PERMISSIONS = {
    "members.read",
    "members.edit",
    "staff.manage",
    "audit.read",
    "config.edit",
    "catalog.read",
    "catalog.edit",
    "catalog.publish",
    "compliance.read_legal",
    "compliance.edit",
    "compliance.verify",
    "compliance.export",
    "moderation.read",
    "moderation.act",
    "moderation.appeals",
    "moderation.assign",
    "ads.read",
    "ads.edit",
    "ads.review",
    "billing.read",
    "billing.refund",
    "billing.approve",
    "billing.manage",
    "billing.payouts",
    "insights.read",
}

EXPECTED: dict[str, set[str]] = {
    "admin": set(ALL_PERMISSIONS),  # administrators hold every permission listed above
    # Moderators decide appeals of other moderators' decisions; only administrators reassign cases.
    "moderator": {"members.read", "moderation.read", "moderation.act", "moderation.appeals", "catalog.read"},
    "content": {"catalog.read", "catalog.edit", "catalog.publish"},
    "compliance": {
        "catalog.read",
        "compliance.read_legal",
        "compliance.edit",
        "compliance.verify",
        "compliance.export",
    },
    "ads": {"ads.read", "ads.edit", "ads.review"},  # ad-ops enter what advertisers send and review it
    # Finance requests refunds and approves other people's (the service refuses one's own: four eyes).
    "finance": {
        "members.read",
        "billing.read",
        "billing.refund",
        "billing.approve",
        "billing.manage",
        "billing.payouts",
        "insights.read",
    },
    "executive": {"insights.read", "billing.read"},  # executives read billing, change nothing
}


def staff_with(*roles: str) -> Actor:
    return Actor(kind="staff", label="someone@test.example", staff_id=42, roles=frozenset(roles))


def test_the_enums_are_exactly_the_ones_this_table_describes() -> None:
    assert {r.value for r in Role} == set(EXPECTED)
    assert {p.value for p in Permission} == ALL_PERMISSIONS
    for role, granted in EXPECTED.items():
        assert granted <= ALL_PERMISSIONS, f"typo in the expected table for {role}"


@pytest.mark.parametrize("permission", list(Permission), ids=lambda p: p.value)
@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_matrix_cell(role: Role, permission: Permission) -> None:
    expected = permission.value in EXPECTED[role.value]
    assert can(staff_with(role.value), permission) is expected


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_permissions_for_a_single_role(role: Role) -> None:
    assert {p.value for p in permissions_for([role.value])} == EXPECTED[role.value]


def test_only_admin_manages_staff_reads_audit_and_edits_config() -> None:
    for permission in (Permission.STAFF_MANAGE, Permission.AUDIT_READ, Permission.CONFIG_EDIT):
        holders = {r.value for r in Role if can(staff_with(r.value), permission)}
        assert holders == {"admin"}, permission


def test_totp_is_required_for_admin_and_finance_only() -> None:
    assert {r.value for r in TOTP_REQUIRED_ROLES} == {"admin", "finance"}


@pytest.mark.parametrize("permission", list(Permission), ids=lambda p: p.value)
def test_system_actor_has_every_permission(permission: Permission) -> None:
    assert can(SYSTEM, permission) is True
    require(SYSTEM, permission)  # does not raise


@pytest.mark.parametrize("permission", list(Permission), ids=lambda p: p.value)
def test_anonymous_has_nothing(permission: Permission) -> None:
    assert can(anonymous(), permission) is False
    # Roles on a non-staff actor never count: only signed-in staff hold role permissions.
    disguised = Actor(kind="anonymous", label="x", roles=frozenset({"admin"}))
    assert can(disguised, permission) is False
    with pytest.raises(Forbidden):
        require(disguised, permission)


@pytest.mark.parametrize("permission", list(Permission), ids=lambda p: p.value)
def test_staff_without_roles_or_with_unknown_roles_has_nothing(permission: Permission) -> None:
    assert can(staff_with(), permission) is False
    assert can(staff_with("superuser"), permission) is False
    assert can(staff_with("Admin"), permission) is False  # role names are case-sensitive
    assert can(staff_with("admin "), permission) is False


def test_unknown_role_next_to_a_known_one_grants_only_the_known_one() -> None:
    assert {p.value for p in permissions_for(["superuser", "ads"])} == {"ads.read", "ads.edit", "ads.review"}
    assert can(staff_with("superuser", "ads"), Permission.ADS_REVIEW)
    assert not can(staff_with("superuser", "ads"), Permission.STAFF_MANAGE)


def test_require_raises_forbidden_with_a_helpful_message() -> None:
    with pytest.raises(Forbidden) as info:
        require(staff_with("executive"), Permission.BILLING_REFUND)
    message = info.value.message
    assert "billing.refund" in message
    assert "administrator" in message.lower()
    assert str(info.value) == message


def test_require_passes_silently_when_allowed() -> None:
    assert require(staff_with("finance"), Permission.BILLING_REFUND) is None


def test_several_roles_give_the_union() -> None:
    actor = staff_with("content", "ads")
    granted = {p.value for p in Permission if can(actor, p)}
    assert granted == EXPECTED["content"] | EXPECTED["ads"]
    assert not can(actor, Permission.MEMBERS_READ)

    actor = staff_with("moderator", "finance", "executive")
    granted = {p.value for p in Permission if can(actor, p)}
    assert granted == {
        "members.read",
        "moderation.read",
        "moderation.act",
        "moderation.appeals",
        "catalog.read",
        "billing.read",
        "billing.refund",
        "billing.approve",
        "billing.manage",
        "billing.payouts",
        "insights.read",
    }


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.ADMIN], ids=lambda r: r.value)
def test_adding_admin_to_any_role_gives_everything(role: Role) -> None:
    actor = staff_with(role.value, "admin")
    assert all(can(actor, p) for p in Permission)
