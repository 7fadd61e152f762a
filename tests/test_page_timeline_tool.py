"""tools/page_timeline.py wraps three functions of the page layer by name: a rename must fail here, not in the
middle of someone's measurement."""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from pathlib import Path

import pytest

from console.actor import ClientInfo

TOOL = Path(__file__).resolve().parent.parent / "tools" / "page_timeline.py"


def test_the_timeline_wraps_what_the_page_layer_has(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # the tool sets these for its own process when it is imported: restored after the test
    monkeypatch.setenv("NICEGUI_STORAGE_PATH", os.environ.get("NICEGUI_STORAGE_PATH", str(tmp_path)))
    monkeypatch.setenv("PYTEST_CURRENT_TEST", os.environ.get("PYTEST_CURRENT_TEST", "timeline"))
    page, session = importlib.import_module("console.ui.page"), importlib.import_module("console.ui.session")
    originals = (session._resolve, session.AuthMiddleware.dispatch, page._framed)
    for owner, name in ((session, "_resolve"), (session.AuthMiddleware, "dispatch"), (page, "_framed")):
        monkeypatch.setattr(owner, name, getattr(owner, name))  # restored after the test
    spec = importlib.util.spec_from_file_location("page_timeline", TOOL)
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "page_timeline", tool)
    spec.loader.exec_module(tool)
    tool._instrument()
    wrapped = (session._resolve, session.AuthMiddleware.dispatch, page._framed)
    assert all(now is not before for now, before in zip(wrapped, originals, strict=True))
    tool.marks.clear()
    assert session._resolve(None, ClientInfo()) is None  # the wrapped function still answers as the original
    assert "session resolved" in tool.marks
