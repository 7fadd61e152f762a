"""The header's search: it searches what the staff member's roles may read, never a page that would answer 403.

Each target is a list that takes its search from the address (members `?q=`, catalog `?q=`, the 2257 index `?q=`,
advertisers `?q=`, payments `?search=`) or, for moderation, a case number that opens the case. Enter searches the
chosen target: the role's own first (PRIMARY), the others in a small menu beside the input. A staff member whose
roles read none of them gets no search at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from nicegui import ui

from console.actor import Actor
from console.staff.permissions import Permission, Role, can
from console.ui import forms

MAX_QUERY = 254


@dataclass(frozen=True)
class SearchTarget:
    key: str
    label: str  # in the menu
    placeholder: str  # what the input says it searches
    permission: Permission
    address: Callable[[str], str | None]  # the cleaned query -> where Enter goes (None: not a search it takes)


def _query(path: str, name: str = "q", limit: int = MAX_QUERY) -> Callable[[str], str]:
    return lambda text: f"{path}?{name}={quote(text[:limit], safe='')}"


def _case(text: str) -> str | None:
    number = text.removeprefix("#").strip()
    return f"/moderation/cases/{int(number)}" if number.isascii() and number.isdigit() and len(number) < 19 else None


TARGETS: dict[str, SearchTarget] = {
    t.key: t
    for t in (
        SearchTarget(
            "members", "Members", "Members: name, e-mail or username", Permission.MEMBERS_READ, _query("/members")
        ),
        SearchTarget(
            "payments",
            "Payments",
            "Payments: member e-mail or pi_ / ch_ / in_ id",
            Permission.BILLING_READ,
            _query("/billing", "search"),
        ),
        SearchTarget(
            "catalog",
            "Catalog",
            "Catalog: title, slug or performer",
            Permission.CATALOG_READ,
            _query("/catalog", "q", 200),
        ),
        SearchTarget("cases", "Moderation case", "Moderation: case number", Permission.MODERATION_READ, _case),
        SearchTarget(
            "compliance",
            "2257 index",
            "2257 index: performer's legal or stage name",
            Permission.COMPLIANCE_READ_LEGAL,
            _query("/compliance/index", "q", 200),
        ),
        SearchTarget(
            "advertisers", "Advertisers", "Advertisers: name", Permission.ADS_READ, _query("/ads/advertisers", "q", 120)
        ),
    )
}

# Each role's own search, in this order of roles: the first a staff member holds decides what Enter searches.
PRIMARY: tuple[tuple[Role, str], ...] = (
    (Role.ADMIN, "members"),
    (Role.MODERATOR, "members"),
    (Role.FINANCE, "payments"),
    (Role.CONTENT, "catalog"),
    (Role.COMPLIANCE, "compliance"),
    (Role.ADS, "advertisers"),
    (Role.EXECUTIVE, "payments"),
)


def targets_for(actor: Actor) -> list[SearchTarget]:
    """What the actor may search, their role's own search first (empty: no search for them)."""
    allowed = [t for t in TARGETS.values() if can(actor, t.permission)]
    keys = [t.key for t in allowed]
    primary = next((key for role, key in PRIMARY if role in actor.roles and key in keys), None)
    return sorted(allowed, key=lambda t: t.key != primary)  # stable: the rest keep TARGETS' order


class GlobalSearch:
    """The input (marked `global-search`) and, when there is more than one target, its menu
    (`global-search-target`). `build()` returns the input, or None when the actor may search nothing."""

    def __init__(self, actor: Actor) -> None:
        self.targets = targets_for(actor)
        self.target: SearchTarget | None = self.targets[0] if self.targets else None

    def build(self) -> ui.input | None:
        if self.target is None:
            return None
        if len(self.targets) > 1:
            forms.select(  # styled first, filled once: on every page open, so it should cost one option list
                {t.key: t.label for t in self.targets},
                value=self.target.key,
                props='dense borderless dark options-dense aria-label="What to search"',
                classes="ml-4 w-36",
            ).mark("global-search-target").on_value_change(lambda e: self.pick(e.value))
        self.input = (
            ui.input(placeholder=self.placeholder())
            .props('dense standout dark clearable maxlength=254 input-class=text-white aria-label="Global search"')
            .classes("w-96" if len(self.targets) > 1 else "w-96 ml-4")
            .mark("global-search")
        )
        self.input.on("keydown.enter", self.go)
        return self.input

    def placeholder(self) -> str:
        return f"{self.target.placeholder}  ( / )" if self.target else ""

    def pick(self, key: str) -> None:
        if key in TARGETS and TARGETS[key] in self.targets:
            self.target = TARGETS[key]
            self.input.props["placeholder"] = self.placeholder()
            self.input.update()

    def go(self) -> None:
        if self.target is None:
            return
        text = (self.input.value or "").strip()
        address = self.target.address(text)
        if address is None:
            ui.notify(f"{self.target.label}: enter a case number (digits only).", type="warning")
            return
        ui.navigate.to(address)
