"""Two measured NiceGUI hot spots, made cheap without changing what NiceGUI does.

Every element NiceGUI builds creates three observable collections (its props, classes and style), and each asks
`nicegui.helpers.expects_arguments(self._update)`, which runs `inspect.signature` on the bound method: three
signature computations per element, the same answer every time. In a page-open profile (console/bench.py's page
measurements under cProfile) that was about a sixth of the server time of building a page. `install()` answers
bound methods from a cache keyed by the underlying function (the answer does not depend on the instance) and
leaves every other callable (lambdas, partials, functions built per element) to NiceGUI's own helper, so nothing
built per page is kept alive by the cache.

NiceGUI's modules call the helper through the `helpers` package (`helpers.expects_arguments(...)`), so replacing
the package attribute reaches all of them; `test_nicegui_speedups.py` checks that the cached answer equals
NiceGUI's for the callables it sees and that an element still builds through the cache.

The second: a page's first answer carries every element as JSON, which `Client.build_response` escapes for the
HTML with `str.translate(HTML_ESCAPE_TABLE)`. A table that maps characters to several characters each takes
CPython's slow path, one dictionary lookup per character: about a millisecond for the 2257 record page's 30 KB,
on every open of every page. Five `str.replace` calls give the same text in a few hundredths of that. The client
module reaches `json.dumps` through its `json` attribute; `install()` puts a wrapper there whose `dumps` returns
the same text as a `str` subclass that answers `translate(HTML_ESCAPE_TABLE)` with the replaces (any other table:
`str.translate`).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from types import MethodType
from typing import Any

from nicegui import client as nicegui_client
from nicegui import helpers
from nicegui.helpers import functions

_original: Callable[[Callable[..., Any]], bool] = functions.expects_arguments
_bound: weakref.WeakKeyDictionary[Any, bool] = weakref.WeakKeyDictionary()


def expects_arguments(func: Callable[..., Any]) -> bool:
    """NiceGUI's `expects_arguments`, answered once per method for bound methods."""
    if type(func) is not MethodType:
        return _original(func)
    key = func.__func__
    try:
        return _bound[key]
    except KeyError:
        answer = _bound[key] = _original(func)
        return answer
    except TypeError:  # a method object that takes no weak reference: not cached
        return _original(func)


_ESCAPE_TABLE: dict[int, str] = nicegui_client.HTML_ESCAPE_TABLE
# NiceGUI's own table as (character, entity) pairs, "&" first so the entities' own "&" is not escaped again.
_ESCAPES = sorted(((chr(code), str(entity)) for code, entity in _ESCAPE_TABLE.items()), key=lambda e: e[0] != "&")


def html_escape(text: str) -> str:
    """`text.translate(HTML_ESCAPE_TABLE)`, as chained replaces."""
    for char, entity in _ESCAPES:
        if char in text:
            text = text.replace(char, entity)
    return text


class EscapableJson(str):
    """JSON text whose `translate` with NiceGUI's escape table takes the fast way; otherwise a plain `str`."""

    __slots__ = ()

    def translate(self, table: Any) -> str:
        return html_escape(str(self)) if table is _ESCAPE_TABLE else str.translate(self, table)


class _ClientJson:
    """What `nicegui.client` sees as its `json` module: the same functions, `dumps` answering `EscapableJson`."""

    def __init__(self, module: Any) -> None:
        self.module = module

    def dumps(self, *args: Any, **kwargs: Any) -> str:
        return EscapableJson(self.module.dumps(*args, **kwargs))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.module, name)


def install() -> None:
    """Use the cached helper and the fast escape from now on (idempotent)."""
    helpers.expects_arguments = expects_arguments  # type: ignore[attr-defined]
    if not isinstance(nicegui_client.json, _ClientJson):
        nicegui_client.json = _ClientJson(nicegui_client.json)  # type: ignore[assignment]


def installed() -> bool:
    return helpers.expects_arguments is expects_arguments and isinstance(  # type: ignore[attr-defined]
        nicegui_client.json, _ClientJson
    )
