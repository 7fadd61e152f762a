"""The README's definitions block is the one the page shows: a changed definition must be regenerated into it."""

from __future__ import annotations

from pathlib import Path

from console.insights import definitions

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_holds_every_definition_as_generated() -> None:
    text = README.read_text(encoding="utf-8")
    start, end = text.index(definitions.README_START), text.index(definitions.README_END)
    block = text[start : end + len(definitions.README_END)]
    assert block == definitions.markdown(), "README definitions are stale: run `python3 run.py insights definitions`"


def test_every_metric_has_a_definition_under_one_tab() -> None:
    found = definitions.all_definitions()
    keys = [key for _, key, _ in found]
    assert len(keys) == len(set(keys))
    assert {"gross", "mrr", "subscriber_churn", "ltv", "cohorts", "hotness", "ads", "sla_breaches"} <= set(keys)
    assert all(len(text) > 20 for _, _, text in found)
