"""The problem cases the demo plants, and the made-up values (custodian, aliases, nicknames, states, producers,
locations) the demo and scale seeds draw from."""

from __future__ import annotations

from console.compliance.models import CHECKLIST

CASES = (
    "no_record",
    "incomplete_no_id",
    "incomplete_no_scan",
    "pending",
    "pending_system",
    "rejected",
    "under_age",
    "examined_after",
)


MIN_PERFORMERS = 3 * len(CASES)  # smaller catalogs (quick tests) get verified records only


EXPIRING_IN_DAYS = 21


ALL_CHECKED = dict.fromkeys(CHECKLIST, True)


CUSTODIAN = {
    "name": "Dana Whitfield",
    "title": "Custodian of Records",
    "business_address": "StreamVerse Media LLC\n1200 Harbor Boulevard, Suite 400\nLos Angeles, CA 90017\nUnited States",
    "hours": "Monday to Friday, 9:00 am to 5:00 pm Pacific time (except federal holidays)",
}


ALIASES = [
    "Lexi Moon",
    "Zoë Starling",
    "Bianca Noir",
    "Mía Cortés",
    "Jolie Åkesson",
    "Dani Fox",
    "Ren Takahashi",
    "Léa Marchand",
    "Kasia Wróbel",
    "Nico Valentin",
    "Honey Rae",
    "Ana Luísa",
    "Björk Lind",
    "Chloé Amour",
    "Sunny Blaze",
    "Jasmine Ōta",
]


NICKNAMES = ["Lexi", "Zo", "Bee", "Mimi", "Jojo", "Kit", "Sunny", "Rae", "Nico", "Lulu", "Dani", "Sasha", "Noé"]


US_STATES = ["CA", "NV", "FL", "NY", "TX", "AZ", "OR", "WA", "IL", "GA"]


NATIONAL_ID_COUNTRIES = {"DE", "FR", "ES", "NL", "SE", "PL"}


PRODUCERS = ["Northlight Studios", "Velvet Lane Productions", "Harbor & Pine Media", "Studio Ninety-One"]


LOCATIONS = ["Los Angeles, CA", "Las Vegas, NV", "Miami, FL", "Budapest, Hungary", "Prague, Czech Republic"]
