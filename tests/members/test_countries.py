"""Countries come from pycountry: all of ISO 3166-1, for members, videos and the IDs of 2257 records."""

from __future__ import annotations

import pycountry
import pytest

from console.actor import SYSTEM
from console.catalog import service as catalog
from console.compliance import records
from console.db import session_scope
from console.errors import ValidationFailed
from console.members import service as members
from console.members.countries import COUNTRIES, country_name
from tests.catalog.factories import make_performer
from tests.compliance.factories import create_record, document_data


def test_every_iso_3166_country_is_known_by_its_common_name() -> None:
    assert set(COUNTRIES) == {c.alpha_2 for c in pycountry.countries}
    assert len(COUNTRIES) >= 249
    assert (country_name("BT"), country_name("KR"), country_name("TW")) == ("Bhutan", "South Korea", "Taiwan")
    assert (country_name(None), country_name("XX")) == ("—", "XX")


def test_countries_outside_the_old_list_are_accepted_everywhere_and_unknown_codes_refused() -> None:
    with session_scope() as session:
        member = members.create_member(
            session, actor=SYSTEM, email="b@example.com", username="bhutan", display_name="B", country="bt"
        )
        video = catalog.create_video(session, actor=SYSTEM, data={"title": "Thimphu", "country": "BT"})
        assert (member.country, video.country) == ("BT", "BT")
    record_id = create_record(make_performer())
    with session_scope() as session:
        doc = records.add_document(session, actor=SYSTEM, record_id=record_id, data=document_data(issuing_country="MN"))
        assert doc.issuing_country == "MN"
    with pytest.raises(ValidationFailed) as exc, session_scope() as session:
        catalog.create_video(session, actor=SYSTEM, data={"title": "Nowhere", "country": "XX"})
    assert exc.value.errors == {"country": "is not a known country code"}
