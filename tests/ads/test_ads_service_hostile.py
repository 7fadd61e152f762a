"""Hostile advertiser text (a sample of the Big List of Naughty Strings, tests/data/blns, plus what the file cannot
hold) through every ads text field: each string is stored exactly as typed after the documented normalisation
(console/validation.py: trimmed, NFC, CR LF -> LF in notes) and read back from the database, or refused with a
message naming the problem; a refusal writes nothing. One transaction per field, each string in a savepoint that
is rolled back."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.actor import SYSTEM, Actor
from console.ads.models import Ad, AdCampaign, AdDomainBlock, Advertiser
from console.ads.service import ads, advertisers, blocklist, campaigns, review
from console.audit.models import AuditEvent
from console.db import session_scope
from console.errors import ValidationFailed
from console.validation import clean_text
from tests.ads import factories as f

CORPUS = Path(__file__).parents[1] / "data" / "blns" / "blns.txt"
EXTRA = ["lone \ud800 surrogate", "line\r\nbreak", "nul\x00byte", "\u202egnp.exe", "\ufeffbom", "<script>x</script>"]


def sample() -> list[str]:
    lines = CORPUS.read_text(encoding="utf-8").split("\n")  # not splitlines(): U+2028 stays inside its string
    strings = [line for line in lines if line and not line.startswith("#")]
    return strings[::7] + EXTRA  # every 7th string: all the file's sections, fast on both databases


STRINGS = sample()


def _audits(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(AuditEvent)).scalar_one())


def _through(
    field: str,
    max_len: int,
    call: Callable[[Session, str], int],
    read: Callable[[Session, int], str | None],
    *,
    multiline: bool = False,
    required: bool = True,
) -> None:
    """Each string through `call` (returns the new row's id) in a savepoint; stored == cleaned, or refused naming
    `field` with the same message the validation gives, and nothing written."""
    stored = refused = 0
    with session_scope() as session:
        for text in STRINGS:
            expected_errors: dict[str, str] = {}
            expected = clean_text(text, field, expected_errors, max_len=max_len, multiline=multiline, required=required)
            savepoint = session.begin_nested()
            audits = _audits(session)
            try:
                row_id = call(session, text)
            except ValidationFailed as exc:
                assert expected_errors, f"{text!r} refused: {exc.errors}"
                assert exc.errors.get(field) == expected_errors[field], (text, exc.errors)
                assert _audits(session) == audits
                refused += 1
            else:
                assert not expected_errors, f"{text!r} stored despite {expected_errors}"
                session.expire_all()
                assert read(session, row_id) == expected, text
                stored += 1
            finally:
                savepoint.rollback()
    assert stored > 20 and refused >= (2 if multiline else 4), (stored, refused)


def _scalar(session: Session, column: Any, model: Any, row_id: int) -> str | None:
    return session.execute(select(column).where(model.id == row_id)).scalar_one()


def test_advertiser_names(ops: Actor) -> None:
    _through(
        "name",
        advertisers.NAME_MAX,
        lambda s, t: advertisers.create_advertiser(s, actor=ops, name=t).id,
        lambda s, i: _scalar(s, Advertiser.name, Advertiser, i),
    )


def test_campaign_names(ops: Actor) -> None:
    advertiser_id = f.advertiser()

    def call(session: Session, text: str) -> int:
        return campaigns.create_campaign(
            session,
            actor=ops,
            advertiser_id=advertiser_id,
            name=text,
            budget_cents=10_000,
            cpm_bid_cents=100,
            starts_on=f.today(),
            ends_on=f.today(),
        ).id

    _through("name", campaigns.NAME_MAX, call, lambda s, i: _scalar(s, AdCampaign.name, AdCampaign, i))


def test_ad_names(ops: Actor) -> None:
    campaign_id = f.campaign()

    def call(session: Session, text: str) -> int:
        return ads.create_ad(
            session,
            actor=ops,
            campaign_id=campaign_id,
            name=text,
            type="banner",
            format="rectangle",
            click_url="https://shop.example.com/",
            creative_url="https://cdn.example.com/b.png",
        ).id

    _through("name", ads.NAME_MAX, call, lambda s, i: _scalar(s, Ad.name, Ad, i))


def test_rejection_notes(reviewer: Actor) -> None:
    ad = f.submitted(f.banner())

    def call(session: Session, text: str) -> int:
        return review.reject_ad(
            session, actor=reviewer, ad_id=ad.id, version=None, reasons=["misleading"], note=text
        ).id

    _through(
        "note",
        review.NOTE_MAX,
        call,
        lambda s, i: _scalar(s, Ad.rejection_note, Ad, i) or "",
        multiline=True,
        required=False,
    )


def test_blocklist_reasons(reviewer: Actor) -> None:
    counter = iter(range(10_000))

    def call(session: Session, text: str) -> int:
        return blocklist.add_domain(session, actor=reviewer, domain=f"d{next(counter)}.example", reason=text).id

    _through(
        "reason",
        blocklist.REASON_MAX,
        call,
        lambda s, i: _scalar(s, AdDomainBlock.reason, AdDomainBlock, i),
        multiline=True,
    )


@pytest.mark.parametrize("text", ["", "   ", "\u200b"])
def test_names_that_say_nothing_are_required(text: str) -> None:
    if text == "\u200b":  # a zero-width space is a format character, allowed like other text people write
        assert f.advertiser(SYSTEM, name=text)
        return
    with pytest.raises(ValidationFailed) as refused:
        f.advertiser(SYSTEM, name=text)
    assert refused.value.errors == {"name": "is required"}
