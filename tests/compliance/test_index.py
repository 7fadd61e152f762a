"""The cross-reference index: by legal name (last, first), every other name and every depiction per record,
search by any name (legal, stage, alias; unicode; several words), one audited event per page, refused for
non-compliance roles; the reverse index from a depiction to its performers."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from console.actor import SYSTEM, Actor
from console.audit.models import AuditEvent
from console.catalog import service as video_service
from console.compliance import index, productions, records
from console.compliance.fixtures import verified_record
from console.db import session_scope
from console.errors import Forbidden, ValidationFailed
from console.paging import PageRequest
from tests.catalog.factories import audit_mark, events_since, make_performer, make_publishable_video, make_video


def legal_record(
    stage: str,
    *,
    first: str,
    last: str,
    middle: str | None = None,
    names: tuple[tuple[str, str], ...] = (),
    dob: date = date(1990, 5, 17),
    verify: bool = False,
) -> tuple[int, int]:
    """A performer (stage name) with a legal record and other names; optionally verified. (performer, record)."""
    performer_id = make_performer(stage)
    with session_scope() as session:
        rec = records.create_record(
            session,
            actor=SYSTEM,
            performer_id=performer_id,
            data={
                "legal_first_name": first,
                "legal_middle_name": middle,
                "legal_last_name": last,
                "date_of_birth": dob,
            },
        )
        for name, kind in names:
            records.add_name(session, actor=SYSTEM, record_id=rec.id, data={"name": name, "kind": kind})
        if verify:
            verified_record(session, performer_id)
        return performer_id, rec.id


def video_with(performer_ids: list[int], *, title: str, production_date: date = date(2020, 6, 1)) -> int:
    """A draft video with the performers linked and a production (their records get verified)."""
    video_id = make_publishable_video(performers=performer_ids, title=title)
    if production_date != date(2020, 6, 1):
        with session_scope() as session:
            productions.save_production(
                session,
                actor=SYSTEM,
                video_id=video_id,
                data={"production_date": production_date},
                expected_version=None,
            )
    return video_id


def page_of(actor: Actor, search: str | None = None, *, page: int = 1, size: int = 25, **kw: Any) -> Any:
    with session_scope() as session:
        return index.legal_name_index(session, actor=actor, page=PageRequest(page, size), search=search, **kw)


def legal_names(result: Any) -> list[str]:
    return [e.legal_name for e in result.rows]


@pytest.fixture
def officer(actor_with: Any) -> Actor:
    return actor_with("compliance")


def test_index_is_ordered_by_last_name_then_first_name_then_record(officer: Actor) -> None:
    legal_record("Ruby", first="Anna", last="Smith")
    legal_record("Jade", first="Zed", last="Adams")
    legal_record("Opal", first="Aaron", last="Smith")
    legal_record("Onyx", first="Carl", last="Brown", middle="Thomas")
    legal_record("Onyx Two", first="Carl", last="Brown")
    result = page_of(officer)
    assert legal_names(result) == [
        "Adams, Zed",
        "Brown, Carl Thomas",
        "Brown, Carl",
        "Smith, Aaron",
        "Smith, Anna",
    ]
    assert result.total == 5 and not result.estimated
    # Same last and first name: the record created first comes first (ties by id).
    assert [e.stage_name for e in result.rows[1:3]] == ["Onyx", "Onyx Two"]


def test_index_pages_on_the_server(officer: Actor) -> None:
    for i, last in enumerate(["Evans", "Clark", "Adams", "Davis", "Baker"]):
        legal_record(f"Stage {i}", first="Pat", last=last)
    first = page_of(officer, size=2)
    second = page_of(officer, page=2, size=2)
    third = page_of(officer, page=3, size=2)
    assert [e.legal_last_name for e in first.rows] == ["Adams", "Baker"]
    assert [e.legal_last_name for e in second.rows] == ["Clark", "Davis"]
    assert [e.legal_last_name for e in third.rows] == ["Evans"]
    assert first.total == second.total == third.total == 5


def test_each_entry_has_stage_name_other_names_status_and_every_depiction(officer: Actor) -> None:
    performer_id, record_id = legal_record(
        "Velvet Rain",
        first="Jane",
        middle="Q",
        last="Doe",
        names=(("Janie D", "alias"), ("Jane Roe", "maiden")),
    )
    first = video_with([performer_id], title="Summer Shoot", production_date=date(2021, 7, 4))
    second = video_with([performer_id], title="Winter Shoot", production_date=date(2019, 1, 2))
    make_video(title="Unrelated")
    [entry] = page_of(officer).rows
    assert entry.record_id == record_id and entry.performer_id == performer_id
    assert entry.legal_name == "Doe, Jane Q"
    assert entry.stage_name == "Velvet Rain"
    assert entry.status == "verified"  # make_publishable_video verified the record
    assert [(n.name, n.kind) for n in entry.other_names] == [("Jane Roe", "maiden"), ("Janie D", "alias")]
    # Oldest production first, each with title, identifier, URL and date of production.
    assert [(d.video_id, d.title, d.production_date) for d in entry.depictions] == [
        (second, "Winter Shoot", date(2019, 1, 2)),
        (first, "Summer Shoot", date(2021, 7, 4)),
    ]
    assert entry.depictions[0].url == f"/catalog/{second}"
    assert entry.depictions[0].slug == "winter-shoot"
    assert entry.depiction_total == 2


def test_a_video_without_a_production_is_still_a_depiction_of_its_performers(officer: Actor) -> None:
    performer_id, _ = legal_record("Linked Only", first="Lee", last="Park")
    video_id = make_video(title="No production yet")
    with session_scope() as session:
        video_service.set_performers(session, actor=SYSTEM, video_id=video_id, performer_ids=[performer_id])
    [entry] = page_of(officer).rows
    assert [(d.video_id, d.production_date) for d in entry.depictions] == [(video_id, None)]


def test_depictions_per_entry_are_capped_on_a_page_with_the_total_kept(officer: Actor) -> None:
    performer_id, record_id = legal_record("Busy", first="Bea", last="Busy")
    videos = [video_with([performer_id], title=f"Shoot {i}") for i in range(3)]
    with session_scope() as session:
        capped = index.depictions_of(session, [record_id], cap=2)
        full = index.depictions_of(session, [record_id])
    assert [d.video_id for d in capped[record_id][0]] == videos[:2] and capped[record_id][1] == 3
    assert [d.video_id for d in full[record_id][0]] == videos and full[record_id][1] == 3


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("Velvet", ["Doe, Jane"]),  # stage name (the performer's profile name)
        ("janie", ["Doe, Jane"]),  # alias, any case
        ("Roe", ["Doe, Jane"]),  # maiden name
        ("doe", ["Doe, Jane"]),  # legal last name
        ("Quinn", ["Doe, Jane"]),  # legal middle name
        ("Zoë", ["Ångström, Zoë"]),  # unicode legal first name
        ("Ångström", ["Ångström, Zoë"]),
        ("Мария", ["Ångström, Zoë"]),  # a Cyrillic alias
        ("Li", ["Li, Wei"]),  # two letters are enough (short surnames)...
        ("an", []),  # ...but they match a whole word of a name, not a fragment (Jane, Ångström)
        ("Rain", ["Doe, Jane"]),  # a word of a stage name
        ("Doe, Jane", ["Doe, Jane"]),  # several words: every word must match some name
        ("Jane Velvet", ["Doe, Jane"]),
        ("Jane Ångström", []),
        ("100%", []),  # LIKE wildcards are literal
        ("a_b", []),
    ],
)
def test_search_finds_a_record_by_any_of_its_names(officer: Actor, term: str, expected: list[str]) -> None:
    legal_record(
        "Velvet Rain", first="Jane", middle="Quinn", last="Doe", names=(("Janie D", "alias"), ("Jane Roe", "maiden"))
    )
    legal_record("Nordic Star", first="Zoë", last="Ångström", names=(("Мария", "alias"),))
    legal_record("Jade Moon", first="Wei", last="Li")
    legal_record("Other", first="Sam", last="Stone")
    names = legal_names(page_of(officer, term))
    assert names == [n.replace("Doe, Jane", "Doe, Jane Quinn") for n in expected]


def test_search_lists_a_record_once_even_when_several_names_match(officer: Actor) -> None:
    legal_record("Rose Red", first="Rose", last="Rosen", names=(("Rosie", "nickname"), ("Rose R", "alias")))
    result = page_of(officer, "ros")
    assert legal_names(result) == ["Rosen, Rose"] and result.total == 1


@pytest.mark.parametrize("term", ["a", " x ", "a" * 201])
def test_bad_searches_are_refused_with_a_message(officer: Actor, term: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        page_of(officer, term)
    assert "search" in caught.value.errors


def test_status_filter(officer: Actor) -> None:
    legal_record("Done", first="Ada", last="Verified", verify=True)
    legal_record("Todo", first="Bo", last="Incomplete")
    assert legal_names(page_of(officer, status="verified")) == ["Verified, Ada"]
    assert legal_names(page_of(officer, status="incomplete")) == ["Incomplete, Bo"]
    with pytest.raises(ValidationFailed):
        page_of(officer, status="nonsense")


def test_every_page_load_or_search_writes_one_audit_event(officer: Actor) -> None:
    _, first = legal_record("Velvet Rain", first="Jane", last="Doe")
    _, second = legal_record("Jade Moon", first="Wei", last="Li")
    mark = audit_mark()
    page_of(officer)
    page_of(officer, "velvet")
    events = events_since(mark)
    assert [(e.action, e.entity, e.actor_id) for e in events] == [
        ("compliance.index_view", "compliance_index", officer.staff_id),
        ("compliance.index_view", "compliance_index", officer.staff_id),
    ]
    assert events[0].after["search"] is None and events[0].after["record_ids"] == [first, second]
    assert events[1].after["search"] == "velvet" and events[1].after["record_ids"] == [first]
    assert events[1].reason == "search: velvet"


@pytest.mark.parametrize("role", ["content", "moderator", "finance", "executive", "ads"])
def test_other_roles_are_refused_and_nothing_is_logged_as_read(actor_with: Any, role: str) -> None:
    performer_id, _ = legal_record("Velvet Rain", first="Jane", last="Doe")
    video_id = video_with([performer_id], title="Shoot")
    actor = actor_with(role)
    mark = audit_mark()
    with pytest.raises(Forbidden):
        page_of(actor)
    with session_scope() as session, pytest.raises(Forbidden):
        index.depiction_index(session, actor=actor, page=PageRequest())
    with session_scope() as session, pytest.raises(Forbidden):
        index.depiction_performers(session, actor=actor, video_id=video_id)
    assert events_since(mark) == []


def test_admin_may_read_the_index(admin: Actor) -> None:
    legal_record("Velvet Rain", first="Jane", last="Doe")
    assert legal_names(page_of(admin)) == ["Doe, Jane"]


# --- the reverse index ----------------------------------------------------------------------------------------


def test_reverse_index_lists_each_performer_of_a_depiction(officer: Actor) -> None:
    older, older_record = legal_record("Velvet Rain", first="Jane", last="Doe", dob=date(1990, 5, 17))
    younger, younger_record = legal_record("Jade Moon", first="Wei", last="Li", dob=date(2001, 6, 2))
    video_id = video_with([older, younger], title="Duet", production_date=date(2020, 6, 1))
    mark = audit_mark()
    with session_scope() as session:
        entry = index.depiction_performers(session, actor=officer, video_id=video_id)
    assert (entry.video_id, entry.title, entry.production_date, entry.url) == (
        video_id,
        "Duet",
        date(2020, 6, 1),
        f"/catalog/{video_id}",
    )
    by_stage = {c.stage_name: c for c in entry.performers}
    assert [c.stage_name for c in entry.performers] == ["Velvet Rain", "Jade Moon"]  # billing order
    jane, wei = by_stage["Velvet Rain"], by_stage["Jade Moon"]
    assert (jane.record_id, jane.legal_name, jane.status, jane.age_on_production) == (
        older_record,
        "Doe, Jane",
        "verified",
        30,
    )
    assert (wei.record_id, wei.legal_name, wei.age_on_production) == (younger_record, "Li, Wei", 18)
    assert (jane.id_type, jane.id_number, jane.id_country) == ("passport", f"P{older:08d}", "US")
    assert jane.id_examined_on == date(2015, 1, 10)
    [event] = events_since(mark)
    assert (event.action, event.entity, event.entity_id) == ("compliance.index_view", "video", str(video_id))
    assert sorted(event.after["record_ids"]) == sorted([older_record, younger_record])


def test_reverse_index_shows_a_performer_without_a_record(officer: Actor) -> None:
    performer_id = make_performer("No Paperwork")
    video_id = make_video(title="Unchecked")
    with session_scope() as session:
        video_service.set_performers(session, actor=SYSTEM, video_id=video_id, performer_ids=[performer_id])
        entry = index.depiction_performers(session, actor=officer, video_id=video_id)
    [member] = entry.performers
    assert (member.stage_name, member.record_id, member.legal_name, member.status) == ("No Paperwork", None, None, None)
    assert entry.production_date is None


def test_depiction_index_pages_videos_that_have_a_production(officer: Actor) -> None:
    jane, _ = legal_record("Velvet Rain", first="Jane", last="Doe")
    wei, _ = legal_record("Jade Moon", first="Wei", last="Li")
    first = video_with([jane], title="Solo")
    second = video_with([jane, wei], title="Duet Night")
    make_video(title="No production")
    mark = audit_mark()
    with session_scope() as session:
        result = index.depiction_index(session, actor=officer, page=PageRequest(1, 25))
        found = index.depiction_index(session, actor=officer, page=PageRequest(1, 25), search="duet")
        by_id = index.depiction_index(session, actor=officer, page=PageRequest(1, 25), search=f"#{first}")
        by_slug = index.depiction_index(session, actor=officer, page=PageRequest(1, 25), search="Duet-Night")
    assert [e.video_id for e in result.rows] == [first, second] and result.total == 2
    assert [[c.legal_name for c in e.performers] for e in result.rows] == [["Doe, Jane"], ["Doe, Jane", "Li, Wei"]]
    assert [e.video_id for e in found.rows] == [second]
    assert [e.video_id for e in by_id.rows] == [first]
    assert [e.video_id for e in by_slug.rows] == [second]
    assert [e.action for e in events_since(mark)] == ["compliance.index_view"] * 4
    with session_scope() as session, pytest.raises(ValidationFailed):
        index.depiction_index(session, actor=officer, page=PageRequest(), search="du")


def test_index_reads_leave_no_other_trace(officer: Actor) -> None:
    legal_record("Velvet Rain", first="Jane", last="Doe")
    mark = audit_mark()
    page_of(officer)
    with session_scope() as session:
        actions = session.execute(select(AuditEvent.action).where(AuditEvent.id > mark)).scalars().all()
    assert actions == ["compliance.index_view"]
