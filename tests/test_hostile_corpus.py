"""The Big List of Naughty Strings (tests/data/blns, MIT licence) through every service that stores text.

Each string goes into every text field of one service call. Each field must either store it exactly — after the
documented normalisation: white space and byte order marks trimmed off the ends, NFC, CR LF -> LF in multi-line
fields; read back from the database — or refuse it with a message that names the problem (the character and its
position, "is too long", "is required"); and a refused call must have written nothing.

Fast enough for both databases in CI: one test per service (not per string), one transaction per service, each
string in its own savepoint that is rolled back (so unique names never collide and nothing accumulates).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.actor import SYSTEM
from console.audit.models import AuditEvent
from console.catalog import collections, performers, series
from console.catalog import service as catalog
from console.catalog.models import Collection, Performer, Photo, Season, SocialMediaLink, Video
from console.compliance import productions, records
from console.compliance.models import Custodian, IdDocument, LegalRecord, PerformerName, Production
from console.db import session_scope
from console.errors import ValidationFailed
from console.members import service as members
from console.members.models import Member
from console.staff import service as staff
from console.staff.models import Staff
from tests.catalog.factories import make_performer, make_video
from tests.compliance.factories import create_record

CORPUS = Path(__file__).parent / "data" / "blns" / "blns.txt"
# Hostile text the file cannot hold (UTF-8 cannot encode a lone surrogate) or holds only within one line.
EXTRA = ["lone \ud800 surrogate", "line\r\nbreak", "nul\x00byte", "\u202egnp.exe", "\ufeffbom at the start"]
PHOTO = "https://img.example.com/p.jpg"
PASSWORD = "correct horse battery staple"
BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def corpus() -> list[str]:
    lines = CORPUS.read_text(encoding="utf-8").split("\n")  # not splitlines(): U+2028, U+0085 stay in their strings
    return [line for line in lines if line and not line.startswith("#")] + EXTRA


STRINGS = corpus()


@dataclass(frozen=True)
class Field:
    name: str
    max_len: int
    required: bool = True
    multiline: bool = False


def _forbidden(ch: str, multiline: bool) -> bool:
    """The documented rule (console/validation.py), written out independently."""
    code = ord(ch)
    if code < 0x20 or 0x7F <= code <= 0x9F:
        return not (ch == "\t" or (multiline and ch in "\r\n"))
    if 0xD800 <= code <= 0xDFFF or 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE:
        return True
    return not multiline and (ch in "\u2028\u2029" or ch in BIDI)


def _trim(text: str) -> tuple[str, int]:
    start, end = 0, len(text)
    while start < end and (text[start].isspace() or text[start] == "\ufeff"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] == "\ufeff"):
        end -= 1
    return text[start:end], start


def expected(text: str, spec: Field) -> tuple[str, str | None]:
    """(what is stored, None), or ("", what the refusal must say: "U+XXXX at position N" stands for the message
    naming that character at that position)."""
    trimmed, lead = _trim(text)
    for i, ch in enumerate(trimmed):
        if _forbidden(ch, spec.multiline):
            return "", f"U+{ord(ch):04X} at position {lead + i + 1}"
    stored = unicodedata.normalize("NFC", trimmed)
    if spec.multiline:
        stored = stored.replace("\r\n", "\n").replace("\r", "\n")
    if not stored and spec.required:
        return "", "is required"
    if len(stored) > spec.max_len:
        return "", f"is too long ({len(stored):,} characters; {spec.max_len:,} at most)"
    return stored, None


ANY = "any message naming the field"  # a refusal whose wording is the field's own (URLs, e-mail addresses)


def message_matches(message: str, wanted: str) -> bool:
    if wanted == ANY:
        return bool(message.strip())
    if wanted.startswith("U+"):
        code, position = wanted.split(" at ")
        return message.startswith("contains ") and f" {code} " in message and f" at {position}; remove it" in message
    return message == wanted


@dataclass
class Case:
    """One service call that stores `fields`; `read` gives back what the database holds for the new row."""

    fields: list[Field]
    call: Callable[[Session, dict[str, str]], Any]
    read: Callable[[Session, Any], dict[str, Any]]
    count: Callable[[Session], int]
    extra_rule: Callable[[str, str], str | None] = field(default=lambda _name, _value: None)
    expect: Callable[[str, Field], tuple[str, str | None]] = expected  # a field with its own rules overrides it
    min_stored: int = 101  # not vacuous: fields that refuse almost everything (URLs) say how many they store


def _row(model: Any, *columns: str) -> Callable[[Session, Any], dict[str, Any]]:
    def read(session: Session, obj: Any) -> dict[str, Any]:
        values = session.execute(select(*(getattr(model, c) for c in columns)).where(model.id == obj.id)).one()
        return dict(zip(columns, values, strict=True))

    return read


def _count(model: Any) -> Callable[[Session], int]:
    return lambda session: int(session.execute(select(func.count()).select_from(model)).scalar_one())


def _no_spaces(name: str, value: str) -> str | None:
    return "must not contain spaces" if name == "handle" and any(ch.isspace() for ch in value) else None


LEGAL_NAMES = ("legal_first_name", "legal_middle_name", "legal_last_name")
NAME_MARKS = "-\u2010'\u2019\u02bc.,\u00b7\u30fb\u200e\u200f"


def _legal_name(name: str, value: str) -> str | None:
    """A legal name: letters of any script, combining marks, spaces and NAME_MARKS (written out independently)."""
    if name not in LEGAL_NAMES:
        return None
    for i, ch in enumerate(value):
        if unicodedata.category(ch)[0] not in "LM" and unicodedata.category(ch) != "Zs" and ch not in NAME_MARKS:
            label = unicodedata.name(ch, "")
            return (
                f"may hold letters, spaces, hyphens, apostrophes and periods only: remove “{ch}” at position {i + 1} "
                f"(U+{ord(ch):04X}{', ' + label if label else ''})"
            )
    return None


def moderation_cases() -> tuple[Callable[[], Case], ...]:
    """Report descriptions, case notes, decision reasons, appeals, comments and chat messages."""
    from console.moderation.jobs import PLATFORM
    from console.moderation.models import Appeal, CaseDecision, CaseNote, ChatMessage, Comment, Report
    from console.moderation.service import appeals, content, decisions, intake
    from console.moderation.service.decisions import ActionRequest
    from console.staff.auth import staff_actor
    from tests.moderation.factories import claim, decide, member, report, stream

    def moderator() -> Any:
        with session_scope() as s:
            row, _ = staff.create_staff(
                s,
                actor=SYSTEM,
                email="corpus-mod@test.example",
                name="Corpus Mod",
                roles=["moderator"],
                password=PASSWORD,
                must_change_password=False,
            )
            return staff_actor(row)

    def report_description() -> Case:
        reporter, target = member(), member()

        def call(s: Session, v: dict[str, str]) -> Any:
            data = {"reporter_id": reporter, "target_type": "member", "target_id": target, "reason": "spam", **v}
            return s.get(Report, intake.record_report(s, actor=PLATFORM, data=data).report_id)

        return Case([Field("description", 2000, False, True)], call, _row(Report, "description"), _count(Report))

    def case_note() -> Case:
        mod, case_id = moderator(), report("member", member()).case_id
        return Case(
            [Field("body", 4000, True, True)],
            lambda s, v: decisions.add_note(s, actor=mod, case_id=case_id, **v),
            _row(CaseNote, "body"),
            _count(CaseNote),
        )

    def decision_reason() -> Case:
        mod, case_id = moderator(), report("member", member()).case_id
        claim(case_id, mod)

        def call(s: Session, v: dict[str, str]) -> Any:
            request = ActionRequest(action="warn", reason=v["reason"])
            outcome = decisions.act(s, actor=mod, case_id=case_id, request=request, expected_version=None)
            return s.get(CaseDecision, outcome.decision_id)

        return Case([Field("reason", 1000, True, True)], call, _row(CaseDecision, "reason"), _count(CaseDecision))

    def appeal_body() -> Case:
        mod, case_id = moderator(), report("member", member()).case_id
        claim(case_id, mod)
        strike = decide(case_id, mod, "warn").strike_id or 0
        return Case(
            [Field("body", 4000, True, True)],
            lambda s, v: appeals.record_appeal(s, actor=PLATFORM, strike_id=strike, **v),
            _row(Appeal, "body"),
            _count(Appeal),
        )

    def comment_body() -> Case:
        author, video_id = member(), make_video()
        return Case(
            [Field("body", 10_000, True, True)],
            lambda s, v: content.create_comment(s, actor=SYSTEM, member_id=author, video_id=video_id, **v),
            _row(Comment, "body"),
            _count(Comment),
        )

    def chat_body() -> Case:
        author, stream_id = member(), stream()
        return Case(
            [Field("body", 2000, True, True)],
            lambda s, v: content.post_chat(s, actor=SYSTEM, stream_id=stream_id, member_id=author, **v),
            _row(ChatMessage, "body"),
            _count(ChatMessage),
        )

    return (report_description, case_note, decision_reason, appeal_body, comment_body, chat_body)


def cases() -> dict[str, Callable[[], Case]]:
    """Per service: set-up (outside the corpus transaction) returning the Case."""

    def video() -> Case:
        return Case(
            [Field("title", 500), Field("description", 20_000, False, True), Field("director", 200, False)],
            lambda s, v: catalog.create_video(s, actor=SYSTEM, data=v),
            _row(Video, "title", "description", "director"),
            _count(Video),
        )

    def video_short_fields() -> Case:
        return Case(
            [Field("language", 35, False)],
            lambda s, v: catalog.create_video(s, actor=SYSTEM, data={"title": "Short fields", **v}),
            _row(Video, "language"),
            _count(Video),
        )

    def season() -> Case:
        series_id = make_video(title="A series", kind="series")
        return Case(
            [Field("title", 200, False), Field("description", 5000, False, True)],
            lambda s, v: series.add_season(s, actor=SYSTEM, series_id=series_id, data=v),
            _row(Season, "title", "description"),
            _count(Season),
        )

    def collection() -> Case:
        return Case(
            [Field("name", 120), Field("description", 5000, False, True)],
            lambda s, v: collections.create_collection(s, actor=SYSTEM, data=v),
            _row(Collection, "name", "description"),
            _count(Collection),
        )

    def performer() -> Case:
        return Case(
            [Field("name", 200), Field("bio", 10_000, False, True)],
            lambda s, v: performers.create_performer(s, actor=SYSTEM, data=v),
            _row(Performer, "name", "bio"),
            _count(Performer),
        )

    def photo_alt_text() -> Case:
        pid = make_performer()
        return Case(
            [Field("alt_text", 255, False)],
            lambda s, v: performers.add_photo(
                s, actor=SYSTEM, url=PHOTO, photo_type="performer_photo", performer_id=pid, **v
            ),
            _row(Photo, "alt_text"),
            _count(Photo),
        )

    def social_link() -> Case:
        pid = make_performer()
        return Case(
            [Field("handle", 100)],
            lambda s, v: performers.set_social_link(
                s, actor=SYSTEM, performer_id=pid, platform="instagram", handle=v["handle"], url=None
            ),
            _row(SocialMediaLink, "handle"),
            _count(SocialMediaLink),
            _no_spaces,
        )

    def legal_record() -> Case:
        pid = make_performer()
        return Case(
            [
                Field("legal_first_name", 120),
                Field("legal_middle_name", 120, False),
                Field("legal_last_name", 120),
                Field("notes", 5000, False, True),
            ],
            lambda s, v: records.create_record(
                s, actor=SYSTEM, performer_id=pid, data={"date_of_birth": date(1990, 1, 1), **v}
            ),
            _row(LegalRecord, "legal_first_name", "legal_middle_name", "legal_last_name", "notes"),
            _count(LegalRecord),
            _legal_name,
            min_stored=80,  # the corpus is mostly digits, symbols and markup, which a legal name may not hold
        )

    def other_name() -> Case:
        record_id = create_record(make_performer())
        return Case(
            [Field("name", 255)],
            lambda s, v: records.add_name(s, actor=SYSTEM, record_id=record_id, data={"kind": "alias", **v}),
            _row(PerformerName, "name"),
            _count(PerformerName),
        )

    def id_document() -> Case:
        record_id = create_record(make_performer())
        data = {"doc_type": "passport", "issuing_country": "FR", "examined_on": date(2020, 1, 2)}
        return Case(
            [Field("number", 64), Field("issuing_state", 64, False)],
            lambda s, v: records.add_document(s, actor=SYSTEM, record_id=record_id, data={**data, **v}),
            _row(IdDocument, "number", "issuing_state"),
            _count(IdDocument),
        )

    def rejection_reason() -> Case:
        record_id = create_record(make_performer())
        with session_scope() as session:  # only a record pending verification can be rejected
            rec = session.get(LegalRecord, record_id)
            assert rec is not None
            rec.status = "pending_verification"
        return Case(
            [Field("reason", 1000, True, True)],
            lambda s, v: records.reject_record(
                s, actor=SYSTEM, record_id=record_id, reason=v["reason"], expected_version=None
            ),
            lambda s, rec: {"reason": s.execute(select(LegalRecord.status_reason)).scalar_one()},
            lambda s: int(s.execute(select(func.count()).where(LegalRecord.status == "rejected")).scalar_one()),
        )

    def production() -> Case:
        video_id = make_video()
        return Case(
            [Field("producer_notes", 2000, False, True), Field("location_notes", 2000, False, True)],
            lambda s, v: productions.save_production(
                s,
                actor=SYSTEM,
                video_id=video_id,
                data={"production_date": date(2024, 1, 2), **v},
                expected_version=None,
            )[0],
            _row(Production, "producer_notes", "location_notes"),
            _count(Production),
        )

    def custodian() -> Case:
        return Case(
            [Field("name", 200), Field("title", 200), Field("business_address", 1000, True, True), Field("hours", 300)],
            lambda s, v: productions.set_custodian(s, actor=SYSTEM, data=v, expected_version=None),
            _row(Custodian, "name", "title", "business_address", "hours"),
            _count(Custodian),
        )

    def staff_account() -> Case:
        with session_scope() as session:  # renamed, not created: creating hashes a password (argon2) each time
            staff_id = staff.create_staff(
                session, actor=SYSTEM, email="blns@test.example", name="Before", roles=["content"], password=PASSWORD
            )[0].id
        return Case(
            [Field("name", 120)],
            lambda s, v: staff.update_profile(s, actor=SYSTEM, staff_id=staff_id, **v),
            _row(Staff, "name"),
            lambda s: int(s.execute(select(func.count()).where(Staff.name != "Before")).scalar_one()),
        )

    def member() -> Case:
        return Case(
            [Field("display_name", 80)],
            lambda s, v: members.create_member(s, actor=SYSTEM, email="blns@example.com", username="blns", **v),
            _row(Member, "display_name"),
            _count(Member),
        )

    return {f.__name__: f for f in (video, video_short_fields, season, collection, performer, photo_alt_text,
            social_link, legal_record, other_name, id_document, rejection_reason, production, custodian,
            staff_account, member, *moderation_cases())}  # fmt: skip


@pytest.mark.parametrize("service", list(cases()))
def test_every_naughty_string_is_stored_exactly_or_refused_by_name(service: str) -> None:
    run_case(cases()[service]())


def run_case(case: Case, strings: list[str] = STRINGS) -> None:
    """Every string through `case` in its own savepoint of one transaction (the module's text)."""
    problems: list[str] = []
    outcomes = {"stored": 0, "refused": 0}
    with session_scope() as session:
        rows_before = case.count(session)
        events_before = _count(AuditEvent)(session)
        for text in strings:
            wanted = {f.name: case.expect(text, f) for f in case.fields}
            for f in case.fields:
                stored, why = wanted[f.name]
                if why is None and (rule := case.extra_rule(f.name, stored)) is not None:
                    wanted[f.name] = ("", rule)
            refusals = {name: why for name, (_, why) in wanted.items() if why is not None}
            savepoint = session.begin_nested()
            try:
                obj = case.call(session, {f.name: text for f in case.fields})
                session.flush()
                got = case.read(session, obj)
                outcomes["stored"] += 1
                if refusals:
                    problems.append(f"{text!r}: stored although {refusals}")
                for f in case.fields:
                    want = wanted[f.name][0]
                    if got[f.name] != want and not (want == "" and got[f.name] is None):  # optional: "" or NULL
                        problems.append(f"{text!r}: {f.name} stored as {got[f.name]!r}, not {want!r}")
            except ValidationFailed as exc:
                outcomes["refused"] += 1
                if case.count(session) != rows_before:
                    problems.append(f"{text!r}: a refused call wrote a row")
                if exc.errors.keys() != refusals.keys() or not all(
                    message_matches(exc.errors[k], refusals[k]) for k in refusals
                ):
                    problems.append(f"{text!r}: refused with {exc.errors}, expected {refusals}")
            finally:
                savepoint.rollback()
        assert case.count(session) == rows_before
        assert _count(AuditEvent)(session) == events_before
    assert problems == [], f"{len(problems)} of {len(strings)} strings:\n" + "\n".join(problems[:20])
    assert outcomes["stored"] >= case.min_stored and outcomes["refused"] >= len(EXTRA) - 1, outcomes  # not vacuous
