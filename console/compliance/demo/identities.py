"""A demo performer's legal identity: names by country, date of birth, the IDs examined, made up from the
performer's id so every run makes the same people."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from console.compliance.demo.values import ALIASES, NATIONAL_ID_COUNTRIES, NICKNAMES, US_STATES
from console.demo_data import PEOPLE


@dataclass
class Identity:
    country: str
    first: str
    middle: str | None
    last: str
    dob: date
    names: list[dict[str, Any]]
    documents: list[dict[str, Any]]
    from_paper_files: bool


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _identity(performer_id: int, stage_name: str, today: date) -> Identity:
    """A plausible legal identity (names fitting a country, some unicode), an adult on every production date:
    the first ID was examined 3 to 6.5 years ago, before any demo production; some hold a second, later ID."""
    rng = random.Random(performer_id * 1_000_003 + 2257)
    country, firsts, lasts, _ = PEOPLE[rng.randrange(len(PEOPLE))]
    first, last = rng.choice(firsts), rng.choice(lasts)
    middle = rng.choice(firsts) if rng.random() < 0.3 else None
    if middle == first:
        middle = None
    dob = today - timedelta(days=rng.randrange(26 * 365, 46 * 365))
    names: list[dict[str, Any]] = [{"name": stage_name, "kind": "stage"}]
    roll = rng.random()
    if roll < 0.35:
        names.append({"name": rng.choice(ALIASES), "kind": "alias"})
    elif roll < 0.55:
        names.append({"name": rng.choice(NICKNAMES), "kind": "nickname"})
    if rng.random() < 0.2:
        maiden = rng.choice([n for n in lasts if n != last])
        married = _years_before(today, rng.randrange(2, 9))
        names.append({"name": f"{first} {maiden}", "kind": "maiden", "used_to": married})
    elif rng.random() < 0.05:
        names.append({"name": f"{rng.choice(firsts)} {last}", "kind": "previous_legal"})
    examined = today - timedelta(days=rng.randrange(1100, 2400))
    issued = examined - timedelta(days=rng.randrange(30, 700))
    documents = [
        {
            "doc_type": "passport",
            "number": f"{country}{rng.randrange(10**7, 10**8)}",
            "issuing_country": country,
            "issue_date": issued,
            "expiry_date": issued + timedelta(days=3652),
            "examined_on": examined,
        }
    ]
    if rng.random() < 0.4:
        examined2 = today - timedelta(days=rng.randrange(200, 1000))
        kind = "national_id" if country in NATIONAL_ID_COUNTRIES else "drivers_licence"
        documents.append(
            {
                "doc_type": kind,
                "number": f"{'D' if kind == 'drivers_licence' else 'N'}{rng.randrange(10**8, 10**9)}",
                "issuing_country": country,
                "issuing_state": rng.choice(US_STATES) if country == "US" else None,
                "issue_date": examined2 - timedelta(days=rng.randrange(10, 300)),
                "expiry_date": examined2 + timedelta(days=rng.randrange(4 * 365, 9 * 365)),
                "examined_on": examined2,
            }
        )
    return Identity(country, first, middle, last, dob, names, documents, from_paper_files=rng.random() < 0.3)
