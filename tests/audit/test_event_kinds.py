"""Changes, jobs and reads: the lists of read and routine job actions, the server-side kind filter, and guards that
every action written in console/ that reads like a read, or like a job's run, is on its list (and every listed action
is written somewhere)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from console.audit.models import JOB_ACTIONS, READ_ACTIONS
from console.audit.service import AuditFilter, is_read, list_events, record
from console.compliance import records
from console.db import session_scope
from console.errors import ValidationFailed
from console.paging import PageRequest
from tests.audit.test_chain import READER, staff

CONSOLE = Path(__file__).resolve().parents[2] / "console"
# What an action named for looking, downloading or exporting looks like (a change never ends like this).
READ_LIKE = re.compile(r"(^|[._])(view|read|export|download)$")  # not "open": case.open opens a case
# What a scheduled job's own run looks like; a failed or abandoned run is not routine and stays among the changes.
JOB_LIKE = re.compile(r"[._](rollup|sweep)(_[a-z]+)?$")
NOT_ROUTINE = {"compliance.sweep_abandoned"}
WRITERS = {"record", "audit"}  # console.audit.service.record, imported as `audit` in some modules

# A 2257 record opened and exported between changes: the order they were written in, newest last.
SPEC = [
    ("c1", "legal_record.create"),
    ("r1", "legal_record.view"),
    ("c2", "legal_record.amend"),
    ("r2", "compliance.export"),
    ("c3", "auth.login"),  # a sign-in is a change (a session starts): the auditor's default view shows it
    ("r3", "legal_record.scan_download"),
    ("j1", "insights.rollup"),  # the insights job's run: under "Jobs", not among the changes
    ("c4", "video.update"),
    ("j2", "compliance.sweep"),
]


def _strings(node: ast.AST) -> set[str]:
    return {leaf.value for leaf in ast.walk(node) if isinstance(leaf, ast.Constant) and isinstance(leaf.value, str)}


def written_actions() -> set[str]:
    """Every literal action string passed to the audit writer in console/, directly, through a conditional, or
    through a name assigned one (a module constant such as worklist's VIEW_ACTION, a local `action = "a" if … else
    "b"`); f-strings are skipped."""
    trees = [ast.parse(path.read_text(encoding="utf-8")) for path in CONSOLE.rglob("*.py")]
    named: dict[str, set[str]] = {}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant | ast.IfExp):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        named.setdefault(target.id, set()).update(_strings(node.value))
    found: set[str] = set()
    for tree in trees:
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            if name not in WRITERS:
                continue
            for arg in [*node.args[2:3], *(k.value for k in node.keywords if k.arg == "action")]:
                if isinstance(arg, ast.Name):
                    found.update(named.get(arg.id, set()))
                elif not isinstance(arg, ast.JoinedStr):
                    found.update(_strings(arg))
    return {action for action in found if "." in action}


def test_every_read_like_action_written_is_classified_as_a_read() -> None:
    written = written_actions()
    assert {"legal_record.view", "video.update", "auth.login"} <= written  # the scan finds the writers
    read_like = {a for a in written if READ_LIKE.search(a)}
    assert read_like - READ_ACTIONS == set(), "add these to console/audit/models.READ_ACTIONS"
    assert READ_ACTIONS - written == set(), "READ_ACTIONS names an action nothing writes"


def test_every_job_like_action_written_is_classified_as_a_job_or_named_as_not_routine() -> None:
    written = written_actions()
    assert {"insights.rollup", "ad_stats.rollup", "compliance.sweep_abandoned"} <= written  # the scan finds them
    job_like = {a for a in written if JOB_LIKE.search(a)}
    assert job_like - JOB_ACTIONS - NOT_ROUTINE == set(), "add these to console/audit/models.JOB_ACTIONS"
    assert JOB_ACTIONS - written == set(), "JOB_ACTIONS names an action nothing writes"
    assert JOB_ACTIONS.isdisjoint(READ_ACTIONS)


def test_reads_and_changes() -> None:
    assert is_read("legal_record.scan_view") and is_read("insights.export")
    assert not is_read("legal_record.scan_add") and not is_read("auth.login") and not is_read("legal_record")
    # a legal record's own history narrows the same list
    assert set(records.READ_ACTIONS) == {"legal_record.view", "legal_record.scan_view", "legal_record.scan_download"}


@pytest.fixture
def mixed_events() -> dict[int, str]:
    names: dict[int, str] = {}
    with session_scope() as session:
        for name, action in SPEC:
            row = record(session, staff("alice@a.example"), action, action.split(".")[0], 1)
            session.flush()
            names[row.id] = name
    return names


def listed(names: dict[int, str], flt: AuditFilter, page: PageRequest | None = None) -> tuple[list[str], int]:
    with session_scope() as session:
        result = list_events(session, actor=READER, flt=flt, page=page or PageRequest(1, 50))
        return [names[r.id] for r in result.rows], result.total


def test_kind_filters_on_the_server(mixed_events: dict[int, str]) -> None:
    assert listed(mixed_events, AuditFilter(kind="changes")) == (["c4", "c3", "c2", "c1"], 4)
    assert listed(mixed_events, AuditFilter(kind="jobs")) == (["j2", "j1"], 2)
    assert listed(mixed_events, AuditFilter(kind="reads")) == (["r3", "r2", "r1"], 3)
    every = ["j2", "c4", "j1", "r3", "c3", "r2", "c2", "r1", "c1"]
    assert listed(mixed_events, AuditFilter(kind="all")) == (every, 9)
    assert listed(mixed_events, AuditFilter())[1] == 9  # a service caller gets everything unless it asks


def test_kind_pages_and_combines_with_the_other_filters(mixed_events: dict[int, str]) -> None:
    assert listed(mixed_events, AuditFilter(kind="changes"), PageRequest(2, 3)) == (["c1"], 4)
    assert listed(mixed_events, AuditFilter(kind="reads"), PageRequest(1, 2)) == (["r3", "r2"], 3)
    assert listed(mixed_events, AuditFilter(kind="changes", action="legal_record.")) == (["c2", "c1"], 2)
    assert listed(mixed_events, AuditFilter(kind="reads", action="legal_record.")) == (["r3", "r1"], 2)
    assert listed(mixed_events, AuditFilter(kind="reads", action="video.")) == ([], 0)
    assert listed(mixed_events, AuditFilter(kind="jobs", action="insights.")) == (["j1"], 1)


def test_an_unknown_kind_is_refused(mixed_events: dict[int, str]) -> None:
    with session_scope() as session, pytest.raises(ValidationFailed) as caught:
        list_events(session, actor=READER, flt=AuditFilter(kind="secrets"), page=PageRequest())  # type: ignore[arg-type]
    assert caught.value.errors == {"kind": "must be changes, jobs, reads or all"}
