"""The areas of the console: navigation entries, their `g`-shortcut letters and the permission each needs.

Later domains append their area here; the left navigation, the shortcut sheet and the home page
read this one list, so a role sees exactly the areas its permissions open.
"""

from __future__ import annotations

from dataclasses import dataclass

from console.actor import Actor
from console.staff.permissions import Permission, can


@dataclass(frozen=True)
class Area:
    key: str  # the letter after `g`
    label: str
    path: str
    icon: str
    permission: Permission | None
    description: str
    also: tuple[Permission, ...] = ()  # other permissions that open the area too


AREAS: list[Area] = [
    Area("h", "Home", "/", "home", None, "Your areas and today's numbers"),
    Area("m", "Members", "/members", "people", Permission.MEMBERS_READ, "Find and inspect platform members"),
    Area("c", "Catalog", "/catalog", "movie", Permission.CATALOG_READ, "Videos: edit, publish, bulk actions, import"),
    Area(
        "l",
        "Collections",
        "/collections",
        "collections_bookmark",
        Permission.CATALOG_READ,
        "Collections, their order and colours",
    ),
    Area(
        "f",
        "Performers",
        "/performers",
        "recent_actors",
        Permission.CATALOG_READ,
        "Performer profiles, photos and links",
    ),
    Area(
        "o",
        "Moderation",
        "/moderation",
        "flag",
        Permission.MODERATION_READ,
        "Report cases: the queue, next case, actions, appeals",
    ),
    Area(
        "r",
        "Compliance",
        "/compliance",
        "gavel",
        Permission.COMPLIANCE_READ_LEGAL,
        "2257 records, productions, index, export",
    ),
    Area("d", "Ads", "/ads", "campaign", Permission.ADS_READ, "Ad review queue, campaigns, advertisers, blocklist"),
    Area(
        "i",
        "Insights",
        "/insights",
        "insights",
        Permission.INSIGHTS_READ,
        "Revenue, subscriptions, content, members, ads and moderation charts",
        also=(Permission.MODERATION_READ, Permission.ADS_READ),
    ),
    Area("b", "Billing", "/billing", "payments", Permission.BILLING_READ, "Payments, refunds, approvals, payouts"),
    Area("s", "Staff", "/staff", "badge", Permission.STAFF_MANAGE, "Staff accounts, roles and access"),
    Area("a", "Audit log", "/audit", "policy", Permission.AUDIT_READ, "Every staff action, hash-chained"),
    Area("p", "My account", "/account", "manage_accounts", None, "Password, two-factor sign-in, time zone"),
]


def allowed_areas(actor: Actor) -> list[Area]:
    return [a for a in AREAS if a.permission is None or can(actor, a.permission) or any(can(actor, p) for p in a.also)]
