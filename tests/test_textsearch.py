"""Accent- and case-insensitive search ("amelie", "AMÉLIE" and "Amelie" find "Amélie") on both databases: video
titles, performer names, legal and other names in the 2257 index, depictions, member usernames; and the folded
columns kept on every write path (ORM insert and update, bulk load)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from console.actor import SYSTEM, Actor
from console.bulkload import bulk_load
from console.catalog import performers as performer_service
from console.catalog import service as catalog
from console.catalog import transfer
from console.catalog.models import Performer, Video
from console.compliance import index, records
from console.compliance.models import LegalRecord, PerformerName
from console.db import session_scope, utcnow
from console.errors import ValidationFailed
from console.members import service as members
from console.paging import PageRequest
from tests.catalog.factories import make_performer, make_video
from tests.compliance.factories import cast_video, create_record, save_production

SPELLINGS = ["amelie", "AMÉLIE", "Amelie", "amélie", "Ame\u0301lie", "  améLIE "]
PAGE = PageRequest(1, 25)


@pytest.fixture
def staff(make_staff: Callable[..., tuple[int, str]], actor_for: Callable[[int], Actor]) -> Actor:
    staff_id, _ = make_staff("admin")
    return actor_for(staff_id)


def video_titles(actor: Actor, search: str) -> list[str]:
    with session_scope() as session:
        page = catalog.list_videos(session, actor=actor, flt=catalog.VideoFilter(search=search), page=PAGE)
        return sorted(v.title for v in page.rows)


def performer_names(actor: Actor, search: str) -> list[str]:
    with session_scope() as session:
        flt = performer_service.PerformerFilter(search=search)
        return sorted(p.name for p in performer_service.list_performers(session, actor=actor, flt=flt, page=PAGE).rows)


def index_names(actor: Actor, search: str) -> list[str]:
    with session_scope() as session:
        return sorted(e.legal_name for e in index.legal_name_index(session, actor=actor, page=PAGE, search=search).rows)


def test_video_titles_are_found_whatever_the_accents_and_case(staff: Actor) -> None:
    make_video(title="Le Fabuleux Destin d'Amélie Poulain")
    make_video(title="STRASSE DER NACHT")
    make_video(title="Amelia Earhart")  # close, but another name
    for term in SPELLINGS:
        assert video_titles(staff, term) == ["Le Fabuleux Destin d'Amélie Poulain"], term
    assert video_titles(staff, "straße") == ["STRASSE DER NACHT"]
    assert video_titles(staff, "destin d'amelie") == ["Le Fabuleux Destin d'Amélie Poulain"]


def test_a_changed_title_is_found_by_its_new_words_only(staff: Actor) -> None:
    video_id = make_video(title="Amélie")
    with session_scope() as session:
        catalog.update_video(
            session, actor=SYSTEM, video_id=video_id, data={"title": "Zoë", "slug": "zoe"}, expected_version=None
        )
    assert video_titles(staff, "ZOE") == ["Zoë"]
    assert video_titles(staff, "amelie") == []


def test_performer_names_are_found_in_the_directory_and_the_catalog(staff: Actor) -> None:
    amelie = make_performer("Amélie Núñez")
    make_performer("Amelia Nunes")
    cast_video([amelie], title="A night out")
    for term in SPELLINGS:
        assert performer_names(staff, term) == ["Amélie Núñez"], term
        assert video_titles(staff, term) == ["A night out"], term
    assert performer_names(staff, "NUNEZ") == ["Amélie Núñez"]


def test_legal_names_other_names_and_stage_names_are_found_in_the_2257_index(staff: Actor) -> None:
    create_record(make_performer("Stage One"), legal_first_name="Amélie", legal_last_name="Dupré")
    create_record(make_performer("Søren Stage"), legal_first_name="Kim", legal_last_name="Lí")
    third = create_record(
        make_performer("Third"), legal_first_name="Ann", legal_middle_name="Zoë", legal_last_name="Ng"
    )
    with session_scope() as session:
        records.add_name(session, actor=SYSTEM, record_id=third, data={"name": "Mélodie Noire", "kind": "alias"})
    for term in SPELLINGS:
        assert index_names(staff, term) == ["Dupré, Amélie"], term
    assert index_names(staff, "DUPRE, amelie") == ["Dupré, Amélie"]
    assert index_names(staff, "li") == ["Lí, Kim"]  # a two-letter surname, accent and all
    assert index_names(staff, "soren") == ["Lí, Kim"]  # the stage name
    assert index_names(staff, "zoe") == ["Ng, Ann Zoë"]  # the middle name
    assert index_names(staff, "MELODIE") == ["Ng, Ann Zoë"]  # another name


def test_depictions_are_found_by_title_in_the_2257_index(staff: Actor) -> None:
    video_id = cast_video([make_performer()], title="Café Crème")
    save_production(video_id)
    cast_video([make_performer()], title="Cafeteria")
    with session_scope() as session:
        found = index.depiction_index(session, actor=staff, page=PAGE, search="CAFE CREME")
    assert [e.title for e in found.rows] == ["Café Crème"]


def test_member_usernames_are_found_from_an_accented_name_and_e_mails_as_typed(staff: Actor) -> None:
    with session_scope() as session:
        members.create_member(
            session, actor=SYSTEM, email="amelie@example.com", username="amelie_p", display_name="Amélie P."
        )
        members.create_member(session, actor=SYSTEM, email="bob@example.com", username="bob", display_name="Bob")

    def usernames(search: str) -> list[str]:
        with session_scope() as session:
            flt = members.MemberFilter(search=search)
            return [m.username for m in members.list_members(session, actor=staff, flt=flt, page=PAGE).rows]

    assert usernames("Amélie") == ["amelie_p"]
    assert usernames("AMELIE_") == ["amelie_p"]
    assert usernames("@amelie@") == ["amelie_p"]  # "@" + an address: e-mail only
    assert usernames("\u200d") == []  # nothing left to search for after folding: no username matches


@pytest.mark.parametrize(
    ("search", "message"),
    [
        ("a\x00b", "contains the control character U+0000 (NULL) at position 2; remove it"),
        ("\u200b\u200b\u200b", "needs at least 3 characters"),  # invisible: nothing to search for
    ],
)
def test_a_search_that_cannot_be_run_is_refused_with_its_reason(staff: Actor, search: str, message: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        video_titles(staff, search)
    assert exc.value.errors == {"search": message}
    assert exc.value.message.startswith("Search ")  # a sentence, not "search: ..."


def test_folded_columns_are_kept_on_insert_update_and_bulk_load() -> None:
    record_id = create_record(make_performer("Åsa"), legal_first_name="Jürgen", legal_last_name="Groß")
    with session_scope() as session:
        rec = session.get(LegalRecord, record_id)
        assert rec is not None and rec.legal_name_search == "jurgen gross"
        rec.legal_middle_name = "Émile"
        session.flush()
        assert rec.legal_name_search == "jurgen emile gross"
        assert session.execute(select(Performer.name_search).where(Performer.name == "Åsa")).scalar_one() == "asa"
        records.add_name(session, actor=SYSTEM, record_id=record_id, data={"name": "ÉLAN", "kind": "alias"})
    with session_scope() as session:
        assert session.execute(select(PerformerName.name_search)).scalar_one() == "elan"
    now = utcnow()
    columns = ["name", "slug", "is_active", "video_count", "created_at", "updated_at", "version"]
    rows: list[dict[str, Any]] = [
        dict(zip(columns, [f"Bülk Lœd {i}", f"bulk-{i}", True, 0, now, now, 1], strict=True)) for i in range(3)
    ]
    assert bulk_load(Performer, columns, rows, rebuild_indexes=False) == 3
    with session_scope() as session:
        loaded = session.execute(select(Performer.name_search).where(Performer.slug.like("bulk-%"))).scalars().all()
        assert sorted(loaded) == ["bulk loed 0", "bulk loed 1", "bulk loed 2"]
        assert session.execute(select(Video.id)).first() is None


def test_imported_titles_are_found_folded_on_create_and_on_update(staff: Actor) -> None:
    def commit(csv: str) -> None:
        with session_scope() as session:
            frame = transfer.read_table(csv.encode(), "videos.csv")
            report = transfer.commit(session, actor=SYSTEM, frame=frame, all_or_nothing=True)
            assert report.errors == []

    commit("slug,title\ncafe,Café Crème\n")
    assert video_titles(staff, "CAFE CREME") == ["Café Crème"]
    commit("slug,title\ncafe,Crème Brûlée\n")  # the same slug: an update
    assert video_titles(staff, "brulee") == ["Crème Brûlée"]
    assert video_titles(staff, "cafe creme") == []


def test_members_are_found_by_number(staff: Actor) -> None:
    """A member's number finds them ("#126" only that member; "126" that member and any e-mail or username starting
    so); the search found nothing for a number before."""
    with session_scope() as session:
        first = members.create_member(
            session, actor=SYSTEM, email="first@example.com", username="first", display_name="First"
        )
        members.create_member(
            session, actor=SYSTEM, email=f"{first.id}x@example.com", username="xray", display_name="X"
        )
        first_id = first.id

    def emails(search: str) -> list[str]:
        with session_scope() as session:
            flt = members.MemberFilter(search=search)
            return sorted(m.email for m in members.list_members(session, actor=staff, flt=flt, page=PAGE).rows)

    assert emails(f"#{first_id}") == ["first@example.com"]
    assert emails(str(first_id)) == sorted(["first@example.com", f"{first_id}x@example.com"])
    assert emails("#99999999") == [] and emails("#abc") == [] and emails("#" + "9" * 30) == []


def test_members_are_found_by_words_of_their_display_name(staff: Actor) -> None:
    """Staff often have a name only (a ticket, a chargeback): every word typed is in the display name, ignoring case
    and accents, in any order; a two-letter word is a whole word (Li finds "Li Wei", not "Olivia"); one letter
    searches no names; "@..." is a handle and an e-mail prefix is not a name."""
    with session_scope() as session:
        for email, username, name in (
            ("ap@example.com", "amelie_p", "Amélie Poulain"),
            ("zz@example.com", "zed", "Björn Ångström-Ølund"),
            ("lw@example.com", "weili", "Li Wei"),
            ("ol@example.com", "olly", "Olivia Martin"),
            ("jp@example.com", "jpark", "박지성"),
        ):
            members.create_member(session, actor=SYSTEM, email=email, username=username, display_name=name)

    def names(search: str) -> list[str]:
        with session_scope() as session:
            flt = members.MemberFilter(search=search)
            page = members.list_members(session, actor=staff, flt=flt, page=PAGE)
            return sorted(m.display_name for m in page.rows)

    assert names("POULAIN") == ["Amélie Poulain"]
    assert names("poulain amelie") == names("Amélie Pou") == ["Amélie Poulain"]
    assert names("angstrom olund") == ["Björn Ångström-Ølund"]
    assert names("li") == ["Li Wei"]  # a whole word: not Olivia
    assert names("liv") == ["Olivia Martin"]
    assert names("박지성") == ["박지성"]
    assert names("amelie martin") == []  # every word must be in the one name
    assert names("o") == ["Olivia Martin"]  # one letter: the username/e-mail prefix only ("olly"), no name search
    assert names("@poulain") == []  # a handle: e-mail or username
    assert names("100%") == [] and names("a_b") == []  # LIKE characters are text, not wildcards


def test_member_search_patterns_are_planned_as_written(staff: Actor) -> None:
    """Bound LIKE patterns get PostgreSQL's generic plan after a few runs of a prepared statement: it cannot see that
    "%zzzz%" matches nothing and walked a million members in date order (0.9 s; the bench's e-mail search went from
    3.5 to 99 ms). The patterns are written into the SQL, quoted, so each search is planned for its own text."""
    from sqlalchemy import event

    from console.db import get_engine

    statements: list[tuple[str, Any]] = []

    def seen(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        statements.append((statement, parameters))

    engine = get_engine()
    event.listen(engine, "before_cursor_execute", seen)
    try:
        with session_scope() as session:
            flt = members.MemberFilter(search="o'bri")
            members.list_members(session, actor=staff, flt=flt, page=PAGE)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    listing = [(s, p) for s, p in statements if "FROM members" in s and "display_name_search" in s]
    assert listing, statements
    for statement, parameters in listing:
        written = statement.replace("%%", "%")  # psycopg's paramstyle doubles a literal %
        assert "'%o''bri%'" in written  # quoted as a literal, not a placeholder
        assert "%o'bri%" not in str(parameters)
        if engine.dialect.name == "postgresql":
            assert "'o''bri%'" in written and "o'bri" not in str(parameters)  # the e-mail and username prefixes too
