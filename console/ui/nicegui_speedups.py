"""One measured NiceGUI hot spot, made cheap without changing what NiceGUI does.

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
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from types import MethodType
from typing import Any

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


def install() -> None:
    """Use the cached helper from now on (idempotent)."""
    helpers.expects_arguments = expects_arguments  # type: ignore[attr-defined]


def installed() -> bool:
    return helpers.expects_arguments is expects_arguments  # type: ignore[attr-defined]
