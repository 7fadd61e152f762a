"""The console's own NiceGUI element classes keep their state in attributes NiceGUI does not use: SearchedSelect
once kept its last search in `_text`, which NiceGUI draws as the element's text, so the typed search showed up
inside the field beside the input."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

from nicegui.element import Element

import console

ASSIGNED = re.compile(r"self\.(_\w+)\s*(?::[^=\n]+)?=")


def _all_subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    for sub in list(found):
        found |= _all_subclasses(sub)
    return found


def _assigned(cls: type) -> set[str]:
    try:
        return set(ASSIGNED.findall(inspect.getsource(cls)))
    except (OSError, TypeError):
        return set()


def test_console_element_classes_do_not_reuse_nicegui_attribute_names() -> None:
    for module in pkgutil.walk_packages(console.__path__, "console."):
        if module.name != "console.main":  # the entry point builds the app when imported
            importlib.import_module(module.name)
    ours = [cls for cls in _all_subclasses(Element) if cls.__module__.startswith("console.")]
    assert {cls.__name__ for cls in ours} >= {"SearchedSelect", "ColourField"}
    for cls in ours:
        nicegui_names: set[str] = set()
        for base in cls.__mro__[1:]:
            if base.__module__.startswith("nicegui"):
                nicegui_names |= _assigned(base)
        assert "_text" in nicegui_names  # the scan sees NiceGUI's own names
        clash = _assigned(cls) & nicegui_names
        assert not clash, f"{cls.__module__}.{cls.__name__} sets NiceGUI's {sorted(clash)}"
