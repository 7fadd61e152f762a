"""The audit log in words: every action the console writes has words, and the words read as a person would say."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from console.audit.words import action_words, field_words, known_action_words, subject_words
from console.moderation.service.decision_base import ACTION_LABELS as MODERATION_ACTIONS
from tests.audit.test_event_kinds import written_actions

# The actions written through an f-string (the event-kinds scan skips those): each value the f-string can take.
FORMATTED = {
    *(f"ad.{verb}" for verb in ("approve", "reject", "pause", "resume", "end")),
    *(f"appeal.{verb}" for verb in ("overturn", "uphold")),
    *(f"case.{action}" for action in MODERATION_ACTIONS),
}


CONSOLE = Path(__file__).resolve().parents[2] / "console"
CODE = re.compile(r"^[a-z_]+\.[a-z_]+$")
NOT_ACTIONS = {"records.pdf", "records.retention_years"}  # a file name and a setting's key


def passed_through() -> set[str]:
    """The codes handed to a helper that writes the event (`_change(..., "payout.hold")`, a table of outcomes, the
    demo builder's `b.add(row, "plan.create", …)`): every code-like literal in a module that writes events, whose
    first part is an entity that has events."""
    prefixes = {a.split(".")[0] for a in written_actions()} | {"credit", "payout", "plan"}
    found = set()
    for path in CONSOLE.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        if "import record" not in source and "b.add(" not in source:
            continue
        for node in ast.walk(ast.parse(source)):
            code = node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else ""
            if CODE.match(code) and code.split(".")[0] in prefixes:
                found.add(code)
    return found - NOT_ACTIONS


def test_every_action_the_console_writes_has_words() -> None:
    actions = written_actions() | FORMATTED | passed_through()
    assert len(actions) > 100  # the scan found the writers
    missing = sorted(a for a in actions if known_action_words(a) is None)
    assert missing == [], f"add words for these to console/audit/words.py: {missing}"


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("legal_record.amend", "2257 record amended"),
        ("legal_record.id_add", "2257 record: ID added"),
        ("auth.login", "Signed in"),
        ("ad.claim", "Ad taken for review"),
        ("member.create", "Member created"),
        ("made.up_code", "made.up_code"),  # an unknown code is shown as stored, never guessed at
    ],
)
def test_action_words(code: str, words: str) -> None:
    assert action_words(code) == words


def test_subject_words() -> None:
    assert subject_words("legal_record", "812") == "2257 record #812"
    assert subject_words("system_config", "maintenance") == "Setting maintenance"
    assert subject_words("moderation_case", None) == "Case"
    assert subject_words("new_thing", "3") == "New thing #3"


@pytest.mark.parametrize(
    ("field", "words"),
    [
        ("claimed_by_id", "Claimed by"),  # a staff id: the details show the name
        ("assignee_id", "Assignee"),
        ("video_id", "Video ID"),
        ("budget_cents", "Budget (cents)"),  # the value shown is the stored number of cents
        ("cpm_bid_cents", "CPM bid (cents)"),
        ("hls_url", "HLS URL"),
        ("is_active", "Active"),
        ("legal_first_name", "Legal first name"),
        ("sha256", "SHA-256"),
        ("id", "ID"),
        ("_", "_"),  # nothing to say: as stored
    ],
)
def test_field_words(field: str, words: str) -> None:
    assert field_words(field) == words
