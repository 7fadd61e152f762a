"""The one permission matrix: roles -> permissions. Services call `require()`; pages only hide.

A staff member may hold several roles; their permissions are the union. The system actor (seeds,
schedulers) holds every permission. Change this table, not scattered `if role == ...` checks.
"""

from __future__ import annotations

from enum import StrEnum

from console.actor import Actor
from console.errors import Forbidden


class Role(StrEnum):
    ADMIN = "admin"
    MODERATOR = "moderator"
    CONTENT = "content"
    COMPLIANCE = "compliance"
    ADS = "ads"
    FINANCE = "finance"
    EXECUTIVE = "executive"


class Permission(StrEnum):
    MEMBERS_READ = "members.read"
    MEMBERS_EDIT = "members.edit"
    STAFF_MANAGE = "staff.manage"
    AUDIT_READ = "audit.read"
    CONFIG_EDIT = "config.edit"
    CATALOG_READ = "catalog.read"
    CATALOG_EDIT = "catalog.edit"
    CATALOG_PUBLISH = "catalog.publish"
    COMPLIANCE_READ_LEGAL = "compliance.read_legal"
    COMPLIANCE_EDIT = "compliance.edit"
    COMPLIANCE_VERIFY = "compliance.verify"
    COMPLIANCE_EXPORT = "compliance.export"
    MODERATION_READ = "moderation.read"
    MODERATION_ACT = "moderation.act"
    MODERATION_APPEALS = "moderation.appeals"
    MODERATION_ASSIGN = "moderation.assign"
    ADS_READ = "ads.read"
    ADS_EDIT = "ads.edit"
    ADS_REVIEW = "ads.review"
    BILLING_READ = "billing.read"
    BILLING_REFUND = "billing.refund"
    BILLING_APPROVE = "billing.approve"
    BILLING_MANAGE = "billing.manage"
    BILLING_PAYOUTS = "billing.payouts"
    INSIGHTS_READ = "insights.read"


P = Permission
MATRIX: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.MODERATOR: frozenset(
        {P.MEMBERS_READ, P.MODERATION_READ, P.MODERATION_ACT, P.MODERATION_APPEALS, P.CATALOG_READ}
    ),
    Role.CONTENT: frozenset({P.CATALOG_READ, P.CATALOG_EDIT, P.CATALOG_PUBLISH}),
    Role.COMPLIANCE: frozenset(
        {P.CATALOG_READ, P.COMPLIANCE_READ_LEGAL, P.COMPLIANCE_EDIT, P.COMPLIANCE_VERIFY, P.COMPLIANCE_EXPORT}
    ),
    Role.ADS: frozenset({P.ADS_READ, P.ADS_EDIT, P.ADS_REVIEW}),
    Role.FINANCE: frozenset(
        {
            P.MEMBERS_READ,
            P.BILLING_READ,
            P.BILLING_REFUND,
            P.BILLING_APPROVE,
            P.BILLING_MANAGE,
            P.BILLING_PAYOUTS,
            P.INSIGHTS_READ,
        }
    ),
    Role.EXECUTIVE: frozenset({P.INSIGHTS_READ, P.BILLING_READ}),
}

# Roles whose accounts must use TOTP in production (they move money or manage access).
TOTP_REQUIRED_ROLES = frozenset({Role.ADMIN, Role.FINANCE})

ROLE_LABELS: dict[Role, str] = {
    Role.ADMIN: "Administrator",
    Role.MODERATOR: "Moderator",
    Role.CONTENT: "Content",
    Role.COMPLIANCE: "Compliance (2257)",
    Role.ADS: "Ad operations",
    Role.FINANCE: "Finance",
    Role.EXECUTIVE: "Executive",
}


def permissions_for(roles: frozenset[str] | set[str] | list[str]) -> frozenset[Permission]:
    granted: set[Permission] = set()
    for name in roles:
        try:
            granted |= MATRIX[Role(name)]
        except ValueError:
            continue  # an unknown role grants nothing
    return frozenset(granted)


def can(actor: Actor, permission: Permission) -> bool:
    if actor.is_system:
        return True
    if actor.kind != "staff":
        return False
    return permission in permissions_for(actor.roles)


def require(actor: Actor, permission: Permission) -> None:
    """Raise Forbidden unless the actor holds `permission`; every protected service calls this first."""
    if not can(actor, permission):
        raise Forbidden(f"Your roles do not allow this ({permission.value}). Ask an administrator if you need it.")
