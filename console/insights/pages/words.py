"""The words a chart's legend shows for a series: services name series by the values they group on ("ppv",
"standard/stripe", "requested_by_customer"), which is also the key a click on the chart drills down by; the legend
and the hover show these words instead, and the key travels with each trace (`meta.series`)."""

from __future__ import annotations

WORDS = {
    "ppv": "Pay-per-view",
    "tip": "Tips",
    "tip platform fee": "Tip platform fee",
    "comp": "complimentary",
    "stripe": "Stripe",
    "apple": "Apple",
    "google": "Google",
    "sandbox": "Sandbox",
    "past SLA": "Past SLA",
}


def series_label(name: str) -> str:
    """Words for a series name: known codes by the table above, "plan/provider" as "Plan · provider", codes in
    lower case (with underscores) as a sentence; anything else (country codes, names, "MRR") as it is."""
    if name in WORDS:
        return WORDS[name]
    plan, slash, provider = name.rpartition("/")
    if slash and plan and provider:
        return f"{series_label(plan)} · {WORDS.get(provider, provider)}"
    if name and name == name.lower() and name[0].isalpha():
        return name.replace("_", " ").capitalize()
    return name
