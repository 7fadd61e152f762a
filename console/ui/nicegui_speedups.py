"""Measured NiceGUI hot spots, made cheap without changing what NiceGUI does.

Every element NiceGUI builds creates three observable collections (its props, classes and style), and each asks
`nicegui.helpers.expects_arguments(self._update)`, which runs `inspect.signature` on the bound method: three
signature computations per element, the same answer every time. In a page-open profile (console/bench.py's page
measurements under cProfile) that was about a sixth of the server time of building a page. `install()` answers
bound methods from the underlying function, where the first answer is kept as an attribute (the answer does not
depend on the instance; a weak-keyed cache cost a weak reference per look-up), and leaves every other callable
(lambdas, partials, functions built per element) to NiceGUI's own helper, so nothing is kept alive by the cache.

NiceGUI's modules call the helper through the `helpers` package (`helpers.expects_arguments(...)`), so replacing
the package attribute reaches all of them; `test_page_open_cost.py` checks that the cached answer equals
NiceGUI's for the callables it sees and that an element still builds through the cache.

The second: a page's first answer carries every element as JSON, which `Client.build_response` escapes for the
HTML with `str.translate(HTML_ESCAPE_TABLE)`. A table that maps characters to several characters each takes
CPython's slow path, one dictionary lookup per character: about a millisecond for the 2257 record page's 30 KB,
on every open of every page. Five `str.replace` calls give the same text in a few hundredths of that. The client
module reaches `json.dumps` through its `json` attribute; `install()` puts a wrapper there whose `dumps` returns
the same text as a `str` subclass that answers `translate(HTML_ESCAPE_TABLE)` with the replaces (any other table:
`str.translate`).

The third: every change to an element's props, classes or style calls NiceGUI's general `events.handle_event` for
each change handler (a slot context, an argument object, an await check, per change): ~10,000 calls for 60 opens of
the staff page. For NiceGUI's own four handlers of that kind (the three `_update`s, which only mark the element for
sending, and a parent collection's `_handle_change`), `_handle_change` calls them directly; any other handler still
goes through `handle_event`. Exceptions reach `app.handle_exception` as before.

The fourth: a select's options are set as a list of `{value, label}` dicts, and NiceGUI wraps each dict in an
observable dict of its own (600 for the time zone field), though it only ever replaces the whole list. The list is
given to NiceGUI as an observable list whose items stay plain dicts: the same JSON, a fraction of the objects.
`test_page_open_cost.py` compares both with NiceGUI's own methods.

The fifth is not a server cost but what the browser waits for: a client's outbox, until its page connects, checks
every 0.1 s whether it has (`asyncio.sleep(0.1)` in `Outbox.loop`), so whatever a page draws once connected (the
table's rows, the parts drawn `later`) left up to 100 ms after the socket was up (Chromium: the catalog's first rows
~110 ms after the connection). The outbox module is given an `asyncio` whose `sleep(0.1)` also ends when a client
connects (`app.on_connect`); every other name is asyncio's own.

The sixth: while a page is being built, every new element and every change marks the element for sending
(`Outbox.enqueue_update`: a weak reference in the outbox's weak-valued dictionary, and its event set), about five
times per element; `Client.build_response` then empties those updates, because the first answer carries every
element as it is. Before the answer is built (`client._response_built`, NiceGUI's own flag for the same question in
`ui.page_title`, `ui.add_css` and `ui.add_head_html`) the update is not recorded: what is sent is the same.

The seventh: every bindable property (an element's `visible`, `text`, `value`, a timer's `interval` …) is set once
when the element is made, and NiceGUI then looks for bindings to propagate the value to: a context variable set and
reset, a visited set, a dictionary look-up, ~100 times per page. A binding is kept in `binding.bindings` under the
object's id and the property's name, so when that key is absent there is nothing to propagate to; the property is
set and registered exactly as NiceGUI does (`BindableProperty.__set__` below, compared by `test_page_open_cost.py`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from types import MethodType
from typing import Any

from nicegui import app, binding, core, events, helpers
from nicegui import client as nicegui_client
from nicegui import outbox as nicegui_outbox
from nicegui.binding import BindableProperty
from nicegui.classes import Classes
from nicegui.elements.choice_element import ChoiceElement
from nicegui.helpers import functions
from nicegui.observables import ObservableCollection, ObservableList
from nicegui.outbox import Outbox
from nicegui.props import Props
from nicegui.style import Style

_original: Callable[[Callable[..., Any]], bool] = functions.expects_arguments
_ANSWER = "_console_expects_arguments"  # the answer, kept on the method's function (it lives as long as the function)


def expects_arguments(func: Callable[..., Any]) -> bool:
    """NiceGUI's `expects_arguments`, answered once per method for bound methods."""
    if type(func) is not MethodType:
        return _original(func)
    key = func.__func__
    try:
        return bool(key.__dict__[_ANSWER])
    except KeyError:
        answer = _original(func)
        key.__dict__[_ANSWER] = answer
        return answer
    except AttributeError:  # a method whose function keeps no attributes: not cached
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


