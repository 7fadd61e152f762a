"""The shape every billing list tab shares: filters (or a note) and a server-paged list on the left, the chosen
row's panel on the right; a reload keeps the chosen row (now as stored) and a new filter clears it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nicegui import ui
from sqlalchemy.orm import Session

from console.billing.pages.common import STATUS_CELL
from console.errors import Conflict
from console.paging import Page, PageRequest
from console.ui.dialog_draft import draft_key
from console.ui.dialogs import outside
from console.ui.filter_bar import FilterBar, FilterField
from console.ui.paged_table import OPEN_ROW_CLASS, PagedTable
from console.ui.reason_dialog import ReasonDialog
from console.ui.work import unit_of_work

if TYPE_CHECKING:
    from console.billing.pages.view import BillingView


@dataclass(frozen=True)
class StatusFilter:
    """A list filtered by one status, or by none."""

    status: str | None = None


class ListDetailTab:
    columns: list[dict[str, Any]]
    detail_width = "w-[320px] 2xl:w-[380px]"  # narrower on a laptop screen, so the list beside it fits
    row_of: Callable[[Any], dict[str, Any]]  # the subclass's `staticmethod(row_of)`: one service row as plain values
    snapshot_labels: dict[str, str] = {}  # the row's fields a reason dialog's conflict panel compares
    noun = "Row"  # what a row is: "Payout" (a reason dialog's title and notice, the services' `payout_id`)

    def __init__(self, view: BillingView) -> None:
        self.view, self.actor = view, view.actor
        self.selected: dict[str, Any] | None = None
        self.flt: Any = None
        self.filter_bar: FilterBar[Any] | None = None  # its applied values go into the address

    def build(self) -> None:
        with ui.row().classes("w-full items-start gap-4 no-wrap"):
            with ui.column().classes("grow min-w-0 gap-2"):
                self.filters()
                self.table = PagedTable(self.columns, self.fetch, on_row_click=self.select)
                self.table.table.add_slot("body-cell-status", STATUS_CELL)
                self.table.table.props[":table-row-class-fn"] = OPEN_ROW_CLASS  # clickable rows, the j/k highlight
                self.table.table.props["no-data-label"] = self.empty_text()
            with ui.column().classes(f"{self.detail_width} shrink-0") as self.detail_box:
                self.detail()
        ui.timer(0, self.table.reload, once=True)

    def empty_text(self) -> str:
        """What an empty list says."""
        return "Nothing matches these filters."

    def filters(self) -> None:
        """What sits above the list (a FilterBar calling `apply_filter`)."""

    def query(self, session: Session, page: PageRequest) -> Page[Any]:
        """One page of the service's rows for the current filter."""
        raise NotImplementedError

    def prompt(self) -> str:
        """What the panel says while no row is chosen."""
        raise NotImplementedError

    def panel(self, row: dict[str, Any]) -> None:
        """The chosen row beside the list; its buttons take `self.action(handler)`."""
        raise NotImplementedError

    def action(self, handler: Callable[[], Any]) -> Callable[[], Awaitable[None]]:
        """A panel button's handler, run beside the panel: the panel is redrawn after the action (the list is read
        again), which deletes the button, and a toast after it would fail."""
        return outside(self.detail_box, handler)

    @ui.refreshable_method
    def detail(self) -> None:
        if self.selected is None:
            ui.label(self.prompt()).classes("text-sm opacity-70")
        else:
            self.panel(self.selected)

    def fetch(self, page: PageRequest) -> Page[dict[str, Any]]:
        def work(session: Session) -> Page[dict[str, Any]]:
            found = self.query(session, page)
            return Page([self.row_of(r) for r in found.rows], found.total, found.estimated, found.request)

        return unit_of_work(work)()

    async def apply_filter(self, flt: Any) -> None:
        self.flt = flt
        self.view.remember(self.filter_bar.address_params() if self.filter_bar is not None else {})
        self.select(None)
        await self.table.reload()

    async def reload(self) -> None:
        await self.table.reload(first_page=False)
        if self.selected is not None:
            self.select(next((r for r in self.table.table.rows if r["id"] == self.selected["id"]), None))

    def select(self, row: dict[str, Any] | None) -> None:
        self.selected = row
        self.detail.refresh()

    def move(self, step: int) -> None:
        """j / k: the highlight down or up the list, the highlighted row shown beside it."""
        self.table.move_cursor(step)
        self.select(self.table.highlighted())

    async def current_row(self, _exc: Conflict | None = None) -> dict[str, Any] | None:
        """The chosen row as the list shows it now (after someone else acted on it)."""
        await self.reload()
        return self.selected

    async def act_with_reason(
        self,
        act: Callable[..., object],
        verb: tuple[str, str],
        message: Callable[[dict[str, Any]], str],
        *,
        reason_field: str = "reason",
        danger: bool = True,
    ) -> None:
        """Ask for a reason and run the service's `act(session, actor=…, payout_id=…, version=…, reason=…)` (the id
        named after `noun`, the reason by `reason_field`) on the chosen row. `verb` is the action and what the row is
        after it, ("Hold", "held"): the dialog's title and OK button ("Hold payout #7?"), its mark ("hold") and the
        notice ("Payout #7 held."); `message(row)` is the dialog's text. The dialog keeps the reason through refusals
        and conflicts (then acting on the version stored now, its changes shown with `snapshot_labels`), the list
        reloads after."""
        row = self.selected
        if row is None:
            return
        label, done = verb
        dialog = ReasonDialog(
            f"{label} {self.noun.lower()} #{row['id']}?",
            message(row),
            ok_label=label,
            danger=danger,
            conflict_labels=self.snapshot_labels,
            host=self.view.host,
            mark=label.lower(),
            draft=draft_key(self.actor, label.lower(), self.noun.lower(), row["id"]),
        )

        async def confirmed(reason: str) -> bool:
            version = int((self.selected or row)["version"])
            keys = {f"{self.noun.lower()}_id": int(row["id"]), reason_field: reason}
            ok, _ = await dialog.attempt(
                unit_of_work(lambda s: act(s, actor=self.actor, version=version, **keys)),
                typed=row,
                on_conflict=self.current_row,
            )
            return ok

        await dialog.ask(confirmed, done=f"{self.noun} #{row['id']} {done}.")
        await self.reload()


class StatusListTab(ListDetailTab):
    """A list tab filtered by one status: a FilterBar (marked "payouts" for `noun` "Payout") with the status labels
    (and "Any status") above the list."""

    status_labels: dict[str, str]
    status_width = "w-40"

    def __init__(self, view: BillingView) -> None:
        super().__init__(view)
        self.flt = StatusFilter()

    def filters(self) -> None:
        status = FilterField(
            "status", "Status", options={None: "Any status", **self.status_labels}, width=self.status_width
        )
        self.filter_bar = FilterBar(
            StatusFilter, [status], on_apply=self.apply_filter, initial=self.view.params, mark=f"{self.noun.lower()}s"
        )
        self.flt = self.filter_bar.current  # the address's status (?tab=refunds&status=…), as the bar shows it
