"""The members behind the MRR chart, its movements and the cohort heatmap, on the hand-computed book
(tests/insights/money_fixture.py): rows by hand, and every movement's list agreeing with the movements rollup."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from console.actor import Actor
from console.db import session_scope
from console.errors import Forbidden, ValidationFailed
from console.insights.models import MrrMovementMonthly
from console.insights.periods import Period
from console.insights.service import money
from console.paging import PageRequest
from tests.insights.money_fixture import MONTHS, Book, build, roll_up_book

KEYS = ("member_id", "display_name", "plan_code", "mrr_before_cents", "mrr_after_cents", "mrr_change_cents", "movement")


@pytest.fixture
def book() -> Book:
    found = build()
    roll_up_book()
    return found


@pytest.fixture
def executive(actor_with: Callable[..., Actor]) -> Actor:
    return actor_with("executive")


def _rows(page: Any, keys: tuple[str, ...] = KEYS) -> list[tuple[Any, ...]]:
    return [tuple(r[k] for k in keys) for r in page.rows]


def test_a_months_book_with_before_after_and_movement(book: Book, executive: Actor) -> None:
    a, b, c = (book.ids[x] for x in "abc")
    with session_scope() as s:
        march = money.mrr_members(s, actor=executive, month=date(2026, 3, 17))
        june = money.mrr_members(s, actor=executive, month=date(2026, 6, 1))
        euros = money.mrr_members(s, actor=executive, month=date(2026, 3, 1), currency="EUR")
    assert march.total == 3
    assert _rows(march) == [
        (a, "a", "basic", 2000, 1000, -1000, "contraction"),
        (b, "b", "yearly", 1000, 1000, 0, ""),
        (c, "c", "premium", 0, 2000, 2000, "new"),
    ]
    assert march.rows[0]["email"].startswith("a") and march.rows[0]["currency"] == "USD"
    assert _rows(june)[0] == (a, "a", "premium", 0, 2000, 2000, "reactivation")
    assert euros.total == 0 and euros.rows == []


def test_movement_members_by_hand(book: Book, executive: Actor) -> None:
    a, f = book.ids["a"], book.ids["f"]
    april = date(2026, 4, 1)
    with session_scope() as s:
        churned = money.mrr_members(s, actor=executive, month=april, movement="churned")
        new = money.movement_members(s, actor=executive, month=april, movement="new")
        net = money.mrr_members(s, actor=executive, month=april, movement="net")
    # A had 10.00 at March's end and none at April's; F subscribed and canceled inside April (Stripe: new + churned).
    assert _rows(churned) == [(a, "a", "basic", 1000, 0, -1000, "churned"), (f, "f", "premium", 0, 0, -2000, "churned")]
    assert _rows(new) == [(f, "f", "premium", 0, 0, 2000, "new")]
    assert [(r["member_id"], r["movement"]) for r in net.rows] == [(a, "churned"), (f, "churned"), (f, "new")]


def test_every_movement_list_adds_up_to_the_rollup(book: Book, executive: Actor) -> None:
    v = MrrMovementMonthly
    with session_scope() as s:
        rolled = s.execute(select(v.month, v.movement, v.members, v.mrr_cents)).all()
        assert rolled
        for month, movement, members, cents in rolled:
            page = money.mrr_members(s, actor=executive, month=month, movement=movement)
            assert page.total == members == len(page.rows), (month, movement)
            assert sum(r["mrr_change_cents"] for r in page.rows) == cents, (month, movement)
        for month in MONTHS:
            book_total = sum(r["mrr_after_cents"] for r in money.mrr_members(s, actor=executive, month=month).rows)
            assert book_total == money.mrr(s, actor=executive, period=Period(month, month))[0].points[0][1] * 100


def test_paging_is_on_the_server(book: Book, executive: Actor) -> None:
    with session_scope() as s:
        first = money.mrr_members(s, actor=executive, month=date(2026, 3, 1), page=PageRequest(page=1, size=2))
        second = money.mrr_members(s, actor=executive, month=date(2026, 3, 1), page=PageRequest(page=2, size=2))
    assert first.total == second.total == 3 and first.last_page == 2
    assert [r["member_id"] for r in first.rows + second.rows] == [book.ids[x] for x in "abc"]


def test_cohort_members_and_whether_they_paid_that_month(book: Book, executive: Actor) -> None:
    a, c = book.ids["a"], book.ids["c"]
    keys = ("member_id", "display_name", "paying", "plan_code", "mrr_cents")
    with session_scope() as s:
        april = money.cohort_members(s, actor=executive, cohort=date(2026, 1, 1), month=date(2026, 4, 1))
        june = money.cohort_members(s, actor=executive, cohort=date(2026, 1, 1), month=date(2026, 6, 1))
        march = money.cohort_members(s, actor=executive, cohort=date(2026, 3, 1), month=date(2026, 3, 31))
        with pytest.raises(ValidationFailed):
            money.cohort_members(s, actor=executive, cohort=date(2026, 2, 1), month=date(2026, 1, 1))
    assert _rows(april, keys) == [(a, "a", "no", None, 0)]  # A churned in April
    assert _rows(june, keys) == [(a, "a", "yes", "premium", 2000)]  # ... and came back in June
    assert _rows(march, keys) == [(c, "c", "yes", "premium", 2000)]  # C's converted trial


def test_bad_input_and_refusals(book: Book, executive: Actor, actor_with: Callable[..., Actor]) -> None:
    with session_scope() as s:
        with pytest.raises(ValidationFailed):
            money.mrr_members(s, actor=executive, month=date(2026, 4, 1), movement="lost")
        for role in ("moderator", "ads", "content"):
            other = actor_with(role)
            with pytest.raises(Forbidden):
                money.mrr_members(s, actor=other, month=date(2026, 4, 1))
            with pytest.raises(Forbidden):
                money.cohort_members(s, actor=other, cohort=date(2026, 1, 1), month=date(2026, 1, 1))


def test_cohort_months_before_the_first_rolled_up_month_are_unknown_not_zero(executive: Actor) -> None:
    from console.insights.rollup_money import rollup_mrr_month

    build()
    with session_scope() as s:
        for month in MONTHS[2:]:  # March to June only: January and February were never rolled up
            rollup_mrr_month(s, month)
    with session_scope() as s:
        cohorts = money.cohort_retention(s, actor=executive, period=Period(MONTHS[0], date(2026, 6, 30)))
    assert cohorts.cohorts[0] == MONTHS[0]  # A's first payment was in January
    assert cohorts.matrix[0] == [None, None, 100.0, 0.0, 0.0, 100.0]


def test_a_member_with_mrr_before_their_first_payment_joins_the_cohort_of_that_payment_once(
    executive: Actor,
) -> None:
    """QA: a cohort read 112.5 % in its first month and its drill listed 9 members for n=8. L subscribes on 28 April
    and the first charge fails; the retry succeeds on 2 May. At April's end L has MRR but no payment, so the April
    row guessed L's cohort as April; May's row says May, and L, no newcomer any more, was left out of May's size
    while counted in its months. Now L is in no cohort until paying, then in May's, once: 100 %, n=1, one member."""
    from console.insights.rollup_money import rollup_mrr_month
    from tests.insights.money_fixture import _member, at

    book = build()
    book.ids["l"] = _member("l", "US")
    with session_scope() as s:
        late = book.sub(s, "l", "basic", at(4, 28))
        book.pay(s, "l", 1000, at(4, 28), late, status="failed")
        book.pay(s, "l", 1000, at(5, 2), late)
    with session_scope() as s:
        for month in MONTHS:
            rollup_mrr_month(s, month)
    with session_scope() as s:
        cohorts = money.cohort_retention(s, actor=executive, period=Period(MONTHS[0], date(2026, 6, 30)))
        april = money.cohort_members(s, actor=executive, cohort=MONTHS[3], month=MONTHS[3])
        may = money.cohort_members(s, actor=executive, cohort=MONTHS[4], month=MONTHS[5])
    assert dict(zip(cohorts.cohorts, cohorts.sizes, strict=True)) == {
        MONTHS[0]: 1,  # A
        MONTHS[1]: 1,  # B
        MONTHS[2]: 1,  # C
        MONTHS[4]: 1,  # L, and no April cohort (F never had MRR at a month's end; L had not paid at April's)
    }
    may_row = cohorts.matrix[cohorts.cohorts.index(MONTHS[4])]
    assert may_row[:2] == [100.0, 100.0]  # months 0 and 1 (May, June): never above 100 %
    assert all(cell is None or cell <= 100.0 for row in cohorts.matrix for cell in row)
    assert april.rows == []  # the drill lists the same members as n
    assert [(r["member_id"], r["paying"]) for r in may.rows] == [(book.ids["l"], "yes")]