NICEGUI_HANDLE_CHANGE = ObservableCollection._handle_change
NICEGUI_UPDATE_OPTIONS = ChoiceElement._update_options


def handle_change(self: ObservableCollection) -> None:
    """`ObservableCollection._handle_change`, NiceGUI's own handlers called directly."""
    self.last_modified = time.time()
    for handler, expect_args in self._change_handlers_with_args:
        if type(handler) is MethodType and handler.__func__ in _DIRECT:
            try:
                handler()
            except Exception as exc:  # as events.handle_event does
                core.app.handle_exception(exc)
        else:
            events.handle_event(handler, events.ObservableChangeEventArguments(sender=self), expect_args=expect_args)


_DIRECT = {Props._update, Classes._update, Style._update, NICEGUI_HANDLE_CHANGE, handle_change}


class PlainItems(ObservableList):
    """An observable list (a change to the list itself still reaches the element) whose items are not wrapped."""

    def __init__(self, data: list[Any]) -> None:
        ObservableCollection.__init__(self, factory=list, data=data, on_change=None, _parent=None)


def update_options(self: ChoiceElement) -> None:
    """`ChoiceElement._update_options` with the options as `PlainItems`."""
    before_value = self.value
    self._props["options"] = PlainItems([{"value": i, "label": label} for i, label in enumerate(self._labels)])
    self._props[self.VALUE_PROP] = self._value_to_model_value(before_value)
    if not isinstance(before_value, list):  # a multiple select keeps its list
        self.value = before_value if before_value in self._values else None


UNCONNECTED_POLL = 0.1  # Outbox.loop's wait while its client has no socket
_sleepers: set[asyncio.Future[None]] = set()


class _OutboxAsyncio:
    """What `nicegui.outbox` sees as its `asyncio` module: `sleep(0.1)` ends early when a client connects."""

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)

    @staticmethod
    async def sleep(delay: float, result: Any = None) -> Any:
        if delay != UNCONNECTED_POLL:
            return await asyncio.sleep(delay, result)
        woken: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        _sleepers.add(woken)
        try:
            await asyncio.wait({woken}, timeout=delay)
        finally:
            _sleepers.discard(woken)
        return result


def wake_outboxes() -> None:
    """A client connected: the outboxes waiting for their connection look again now (the others sleep again)."""
    for woken in list(_sleepers):
        if not woken.done():
            woken.set_result(None)


NICEGUI_ENQUEUE_UPDATE = Outbox.enqueue_update
NICEGUI_BINDABLE_SET = BindableProperty.__set__


def enqueue_update(self: Outbox, element: Any) -> None:
    """`Outbox.enqueue_update`, not recorded before the client's first answer (which empties the updates)."""
    client = self._client()
    if client is not None and not getattr(client, "_response_built", False) and not client._deleted:
        return  # the answer carries the element as it is then (the flag is set in `Client.__init__`, after its layout)
    NICEGUI_ENQUEUE_UPDATE(self, element)


def bindable_set(self: BindableProperty, owner: Any, value: Any) -> None:
    """`BindableProperty.__set__`, propagating only when a binding of the property exists."""
    attribute = "___" + self.name
    current = getattr(owner, attribute, binding._MISSING)
    first = current is binding._MISSING
    changed = not first and current != value  # NiceGUI's own test (`!=`, not `==`)
    if first:
        binding._make_copyable(type(owner))
    elif not changed:
        return
    setattr(owner, attribute, value)
    key = (id(owner), (self.name,))
    binding.bindable_properties[key] = owner
    if key in binding.bindings:
        binding._propagate(owner, (self.name,))
    if changed and self._change_handler is not None:
        self._change_handler(owner, value)


def install() -> None:
    """Use the speed-ups from now on (idempotent)."""
    helpers.expects_arguments = expects_arguments  # type: ignore[attr-defined]
    if not isinstance(nicegui_client.json, _ClientJson):
        nicegui_client.json = _ClientJson(nicegui_client.json)  # type: ignore[assignment]
    ObservableCollection._handle_change = handle_change  # type: ignore[method-assign]
    ChoiceElement._update_options = update_options  # type: ignore[method-assign]
    if not isinstance(nicegui_outbox.asyncio, _OutboxAsyncio):
        nicegui_outbox.asyncio = _OutboxAsyncio()  # type: ignore[assignment]
    if wake_outboxes not in app._connect_handlers:
        app.on_connect(wake_outboxes)
    Outbox.enqueue_update = enqueue_update  # type: ignore[method-assign]
    BindableProperty.__set__ = bindable_set  # type: ignore[method-assign]


def installed() -> bool:
    return (
        helpers.expects_arguments is expects_arguments  # type: ignore[attr-defined]
        and isinstance(nicegui_client.json, _ClientJson)
        and ObservableCollection._handle_change is handle_change
        and ChoiceElement._update_options is update_options
        and isinstance(nicegui_outbox.asyncio, _OutboxAsyncio)
        and wake_outboxes in app._connect_handlers
        and Outbox.enqueue_update is enqueue_update
        and BindableProperty.__set__ is bindable_set
    )
