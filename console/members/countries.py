"""Every ISO 3166-1 country (alpha-2 code -> short English name), from pycountry: members' countries, videos'
countries of origin, the issuing country of an ID, and later ads targeting and billing addresses."""

from __future__ import annotations

import pycountry

# pycountry's `common_name` where it has one ("South Korea", "Taiwan", "Vietnam"), else the ISO short name.
COUNTRIES: dict[str, str] = {
    c.alpha_2: getattr(c, "common_name", None) or c.name for c in sorted(pycountry.countries, key=lambda c: c.alpha_2)
}


def country_name(code: str | None) -> str:
    if not code:
        return "—"
    return COUNTRIES.get(code, code)
